//! Sync of a generated catalog from the real Backstage harness
//! (tests/backstage), beside a bare paging loop over the same endpoint, and
//! keystroke latency in the real TUI while that sync runs.
//!
//! CALLBOARD_BENCH_BACKSTAGE=URL reuses a running harness server (token from
//! CALLBOARD_TEST_TOKEN or the harness default; its pid in
//! CALLBOARD_BENCH_BACKSTAGE_PID, for the pinned round); otherwise one is
//! started on a generated catalog of CALLBOARD_BENCH_SYNC_ENTITIES (default
//! 20k), which takes 6-13 min: the catalog ingests 25-60 entities/s.
//!
//! Server and client share this machine's cores, and the server (Node) is
//! fastest when it has two: its main thread plus gzip on its thread pool.
//! So every figure is taken twice: with the cores shared as the scheduler
//! likes, and with the server pinned to CPU 0 and the client to CPU 1 (the
//! nearest this machine gets to the server being elsewhere).

mod loops;
mod tui;

use loops::Pass;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DEFAULT_TOKEN: &str = "callboard-test-token-0123456789abcdef";
const TOKEN_ENV: &str = "CALLBOARD_BENCH_TOKEN";
const PAGE: usize = 500;
const LIST_FIELDS: &str = "kind,metadata.namespace,metadata.name,metadata.etag";
/// What `callboard sync` asks per listing page over a cache of `total`
/// (src/sync/backstage.rs, `list_page_size`): everything plus 5 %, in one page.
fn list_page(total: u64) -> usize {
    (total as usize + (total as usize / 20).max(100)).clamp(4 * PAGE, 25_000)
}
/// Before every measured run: Node collects its garbage when idle, and a run
/// that starts while it still does is slower.
const PAUSE: Duration = Duration::from_millis(1500);

pub struct Server {
    url: String,
    token: String,
    pid: Option<u32>,
    /// This bench started it, and stops it.
    owned: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let (Some(pid), true) = (self.pid, self.owned) {
            let _ = Command::new(harness().join("stop.sh")).arg(pid.to_string()).status();
        }
    }
}

fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage")
}

