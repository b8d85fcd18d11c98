//! What the doc viewer asks of the outside world, and what comes back.
//! Wrapped in one `Effect::Docs` / `Msg::Docs` variant each, so the shared
//! enums stay small.

use super::discover::Runbook;
use super::layout::Page;
use super::model::ParsedDoc;
use super::search::SearchPage;
use super::target::DocTarget;
use crate::catalog::Catalog;
use serde_json::Value;
use std::sync::Arc;

#[derive(Debug)]
pub enum DocsEffect {
    /// Find an entity's runbooks and doc pages.
    FindRunbooks {
        request: u64,
        entity: String,
        /// The entity's JSON when the page already has it; else read from the cache.
        raw: Option<Value>,
        annotations: Vec<String>,
    },
    /// Load, read and lay out a page (live, else from the cache).
    Load { request: u64, target: DocTarget, anchor: Option<String>, width: u16 },
    /// The cached copy of a page, if any: shown at once while `Load` runs
    /// (over a slow or dead network the runbook is there without waiting).
    LoadCached { request: u64, target: DocTarget, anchor: Option<String>, width: u16 },
    /// Lay a page out again at a new width.
    Layout { request: u64, doc: Arc<ParsedDoc>, width: u16 },
    /// Launch the local browser.
    OpenBrowser { url: String },
    /// Search the Backstage search index (or, for a folder, the local catalog and docs).
    Search { generation: u64, query: String, cursor: Option<String>, catalog: Arc<Catalog> },
}

/// Where the shown page came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Read from disk just now.
    Local,
    /// Fetched from the server just now.
    Live,
    /// From the offline cache, fetched at `fetched_at`, because of `reason`
    /// (empty while the live page is still loading).
    Cached { fetched_at: i64, reason: String },
}

#[derive(Debug, Clone)]
pub struct LoadedDoc {
    /// The page as loaded (a local link to `runbook` may land on `runbook.md`).
    pub target: DocTarget,
    pub doc: Arc<ParsedDoc>,
    pub page: Arc<Page>,
    pub origin: Origin,
    pub anchor: Option<String>,
}

#[derive(Debug)]
pub enum DocsMsg {
    RunbooksFound {
        request: u64,
        entity: String,
        runbooks: Vec<Runbook>,
        /// Something worth telling (docs from cache, docs unreachable).
        note: Option<String>,
    },
    Loaded {
        request: u64,
        result: Result<LoadedDoc, String>,
    },
    LaidOut {
        request: u64,
        page: Arc<Page>,
    },
    SearchDone {
        generation: u64,
        /// True when this page continues the results already shown.
        more: bool,
        result: Result<SearchPage, String>,
    },
}
