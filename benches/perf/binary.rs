//! The real binary: cold start to the first usable frame, keystrokes in a
//! pseudo-terminal (latency, bytes written, peak memory), fzf in the same
//! pty as the peer, and subcommand wall times from a cold process.

use super::fixtures::Fixture;
use super::keys::QUERIES;
use super::pty::Pty;
use super::stats::{ms, Summary};
use callboard::catalog::{cache::Cache, Catalog};
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_callboard");
const COLS: u16 = 160;
const ROWS: u16 = 48;

fn env_refs(fixture: &Fixture) -> Vec<(&str, String)> {
    fixture.env()
}

/// What the first rows of the list will say, to know the list is on screen.
fn first_labels(fixture: &Fixture) -> Vec<String> {
    let cache = Cache::open(&fixture.source().cache_path()).unwrap();
    let catalog = Catalog::new(cache.load_summaries().unwrap());
    catalog
        .all()
        .iter()
        .take(3)
        .map(|s| {
            // The name column is 30 wide: long labels end in an ellipsis.
            let label: Vec<char> = s.label().chars().collect();
            if label.len() > 29 {
                label[..28].iter().collect::<String>() + "…"
            } else {
                s.label().to_string()
            }
        })
        .collect()
}

fn list_ready(labels: &[String], entities: usize) -> impl Fn(&str) -> bool + '_ {
    let count = format!("{entities} entities");
    move |screen: &str| screen.contains(&count) && labels.iter().all(|l| screen.contains(l.as_str()))
}

/// The binary under test: `CALLBOARD_BENCH_BIN` names another build (A/B runs
/// of two builds on the same fixture, interleaved so machine load hits both).
pub fn bin_under_test() -> String {
    std::env::var("CALLBOARD_BENCH_BIN").unwrap_or_else(|_| BIN.to_string())
}

fn start(fixture: &Fixture) -> Pty {
    let dir = fixture.dir.display().to_string();
    Pty::spawn(&bin_under_test(), &["--catalog-dir", &dir], &env_refs(fixture), COLS, ROWS)
}

/// Process start → the list with its first rows on screen, `runs` times.
pub fn cold_start(fixture: &Fixture, runs: usize) -> Summary {
    let labels = first_labels(fixture);
    let mut samples = Vec::new();
    for _ in 0..runs {
        let pty = start(fixture);
        let at = pty.wait_for(Duration::from_secs(30), list_ready(&labels, fixture.entities));
        let at = at.unwrap_or_else(|| panic!("no list on screen:\n{}", pty.screen_text()));
        samples.push(ms(at - pty.started));
        pty.stop();
    }
    Summary::of(&samples)
}

pub struct Typing {
    pub latency: Summary,
    /// Time to the last byte of each key's output (then 40 ms of quiet).
    pub settle: Summary,
    pub bytes: Summary,
    pub peak_rss_kib: u64,
    /// The slowest keys: the query so far and its latency.
    pub slowest: Vec<(String, f64)>,
}

