//! SIGKILL at random points of a sync, then: SQLite's integrity_check is ok,
//! and the cache holds either the old snapshot or the new one, never a mix
//! or a part. Once for a files-source sync, once for a sync from the real
//! Backstage harness.
//!
//! Rounds per source: 15 by default (CI, well under a minute with the
//! Backstage start); `CALLBOARD_KILL_ROUNDS=200 cargo test --test kill_sync
//! -- --nocapture` for the figures in RELIABILITY.md (with
//! `CALLBOARD_KILL_MAX_MS=60000` so kills can land anywhere in a slow sync).
//! Each round prints its kill time; `CALLBOARD_KILL_SEED` replays a run.

#[path = "common/backstage.rs"]
mod backstage;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn rounds() -> usize {
    std::env::var("CALLBOARD_KILL_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(15)
}

/// xorshift64*, seeded from the clock unless CALLBOARD_KILL_SEED is set.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("CALLBOARD_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
        });
        eprintln!("CALLBOARD_KILL_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// The keys in a cache, after SQLite's own integrity check.
fn checked_keys(path: &Path) -> BTreeSet<String> {
    let db = rusqlite::Connection::open(path).unwrap();
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok", "{}", path.display());
    drop(db);
    let cache = callboard::catalog::cache::Cache::open(path).unwrap();
    cache.etags().unwrap().into_keys().collect()
}

fn remove_cache(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A cache file closed cleanly, so that copying the main file alone is a snapshot.
fn snapshot_of(path: &Path, to: &Path) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(db);
    std::fs::copy(path, to).unwrap();
}

struct Outcome {
    /// Rounds where the signal landed before the sync ended.
    killed: usize,
    old: usize,
    new: usize,
}

/// Restore `old`, run `command`, SIGKILL it at a random point of a sync that
/// takes about `typical`, check the cache; `rounds` times.
fn kill_rounds(
    label: &str,
    cache: &Path,
    old: (&Path, &BTreeSet<String>),
    new: &BTreeSet<String>,
    typical: Duration,
    command: &dyn Fn() -> Command,
) -> Outcome {
    assert_ne!(old.1, new, "the two snapshots must differ to tell them apart");
    let mut rng = Rng::new();
    let mut outcome = Outcome { killed: 0, old: 0, new: 0 };
    // Kill points spread over the whole run, start-up and commit included;
    // at most CALLBOARD_KILL_MAX_MS (default 2.5 s) in, so that a slow,
    // loaded machine keeps the test within CI's time (every kill then lands
    // mid-sync, and the round's answer is "old").
    let max_ms = std::env::var("CALLBOARD_KILL_MAX_MS").ok().and_then(|n| n.parse().ok()).unwrap_or(2_500u64);
    let span = (typical.as_micros() as u64 * 11 / 10).clamp(1_000, max_ms * 1_000);
    for round in 0..rounds() {
        remove_cache(cache);
        std::fs::copy(old.0, cache).unwrap();
        let at = Duration::from_micros(rng.below(span));
        let mut child = command().stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(at);
        child.kill().unwrap();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            outcome.killed += 1;
        }
        let keys = checked_keys(cache);
        let which = if &keys == old.1 {
            outcome.old += 1;
            "old"
        } else if &keys == new {
            outcome.new += 1;
            "new"
        } else {
            panic!(
                "{label} round {round}: killed at {at:?}, the cache holds {} entities, neither the old {} nor the new {}",
                keys.len(),
                old.1.len(),
                new.len()
            );
        };
        eprintln!(
            "{label} round {round}: SIGKILL at {:>7.1} ms ({status}): integrity ok, {which}",
            at.as_secs_f64() * 1e3
        );
    }
    eprintln!(
        "{label}: {} rounds, {} killed mid-sync, {} old, {} new, 0 partial, integrity_check ok in all",
        rounds(),
        outcome.killed,
        outcome.old,
        outcome.new
    );
    outcome
}

fn callboard(cache_dir: &Path, state: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_callboard"));
    command.env("CALLBOARD_CACHE_DIR", cache_dir).env("CALLBOARD_STATE_DIR", state);
    command
}

