//! Syncing a Backstage instance into its cache, full or incremental.
//!
//! Every sync writes in one transaction, committed only once everything is
//! fetched: a sync that fails, times out or is dropped midway leaves the
//! previous snapshot whole.

use crate::backstage::{BackstageError, Client, EntityBrief, TransferStats, LIST_FIELDS};
use crate::catalog::cache::{Cache, CacheError, StoredEntity, WriteStats};
use crate::config::Instance;
use crate::msg::{Level, Msg, SyncEvent};
use crate::source::{load_catalog, Source, META_PROBLEMS, META_SOURCE, META_SYNCED_AT};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

mod full;
mod guard;

/// An incremental sync that would fetch more than this share of the catalog
/// pages through everything instead: by-query pages are cheaper than by-refs.
const FULL_SYNC_SHARE: f64 = 0.5;

/// The listing asks for the whole catalog in one page when it can: its
/// items are a few fields each (≈ 30 bytes gzipped), and every request costs
/// the server a query and a count of its own (11 pages of 2,000 ≈ 0.63 s,
/// one page of 20k ≈ 0.45 s; BENCHMARKS.md, sync). The floor is the server
/// parsing every stored entity to pick the fields. Never fewer than
/// `LIST_PAGE_FACTOR` × `page_size` per page, never more than `MAX_LIST_PAGE`
/// (a page is built in the server's memory at once).
const LIST_PAGE_FACTOR: usize = 4;
const MAX_LIST_PAGE: usize = 25_000;

/// Entities per listing page for a cache holding `cached`: all of them plus
/// room for what was added since, in one request.
fn list_page_size(page_size: usize, cached: usize) -> usize {
    let room = (cached / 20).max(100);
    let most = MAX_LIST_PAGE.max(page_size);
    (cached + room).clamp((page_size * LIST_PAGE_FACTOR).min(most), most)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    Full,
    Incremental,
}

impl SyncMode {
    pub fn name(self) -> &'static str {
        match self {
            SyncMode::Full => "full",
            SyncMode::Incremental => "incremental",
        }
    }
}

/// Entities seen so far in the current pass, and how many there will be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub fetched: usize,
    pub total: Option<usize>,
}

/// What a sync did.
#[derive(Debug, Clone)]
pub struct SyncReport {
    pub mode: SyncMode,
    pub stats: WriteStats,
    /// Entities in the cache afterwards.
    pub entities: usize,
    pub elapsed: Duration,
    pub transfer: TransferStats,
}

impl SyncReport {
    /// One line for people: what changed, and what it cost.
    pub fn summary(&self, label: &str) -> String {
        let t = &self.transfer;
        format!(
            "{label}: {} sync, {} added, {} changed, {} removed, {}; {:.2} s, {} request{}, {} ({} decoded)",
            self.mode.name(),
            self.stats.added,
            self.stats.changed,
            self.stats.removed,
            crate::plural::count(self.entities, "entity", "entities"),
            self.elapsed.as_secs_f64(),
            t.requests,
            if t.requests == 1 { "" } else { "s" },
            human_bytes(t.bytes_wire),
            human_bytes(t.bytes_decoded),
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Backstage(#[from] BackstageError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("the cache task stopped: {0}")]
    Task(String),
}

impl SyncError {
    /// The server could not be reached: keep working from the cache.
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Backstage(e) if e.is_offline())
    }
}

/// Sync one instance into the cache at `cache_path`. `identity` is
/// [`crate::source::Source::identity`]: a cache filled from anything else is
/// replaced by a full sync.
pub async fn sync_instance(
    instance: &Instance,
    identity: &str,
    cache_path: &Path,
    force_full: bool,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let client = Client::new(instance)?;
    sync_with_client(&client, instance.page_size, identity, cache_path, force_full, progress).await
}

/// [`sync_instance`] with a client the caller built (tests tune its retries).
pub async fn sync_with_client(
    client: &Client,
    page_size: usize,
    identity: &str,
    cache_path: &Path,
    force_full: bool,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    client.begin_sync();
    let run = sync_within_limits(client, page_size, identity, cache_path, force_full, progress);
    let result = match client.sync_limits() {
        // The backstop for what the per-request checks cannot see: a request
        // that takes its whole request_timeout near the end of the window.
        Some(limits) => tokio::time::timeout(limits.max_duration, run)
            .await
            .unwrap_or_else(|_| Err(SyncError::Backstage(crate::backstage::budget::over_time(limits)))),
        None => run.await,
    };
    client.end_sync();
    result
}

async fn sync_within_limits(
    client: &Client,
    page_size: usize,
    identity: &str,
    cache_path: &Path,
    force_full: bool,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let path = cache_path.to_path_buf();
    let wanted = identity.to_string();
    let (same, count) = blocking(move || {
        let cache = Cache::open(&path)?;
        Ok((cache.meta(META_SOURCE).as_deref() == Some(wanted.as_str()), cache.entity_count()))
    })
    .await?;
    let sync = Sync { client, page_size: page_size.max(1), identity, cache_path };
    let (mode, stats, entities) = if force_full || !same || count == 0 {
        sync.full(same, progress).await?
    } else {
        sync.incremental(count, progress).await?
    };
    let report = SyncReport { mode, stats, entities, elapsed: started.elapsed(), transfer: client.stats() };
    tracing::info!(summary = %report.summary(identity), "sync done");
    Ok(report)
}

struct Sync<'a> {
    client: &'a Client,
    page_size: usize,
    identity: &'a str,
    cache_path: &'a Path,
}

