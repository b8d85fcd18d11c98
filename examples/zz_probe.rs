use callboard::catalog::cache::Cache;
use callboard::source::*;
use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let root = std::fs::canonicalize(&dir).unwrap();
    let src = Source::Dir(root.clone());
    let t = Instant::now();
    let cache = Cache::open(&src.cache_path()).unwrap();
    eprintln!("open {:?}", t.elapsed());
    let t = Instant::now();
    let fp = callboard::catalog::files::fingerprint(&root);
    eprintln!("fingerprint {:?} {}", t.elapsed(), fp);
    let t = Instant::now();
    let s = cache.load_summaries().unwrap();
    eprintln!("load_summaries {:?} n={}", t.elapsed(), s.len());
    let nrel: usize = s.iter().map(|x| x.relations.len()).sum();
    eprintln!("relations {}", nrel);
    let t = Instant::now();
    let c = callboard::catalog::Catalog::new(s);
    eprintln!("catalog new {:?}", t.elapsed());
    for q in ["p", "pa", "pay", "paym", "payments-api", "kind:api pay", "owner:team-pay"] {
        let t = Instant::now();
        let h = callboard::search::run(&c, &callboard::search::Query::parse(q));
        eprintln!("search {q:?} {:?} hits={}", t.elapsed(), h.len());
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    for l in status.lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")) {
        eprintln!("{l}");
    }
}
