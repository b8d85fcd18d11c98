//! Where the time of opening a catalog goes, in process: cache open, the
//! snapshot read, building the catalog, and the first search of each prefix.

use super::fixtures::Fixture;
use super::stats::ms;
use callboard::catalog::{cache::Cache, Catalog};
use callboard::search::{run as run_query, Query};
use std::time::Instant;

pub fn breakdown(fixture: &Fixture) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let started = Instant::now();
    let cache = Cache::open(&fixture.source().cache_path()).unwrap();
    out.push(("open cache".to_string(), ms(started.elapsed())));
    let t = Instant::now();
    let fingerprint = callboard::catalog::files::fingerprint(&fixture.dir);
    out.push(("folder fingerprint".to_string(), ms(t.elapsed())));
    std::hint::black_box(fingerprint);
    let t = Instant::now();
    let summaries = cache.load_summaries().unwrap();
    out.push((format!("load {} summaries", summaries.len()), ms(t.elapsed())));
    let t = Instant::now();
    let sorted = summaries.is_sorted_by(|a, b| callboard::catalog::list_order(a, b).is_le());
    out.push((format!("order check (sorted: {sorted})"), ms(t.elapsed())));
    let t = Instant::now();
    let catalog = Catalog::in_list_order(summaries);
    out.push(("build catalog (key index)".to_string(), ms(t.elapsed())));
    for q in [
        "o",
        "t",
        "k",
        "l",
        "",
        "p",
        "pa",
        "pay",
        "paym",
        "payments-api",
        "kind:api",
        "kind:api pay",
        "owner:team-pay",
        "tag:java",
    ] {
        let t = Instant::now();
        let hits = run_query(&catalog, &Query::parse(q));
        out.push((format!("search {q:?} ({} hits)", hits.len()), ms(t.elapsed())));
    }
    out
}
