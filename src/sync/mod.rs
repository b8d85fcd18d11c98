//! Bringing the cache up to date from the source, as a background task that
//! reports progress and results as messages.

pub mod backstage;

use crate::catalog::cache::Cache;
use crate::msg::{Msg, SyncEvent};
use crate::source::{load_catalog, refresh_files, unix_now, Source};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Sync the source into its cache; every outcome arrives as a message.
pub async fn run_sync(source: &Source, full: bool, tx: &UnboundedSender<Msg>) {
    match source {
        Source::Demo(_) | Source::Dir(_) => {
            let source = source.clone();
            let msgs = tokio::task::spawn_blocking(move || sync_files(&source, full)).await.unwrap_or_default();
            for msg in msgs {
                let _ = tx.send(msg);
            }
        }
        Source::Instance(instance) => backstage::sync_to_channel(source, instance, None, full, tx).await,
    }
}

/// Re-read a folder source. Reports like a network sync so the UI treats both alike.
pub fn sync_files(source: &Source, full: bool) -> Vec<Msg> {
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
