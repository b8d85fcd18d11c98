//! `:search` for a folder source, which has no search server: the catalog
//! through the list's own search, and the markdown of every local docs site.
//! Results have the same shape as Backstage's, so one screen shows both.

use super::discover::{docs_site, local_site, DocsSite};
use super::search::{mark_words, snippet, SearchPage, SearchResult};
use super::target::DocTarget;
use crate::catalog::cache::Cache;
use crate::catalog::Catalog;
use crate::sanitize::clean_line;
use crate::source::Source;

/// Results shown at most per kind; a folder search is a convenience, not an index.
const MAX_RESULTS: usize = 50;

pub fn search(source: &Source, catalog: &Catalog, query: &str) -> SearchPage {
    let mut results = Vec::new();
    for hit in crate::search::run(catalog, &crate::search::Query::parse(query)).into_iter().take(MAX_RESULTS) {
        let s = catalog.at(hit.idx);
        let title = s.label().to_string();
        results.push(SearchResult {
            kind: "software-catalog".into(),
            title_marks: mark_words(&title, query),
            text_marks: mark_words(&s.description, query),
            title,
            text: s.description.clone(),
            location: format!("/catalog/{}/{}/{}", s.namespace, s.kind.to_ascii_lowercase(), s.name),
            entity: Some(s.key.clone()),
            doc: None,
        });
    }
    results.extend(search_docs(source, catalog, query));
    SearchPage { total: Some(results.len()), results, next_cursor: None }
}

fn search_docs(source: &Source, catalog: &Catalog, query: &str) -> Vec<SearchResult> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let Ok(cache) = Cache::open(&source.cache_path()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in catalog.all() {
        let Some(raw) = cache.raw(&s.key).ok().flatten() else { continue };
        let Some(DocsSite::Local(site)) = docs_site(&raw, false) else { continue };
        let Ok((root, pages)) = local_site(&site) else { continue };
        for (title, path) in pages {
            let Ok(bytes) = std::fs::read(&path) else { continue };
            // Search the text as shown, not the markdown source with its `**` and `|`.
            let page = super::layout(&super::parse(super::Format::Markdown, &bytes), 1000);
            let text: String =
                page.lines.iter().map(|l| l.iter().map(|s| s.text.as_str()).collect::<String>() + " ").collect();
            let lower = text.to_lowercase();
            if !words.iter().all(|w| lower.contains(w.as_str())) {
                continue;
            }
            let title = format!("{} · {}", s.label(), title);
            let text = clean_line(&snippet(&text, query, 160));
            out.push(SearchResult {
                kind: "techdocs".into(),
                title_marks: mark_words(&title, query),
                text_marks: mark_words(&text, query),
                location: path.strip_prefix(root.parent().unwrap_or(&root)).unwrap_or(&path).display().to_string(),
                title,
                text,
                entity: Some(s.key.clone()),
                doc: Some(DocTarget::Local { root: root.clone(), path }),
            });
            if out.len() >= MAX_RESULTS {
                return out;
            }
        }
    }
    out
}
