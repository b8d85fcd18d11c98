//! Carrying out doc effects: discovery, loading with the offline cache as
//! fallback, layout, server search. Async jobs of the executor: network on
//! the task with the instance's shared client, disk and parsing on the
//! blocking pool.

use super::discover::{self, DocsSite, Runbook};
use super::effects::{DocsEffect, DocsMsg, LoadedDoc, Origin};
use super::target::DocTarget;
use super::{layout, parse, Format};
use crate::backstage::{BackstageError, Client};
use crate::catalog::cache::Cache;
use crate::exec::JobContext;
use crate::msg::{Level, Msg};
use crate::source::{unix_now, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Run a future to completion from synchronous code (the CLI, tests): on
/// the current runtime's blocking pool, or on a throw-away runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => tokio::task::block_in_place(|| handle.block_on(future)),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime can always be built")
            .block_on(future),
    }
}

/// Disk and CPU work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.expect("doc jobs do not panic")
}

/// Carry out one effect and return the messages it produces.
pub async fn run(effect: DocsEffect, cx: &JobContext) -> Vec<Msg> {
    let msg = match effect {
        DocsEffect::FindRunbooks { request, entity, raw, annotations } => {
            let (runbooks, note) = find_runbooks(cx, &entity, raw, &annotations).await;
            DocsMsg::RunbooksFound { request, entity, runbooks, note }
        }
        DocsEffect::Load { request, target, anchor, width } => {
            DocsMsg::Loaded { request, result: load(cx, &target, width).await.map(|l| LoadedDoc { anchor, ..l }) }
        }
        DocsEffect::LoadCached { request, target, anchor, width } => {
            let source = cx.source.clone();
            match blocking(move || cached(&source, &target, width)).await {
                Some(l) => DocsMsg::Loaded { request, result: Ok(LoadedDoc { anchor, ..l }) },
                None => return Vec::new(),
            }
        }
        DocsEffect::Layout { request, doc, width } => {
            let page = blocking(move || layout(&doc, width)).await;
            DocsMsg::LaidOut { request, page: Arc::new(page) }
        }
        DocsEffect::OpenBrowser { url } => return open_browser(&url),
        DocsEffect::Search { generation, query, cursor, catalog } => {
            let more = cursor.is_some();
            let result = match &*cx.source {
                Source::Instance(_) => server_search(cx, &query, cursor.as_deref()).await,
                _ => {
                    let source = cx.source.clone();
                    Ok(blocking(move || super::local_search::search(&source, &catalog, &query)).await)
                }
            };
            DocsMsg::SearchDone { generation, more, result }
        }
    };
    vec![Msg::Docs(msg)]
}

fn open_browser(url: &str) -> Vec<Msg> {
    // Entity-supplied: only real web addresses go to the opener, so a
    // value like `--help` or `javascript:` can never become an argument.
    let allowed = ["http://", "https://", "mailto:", "file:///"];
    if !allowed.iter().any(|p| url.to_ascii_lowercase().starts_with(p)) {
        return vec![Msg::Toast(Level::Warn, format!("not opening `{url}`: only http(s), mailto and file addresses"))];
    }
    match open::that_detached(url) {
        Ok(()) => Vec::new(),
        Err(e) => vec![Msg::Toast(Level::Error, format!("cannot open a browser ({e}); the address is {url}"))],
    }
}

/// Docs are wanted now, and a cached copy is shown meanwhile: one quick
/// retry, not the patient policy of a sync.
fn docs_retry() -> crate::backstage::RetryPolicy {
    crate::backstage::RetryPolicy {
        max_attempts: 2,
        base_delay: std::time::Duration::from_millis(200),
        max_delay: std::time::Duration::from_millis(500),
        max_total_wait: std::time::Duration::from_secs(1),
    }
}

fn client(cx: &JobContext) -> Result<Client, String> {
    cx.backstage_with(docs_retry())
}

async fn server_search(
    cx: &JobContext,
    query: &str,
    cursor: Option<&str>,
) -> Result<super::search::SearchPage, String> {
    let client = client(cx)?;
    let body = client.search(query, cursor).await.map_err(|e| match e {
        BackstageError::NotFound { .. } => {
            "this Backstage has no search backend (/api/search/query answered 404)".into()
        }
        other => other.to_string(),
    })?;
    Ok(super::search::parse_response(&body))
}

