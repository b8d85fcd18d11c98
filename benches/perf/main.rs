//! callboard's performance benchmarks. Figures are printed, never asserted.
//! Run them all with `scripts/bench.sh` (or `cargo bench --bench perf`).
//!
//! cargo bench --bench perf -- [--sizes 10k,100k,250k] [--only NAME,...] [--quick]
//! NAME: load, keys, match, start, typing, form, form-pty, rss, who, files, sync, health, capture

// The same allocator as the binary, so in-process figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod binary;
mod capture;
mod engines;
mod fixtures;
mod form;
mod form_pty;
mod health;
mod keys;
mod load;
mod pty;
mod stats;
mod sync;

use std::collections::BTreeSet;

struct Args {
    sizes: Vec<usize>,
    only: BTreeSet<String>,
    quick: bool,
}

fn parse_args() -> Option<Args> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if !argv.iter().any(|a| a == "--bench") {
        return None; // `cargo test --all-targets` runs this too: do nothing there
    }
    let mut args = Args { sizes: vec![10_000, 100_000, 250_000], only: BTreeSet::new(), quick: false };
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sizes" => {
                let list = it.next().expect("--sizes 10k,100k");
                args.sizes = list.split(',').map(count).collect();
            }
            "--only" => args.only = it.next().expect("--only keys,start").split(',').map(str::to_string).collect(),
            "--quick" => args.quick = true,
            _ => {}
        }
    }
    Some(args)
}

fn count(text: &str) -> usize {
    let t = text.trim().to_ascii_lowercase();
    match t.strip_suffix('k') {
        Some(n) => n.parse::<usize>().expect("size") * 1000,
        None => t.parse().expect("size"),
    }
}

