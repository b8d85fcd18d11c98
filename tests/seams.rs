//! The seams, headless: a paste is one edit and one search; typed letters
//! stay text inside an input; Ctrl-Z suspends from anywhere; `e` asks for the
//! entity's file; the blast radius and `:open` arrive as jobs.

use callboard::effect::{Effect, TerminalEffect};
use callboard::headless::Headless;
use callboard::keymap::parse_key;
use callboard::msg::Msg;
use callboard::source::Source;
use callboard::update::update;
use std::path::Path;

const NOW: i64 = 1_767_225_600;

fn demo() -> Headless {
    // One cache dir for the whole test binary: tests run in parallel and the
    // variable is read whenever a job opens the cache.
    static CACHE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        let cache = tempfile::tempdir().unwrap().keep();
        std::env::set_var("CALLBOARD_CACHE_DIR", &cache);
        cache
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    Headless::open(Source::Dir(dir), 100, 30, NOW).unwrap()
}

fn searches(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| matches!(e, Effect::Search { .. })).count()
}

#[test]
fn a_pasted_query_runs_one_search_and_stays_one_line() {
    let mut app = demo();
    app.keys("/");
    let query = "kind:component owner:team-pay";
    assert_eq!(query.len(), 29);
    let pasted = format!("{query}m");
    let effects = update(&mut app.state, Msg::Paste(pasted.clone()));
    assert_eq!(searches(&effects), 1, "one paste, one search: {effects:?}");
    for effect in effects {
        for msg in app.jobs.run(effect) {
            app.dispatch(msg);
        }
    }
    assert_eq!(app.state.list.applied_query, pasted);
    assert!(app.state.list.hits.len() > 3 && app.state.list.hits.len() < 30, "{}", app.state.list.hits.len());

    // Typed, the same text is thirty edits: the difference is the point.
    let mut typed = demo();
    typed.keys("/");
    let per_key: usize = pasted
        .chars()
        .map(|c| searches(&update(&mut typed.state, Msg::Key(crossterm::event::KeyCode::Char(c).into()))))
        .sum();
    // (All but the key that leaves `kind:` half typed, answered in place.)
    assert_eq!(per_key, 29);

    // Lines pasted into the one-line search are joined with spaces.
    let mut lines = demo();
    lines.keys("/");
    lines.dispatch(Msg::Paste("kind:api\r\nowner:team-payments\npayments".into()));
    assert_eq!(lines.state.list.query_text(), "kind:api owner:team-payments payments");
    assert_eq!(lines.state.list.applied_query, "kind:api owner:team-payments payments");
}

#[test]
fn a_paste_goes_to_the_palette_when_it_is_open_and_nowhere_when_nothing_has_focus() {
    let mut app = demo();
    app.dispatch(Msg::Paste("ignored".into()));
    assert_eq!(app.state.list.query_text(), "", "no input has focus");
    app.keys(":");
    app.dispatch(Msg::Paste("open payments-api\n".into()));
    assert!(app.screen().contains("open payments-api"), "{}", app.screen());
    app.keys("enter");
    assert!(app.screen().contains("Catalog › Payments API"), "{}", app.screen());
}

#[test]
fn letters_typed_in_an_input_never_run_commands() {
    let mut app = demo();
    app.keys("/");
    app.type_text("qjkdDbo?:");
    assert!(!app.state.quit);
    assert_eq!(app.state.list.query_text(), "qjkdDbo?:");
    assert!(app.state.screens.is_empty() && app.state.overlay.is_none());
    // Editing keys edit; keys the input ignores reach the keymap.
    app.keys("ctrl-u");
    assert_eq!(app.state.list.query_text(), "");
    app.type_text("payments");
    app.keys("enter enter");
    assert!(app.screen().contains("Catalog › Payments"), "{}", app.screen());
}

#[test]
fn ctrl_z_suspends_from_every_context() {
    let mut app = demo();
    let ctrl_z = || Msg::Key(parse_key("ctrl-z").unwrap());
    let mut contexts = 0;
    for setup in ["", "/", "/ p a y enter enter", "tab", ":"] {
        app.keys(setup);
        let effects = update(&mut app.state, ctrl_z());
        assert!(
            effects.iter().any(|e| matches!(e, Effect::Terminal(TerminalEffect::Suspend))),
            "after `{setup}`: {effects:?}"
        );
        contexts += 1;
    }
    assert_eq!(contexts, 5);
}

#[test]
fn e_asks_for_the_editor_on_the_entity_file_at_its_line() {
    let mut app = demo();
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter enter e");
    match app.terminal_effects.last() {
        Some(TerminalEffect::Run { argv, .. }) => {
            assert!(argv[argv.len() - 1].ends_with("components/payments-api/catalog-info.yaml"), "{argv:?}");
            assert_eq!(argv[argv.len() - 2], "+1", "{argv:?}");
        }
        other => panic!("no editor asked for: {other:?}"),
    }
}

#[test]
fn the_blast_radius_arrives_as_a_job() {
    let mut app = demo();
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter");
    // The key only opens the tree and asks for the walk; the walk is a job.
    let effects = update(&mut app.state, Msg::Key(parse_key("D").unwrap()));
    assert!(effects.iter().any(|e| matches!(e, Effect::BlastRadius { .. })), "{effects:?}");
    assert!(app.screen().contains("counting what is affected"), "{}", app.screen());
    for effect in effects {
        for msg in app.jobs.run(effect) {
            app.dispatch(msg);
        }
    }
    assert!(app.screen().contains("entities affected"), "{}", app.screen());
}