fn open_cache(source: &Source) -> Option<Cache> {
    Cache::open(&source.cache_path()).ok()
}

/// Runbooks of an entity, best first, and a note when the docs could not be
/// listed live.
pub async fn find_runbooks(
    cx: &JobContext,
    entity: &str,
    raw: Option<Value>,
    annotations: &[String],
) -> (Vec<Runbook>, Option<String>) {
    let source = cx.source.clone();
    let key = entity.to_string();
    let raw = match raw {
        Some(raw) => Some(raw),
        None => blocking(move || open_cache(&source).and_then(|c| c.raw(&key).ok().flatten())).await,
    };
    let Some(raw) = raw else {
        return (Vec::new(), Some(format!("{entity} is not in the cache")));
    };
    let mut runbooks = discover::from_entity(&raw, annotations);
    let mut note = None;
    match discover::docs_site(&raw, cx.server_url().is_some()) {
        None => {}
        Some(DocsSite::Local(site)) => match blocking(move || discover::local_site(&site)).await {
            Ok((root, pages)) => {
                let pages = pages
                    .into_iter()
                    .map(|(title, path)| {
                        let rel = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
                        (title, DocTarget::Local { root: root.clone(), path }, rel)
                    })
                    .collect();
                runbooks.extend(discover::from_pages(pages));
            }
            Err(e) => note = Some(format!("docs folder unreadable: {e}")),
        },
        Some(DocsSite::Server(triplet)) => {
            let key =
                format!("{}/api/techdocs/metadata/techdocs/{}", cx.server_url().unwrap_or_default(), triplet.path());
            let live = match client(cx) {
                Ok(c) => c.techdocs_metadata(&triplet).await.map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            let source = cx.source.clone();
            let metadata = blocking(move || {
                let cache = open_cache(&source);
                match live {
                    Ok(meta) => {
                        if let Some(c) = &cache {
                            let _ = c.put_doc(&key, meta.to_string().as_bytes(), "application/json", unix_now());
                        }
                        (Some(meta), None)
                    }
                    Err(err) => match cache.as_ref().and_then(|c| c.doc(&key)) {
                        Some((bytes, _, fetched_at)) => {
                            let age = crate::ui::age(unix_now(), fetched_at);
                            (
                                serde_json::from_slice(&bytes).ok(),
                                Some(format!("docs list from cache, {age} old ({err})")),
                            )
                        }
                        None => (None, Some(format!("TechDocs unavailable: {err}"))),
                    },
                }
            })
            .await;
            note = metadata.1.or(note);
            if let Some(meta) = metadata.0 {
                let pages = discover::server_site(&meta)
                    .into_iter()
                    .map(|(title, page)| {
                        let target = DocTarget::TechDocs { entity: triplet.clone(), page: page.clone() };
                        (title, target, page)
                    })
                    .collect();
                runbooks.extend(discover::from_pages(pages));
            }
        }
    }
    (discover::rank(runbooks), note)
}

/// The bytes of a page, live: a local file, a TechDocs page, a web page.
async fn fetch(cx: &JobContext, target: &DocTarget) -> Result<(DocTarget, Vec<u8>, Format), String> {
    match target {
        DocTarget::Local { root, path } => {
            let path = path.clone();
            let (found, bytes) = blocking({
                let path = path.clone();
                move || read_local(&path)
            })
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
            let format = Format::guess("", &found.to_string_lossy());
            Ok((DocTarget::Local { root: root.clone(), path: found }, bytes, format))
        }
        DocTarget::TechDocs { entity, page } => {
            let client = client(cx)?;
            let bytes = client.techdocs_page(entity, page).await.map_err(|e| match e {
                BackstageError::NotFound { .. } => {
                    format!("no TechDocs page {}/{page} on the server (404)", entity.path())
                }
                other => other.to_string(),
            })?;
            Ok((target.clone(), bytes, Format::Html))
        }
        DocTarget::Url(url) => {
            let (bytes, content_type) = fetch_url(cx.web(), url).await?;
            Ok((target.clone(), bytes, Format::guess(&content_type, url)))
        }
    }
}

/// Pages are capped so a hostile or broken server cannot fill memory.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// A web page, without credentials (the Backstage token never goes elsewhere).
async fn fetch_url(client: &reqwest::Client, url: &str) -> Result<(Vec<u8>, String), String> {
    let response = client.get(url).send().await.map_err(|e| format!("cannot fetch {url}: {}", root(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{} from {url}", status.as_u16()));
    }
    let content_type =
        response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = response.bytes().await.map_err(|e| format!("{url}: {}", root(&e)))?;
    Ok((bytes[..bytes.len().min(MAX_PAGE_BYTES)].to_vec(), content_type))
}

fn root(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// A local page: the path as given, else as mkdocs would find it.
fn read_local(path: &Path) -> std::io::Result<(PathBuf, Vec<u8>)> {
    let mut candidates = vec![path.to_path_buf()];
    if path.extension().is_none() || path.is_dir() {
        let text = path.to_string_lossy().trim_end_matches('/').to_string();
        candidates.push(PathBuf::from(format!("{text}.md")));
        candidates.push(path.join("index.md"));
        candidates.push(path.join("README.md"));
    }
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "not found");
    for candidate in candidates {
        match std::fs::metadata(&candidate) {
            Ok(m) if m.is_file() => {
                let mut bytes = std::fs::read(&candidate)?;
                bytes.truncate(MAX_PAGE_BYTES);
                return Ok((candidate, bytes));
            }
            Ok(_) => {}
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Fetch a page live and store it in the cache (prefetch); the cache is not
/// consulted, so a failure is a failure.
pub async fn fetch_into_cache(cx: &JobContext, target: &DocTarget) -> Result<usize, String> {
    let (found, bytes, format) = fetch(cx, target).await?;
    let cache = open_cache(&cx.source).ok_or("the cache cannot be opened")?;
    cache
        .put_doc(&found.cache_key(cx.server_url().as_deref()), &bytes, format.content_type(), unix_now())
        .map_err(|e| e.to_string())?;
    Ok(bytes.len())
}

/// The cached copy of a page, shown while the live one loads.
pub fn cached(source: &Source, target: &DocTarget, width: u16) -> Option<LoadedDoc> {
    let server = match source {
        Source::Instance(i) => Some(i.url.trim_end_matches('/').to_string()),
        _ => None,
    };
    let (bytes, content_type, fetched_at) = open_cache(source)?.doc(&target.cache_key(server.as_deref()))?;
    let doc = Arc::new(parse(Format::guess(&content_type, ""), &bytes));
    let page = Arc::new(layout(&doc, width));
    let origin = Origin::Cached { fetched_at, reason: String::new() };
    Some(LoadedDoc { target: target.clone(), doc, page, origin, anchor: None })
}

/// Load a page: live first, stored in the cache on success; from the cache,
/// marked with its age, when the live read fails.
pub async fn load(cx: &JobContext, target: &DocTarget, width: u16) -> Result<LoadedDoc, String> {
    let fetched = fetch(cx, target).await;
    let (source, server, target) = (cx.source.clone(), cx.server_url(), target.clone());
    blocking(move || {
        let cache = open_cache(&source);
        let (target, bytes, format, origin) = match fetched {
            Ok((found, bytes, format)) => {
                if let Some(c) = &cache {
                    if let Err(e) =
                        c.put_doc(&found.cache_key(server.as_deref()), &bytes, format.content_type(), unix_now())
                    {
                        tracing::warn!(error = %e, "could not cache a doc page");
                    }
                }
                let origin = if matches!(found, DocTarget::Local { .. }) { Origin::Local } else { Origin::Live };
                (found, bytes, format, origin)
            }
            Err(reason) => match cache.as_ref().and_then(|c| c.doc(&target.cache_key(server.as_deref()))) {
                Some((bytes, content_type, fetched_at)) => {
                    let format = Format::guess(&content_type, "");
                    (target.clone(), bytes, format, Origin::Cached { fetched_at, reason })
                }
                None => return Err(reason),
            },
        };
        let doc = Arc::new(parse(format, &bytes));
        let page = Arc::new(layout(&doc, width));
        Ok(LoadedDoc { target, doc, page, origin, anchor: None })
    })
    .await
}