type Outcome = (SyncMode, WriteStats, usize);

impl Sync<'_> {
    /// List refs and etags only, fetch what is new or changed, drop what is
    /// gone. The cached etags load (and the WAL is checkpointed) while the
    /// listing is on its way.
    async fn incremental(
        &self,
        cached_count: usize,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Outcome, SyncError> {
        let path = self.cache_path.to_path_buf();
        let cached = tokio::task::spawn_blocking(move || {
            let cache = Cache::open(&path)?;
            // What the last sync left in the WAL, moved while the listing is out.
            cache.checkpoint();
            cache.etags()
        });
        let list_page = list_page_size(self.page_size, cached_count);
        let mut listed: Vec<(String, String)> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut guard = guard::PageGuard::new(self.client.base_url());
        loop {
            let page =
                self.client.entities_page::<EntityBrief>(list_page, cursor.as_deref(), Some(LIST_FIELDS)).await?;
            for brief in page.items.iter() {
                listed.push((brief.key(), brief.metadata.etag.clone().unwrap_or_default()));
            }
            guard.page(page.items.len(), page.total_items, page.next_cursor())?;
            progress(Progress { fetched: listed.len(), total: page.total_items });
            match page.next_cursor() {
                Some(next) if !page.items.is_empty() => cursor = Some(next.to_string()),
                _ => break,
            }
        }
        let cached: HashMap<String, String> = cached.await.map_err(|e| SyncError::Task(e.to_string()))??;
        let mut seen: HashSet<&str> = HashSet::with_capacity(listed.len());
        let mut to_fetch: Vec<String> = Vec::new();
        for (key, etag) in &listed {
            if etag.is_empty() || cached.get(key) != Some(etag) {
                to_fetch.push(key.clone());
            }
            seen.insert(key);
        }
        let mut removed: Vec<String> = cached.keys().filter(|k| !seen.contains(k.as_str())).cloned().collect();
        let size = seen.len().max(cached.len()).max(1);
        if (to_fetch.len() + removed.len()) as f64 > FULL_SYNC_SHARE * size as f64 {
            tracing::info!(changes = to_fetch.len() + removed.len(), size, "large diff; syncing in full");
            return self.full(true, progress).await;
        }
        let mut upserts: Vec<Value> = Vec::with_capacity(to_fetch.len());
        for batch in to_fetch.chunks(self.page_size) {
            let items = self.client.entities_by_refs(batch, None).await?;
            for (wanted, item) in batch.iter().zip(items) {
                match item {
                    Some(raw) => upserts.push(raw),
                    // Deleted between the listing and the fetch.
                    None if cached.contains_key(wanted) => removed.push(wanted.clone()),
                    None => {}
                }
            }
        }
        let (path, meta) = (self.cache_path.to_path_buf(), self.meta());
        let unchanged = cached.len();
        blocking(move || {
            let mut cache = Cache::open(&path)?;
            cache.defer_checkpoints()?;
            if upserts.is_empty() && removed.is_empty() {
                // Nothing changed: only the time of the sync is new.
                for (key, value) in &meta {
                    cache.set_meta(key, value)?;
                }
                return Ok((SyncMode::Incremental, WriteStats::default(), unchanged));
            }
            let stored: Vec<StoredEntity> =
                upserts.iter().map(|raw| StoredEntity { raw, etag: etag_of(raw) }).collect();
            let stats = cache.apply_changes(&stored, &removed, &meta_refs(&meta))?;
            Ok((SyncMode::Incremental, stats, cache.entity_count()))
        })
        .await
    }

    fn meta(&self) -> Vec<(&'static str, String)> {
        vec![
            (META_SOURCE, self.identity.to_string()),
            (META_SYNCED_AT, crate::source::unix_now().to_string()),
            (META_PROBLEMS, "[]".to_string()),
        ]
    }
}

