//! Keys (issue 11): Up/Down recall past searches and palette commands, and
//! the history survives a restart (tmux, the real binary, mode 0600).

use callboard::headless::Headless;
use callboard::source::Source;
use std::path::Path;

#[path = "common/tmux.rs"]
mod tmux;

const NOW: i64 = 1_767_225_600;

fn demo() -> Headless {
    static CACHE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        let cache = tempfile::tempdir().unwrap().keep();
        std::env::set_var("CALLBOARD_CACHE_DIR", &cache);
        cache
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    Headless::open(Source::Dir(dir), 100, 30, NOW).unwrap()
}

#[test]
fn up_and_down_recall_searches() {
    let mut app = demo();
    for q in ["kind:api", "owner:team-payments"] {
        app.keys("/");
        app.type_text(q);
        app.keys("enter x");
    }
    app.keys("/");
    app.type_text("pay");
    app.keys("up");
    assert_eq!(app.state.list.query_text(), "owner:team-payments");
    app.keys("up");
    assert_eq!(app.state.list.query_text(), "kind:api");
    app.keys("down down");
    assert_eq!(app.state.list.query_text(), "pay", "past the newest: what was typed");
    // Down when not browsing still accepts the query.
    app.keys("down");
    assert!(!app.state.list.typing);
}

#[test]
fn up_recalls_palette_commands() {
    let mut app = demo();
    app.keys(":");
    app.type_text("filter kind:system");
    app.keys("enter");
    assert_eq!(app.state.list.query_text(), "kind:system");
    app.keys(":");
    app.keys("up");
    let screen = app.screen();
    assert!(screen.contains("filter kind:system"), "{screen}");
    app.keys("enter");
    assert_eq!(app.state.list.query_text(), "kind:system");
}

#[test]
fn the_search_history_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let start = |name: &str| tmux::Tmux::start(name, 100, 30, dir.path(), &[], &["--demo"]);
    let Some(first) = start("history-1") else { return };
    first.wait_for("entities");
    first.send(&["/"]);
    first.type_text("kind:api payments");
    first.send(&["Enter"]);
    first.wait_for("/ kind:api payments");
    first.send(&["q"]);
    first.wait_until("callboard to quit", |_| !first.alive());
    let file = dir.path().join("history/demo.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("/ kind:api payments"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let Some(second) = start("history-2") else { return };
    second.wait_for("entities");
    second.send(&["/"]);
    std::thread::sleep(std::time::Duration::from_millis(100));
    second.send(&["Up"]);
    second.wait_for("kind:api payments");
}

#[test]
fn tab_in_the_palette_completes_commands_and_refs() {
    let mut app = demo();
    app.keys(":");
    app.type_text("op");
    app.keys("tab");
    app.type_text("payments-a");
    app.keys("tab");
    let screen = app.screen();
    assert!(screen.contains("open payments-api"), "{screen}");
    app.keys("enter");
    assert_eq!(callboard::screens::entity_in_front(&app.state).as_deref(), Some("component:default/payments-api"));
    app.keys(":");
    app.type_text("instance d");
    app.keys("tab");
    assert!(app.screen().contains("instance demo"));
}

#[test]
fn the_facet_picker_and_help_filter_as_you_type() {
    let mut app = demo();
    app.keys("f");
    app.type_text("own");
    let screen = app.screen();
    assert!(screen.contains("│owner") && !screen.contains("│lifecycle"), "{screen}");
    app.keys("enter");
    app.type_text("team-pay");
    let screen = app.screen();
    assert!(screen.contains("team-payments") && !screen.contains("team-fraud"), "{screen}");
    app.keys("enter");
    assert_eq!(app.state.list.query_text(), "owner:team-payments");
    app.keys("?");
    app.type_text("blast");
    let screen = app.screen();
    assert!(screen.contains("Blast radius: who depends on it") && !screen.contains("Quit callboard"), "{screen}");
    app.keys("esc");
    assert!(app.state.overlay.is_none());
}

#[test]
fn a_configured_key_that_collides_is_reported_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys]\n\"list.owner\" = \"f\"\n").unwrap();
    let Some(tmux) =
        tmux::Tmux::start("collide", 160, 30, dir.path(), &[], &["--demo", "--config", config.to_str().unwrap()])
    else {
        return;
    };
    tmux.wait_for("`list.facets` and `list.owner` both use f");
    // Still there after the toast has gone: in :messages.
    tmux.wait_gone("both use f");
    tmux.send(&[":"]);
    tmux.type_text("messages");
    tmux.send(&["Enter"]);
    tmux.wait_for("`list.facets` and `list.owner` both use f");
}
