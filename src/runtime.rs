//! Runs effects off the UI path and turns their results into messages.
//! Local effects (search, cache reads, re-reading a folder) are plain
//! functions, so tests can run them inline; the TUI runs them on tokio's
//! blocking pool.

use crate::catalog::cache::Cache;
use crate::effect::Effect;
use crate::msg::{Msg, SyncEvent};
use crate::search::{run, Query};
use crate::source::{load_catalog, refresh_files, unix_now, Source};
use std::sync::Arc;

/// Carry out a local effect now and return the messages it produces.
pub fn run_local(effect: Effect, source: &Source) -> Vec<Msg> {
    match effect {
        // Switching needs the config's instances: the app's runner does it.
        Effect::Quit | Effect::SwitchSource { .. } => Vec::new(),
        Effect::WarmSearch { catalog } => {
            crate::search::columns::warm(&catalog);
            Vec::new()
        }
        Effect::Search { generation, query, catalog, only_owners } => {
            let mut hits = run(&catalog, &Query::parse(&query));
            if let Some(owners) = only_owners {
                hits.retain(|h| owners.contains(&catalog.at(h.idx).owner));
            }
            vec![Msg::SearchDone { generation, hits: Arc::new(hits) }]
        }
        Effect::LoadEntity { key } => {
            let raw = Cache::open(&source.cache_path()).ok().and_then(|c| c.raw(&key).ok().flatten());
            vec![Msg::EntityLoaded { key, raw }]
        }
        Effect::Sync { full } => sync_files(source, full),
        Effect::Docs(docs) => crate::docs::runtime::run_blocking(docs, source),
    }
}

/// Re-read a folder source. Reports like a network sync so the UI treats both alike.
fn sync_files(source: &Source, full: bool) -> Vec<Msg> {
    let Some(root) = source.files_root() else {
        return Vec::new();
    };
    let started = std::time::Instant::now();
    let mut out = vec![Msg::Sync(SyncEvent::Started { full })];
    let result = Cache::open(&source.cache_path()).and_then(|mut cache| {
        let refresh = refresh_files(&mut cache, source, root, unix_now(), full)?;
        let loaded = if refresh.reloaded { Some(load_catalog(&cache)?) } else { None };
        Ok((refresh, loaded))
    });
    match result {
        Ok((refresh, loaded)) => {
            if let Some((catalog, info)) = loaded {
                out.push(Msg::CatalogLoaded { catalog: Arc::new(catalog), info });
            }
            out.push(Msg::Sync(SyncEvent::Done {
                added: refresh.stats.added,
                changed: refresh.stats.changed,
                removed: refresh.stats.removed,
                elapsed_ms: started.elapsed().as_millis() as u64,
            }));
        }
        Err(err) => out.push(Msg::Sync(SyncEvent::Failed { message: err.to_string(), offline: false })),
    }
    out
}