fn server() -> Option<Server> {
    let token = std::env::var("CALLBOARD_TEST_TOKEN").unwrap_or_else(|_| DEFAULT_TOKEN.into());
    if let Ok(url) = std::env::var("CALLBOARD_BENCH_BACKSTAGE") {
        let pid = std::env::var("CALLBOARD_BENCH_BACKSTAGE_PID").ok().and_then(|p| p.parse().ok());
        return Some(Server { url: url.trim_end_matches('/').to_string(), token, pid, owned: false });
    }
    let entities: usize =
        std::env::var("CALLBOARD_BENCH_SYNC_ENTITIES").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let dir = super::fixtures::base_dir().join(format!("backstage-{entities}"));
    if !dir.join("catalog-info.yaml").exists() {
        let generated = callboard::generate::generate(callboard::generate::Options { entities, seed: 1 });
        callboard::generate::write_yaml(&generated, &dir).expect("write the catalog");
    }
    eprintln!("  starting Backstage on {entities} entities (≈ {} min of ingestion)", entities / 3600 + 1);
    let started = Instant::now();
    let out = Command::new(harness().join("start.sh"))
        .arg("--catalog-dir")
        .arg(&dir)
        .args(["--wait-entities", &entities.to_string(), "--timeout", &(entities / 10 + 300).to_string()])
        // Not the harness's 1 s and 5 s: re-processing 20k entities every second,
        // and the search collator paging through all of them every 5 s, keep the
        // server's one thread busy and slow every request 10-100×.
        .args(["--processing-interval", "86400", "--search-interval", "86400"])
        .output()
        .expect("run tests/backstage/start.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        println!("sync: the test Backstage did not start: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let field = |name: &str| stdout.split_whitespace().find_map(|w| w.strip_prefix(name)).map(str::to_string);
    let url = field("BACKSTAGE_URL=")?;
    let pid = field("BACKSTAGE_PID=")?.parse().ok();
    let server = Server { url, token, pid, owned: true };
    // The config's own Location comes on top of the catalog's: wait until the count holds still.
    let mut last = 0;
    while entity_count(&server) != last {
        last = entity_count(&server);
        std::thread::sleep(Duration::from_secs(5));
    }
    eprintln!("  {last} entities ingested in {:.0} s", started.elapsed().as_secs_f64());
    Some(server)
}

/// A config and cache folder for `callboard --instance bench`.
pub struct Client {
    dir: PathBuf,
    /// Removes `dir` when dropped; None when the logs are kept.
    _temp: Option<tempfile::TempDir>,
    config: PathBuf,
}

impl Client {
    fn new(server: &Server) -> Client {
        let temp = tempfile::tempdir().unwrap();
        let config = temp.path().join("config.toml");
        let toml = format!(
            "[[instance]]\nname = \"bench\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\npage_size = {PAGE}\n",
            server.url
        );
        std::fs::write(&config, toml).unwrap();
        // With CALLBOARD_LOG set (it is passed on), the folder and its logs stay.
        if std::env::var_os("CALLBOARD_LOG").is_some() {
            let dir = temp.keep();
            eprintln!("  callboard logs: {}/state", dir.display());
            return Client { dir, _temp: None, config };
        }
        Client { dir: temp.path().to_path_buf(), _temp: Some(temp), config }
    }

    pub fn envs(&self, server: &Server) -> Vec<(&'static str, String)> {
        let mut envs = vec![
            ("CALLBOARD_CACHE_DIR", self.dir.join("cache").display().to_string()),
            ("CALLBOARD_STATE_DIR", self.dir.join("state").display().to_string()),
            (TOKEN_ENV, server.token.clone()),
        ];
        envs.extend(std::env::var("CALLBOARD_LOG").ok().map(|level| ("CALLBOARD_LOG", level)));
        envs
    }

    pub fn clear_cache(&self) {
        let _ = std::fs::remove_dir_all(self.dir.join("cache"));
    }

    /// `callboard sync [args]`: wall time of the process, the rest from its
    /// summary line (kept in `line`).
    fn sync(&self, server: &Server, args: &[&str], line: &mut String) -> Pass {
        let started = Instant::now();
        let out = Command::new(super::binary::BIN)
            .arg("--config")
            .arg(&self.config)
            .args(["--instance", "bench", "sync"])
            .args(args)
            .envs(self.envs(server))
            .output()
            .expect("run callboard sync");
        let secs = started.elapsed().as_secs_f64();
        *line = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(out.status.success(), "callboard sync failed: {}", String::from_utf8_lossy(&out.stderr));
        parse_summary(line, secs)
    }
}

/// "bench: full sync, …; 1.23 s, 41 requests, 4.5 MB (30.1 MB decoded)".
fn parse_summary(line: &str, secs: f64) -> Pass {
    let tail = line.rsplit("; ").next().unwrap_or("");
    let parts: Vec<&str> = tail.split(", ").collect();
    let number = |text: &str| text.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()).unwrap_or(0.0);
    let bytes = |text: &str| {
        let unit = text.split_whitespace().nth(1).unwrap_or("B");
        let scale = match unit.trim_end_matches(')') {
            "MB" => 1e6,
            "kB" => 1e3,
            _ => 1.0,
        };
        (number(text) * scale) as u64
    };
    let (wire, decoded) = parts.get(2).map(|t| t.split_once(" (").unwrap_or((t, "0 B"))).unwrap_or(("0 B", "0 B"));
    Pass {
        secs,
        reported: parts.first().map(|t| number(t)).unwrap_or(0.0),
        requests: parts.get(1).map(|t| number(t) as u64).unwrap_or(0),
        wire: bytes(wire),
        decoded: bytes(decoded),
    }
}