fn main() {
    let Some(args) = parse_args() else {
        println!("perf: benchmarks run under `cargo bench --bench perf` (scripts/bench.sh); skipped");
        return;
    };
    let want = |name: &str| args.only.is_empty() || args.only.contains(name);
    let rounds = if args.quick { 1 } else { 3 };
    println!("# callboard benchmarks ({} rounds)", rounds);
    println!("machine: {}", machine());
    // Benches of their own fixtures (health, sync) need no generated catalog.
    let sized = ["load", "keys", "match", "start", "typing", "form", "form-pty", "rss", "who", "files"];
    let sizes = if args.only.is_empty() || sized.iter().any(|s| args.only.contains(*s)) {
        args.sizes.clone()
    } else {
        Vec::new()
    };
    for &n in &sizes {
        println!("\n## {n} entities");
        let fixture = fixtures::ensure(n);
        if want("load") {
            for (what, took) in load::breakdown(&fixture) {
                println!("  {what}: {took:.2} ms");
            }
        }
        if want("keys") {
            let k = keys::headless(&fixture, rounds);
            println!("keystroke → results frame, headless 160x48: {}", k.per_key.show());
            println!("  first key of each query (widest search): {}", k.first_key.show());
        }
        if want("form") {
            let f = form::typing(&fixture, rounds);
            println!("form: keystroke → frame, headless 160x48, pickers over {} entities:", f.entities);
            println!("  text field: {}", f.text.show());
            println!("  EntityPicker, no filter: {}", f.picker.show());
            println!("  EntityPicker, kind Component + spec.type service: {}", f.filtered.show());
        }
        if want("match") {
            let e = engines::compare(&fixture, "payments-api");
            println!("matcher alone, all names × each prefix of `payments-api`, one thread:");
            println!("  fuzzy-matcher (SkimMatcherV2): {}", e.fuzzy_matcher.show());
            println!("  nucleo-matcher:               {}", e.nucleo.show());
            println!("  names matched, summed over prefixes: {} vs {}", e.matched.0, e.matched.1);
            let m = keys::matching(&fixture, "payments-api");
            println!("matching step, each prefix of `payments-api`: callboard {}", m.callboard.show());
            if let Some(f) = m.fzf {
                println!("  fzf --filter (process per prefix): {}", f.show());
                println!("  fzf start-up on empty input: {:.2} ms", m.fzf_startup.unwrap_or(f64::NAN));
            }
        }
        if want("start") && n == 100_000 {
            let s = binary::cold_start(&fixture, if args.quick { 3 } else { 10 });
            println!("cold start → list on screen (real binary, pty 160x48): {}", s.show());
        }
        if want("typing") || want("rss") {
            let t = binary::typing(&fixture, 1);
            println!("keystroke → results on screen (real binary, pty): {}", t.latency.show());
            println!("  to the key's last byte: {}", t.settle.show());
            let slowest: Vec<String> = t.slowest.iter().map(|(q, ms)| format!("{q:?} {ms:.1} ms")).collect();
            println!("  slowest keys: {}", slowest.join(", "));
            println!(
                "  bytes written per key: median {:.0} B, p99 {:.0} B, max {:.0} B",
                t.bytes.p50, t.bytes.p99, t.bytes.max
            );
            println!("peak RSS of the TUI (VmHWM) after typing: {:.1} MB", t.peak_rss_kib as f64 / 1024.0);
            if let Some((settle, bytes)) = binary::fzf_typing(&fixture) {
                println!("  fzf in the same pty, to the key's last byte: {}", settle.show());
                println!("  fzf bytes per key: median {:.0} B, p99 {:.0} B", bytes.p50, bytes.p99);
            }
        }
        if want("form-pty") && n == 10_000 {
            let f = form_pty::typing(&fixture, rounds);
            println!("scaffolder form, real binary, pty 160x48, EntityPicker over every entity:");
            println!("  key → its frame's last byte, a text field: {}", f.text_field.show());
            println!("  key → its frame's last byte, the picker's query (choices re-ranked): {}", f.picker.show());
            println!("  picker's line for the whole query: {}", f.top_choice);
        }
        if want("who") && n == 100_000 {
            let runs = if args.quick { 5 } else { 20 };
            let who = binary::subcommand(&fixture, &["who", &fixture.sample_component], runs);
            println!("`callboard who {}` (cold process): {}", fixture.sample_component, who.show());
            let api = binary::subcommand(&fixture, &["who", &fixture.popular_api], runs);
            println!("`callboard who {}`: {}", fixture.popular_api, api.show());
            let search = binary::subcommand(&fixture, &["search", "--limit", "1", "payments-api"], runs);
            println!("`callboard search --limit 1 payments-api` (loads the catalog): {}", search.show());
        }
        if want("files") && n == 100_000 {
            let reread = binary::files_reread(&fixture);
            println!("files source, one file changed: `sync` re-reads {n} entities of YAML in {reread:.0} ms");
            let unchanged = binary::subcommand(&fixture, &["sync"], if args.quick { 3 } else { 10 });
            println!("files source, unchanged folder: `sync` (fingerprint only) {}", unchanged.show());
        }
    }
    if want("sync") {
        sync::run(args.quick);
    }
    if want("health") {
        let seconds = if args.quick { 6 } else { 16 };
        let h = health::board(seconds);
        println!("\n## health board, 200 probes, one hung (real binary, pty 160x48, ttl 5 s, timeout 3 s)");
        println!(
            "keystroke → echo on screen, 16 s of typing over the board (probes re-run every 5 s): {}",
            h.keys.show()
        );
        println!("  hung endpoint shown as a timeout {:.0} ms after the board opened", h.hung_shown_after_ms);
        println!("  board: {}", h.board_line);
    }
    if want("capture") {
        let c = capture::run();
        println!("\n## actions: a capture of {} lines streaming (demo catalog, pty 160x48)", capture::LINES);
        println!("keystroke → on screen (find box) while it streams: {}", c.keys.show());
        println!("  all {} lines in the pane after {:.0} ms (100 bursts 40 ms apart)", capture::LINES, c.stream_ms);
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()))
        .map(|k| k / 1024 / 1024)
        .unwrap_or(0);
    format!("{cpu}, {cores} cores, {mem} GiB")
}
