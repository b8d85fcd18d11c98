//! Generate a large, realistic catalog (deterministic by seed).
//!
//! cargo run --release --example gen_catalog -- --entities 100000 --seed 1 --out /tmp/cat100k [--fill-cache]
//!
//! Writes DIR/catalog-info.yaml (a Location with relative targets) and the
//! files it points at, usable with `callboard --catalog-dir DIR` and with
//! `tests/backstage/start.sh --catalog-dir DIR`. With --fill-cache it also
//! fills the cache of `--catalog-dir DIR` directly (CALLBOARD_CACHE_DIR
//! decides where), so the first start does not parse the YAML.

use callboard::catalog::cache::Cache;
use callboard::generate::{fill_cache, generate, write_yaml, Options};
use callboard::source::{unix_now, Source};
use std::path::PathBuf;

fn main() {
    let mut entities = 10_000usize;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut fill = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--entities" | "-n" => entities = parse_count(&value()),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage("--seed takes a number")),
            "--out" | "-o" => out = Some(PathBuf::from(value())),
            "--fill-cache" => fill = true,
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let out = out.unwrap_or_else(|| usage("--out DIR is required"));
    let started = std::time::Instant::now();
    let generated = generate(Options { entities, seed });
    let files = write_yaml(&generated, &out).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
    eprintln!(
        "wrote {} entities in {files} files to {} ({:.1} s); most used API: {}; sample component: {}",
        generated.docs.len(),
        out.display(),
        started.elapsed().as_secs_f64(),
        generated.popular_api,
        generated.sample_component
    );
    if fill {
        let root = std::fs::canonicalize(&out).unwrap_or(out.clone());
        let path = Source::Dir(root).cache_path();
        let _ = std::fs::remove_file(&path);
        let mut cache = Cache::open(&path).unwrap_or_else(|e| fail(&e.to_string()));
        let report = fill_cache(&generated, &out, &mut cache, unix_now()).unwrap_or_else(|e| fail(&e.to_string()));
        eprintln!(
            "filled {} with {} entities ({:.1} s)",
            path.display(),
            report.entities,
            started.elapsed().as_secs_f64()
        );
    }
}

/// `100000`, `100k` or `0.25m`.
fn parse_count(text: &str) -> usize {
    let lower = text.to_ascii_lowercase();
    let (digits, scale) = match lower.strip_suffix('k') {
        Some(d) => (d, 1e3),
        None => match lower.strip_suffix('m') {
            Some(d) => (d, 1e6),
            None => (lower.as_str(), 1.0),
        },
    };
    digits
        .parse::<f64>()
        .map(|n| (n * scale) as usize)
        .unwrap_or_else(|_| usage("--entities takes a count like 20000 or 100k"))
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("gen_catalog: {problem}");
    }
    eprintln!("usage: gen_catalog --out DIR [--entities N|Nk] [--seed S] [--fill-cache]");
    std::process::exit(if problem.is_empty() { 0 } else { 2 })
}

fn fail(message: &str) -> ! {
    eprintln!("gen_catalog: {message}");
    std::process::exit(1)
}
