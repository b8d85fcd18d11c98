//! Keys typed ahead of the search results (a slow link, a loaded machine):
//! moves and Enter typed before the results arrive act on those results.

use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::source::Source;
use std::path::Path;

const NOW: i64 = 1_764_000_000;

fn demo() -> Headless {
    static CACHE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| tempfile::tempdir().unwrap());
    std::env::set_var("CALLBOARD_CACHE_DIR", cache.path());
    Headless::open(Source::Dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")), 150, 40, NOW).unwrap()
}

/// `/payments` typed, then `keys`; with `ahead` the keys arrive while the
/// search is still out, and its results only after them.
fn selected_after(keys: &str, ahead: bool) -> (Option<String>, usize) {
    let mut app = demo();
    app.keys("/");
    app.type_text("payments");
    if ahead {
        // As the real binary sees it: the query is sent, its results are not in.
        let hits = app.state.list.hits.clone();
        app.state.list.searching = true;
        app.state.list.applied_query = String::new();
        app.state.list.selected = 0;
        app.keys(keys);
        assert_eq!(app.state.list.selected, 0, "a move acted on the old list");
        let generation = app.state.list.generation;
        app.dispatch(Msg::SearchDone { generation, hits });
    } else {
        app.keys(keys);
    }
    (app.state.selected_key().map(str::to_string), app.state.screens.len())
}

#[test]
fn moves_typed_before_the_results_act_on_them() {
    let (now, _) = selected_after("down j j", false);
    let (ahead, _) = selected_after("down j j", true);
    assert!(now.is_some());
    assert_eq!(ahead, now, "type-ahead landed elsewhere");
    // Moves then Enter: the entity the moves reached is opened.
    let (_, screens) = selected_after("down j enter", true);
    assert_eq!(screens, 1, "enter after type-ahead moves opened nothing");
}