/// Type the bench queries into the real TUI, one key at a time.
pub fn typing(fixture: &Fixture, rounds: usize) -> Typing {
    let labels = first_labels(fixture);
    let mut pty = start(fixture);
    pty.wait_for(Duration::from_secs(30), list_ready(&labels, fixture.entities)).expect("list on screen");
    pty.settle(pty.started, Duration::from_millis(300), Duration::from_secs(5));
    let (mut latency, mut settle, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
    let mut by_key: Vec<(String, f64)> = Vec::new();
    for _ in 0..rounds {
        for query in QUERIES {
            pty.send(b"/");
            let typing = |s: &str| s.lines().nth(1).is_some_and(|l| l.trim_end() == "/");
            pty.wait_for(Duration::from_secs(5), typing).expect("search input open");
            pty.settle(Instant::now(), Duration::from_millis(40), Duration::from_millis(200));
            for n in 1..=query.len() {
                let prefix = &query[..n];
                if prefix.ends_with(' ') {
                    // A trailing space changes nothing on screen; it is typed, not timed.
                    let sent = Instant::now();
                    pty.send(b" ");
                    pty.settle(sent, Duration::from_millis(40), Duration::from_secs(1));
                    continue;
                }
                let before = pty.bytes();
                let sent = Instant::now();
                pty.send(&prefix.as_bytes()[n - 1..]);
                let want = format!("/ {prefix}");
                let done = pty.wait_for(Duration::from_secs(10), |screen| {
                    let mut lines = screen.lines();
                    let search_line = lines.nth(1).unwrap_or("").trim_end();
                    let status = screen.lines().nth(ROWS as usize - 2).unwrap_or("");
                    search_line == want && status.contains("match") && !status.contains("searching")
                });
                let done = done.unwrap_or_else(|| panic!("no results for {prefix:?}:\n{}", pty.screen_text()));
                latency.push(ms(done - sent));
                by_key.push((prefix.to_string(), ms(done - sent)));
                let last = pty.settle(sent, Duration::from_millis(40), Duration::from_secs(2));
                settle.push(ms(last.saturating_duration_since(sent)));
                bytes.push((pty.bytes() - before) as f64);
            }
            // Esc alone: were the next key to arrive with it, it would read as Alt-key.
            pty.send(b"\x1b");
            let cleared = |s: &str| s.lines().nth(1).is_some_and(|l| l.starts_with("Press /"));
            pty.wait_for(Duration::from_secs(5), cleared).expect("query cleared");
            pty.settle(Instant::now(), Duration::from_millis(40), Duration::from_millis(200));
        }
    }
    let peak_rss_kib = pty.peak_rss_kib().unwrap_or(0);
    pty.stop();
    by_key.sort_by(|a, b| b.1.total_cmp(&a.1));
    by_key.truncate(5);
    Typing {
        latency: Summary::of(&latency),
        settle: Summary::of(&settle),
        bytes: Summary::of(&bytes),
        peak_rss_kib,
        slowest: by_key,
    }
}

/// fzf over the same labels in the same pty, typing the same free-text
/// queries: time to its last byte per key, and bytes per key.
pub fn fzf_typing(fixture: &Fixture) -> Option<(Summary, Summary)> {
    Command::new("fzf").arg("--version").output().ok()?;
    let labels = super::fixtures::base_dir().join(format!("labels-{}.txt", fixture.entities));
    if !labels.exists() {
        return None;
    }
    let script = format!("exec fzf --no-mouse < '{}'", labels.display());
    let mut pty = Pty::spawn("/bin/sh", &["-c", &script], &[], COLS, ROWS);
    let total = fixture.entities.to_string();
    pty.wait_for(Duration::from_secs(30), |s| s.contains(&format!("{total}/{total}")))?;
    pty.settle(pty.started, Duration::from_millis(300), Duration::from_secs(5));
    let (mut settle, mut bytes) = (Vec::new(), Vec::new());
    for query in QUERIES.iter().filter(|q| !q.contains(':')) {
        for c in query.chars() {
            let before = pty.bytes();
            let sent = Instant::now();
            pty.send(c.to_string().as_bytes());
            let last = pty.settle(sent, Duration::from_millis(40), Duration::from_secs(2));
            settle.push(ms(last.saturating_duration_since(sent)));
            bytes.push((pty.bytes() - before) as f64);
        }
        let sent = Instant::now();
        pty.send(b"\x15"); // ctrl-u: clear the query
        pty.settle(sent, Duration::from_millis(100), Duration::from_secs(5));
    }
    pty.stop();
    Some((Summary::of(&settle), Summary::of(&bytes)))
}

/// Wall time of `callboard --catalog-dir DIR ARGS` from a cold process.
pub fn subcommand(fixture: &Fixture, args: &[&str], runs: usize) -> Summary {
    let dir = fixture.dir.display().to_string();
    let mut samples = Vec::new();
    for i in 0..runs + 2 {
        let started = Instant::now();
        let out = Command::new(BIN).arg("--catalog-dir").arg(&dir).args(args).envs(fixture.env()).output().unwrap();
        let took = ms(started.elapsed());
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        if i >= 2 {
            samples.push(took); // the first two warm the OS page cache
        }
    }
    Summary::of(&samples)
}

/// `sync` after one file of the folder changed: every YAML file re-read.
pub fn files_reread(fixture: &Fixture) -> f64 {
    let file = fixture.dir.join("domains.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n")).unwrap();
    let started = Instant::now();
    let out =
        Command::new(BIN).arg("--catalog-dir").arg(&fixture.dir).arg("sync").envs(fixture.env()).output().unwrap();
    assert!(out.status.success(), "sync: {}", String::from_utf8_lossy(&out.stderr));
    ms(started.elapsed())
}