fn meta_refs<'a>(meta: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    meta.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn etag_of(raw: &Value) -> &str {
    raw.pointer("/metadata/etag").and_then(Value::as_str).unwrap_or("")
}

/// Cache work runs on the blocking pool. Once started it runs to the end
/// even if the sync future is dropped, which is fine: it is one transaction.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| SyncError::Task(e.to_string()))?
}

/// The TUI's sync: progress, the reloaded catalog and the outcome, as messages.
/// `client`: the instance's shared client (connection reuse); None builds one.
pub async fn sync_to_channel(
    source: &Source,
    instance: &Instance,
    client: Option<&Client>,
    full: bool,
    tx: &UnboundedSender<Msg>,
) {
    let _ = tx.send(Msg::Sync(SyncEvent::Started { full }));
    let progress_tx = tx.clone();
    let mut progress = move |p: Progress| {
        let _ = progress_tx.send(Msg::Sync(SyncEvent::Progress { fetched: p.fetched, total: p.total }));
    };
    let cache_path = source.cache_path();
    let result = match client {
        Some(client) => {
            sync_with_client(client, instance.page_size, &source.identity(), &cache_path, full, &mut progress).await
        }
        None => sync_instance(instance, &source.identity(), &cache_path, full, &mut progress).await,
    };
    let report = match result {
        Ok(report) => report,
        Err(err) => {
            tracing::warn!(error = %err, "sync failed");
            let _ = tx.send(Msg::Sync(SyncEvent::Failed { message: err.to_string(), offline: err.is_offline() }));
            return;
        }
    };
    // The list keeps its selection across the swap (its anchor); reloading
    // is skipped when nothing changed, and Done alone refreshes the age.
    if report.stats != WriteStats::default() {
        let loaded = blocking(move || {
            let cache = Cache::open(&cache_path)?;
            let loaded = load_catalog(&cache)?;
            // Closed as the last connection, it checkpoints what the sync left
            // in the WAL (≈ 40 ms at 20k): after the swap, not before it.
            std::thread::spawn(move || drop(cache));
            Ok(loaded)
        })
        .await;
        match loaded {
            Ok((catalog, info)) => {
                let _ = tx.send(Msg::CatalogLoaded { catalog: Arc::new(catalog), info });
            }
            Err(err) => {
                let _ = tx.send(Msg::Toast(Level::Error, err.to_string()));
            }
        }
    }
    let _ = tx.send(Msg::Sync(SyncEvent::Done {
        added: report.stats.added,
        changed: report.stats.changed,
        removed: report.stats.removed,
        elapsed_ms: report.elapsed.as_millis() as u64,
    }));
}

/// 1234567 -> "1.2 MB".
pub fn human_bytes(n: u64) -> String {
    match n {
        0..=999 => format!("{n} B"),
        1_000..=999_999 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_asks_for_the_whole_catalog_in_one_page_within_bounds() {
        // 20k cached: one page with room for 1,000 additions.
        assert_eq!(list_page_size(500, 20_000), 21_000);
        // A small cache still asks for a few pages' worth.
        assert_eq!(list_page_size(500, 10), 2_000);
        // A huge one is paged, never one page built in the server's memory.
        assert_eq!(list_page_size(500, 250_000), MAX_LIST_PAGE);
        // A page size above the cap is honoured as configured.
        assert_eq!(list_page_size(30_000, 100), 30_000);
    }
}
