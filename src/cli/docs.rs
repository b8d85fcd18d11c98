//! `callboard docs prefetch` fills the offline cache with runbooks and doc
//! pages before an on-call shift; `callboard search --server` queries the
//! Backstage search index (a folder source searches its catalog and docs).

use super::Exit;
use crate::catalog::{Catalog, EntityRef};
use crate::config::Config;
use crate::docs::runtime::{block_on, fetch_into_cache, find_runbooks};
use crate::docs::search::{SearchPage, SearchResult};
use crate::docs::target::DocTarget;
use crate::source::Source;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum DocsCommand {
    /// Print an entity's runbook as plain text (from its docs, the server, or the offline cache).
    Show {
        /// Entity ref, name or title.
        entity: String,
        /// Wrap at this many columns (default: the terminal's width, else 100).
        #[arg(long)]
        width: Option<u16>,
    },
    /// Fetch the runbooks and doc pages of entities into the offline cache.
    Prefetch {
        /// Only entities owned by me or my groups (config `me`).
        #[arg(long, conflicts_with = "system")]
        owned_by_me: bool,
        /// Only the entities of this system (and the system itself).
        #[arg(long, value_name = "SYSTEM")]
        system: Option<String>,
        /// Also fetch web pages named by runbook links (outside Backstage).
        #[arg(long)]
        web: bool,
    },
}

fn io(e: std::io::Error) -> Exit {
    Exit::from(anyhow::Error::from(e))
}

/// Entity keys the prefetch covers.
fn selection(catalog: &Catalog, config: &Config, owned_by_me: bool, system: Option<&str>) -> Result<Vec<String>, Exit> {
    if owned_by_me {
        let me = config
            .me
            .as_deref()
            .ok_or_else(|| Exit::new(2, "--owned-by-me needs `me = \"user:default/you\"` in the config".to_string()))?;
        let me =
            EntityRef::parse(me, Some("user"), "default").map_err(|e| Exit::new(2, format!("config me: {e}")))?.key();
        let owners = crate::catalog::graph::my_owners(catalog, &me);
        return Ok(catalog.all().iter().filter(|s| owners.contains(&s.owner)).map(|s| s.key.clone()).collect());
    }
    if let Some(system) = system {
        let key = EntityRef::parse(system, Some("system"), "default")
            .map(|r| r.key())
            .map_err(|e| Exit::new(2, format!("--system {system}: {e}")))?;
        if catalog.get(&key).is_none() {
            return Err(Exit::new(1, format!("no system `{system}` in the catalog")));
        }
        return Ok(catalog.all().iter().filter(|s| s.system == key || s.key == key).map(|s| s.key.clone()).collect());
    }
    Ok(catalog.all().iter().map(|s| s.key.clone()).collect())
}

pub fn run(
    command: DocsCommand,
    source: &Source,
    config: &Config,
    catalog: &Catalog,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let (owned_by_me, system, web) = match command {
        DocsCommand::Show { entity, width } => {
            return super::docs_show::run(source, config, catalog, &entity, width, out)
        }
        DocsCommand::Prefetch { owned_by_me, system, web } => (owned_by_me, system, web),
    };
    let keys = selection(catalog, config, owned_by_me, system.as_deref())?;
    let annotations = &config.runbooks.annotations;
    let (mut pages, mut bytes, mut entities, mut failed) = (0usize, 0usize, 0usize, 0usize);
    // One context for the whole run: every page reuses the same connections.
    let cx = crate::exec::JobContext::new(std::sync::Arc::new(source.clone()));
    for key in &keys {
        let (runbooks, note) = block_on(find_runbooks(&cx, key, None, annotations));
        let targets: Vec<_> = runbooks.iter().filter(|r| web || !matches!(r.target, DocTarget::Url(_))).collect();
        if targets.is_empty() {
            continue;
        }
        entities += 1;
        let mut line = format!("{}:", catalog.label_of(key));
        if let Some(note) = note {
            line.push_str(&format!(" ({note})"));
        }
        for runbook in targets {
            match block_on(fetch_into_cache(&cx, &runbook.target)) {
                Ok(n) => {
                    pages += 1;
                    bytes += n;
                    line.push_str(&format!(" {} ✓", runbook.title));
                }
                Err(e) => {
                    failed += 1;
                    line.push_str(&format!(" {} ✗ ({e})", runbook.title));
                }
            }
        }
        writeln!(out, "{}", crate::sanitize::clean_line(&line)).map_err(io)?;
    }
    writeln!(
        out,
        "cached {pages} page{} ({}) of {entities} entit{}{}",
        if pages == 1 { "" } else { "s" },
        crate::sync::backstage::human_bytes(bytes as u64),
        if entities == 1 { "y" } else { "ies" },
        if failed > 0 { format!("; {failed} failed") } else { String::new() }
    )
    .map_err(io)?;
    if failed > 0 && pages == 0 {
        return Err(Exit::new(1, "nothing could be fetched".to_string()));
    }
    Ok(())
}

/// Results of a search, following `pageCursor` until `limit` results.
fn search_pages(source: &Source, catalog: &Catalog, query: &str, limit: usize) -> Result<Vec<SearchResult>, Exit> {
    let Source::Instance(instance) = source else {
        eprintln!("callboard: {} is not a Backstage instance; searched its catalog and docs", source.label());
        let page = crate::docs::local_search::search(source, catalog, query);
        return Ok(page.results.into_iter().take(limit).collect());
    };
    let client = crate::backstage::Client::new(instance).map_err(|e| Exit::new(1, e.to_string()))?;
    let mut results = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let body = block_on(client.search(query, cursor.as_deref())).map_err(|e| Exit::new(1, e.to_string()))?;
        let SearchPage { results: page, next_cursor, .. } = crate::docs::search::parse_response(&body);
        let empty = page.is_empty();
        results.extend(page);
        match next_cursor {
            Some(next) if results.len() < limit && !empty => cursor = Some(next),
            _ => break,
        }
    }
    results.truncate(limit);
    Ok(results)
}

/// Text with highlighted words wrapped in `«»`, for plain output.
fn marked(text: &str, marks: &[(usize, usize)]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if marks.iter().any(|(s, _)| *s == i) {
            out.push('«');
        }
        out.push(c);
        if marks.iter().any(|(s, n)| s + n == i + 1) {
            out.push('»');
        }
    }
    out
}

pub fn server_search(
    source: &Source,
    catalog: &Catalog,
    query: &str,
    as_json: bool,
    limit: Option<usize>,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let results = search_pages(source, catalog, query, limit.unwrap_or(25))?;
    if results.is_empty() {
        return Err(Exit::new(1, format!("nothing found for `{query}`")));
    }
    if as_json {
        let items: Vec<_> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "type": r.kind, "title": r.title, "text": r.text, "location": r.location,
                    "entity": r.entity, "highlight": { "title": marked(&r.title, &r.title_marks), "text": marked(&r.text, &r.text_marks) },
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&items).unwrap_or_default()).map_err(io)?;
        return Ok(());
    }
    for r in &results {
        let kind = match r.kind.as_str() {
            "software-catalog" => "catalog",
            "techdocs" => "docs",
            other => other,
        };
        writeln!(out, "{kind:<8} {:<40} {}", marked(&r.title, &r.title_marks), r.location).map_err(io)?;
        if !r.text.is_empty() {
            let text: String = marked(&r.text, &r.text_marks).chars().take(150).collect();
            writeln!(out, "         {text}").map_err(io)?;
        }
    }
    Ok(())
}
