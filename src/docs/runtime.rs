//! Carrying out doc effects: discovery, loading with the offline cache as
//! fallback, layout, server search. Runs on the blocking pool; the network
//! parts block on the app's runtime there (or on a small one in tests).

use super::discover::{self, DocsSite, Runbook};
use super::effects::{DocsEffect, DocsMsg, LoadedDoc, Origin};
use super::target::DocTarget;
use super::{layout, parse, Format};
use crate::backstage::{BackstageError, Client};
use crate::catalog::cache::Cache;
use crate::msg::{Level, Msg};
use crate::source::{unix_now, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Run a future to completion from synchronous code: on the blocking pool
/// of the app's runtime, or on a throw-away runtime (headless tests).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        // Effects run on the blocking pool, where blocking on the runtime is allowed.
        Ok(handle) => handle.block_on(future),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime can always be built")
            .block_on(future),
    }
}

/// Carry out one effect and return the messages it produces. `Copy` is done
/// by the UI loop itself (it writes to the terminal) and is a no-op here.
pub fn run_blocking(effect: DocsEffect, source: &Source) -> Vec<Msg> {
    let msg = match effect {
        DocsEffect::FindRunbooks { request, entity, raw, annotations } => {
            let (runbooks, note) = find_runbooks(source, &entity, raw, &annotations);
            DocsMsg::RunbooksFound { request, entity, runbooks, note }
        }
        DocsEffect::Load { request, target, anchor, width } => {
            DocsMsg::Loaded { request, result: load(source, &target, width).map(|l| LoadedDoc { anchor, ..l }) }
        }
        DocsEffect::LoadCached { request, target, anchor, width } => match cached(source, &target, width) {
            Some(l) => DocsMsg::Loaded { request, result: Ok(LoadedDoc { anchor, ..l }) },
            None => return Vec::new(),
        },
        DocsEffect::Layout { request, doc, width } => DocsMsg::LaidOut { request, page: Arc::new(layout(&doc, width)) },
        DocsEffect::Copy { .. } => return Vec::new(),
        DocsEffect::OpenBrowser { url } => {
            // Entity-supplied: only real web addresses go to the opener, so a
            // value like `--help` or `javascript:` can never become an argument.
            let allowed = ["http://", "https://", "mailto:", "file:///"];
            if !allowed.iter().any(|p| url.to_ascii_lowercase().starts_with(p)) {
                return vec![Msg::Toast(
                    Level::Warn,
                    format!("not opening `{url}`: only http(s), mailto and file addresses"),
                )];
            }
            return match open::that_detached(&url) {
                Ok(()) => Vec::new(),
                Err(e) => vec![Msg::Toast(Level::Error, format!("cannot open a browser ({e}); the address is {url}"))],
            };
        }
        DocsEffect::Search { generation, query, cursor, catalog } => {
            let more = cursor.is_some();
            let result = match source {
                Source::Instance(_) => server_search(source, &query, cursor.as_deref()),
                _ => Ok(super::local_search::search(source, &catalog, &query)),
            };
            DocsMsg::SearchDone { generation, more, result }
        }
    };
    vec![Msg::Docs(msg)]
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

fn client(source: &Source) -> Result<Client, String> {
    match source {
        Source::Instance(instance) => {
            Client::new(instance).map(|c| c.with_retry_policy(docs_retry())).map_err(|e| e.to_string())
        }
        _ => Err("not a Backstage source".into()),
    }
}

fn server_url(source: &Source) -> Option<String> {
    match source {
        Source::Instance(i) => Some(i.url.trim_end_matches('/').to_string()),
        _ => None,
    }
}

fn server_search(source: &Source, query: &str, cursor: Option<&str>) -> Result<super::search::SearchPage, String> {
    let client = client(source)?;
    let body = block_on(client.search(query, cursor)).map_err(|e| match e {
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
pub fn find_runbooks(
    source: &Source,
    entity: &str,
    raw: Option<Value>,
    annotations: &[String],
) -> (Vec<Runbook>, Option<String>) {
    let cache = open_cache(source);
    let Some(raw) = raw.or_else(|| cache.as_ref().and_then(|c| c.raw(entity).ok().flatten())) else {
        return (Vec::new(), Some(format!("{entity} is not in the cache")));
    };
    let mut runbooks = discover::from_entity(&raw, annotations);
    let mut note = None;
    match discover::docs_site(&raw, server_url(source).is_some()) {
        None => {}
        Some(DocsSite::Local(site)) => match discover::local_site(&site) {
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
                format!("{}/api/techdocs/metadata/techdocs/{}", server_url(source).unwrap_or_default(), triplet.path());
            let live = client(source).and_then(|c| block_on(c.techdocs_metadata(&triplet)).map_err(|e| e.to_string()));
            let metadata = match live {
                Ok(meta) => {
                    if let Some(c) = &cache {
                        let _ = c.put_doc(&key, meta.to_string().as_bytes(), "application/json", unix_now());
                    }
                    Some(meta)
                }
                Err(err) => match cache.as_ref().and_then(|c| c.doc(&key)) {
                    Some((bytes, _, fetched_at)) => {
                        note = Some(format!(
                            "docs list from cache, {} old ({err})",
                            crate::ui::age(unix_now(), fetched_at)
                        ));
                        serde_json::from_slice(&bytes).ok()
                    }
                    None => {
                        note = Some(format!("TechDocs unavailable: {err}"));
                        None
                    }
                },
            };
            if let Some(meta) = metadata {
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
fn fetch(source: &Source, target: &DocTarget) -> Result<(DocTarget, Vec<u8>, Format), String> {
    match target {
        DocTarget::Local { root, path } => {
            let (found, bytes) = read_local(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let format = Format::guess("", &found.to_string_lossy());
            Ok((DocTarget::Local { root: root.clone(), path: found }, bytes, format))
        }
        DocTarget::TechDocs { entity, page } => {
            let client = client(source)?;
            let bytes = block_on(client.techdocs_page(entity, page)).map_err(|e| match e {
                BackstageError::NotFound { .. } => {
                    format!("no TechDocs page {}/{page} on the server (404)", entity.path())
                }
                other => other.to_string(),
            })?;
            Ok((target.clone(), bytes, Format::Html))
        }
        DocTarget::Url(url) => {
            let (bytes, content_type) = block_on(fetch_url(url))?;
            Ok((target.clone(), bytes, Format::guess(&content_type, url)))
        }
    }
}

/// Pages are capped so a hostile or broken server cannot fill memory.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// A web page, without credentials (the Backstage token never goes elsewhere).
async fn fetch_url(url: &str) -> Result<(Vec<u8>, String), String> {
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(15))
        .user_agent(concat!("callboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
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
pub fn fetch_into_cache(source: &Source, target: &DocTarget) -> Result<usize, String> {
    let (found, bytes, format) = fetch(source, target)?;
    let cache = open_cache(source).ok_or("the cache cannot be opened")?;
    cache
        .put_doc(&found.cache_key(server_url(source).as_deref()), &bytes, format.content_type(), unix_now())
        .map_err(|e| e.to_string())?;
    Ok(bytes.len())
}

/// The cached copy of a page, shown while the live one loads.
pub fn cached(source: &Source, target: &DocTarget, width: u16) -> Option<LoadedDoc> {
    let (bytes, content_type, fetched_at) =
        open_cache(source)?.doc(&target.cache_key(server_url(source).as_deref()))?;
    let doc = Arc::new(parse(Format::guess(&content_type, ""), &bytes));
    let page = Arc::new(layout(&doc, width));
    let origin = Origin::Cached { fetched_at, reason: String::new() };
    Some(LoadedDoc { target: target.clone(), doc, page, origin, anchor: None })
}

/// Load a page: live first, stored in the cache on success; from the cache,
/// marked with its age, when the live read fails.
pub fn load(source: &Source, target: &DocTarget, width: u16) -> Result<LoadedDoc, String> {
    let server = server_url(source);
    let cache = open_cache(source);
    let (target, bytes, format, origin) = match fetch(source, target) {
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
}
