//! Generated catalogs for the benches: a YAML folder per size plus its cache,
//! made once and reused while the seed, the size and the cache schema hold.

use callboard::catalog::cache::Cache;
use callboard::generate::{fill_cache, generate, write_yaml, Generated, Options};
use callboard::source::{unix_now, Source, META_FINGERPRINT};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const SEED: u64 = 1;

pub struct Fixture {
    pub entities: usize,
    /// The YAML folder (`--catalog-dir`).
    pub dir: PathBuf,
    /// CALLBOARD_CACHE_DIR for every process the bench starts.
    pub cache_dir: PathBuf,
    pub popular_api: String,
    pub sample_component: String,
}

impl Fixture {
    pub fn source(&self) -> Source {
        Source::Dir(self.dir.clone())
    }

    /// Environment for a callboard process on this fixture.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let state = self.cache_dir.parent().unwrap_or(&self.cache_dir).join("state");
        let config = self.cache_dir.parent().unwrap_or(&self.cache_dir).join("config");
        vec![
            ("CALLBOARD_CACHE_DIR", self.cache_dir.display().to_string()),
            ("CALLBOARD_STATE_DIR", state.display().to_string()),
            ("CALLBOARD_CONFIG_DIR", config.display().to_string()),
        ]
    }
}

pub fn base_dir() -> PathBuf {
    std::env::var_os("CALLBOARD_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/perf"))
}

/// The folder and a filled cache for `entities`, made if missing or stale.
/// A fresh fixture is not regenerated in memory: that would leave the
/// bench's heap full of freed JSON and slow every later measurement.
pub fn ensure(entities: usize) -> Fixture {
    let base = base_dir();
    let dir = base.join(format!("catalog-{entities}"));
    let cache_dir = base.join("cache");
    std::env::set_var("CALLBOARD_CACHE_DIR", &cache_dir);
    let stamp = dir.join(".bench-stamp");
    let want = format!("entities={entities} seed={SEED}");
    let stamped = std::fs::read_to_string(&stamp).unwrap_or_default();
    let mut lines = stamped.lines();
    let mut generated: Option<Generated> = None;
    let gen = || generate(Options { entities, seed: SEED });
    let complete = lines.next() == Some(want.as_str()) && lines.filter(|l| !l.is_empty()).count() == 2;
    if !complete {
        let started = Instant::now();
        let _ = std::fs::remove_dir_all(&dir);
        let g = gen();
        write_yaml(&g, &dir).expect("write catalog");
        std::fs::write(&stamp, format!("{want}\n{}\n{}\n", g.popular_api, g.sample_component)).expect("stamp");
        eprintln!("  generated {entities} entities in {:.1} s", started.elapsed().as_secs_f64());
        generated = Some(g);
    }
    let names = std::fs::read_to_string(&stamp).unwrap_or_default();
    let mut names = names.lines().skip(1).map(str::to_string);
    let (popular_api, sample_component) = (names.next().unwrap_or_default(), names.next().unwrap_or_default());
    let dir = std::fs::canonicalize(&dir).expect("catalog dir");
    let source = Source::Dir(dir.clone());
    let mut cache = Cache::open(&source.cache_path()).expect("open cache");
    let current = callboard::catalog::files::fingerprint(&dir);
    let fresh = cache.entity_count() == entities && cache.meta(META_FINGERPRINT).as_deref() == Some(current.as_str());
    if !fresh {
        let started = Instant::now();
        let g = generated.take().unwrap_or_else(gen);
        fill_cache(&g, &dir, &mut cache, unix_now()).expect("fill cache");
        eprintln!("  filled the {entities} cache in {:.1} s", started.elapsed().as_secs_f64());
        drop(g);
        // Fill and measure in separate processes: the heap is now a mess.
        if std::env::var_os("CALLBOARD_BENCH_REFILLED").is_none() {
            eprintln!("  restarting the bench with clean memory");
            let status = std::process::Command::new(std::env::current_exe().unwrap())
                .args(std::env::args().skip(1))
                .env("CALLBOARD_BENCH_REFILLED", "1")
                .status()
                .expect("re-run");
            std::process::exit(status.code().unwrap_or(1));
        }
    }
    Fixture { entities, dir, cache_dir, popular_api, sample_component }
}