fn only_sqlite(dir: &Path) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn write_catalog(dir: &Path, entities: usize, seed: u64) {
    let _ = std::fs::remove_dir_all(dir);
    let generated = callboard::generate::generate(callboard::generate::Options { entities, seed });
    callboard::generate::write_yaml(&generated, dir).unwrap();
}

#[test]
fn a_files_sync_killed_anywhere_leaves_the_old_or_the_new_snapshot() {
    let work = tempfile::tempdir().unwrap();
    let (catalog, cache_dir, state) =
        (work.path().join("catalog"), work.path().join("cache"), work.path().join("state"));
    let sync = || {
        let mut command = callboard(&cache_dir, &state);
        command.arg("--catalog-dir").arg(&catalog).args(["sync", "--full"]);
        command
    };
    // The old snapshot: one catalog, synced whole.
    write_catalog(&catalog, 1_000, 1);
    assert!(sync().status().unwrap().success());
    let cache = only_sqlite(&cache_dir);
    let old_keys = checked_keys(&cache);
    let old = work.path().join("old.sqlite");
    snapshot_of(&cache, &old);
    // The new one: another catalog in the same folder, timed once.
    write_catalog(&catalog, 1_500, 2);
    let started = Instant::now();
    assert!(sync().status().unwrap().success());
    let typical = started.elapsed();
    let new_keys = checked_keys(&cache);
    eprintln!("files: a whole sync of {} entities takes {typical:?}", new_keys.len());
    let outcome = kill_rounds("files", &cache, (&old, &old_keys), &new_keys, typical, &sync);
    assert_eq!(outcome.old + outcome.new, rounds());
    assert!(outcome.killed > 0, "no kill landed during a sync");
}

#[test]
fn a_backstage_sync_killed_anywhere_leaves_the_old_or_the_new_snapshot() {
    const ENTITIES: usize = 200;
    let empty = tempfile::tempdir().unwrap();
    let Some(server) = backstage::Backstage::start(empty.path(), ENTITIES, |dir| write_catalog(dir, ENTITIES, 3))
    else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let (cache_dir, state) = (work.path().join("cache"), work.path().join("state"));
    let config = work.path().join("config.toml");
    // Small pages: many requests, so kills land between them as well as in them.
    std::fs::write(
        &config,
        format!(
            "[[instance]]\nname = \"kill\"\nurl = \"{}\"\ntoken_env = \"CALLBOARD_KILL_TOKEN\"\npage_size = 25\n",
            server.url
        ),
    )
    .unwrap();
    let sync = || {
        let mut command = callboard(&cache_dir, &state);
        command.arg("--config").arg(&config).args(["--instance", "kill", "sync", "--full"]);
        command.env("CALLBOARD_KILL_TOKEN", backstage::TOKEN);
        command
    };
    // The old snapshot: a files catalog's entities in this instance's cache
    // file; any sync replaces it whole (another source).
    let files = work.path().join("files");
    write_catalog(&files, 500, 4);
    let mut seed = callboard(&cache_dir, &state);
    assert!(seed.arg("--catalog-dir").arg(&files).arg("sync").status().unwrap().success());
    let seeded = only_sqlite(&cache_dir);
    let old = work.path().join("old.sqlite");
    snapshot_of(&seeded, &old);
    let old_keys = checked_keys(&old);
    remove_cache(&seeded);

    let started = Instant::now();
    let out = sync().output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let typical = started.elapsed();
    let cache = only_sqlite(&cache_dir);
    let new_keys = checked_keys(&cache);
    assert!(new_keys.len() >= ENTITIES, "{}", new_keys.len());
    eprintln!("backstage: a whole sync of {} entities takes {typical:?}", new_keys.len());
    let outcome = kill_rounds("backstage", &cache, (&old, &old_keys), &new_keys, typical, &sync);
    assert_eq!(outcome.old + outcome.new, rounds());
    assert!(outcome.killed > 0, "no kill landed during a sync");
}
