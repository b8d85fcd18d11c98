//! Effects: what update asks the outside world to do. They run off the UI
//! path (blocking pool or async tasks) and report back as messages.

use crate::catalog::Catalog;
use std::sync::Arc;

#[derive(Debug)]
pub enum Effect {
    Quit,
    /// Build a fresh catalog's search columns off the UI thread, so the
    /// first field term typed does not pay for them.
    WarmSearch {
        catalog: Arc<Catalog>,
    },
    /// Run a query; the result carries the generation so stale ones are dropped.
    Search {
        generation: u64,
        query: String,
        catalog: Arc<Catalog>,
        /// "Owned by me": keep only entities whose owner is in this set.
        only_owners: Option<Arc<std::collections::HashSet<String>>>,
    },
    /// Read one entity's raw document from the cache.
    LoadEntity {
        key: String,
    },
    /// Refresh from the source: re-read a folder, or sync a Backstage.
    Sync {
        full: bool,
    },
    /// Switch to another configured instance (or `demo`): its cache, then a sync.
    SwitchSource {
        name: String,
    },
    /// Runbooks and docs: discovery, page loads, copy, browser, server search.
    Docs(crate::docs::effects::DocsEffect),
}
