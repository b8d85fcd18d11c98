//! The full sync: every page of `by-query`, streamed into the cache while
//! the next one is fetched (see [`crate::catalog::cache::FullWrite`]).
//!
//! Between two requests the fetch loop does only what the next one needs:
//! the body, gunzipped as it arrived, and its cursor, read from its end.
//! Checking and counting a page overlap the next request; a writer thread
//! of its own splits, parses and stores each page. That thread runs at a
//! lower CPU priority: it has time to spare until the last page, and on a
//! machine shared with the server or the TUI it should never be what they
//! wait for.

use super::guard::PageGuard;
use super::{meta_refs, Outcome, Progress, Sync, SyncError, SyncMode};
use crate::backstage::catalog::RawPage;
use crate::backstage::BackstageError;
use crate::catalog::cache::Cache;
use std::path::PathBuf;
use tokio::sync::{mpsc, oneshot};

/// Pages fetched ahead of the cache writer, at most (≈ 0.9 MB each at 500).
const PAGES_AHEAD: usize = 4;

/// What the fetch loop hands the cache writer.
enum ToWriter {
    /// A page, and how many more should follow it (from `totalItems`).
    Page { page: RawPage, pages_left: Option<usize> },
    /// The last page was sent: write these meta values and commit.
    Done(Vec<(&'static str, String)>),
}

impl Sync<'_> {
    /// Page through every entity. Over a cache of the same source only the
    /// difference is written, which makes a forced full sync cheap on disk.
    /// Dropped or failed midway, nothing of it becomes visible.
    pub(super) async fn full(
        &self,
        keep_unchanged: bool,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Outcome, SyncError> {
        let (pages, inbox) = mpsc::channel::<ToWriter>(PAGES_AHEAD);
        let written = spawn_writer(self.cache_path.to_path_buf(), keep_unchanged, inbox)?;
        let mut guard = PageGuard::new(self.client.base_url());
        let fetched = async {
            let first = self.client.entities_page_raw(self.page_size, None, None).await?;
            let (mut page, mut fetched) = (Some(first), 0usize);
            while let Some(current) = page.take() {
                // The next request goes out first; this page is checked, counted
                // and handed to the writer while the server works on it.
                let next_cursor = current.next_cursor.clone();
                let next = async {
                    match &next_cursor {
                        Some(cursor) => Some(self.client.entities_page_raw(self.page_size, Some(cursor), None).await),
                        None => None,
                    }
                };
                let this = async {
                    // Let the connection task write the request out first (on a
                    // current-thread runtime it runs only when this task yields).
                    tokio::task::yield_now().await;
                    let count = current.count()?;
                    guard.page(count, current.total_items, current.next_cursor.as_deref())?;
                    fetched += count;
                    progress(Progress { fetched, total: current.total_items });
                    let left = current.total_items.map(|total| total.saturating_sub(fetched).div_ceil(self.page_size));
                    // A failed send means the writer stopped; its error is reported below.
                    let sent = pages.send(ToWriter::Page { page: current, pages_left: left }).await.is_ok();
                    Ok::<_, BackstageError>((count, sent))
                };
                // A page that breaks the server's word drops the request in flight.
                let (next, (count, sent)) = tokio::try_join!(async { Ok(next.await) }, this)?;
                if !sent {
                    return Ok(());
                }
                match next {
                    // An empty page with a cursor would loop forever.
                    Some(next) if count > 0 => page = Some(next?),
                    _ => {
                        let _ = pages.send(ToWriter::Done(self.meta())).await;
                    }
                }
            }
            Ok(())
        }
        .await;
        drop(pages);
        let written = written.await.unwrap_or_else(|_| Err(SyncError::Task("the cache writer panicked".into())));
        fetched.map_err(SyncError::Backstage)?;
        written
    }
}

fn spawn_writer(
    path: PathBuf,
    keep_unchanged: bool,
    inbox: mpsc::Receiver<ToWriter>,
) -> Result<oneshot::Receiver<Result<Outcome, SyncError>>, SyncError> {
    let (done, written) = oneshot::channel();
    std::thread::Builder::new()
        .name("cache-writer".into())
        .spawn(move || {
            lower_priority();
            let _ = done.send(write_pages(&path, keep_unchanged, inbox));
        })
        .map_err(|e| SyncError::Task(e.to_string()))?;
    Ok(written)
}

/// The writer thread: every page into the cache, then commit on `Done`. A
/// closed channel without `Done` (the sync failed or was dropped) drops the
/// write, which leaves the cache as it was.
fn write_pages(
    path: &std::path::Path,
    keep_unchanged: bool,
    mut inbox: mpsc::Receiver<ToWriter>,
) -> Result<Outcome, SyncError> {
    let mut write = Cache::open(path)?.begin_full_write(keep_unchanged)?;
    while let Some(message) = inbox.blocking_recv() {
        match message {
            ToWriter::Page { page, pages_left } => {
                if let Some(left) = pages_left {
                    write.near_end(left)?;
                }
                for item in page.items()? {
                    write.add(item.get())?;
                }
                write.page_done()?;
                tracing::debug!(entities = write.seen(), "page stored");
            }
            ToWriter::Done(meta) => {
                let (stats, entities) = write.finish(&meta_refs(&meta))?;
                return Ok((SyncMode::Full, stats, entities));
            }
        }
    }
    Err(SyncError::Task("the sync stopped before its last page".into()))
}

/// Nice 10 for the calling thread (Linux only: elsewhere niceness is per process).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain syscalls on the calling thread's own id.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}
