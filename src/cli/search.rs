//! `callboard search QUERY [--json] [--limit N]`: the TUI's search, scriptable.

use super::{Exit, EXIT_NOT_FOUND, EXIT_USAGE};
use crate::catalog::Catalog;
use crate::search::{rank::ref_name, run as run_query, Query};
use serde_json::json;
use std::io::Write;

pub fn run(
    catalog: &Catalog,
    query: &str,
    as_json: bool,
    limit: Option<usize>,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let parsed = Query::parse(query);
    // A typo in a field name would otherwise read as "nothing matches".
    if let Some(problem) = parsed.problems(catalog).into_iter().next() {
        return Err(Exit::new(EXIT_USAGE, problem));
    }
    let hits = run_query(catalog, &parsed);
    let io = |e: std::io::Error| Exit::from(anyhow::Error::from(e));
    if hits.is_empty() {
        // A script parsing the output still gets valid JSON; the status says "none".
        if as_json {
            writeln!(out, "[]").map_err(io)?;
        }
        return Err(Exit::new(EXIT_NOT_FOUND, format!("nothing matches `{query}`")));
    }
    let shown = &hits[..limit.unwrap_or(hits.len()).min(hits.len())];
    if as_json {
        let items: Vec<_> = shown
            .iter()
            .map(|h| {
                let s = catalog.at(h.idx);
                json!({
                    "ref": s.entity_ref().to_string(),
                    "kind": s.kind, "namespace": s.namespace, "name": s.name,
                    "title": if s.title.is_empty() { &s.name } else { &s.title },
                    "type": s.spec_type, "lifecycle": s.lifecycle,
                    "owner": s.owner, "system": s.system, "tags": s.tags,
                    "description": s.description, "score": h.score,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&items).unwrap_or_default()).map_err(io)?;
    } else {
        for h in shown {
            let s = catalog.at(h.idx);
            writeln!(
                out,
                "{:<45} {:<10} {:<24} {}",
                s.entity_ref().humanize(None),
                s.spec_type,
                ref_name(&s.owner),
                s.lifecycle
            )
            .map_err(io)?;
        }
    }
    Ok(())
}
