//! Keystroke → rendered results, headless: the app's own update, the search
//! effect as the runtime runs it, and two renders (input echo, then results)
//! into a TestBackend at 160x48, exactly what one key costs the TUI minus
//! the terminal. Beside it, the matching step alone against `fzf --filter`.

use super::fixtures::Fixture;
use super::stats::{ms, Summary};
use callboard::effect::Effect;
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::search::{run as run_query, Query};
use callboard::update::update;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{backend::TestBackend, Terminal};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Twelve characters each, typed one key at a time: free text, and free text
/// with field terms (which filter before the fuzzy step).
pub const QUERIES: &[&str] =
    &["payments-api", "ledger-store", "kind:api pay", "owner:team-p", "tag:java sms", "orders worke"];

pub struct KeyFigures {
    pub per_key: Summary,
    pub first_key: Summary,
}

/// Type every query `rounds` times; time each key from press to the
/// results frame.
pub fn headless(fixture: &Fixture, rounds: usize) -> KeyFigures {
    let app = Headless::open(fixture.source(), 160, 48, callboard::source::unix_now()).expect("open headless");
    let (mut state, jobs) = (app.state, app.jobs);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test backend");
    let mut per_key = Vec::new();
    let mut first_key = Vec::new();
    let mut press = |state: &mut callboard::state::State, key: KeyEvent, samples: Option<&mut Vec<f64>>| {
        let started = Instant::now();
        let effects = update(state, Msg::Key(key));
        terminal.draw(|f| callboard::ui::render(f, state)).unwrap();
        let mut queue: Vec<Effect> = effects;
        while let Some(effect) = queue.pop() {
            for msg in jobs.run(effect) {
                queue.extend(update(state, msg));
            }
        }
        terminal.draw(|f| callboard::ui::render(f, state)).unwrap();
        if let Some(samples) = samples {
            samples.push(ms(started.elapsed()));
        }
    };
    for _ in 0..rounds {
        for query in QUERIES {
            press(&mut state, KeyEvent::from(KeyCode::Char('/')), None);
            for (i, c) in query.chars().enumerate() {
                let mut one = Vec::new();
                press(&mut state, KeyEvent::from(KeyCode::Char(c)), Some(&mut one));
                if i == 0 {
                    first_key.extend(&one);
                }
                per_key.extend(one);
            }
            assert_eq!(state.list.applied_query, *query, "the search must have run");
            press(&mut state, KeyEvent::from(KeyCode::Esc), None);
        }
    }
    KeyFigures { per_key: Summary::of(&per_key), first_key: Summary::of(&first_key) }
}

/// The matching step alone, for every prefix of `query`: callboard's search
/// in process, and `fzf --filter` over the same labels (a process per
/// prefix, as fzf has no library form; its start-up is measured apart).
pub struct MatchFigures {
    pub callboard: Summary,
    pub fzf: Option<Summary>,
    pub fzf_startup: Option<f64>,
}

pub fn matching(fixture: &Fixture, query: &str) -> MatchFigures {
    let cache = callboard::catalog::cache::Cache::open(&fixture.source().cache_path()).unwrap();
    let catalog = callboard::catalog::Catalog::new(cache.load_summaries().unwrap());
    let prefixes: Vec<&str> = (1..=query.len()).map(|n| &query[..n]).collect();
    let mut ours = Vec::new();
    for _ in 0..3 {
        for p in &prefixes {
            let started = Instant::now();
            let hits = run_query(&catalog, &Query::parse(p));
            ours.push(ms(started.elapsed()));
            std::hint::black_box(hits);
        }
    }
    let names = super::fixtures::base_dir().join(format!("labels-{}.txt", fixture.entities));
    let mut file = std::fs::File::create(&names).unwrap();
    for s in catalog.all() {
        writeln!(file, "{}", s.label()).unwrap();
    }
    drop(file);
    let fzf = |pattern: &str, input: &std::path::Path| -> Option<f64> {
        let started = Instant::now();
        let status = Command::new("fzf")
            .args(["--filter", pattern])
            .stdin(std::fs::File::open(input).ok()?)
            .stdout(Stdio::null())
            .status()
            .ok()?;
        // fzf exits 1 when nothing matches: still a finished search.
        (status.code().is_some()).then(|| ms(started.elapsed()))
    };
    // Start-up and reading input, without matching: an empty list.
    let empty = super::fixtures::base_dir().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let fzf_startup = fzf("a", &empty);
    let mut theirs = Vec::new();
    if fzf_startup.is_some() {
        for _ in 0..3 {
            for p in &prefixes {
                theirs.extend(fzf(p, &names));
            }
        }
    }
    MatchFigures { callboard: Summary::of(&ours), fzf: (!theirs.is_empty()).then(|| Summary::of(&theirs)), fzf_startup }
}
