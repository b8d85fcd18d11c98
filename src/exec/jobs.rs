//! What each job does. One async function per effect; CPU and disk work go
//! to the blocking pool, network work stays on the task.

use super::context::{JobContext, Outbox};
use crate::catalog::cache::Cache;
use crate::effect::Effect;
use crate::msg::{Level, Msg};
use crate::search::Query;
use crate::source::{load_catalog, Source};
use std::sync::Arc;

/// Run one job; every result leaves through `out`.
pub async fn run(effect: Effect, cx: Arc<JobContext>, out: Outbox) {
    match effect {
        Effect::Quit | Effect::SwitchSource { .. } | Effect::Terminal(_) => {}
        Effect::WarmSearch { catalog } => {
            cpu(move || crate::search::columns::warm(&catalog)).await;
        }
        Effect::Search { generation, query, catalog, only_owners } => {
            let hits = cpu(move || {
                let mut hits = crate::search::run(&catalog, &Query::parse(&query));
                if let Some(owners) = only_owners {
                    hits.retain(|h| owners.contains(&catalog.at(h.idx).owner));
                }
                hits
            })
            .await;
            if let Some(hits) = hits {
                out.send(Msg::SearchDone { generation, hits: Arc::new(hits) });
            }
        }
        Effect::LoadEntity { key } => {
            let path = cx.source.cache_path();
            let (key2, raw) = (key.clone(), cpu(move || Cache::open(&path).ok()?.raw(&key).ok().flatten()).await);
            out.send(Msg::EntityLoaded { key: key2, raw: raw.flatten() });
        }
        Effect::LoadCatalog => {
            let path = cx.source.cache_path();
            match cpu(move || Cache::open(&path).and_then(|c| load_catalog(&c))).await {
                Some(Ok((catalog, info))) => out.send(Msg::CatalogLoaded { catalog: Arc::new(catalog), info }),
                Some(Err(err)) => out.send(Msg::Toast(Level::Error, err.to_string())),
                None => {}
            }
        }
        Effect::Sync { full } => sync(&cx, full, &out).await,
        Effect::BlastRadius { root, catalog } => {
            let root2 = root.clone();
            if let Some(blast) = cpu(move || crate::catalog::graph::blast_radius(&catalog, &root)).await {
                out.send(Msg::BlastRadius { root: root2, blast: Arc::new(blast) });
            }
        }
        Effect::ResolveOpen { text, catalog } => {
            let text2 = text.clone();
            let key = cpu(move || {
                catalog.get(&text).map(|s| s.key.clone()).or_else(|| {
                    let hits = crate::search::run(&catalog, &Query::parse(&text));
                    hits.first().map(|h| catalog.at(h.idx).key.clone())
                })
            })
            .await;
            out.send(Msg::OpenResolved { text: text2, key: key.flatten() });
        }
        Effect::LocateForEdit { key } => {
            let path = cx.source.cache_path();
            let found = cpu(move || super::edit::locate(&path, &key)).await;
            match found {
                Some(Ok(target)) => out.send(Msg::EditReady(target)),
                Some(Err(why)) => out.send(Msg::Toast(Level::Warn, why)),
                None => {}
            }
        }
        Effect::Scaffolder(effect) => super::scaffolder::run(effect, &cx, &out).await,
        Effect::DryRun(effect) => super::dry_run::run(effect, &cx, &out).await,
        Effect::Probe { keys, skip, .. } => super::health::probe(keys, skip, &cx, &out).await,
        Effect::SaveHealth { results } => {
            let path = cx.source.cache_path();
            if let Some(Err(e)) = cpu(move || Cache::open(&path).and_then(|c| c.save_health(&results))).await {
                tracing::warn!(error = %e, "health results not kept");
            }
        }
        Effect::LoadHealth => {
            let path = cx.source.cache_path();
            if let Some(Ok(results)) = cpu(move || Cache::open(&path).and_then(|c| c.load_health(&[]))).await {
                out.send(Msg::HealthLoaded(results));
            }
        }
        Effect::Action(action) => super::stream::run(action, &cx, &out).await,
        Effect::Docs(docs) => {
            for msg in crate::docs::runtime::run(docs, &cx).await {
                out.send(msg);
            }
        }
    }
}

/// Run CPU or disk work on the blocking pool; None if it panicked.
pub(super) async fn cpu<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Some(value),
        Err(err) => {
            tracing::error!(error = %err, "a background job failed");
            None
        }
    }
}

/// A sync streams its progress: Started, Progress…, CatalogLoaded, Done or Failed.
async fn sync(cx: &JobContext, full: bool, out: &Outbox) {
    match &*cx.source {
        Source::Demo(_) | Source::Dir(_) => {
            let source = cx.source.clone();
            for msg in cpu(move || crate::sync::sync_files(&source, full)).await.unwrap_or_default() {
                out.send(msg);
            }
        }
        Source::Instance(instance) => {
            let client = match cx.backstage_with(crate::backstage::RetryPolicy::default()) {
                Ok(client) => client,
                Err(message) => {
                    let event = crate::msg::SyncEvent::Failed { message, offline: false };
                    return out.send(Msg::Sync(event));
                }
            };
            // The sync reports on a channel of its own; forwarded through the
            // outbox so nothing lands after a source switch.
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let forward = {
                let out = out.clone();
                tokio::spawn(async move {
                    while let Some(msg) = rx.recv().await {
                        out.send(msg);
                    }
                })
            };
            crate::sync::backstage::sync_to_channel(&cx.source, instance, Some(&client), full, &tx).await;
            drop(tx);
            let _ = forward.await;
        }
    }
}