/// Every figure of one configuration, round by round.
#[derive(Default)]
struct Rounds {
    bare: Vec<Pass>,
    full: Vec<Pass>,
    resync: Vec<Pass>,
    forced: Vec<Pass>,
    list: Vec<Pass>,
    list_big: Vec<Pass>,
    lines: Vec<String>,
    /// Entities on the server.
    total: u64,
}

fn measure(server: &Server, client: &Client, rounds: usize) -> Rounds {
    let mut r = Rounds { total: entity_count(server), ..Rounds::default() };
    let run = |f: &mut dyn FnMut() -> Pass| {
        std::thread::sleep(PAUSE);
        f()
    };
    // Interleaved, so drift in the server's speed hits every figure alike;
    // round 0 warms up the server, the page cache and the binary.
    for round in 0..=rounds {
        let bare = run(&mut || loops::bare(server, PAGE, None));
        client.clear_cache();
        let (mut full_line, mut resync_line, mut forced_line) = (String::new(), String::new(), String::new());
        let full = run(&mut || client.sync(server, &["--full"], &mut full_line));
        let resync = run(&mut || client.sync(server, &[], &mut resync_line));
        let forced = run(&mut || client.sync(server, &["--full"], &mut forced_line));
        let list = run(&mut || loops::bare(server, PAGE, Some(LIST_FIELDS)));
        let list_big = run(&mut || loops::bare(server, list_page(r.total), Some(LIST_FIELDS)));
        if round > 0 {
            r.bare.push(bare);
            r.full.push(full);
            r.resync.push(resync);
            r.forced.push(forced);
            r.list.push(list);
            r.list_big.push(list_big);
            r.lines = vec![full_line, resync_line, forced_line];
        }
    }
    r
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The pass of median wall time.
fn typical(passes: &[Pass]) -> Pass {
    let mut sorted = passes.to_vec();
    sorted.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    sorted[sorted.len() / 2]
}

fn runs(passes: &[Pass]) -> String {
    let secs: Vec<String> = passes.iter().map(|p| format!("{:.2}", p.secs)).collect();
    format!("runs {} s", secs.join(" "))
}

/// Median over rounds of a/b, each pair from the same round.
fn paired(a: &[Pass], b: &[Pass], of: fn(&Pass) -> f64) -> f64 {
    median(a.iter().zip(b).map(|(x, y)| of(x) / of(y)))
}

fn report(r: &Rounds) {
    let (bare, full, resync, forced) = (typical(&r.bare), typical(&r.full), typical(&r.resync), typical(&r.forced));
    println!("bare paging loop (reqwest, gzip, limit {PAGE}): {} ({})", bare.show(), runs(&r.bare));
    println!(
        "`callboard sync --full`, empty cache: {} ({}); reported by itself {:.3} s",
        full.show(),
        runs(&r.full),
        median(r.full.iter().map(|p| p.reported))
    );
    println!(
        "  full ÷ bare, same round: median {:.2}× wall, {:.2}× reported (goal ≤ 1.1×)",
        paired(&r.full, &r.bare, |p| p.secs),
        paired(&r.full, &r.bare, |p| p.reported)
    );
    println!("`callboard sync`, nothing changed: {} ({})", resync.show(), runs(&r.resync));
    println!("  resync ÷ full, same round: median {:.2}× (goal ≤ 0.1×)", paired(&r.resync, &r.full, |p| p.secs));
    let (list, list_big) = (typical(&r.list), typical(&r.list_big));
    println!("bare listing loop, limit {PAGE}: {} ({})", list.show(), runs(&r.list));
    println!(
        "bare listing loop, limit {} (what the resync asks): {} ({})",
        list_page(r.total),
        list_big.show(),
        runs(&r.list_big)
    );
    println!("  listing ÷ full, same round: median {:.2}×", paired(&r.list_big, &r.full, |p| p.secs));
    println!("`callboard sync --full` over the same cache: {} ({})", forced.show(), runs(&r.forced));
    for line in &r.lines {
        println!("  last summary: {line}");
    }
}

/// Pin the server to CPU 0 and this process (and what it starts) to CPU 1.
/// Returns false when that cannot be done here.
fn pin(server: &Server, pinned: bool) -> bool {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let Some(pid) = server.pid.filter(|_| cpus >= 2) else { return false };
    let (server_cpus, own_cpus) =
        if pinned { ("0".to_string(), vec![1]) } else { (format!("0-{}", cpus - 1), (0..cpus).collect()) };
    let ok = Command::new("taskset")
        .args(["-a", "-p", "-c", &server_cpus, &pid.to_string()])
        .output()
        .is_ok_and(|o| o.status.success());
    // SAFETY: a zeroed cpu_set_t filled by CPU_SET, for this thread only (the
    // bench is single-threaded here, and children inherit it).
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for cpu in own_cpus {
            libc::CPU_SET(cpu, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
    ok
}

pub fn run(quick: bool) {
    let Some(server) = server() else { return };
    let rounds = if quick { 1 } else { 7 };
    let total = entity_count(&server);
    println!("\n## sync from a real Backstage ({total} entities, page size {PAGE}, gzip)");
    println!("server: {} (tests/backstage harness, in-memory SQLite, same machine)", server.url);
    let client = Client::new(&server);
    // CALLBOARD_BENCH_SYNC_PARTS=tui (or loops,pinned,cheap): only those parts.
    let parts = std::env::var("CALLBOARD_BENCH_SYNC_PARTS").unwrap_or_else(|_| "loops,pinned,cheap,tui".into());
    let part = |name: &str| parts.split(',').any(|p| p == name);
    if part("loops") {
        println!("\n### cores shared ({rounds} rounds, medians)");
        report(&measure(&server, &client, rounds));
    }
    if part("pinned") && pin(&server, true) {
        println!("\n### server on CPU 0, client on CPU 1 ({rounds} rounds, medians)");
        report(&measure(&server, &client, rounds));
        pin(&server, false);
    } else if part("pinned") {
        println!("\n(no pinned round: the server's pid is unknown, or taskset or a second CPU is missing)");
    }
    if part("cheap") {
        cheap_questions(&server, total);
    }
    if part("tui") {
        println!("\n### keys in the TUI during a full sync ({rounds} runs, cores shared)");
        let keys = tui::keys_during_sync(&server, &client, rounds);
        println!("keystroke → echo on screen while syncing (real binary, pty 160x48): {}", keys.during.show());
        println!("  in the second after (catalog swapped in): {}", keys.after.show());
        let secs: Vec<String> = keys.sync_secs.iter().map(|s| format!("{s:.2}")).collect();
        println!("  sync in the TUI, first key to \"syncing\" gone: {} s", secs.join(" "));
    }
}

fn cheap_questions(server: &Server, total: u64) {
    println!("\n### the cheapest questions (one request each, median of 11)");
    let one = |what: &str| median((0..11).map(|_| loops::one_request(server, what)));
    println!("by-query?limit=0 (totalItems only): {:.1} ms", one("/api/catalog/entities/by-query?limit=0"));
    println!(
        "entity-facets?facet=metadata.uid (every uid): {:.1} ms",
        one("/api/catalog/entity-facets?facet=metadata.uid")
    );
    let etags = format!("/api/catalog/entities/by-query?limit={total}&fields=metadata.etag");
    println!("every etag in one page (by-query, fields=metadata.etag): {:.1} ms", one(&etags));
    if let Some(c) = loops::curl(server, PAGE) {
        println!("the bare loop with curl, a process per page: {}", c.show());
    }
}

fn entity_count(server: &Server) -> u64 {
    let out = Command::new("curl")
        .args(["-sS", "-H", &format!("Authorization: Bearer {}", server.token)])
        .arg(format!("{}/api/catalog/entities/by-query?limit=0", server.url))
        .output()
        .expect("curl");
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    value["totalItems"].as_u64().unwrap_or(0)
}
