//! Every screen at every size, from 1x1 to 300x100, on the demo and the
//! hostile catalog: nothing panics, nothing overflows, and no escape or
//! control character from the catalog reaches the screen. Terminals over SSH
//! get resized mid-incident; a layout that divides by a zero-width area
//! would take the tool down with it.

use callboard::headless::Headless;
use callboard::source::Source;
use std::path::Path;

/// A fixed clock: 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

const WIDTHS: [u16; 13] = [1, 10, 20, 40, 79, 80, 99, 100, 139, 140, 141, 200, 300];
const HEIGHTS: [u16; 8] = [1, 2, 3, 5, 10, 24, 48, 100];

/// Keys through every view: search, entity tabs, owner card, trees, help,
/// palette, facets, runbook, problems; each ended with Esc.
const TOUR: &[&str] = &[
    "j j",
    "/",
    "enter",
    "enter",
    "tab tab tab tab",
    "o",
    "esc",
    "d l j l",
    "esc",
    "D",
    "esc",
    "esc",
    "?",
    "esc",
    ":",
    "esc",
    "f",
    "enter",
    "esc",
    "esc",
    "b",
    "esc",
    "p",
    "G",
];
// `after` finds a step by its keys: the ones checked appear once.

fn clean(screen: &str, at: &str) {
    assert!(
        !screen.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the screen at {at}:\n{screen:?}"
    );
}

/// Runs the tour at every size; returns the screens of the last pass at 200x48.
fn tour(source: &Source, query: &str) -> Vec<String> {
    let mut at_wide = Vec::new();
    // One app per width, resized through every height and back: resizes
    // mid-session are part of what is checked.
    for &w in &WIDTHS {
        let mut app = Headless::open(source.clone(), w, 24, NOW).unwrap();
        for &h in HEIGHTS.iter().chain([48].iter()) {
            app.resize(w, h);
            let at = format!("{w}x{h}");
            clean(&app.screen(), &at);
            for (i, keys) in TOUR.iter().enumerate() {
                if *keys == "enter" && i == 2 {
                    app.type_text(query);
                }
                app.keys(keys);
                let screen = app.screen();
                clean(&screen, &format!("{at} after {keys:?}"));
                if w == 200 && h == 48 {
                    at_wide.push(screen);
                }
            }
            app.keys("esc esc esc");
        }
    }
    at_wide
}

/// The screen after the tour step `keys` (the first such step).
fn after<'a>(screens: &'a [String], keys: &str) -> &'a str {
    let step = TOUR.iter().position(|k| *k == keys).unwrap();
    &screens[screens.len() - TOUR.len() + step]
}

#[test]
fn every_screen_at_every_size() {
    let cache = tempfile::tempdir().unwrap();
    std::env::set_var("CALLBOARD_CACHE_DIR", cache.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = tour(&Source::Dir(root.join("assets/demo")), "payments-api");
    tour(&Source::Dir(root.join("tests/fixtures/hostile")), "evil");
    // The tour goes where it says (checked on the last pass at 200x48, after
    // every smaller height): each view was really drawn, not skipped.
    assert!(after(&demo, "tab tab tab tab").contains("Payments API"), "{}", after(&demo, "tab tab tab tab"));
    assert!(after(&demo, "o").contains("Members"), "owner card:\n{}", after(&demo, "o"));
    assert!(after(&demo, "D").contains("teams to notify"), "blast radius:\n{}", after(&demo, "D"));
    assert!(after(&demo, "?").contains("Show every key"), "help:\n{}", after(&demo, "?"));
    assert!(after(&demo, ":").contains(": command"), "palette:\n{}", after(&demo, ":"));
    assert!(after(&demo, "b").contains("runbook"), "runbook:\n{}", after(&demo, "b"));
}
