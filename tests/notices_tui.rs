//! Notices stay visible: long toasts wrap, `:messages` keeps every notice
//! with its time, `r` says "Syncing…" at once and then the outcome, a
//! never-synced source says so, a failed sync stays in the status bar until
//! one succeeds, and one entity is "1 entity".

use callboard::headless::Headless;
use callboard::msg::{Level, Msg, SyncEvent};
use callboard::source::Source;
use std::path::Path;

const NOW: i64 = 1_767_225_600;

fn cache() {
    static CACHE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        let cache = tempfile::tempdir().unwrap().keep();
        std::env::set_var("CALLBOARD_CACHE_DIR", &cache);
        cache
    });
}

fn demo(width: u16, height: u16) -> Headless {
    cache();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    Headless::open(Source::Dir(dir), width, height, NOW).unwrap()
}

fn status_line(screen: &str) -> String {
    screen.lines().rev().nth(1).unwrap_or("").to_string()
}

#[test]
fn one_entity_is_one_entity() {
    cache();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: solo\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
    )
    .unwrap();
    let mut app = Headless::open(Source::Dir(dir.path().to_path_buf()), 80, 24, NOW).unwrap();
    let screen = app.screen();
    assert!(screen.contains("· 1 entity ") && !screen.contains("1 entities"), "{screen}");
}

#[test]
fn a_never_synced_source_says_so_online_and_offline() {
    let mut app = demo(100, 24);
    app.state.info.synced_at = None;
    assert!(status_line(&app.screen()).contains("never synced"), "{}", app.screen());
    app.dispatch(Msg::Sync(SyncEvent::Failed { message: "connection refused".into(), offline: true }));
    let status = status_line(&app.screen());
    assert!(status.contains("offline · never synced") && !status.contains("unknown age"), "{status}");
}

#[test]
fn r_says_syncing_at_once_and_then_the_outcome() {
    let mut app = demo(100, 30);
    app.keys("r");
    let texts: Vec<&str> = app.state.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, vec!["Syncing…", "Synced: nothing changed"]);
    assert!(app.screen().contains("Synced: nothing changed"));
    // A sync nobody asked for that changes nothing stays quiet.
    app.dispatch(Msg::Sync(SyncEvent::Done { added: 0, changed: 0, removed: 0, elapsed_ms: 1 }));
    assert_eq!(app.state.messages.len(), 2);
}

#[test]
fn a_failed_sync_stays_in_the_status_bar_until_one_succeeds() {
    let mut app = demo(160, 30);
    let message = "instance `prod`: no token: the environment variable BACKSTAGE_TOKEN is not set";
    app.dispatch(Msg::Sync(SyncEvent::Failed { message: message.into(), offline: false }));
    app.dispatch(Msg::Tick(NOW + 600)); // every toast has gone
    assert!(app.state.toasts.is_empty());
    let status = status_line(&app.screen());
    assert!(status.contains("sync failed: instance `prod`: no token"), "{status}");
    app.dispatch(Msg::Sync(SyncEvent::Done { added: 0, changed: 0, removed: 0, elapsed_ms: 1 }));
    assert!(!app.screen().contains("sync failed"));
}

#[test]
fn long_toasts_wrap_at_80_columns_and_messages_keeps_them_with_their_time() {
    let mut app = demo(80, 24);
    let long = "The stated owner group:default/a-team-with-a-very-long-name-indeed is not in the catalog, \
                and neither its system nor its domain has an owner; ask in #platform-help for who runs it now";
    app.dispatch(Msg::Toast(Level::Warn, long.into()));
    let screen = app.screen();
    assert!(screen.contains("#platform-help for who runs it now"), "the end of the toast is shown:\n{screen}");
    app.dispatch(Msg::Tick(NOW + 3661));
    app.dispatch(Msg::Toast(Level::Error, "second".into()));
    app.dispatch(Msg::Tick(NOW + 4000));
    assert!(app.state.toasts.is_empty());
    app.keys(":");
    app.type_text("messages");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("01:01:01 error second"), "{screen}");
    assert!(screen.contains("00:00:00 warn  The stated owner"), "{screen}");
}

#[path = "common/tmux.rs"]
mod tmux;

/// The real binary against an instance whose token variable is not set: the
/// reason stays in the status bar after the toast has gone.
#[test]
fn a_missing_token_stays_in_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[instance]]\nname = \"prod\"\nurl = \"http://127.0.0.1:9\"\ntoken_env = \"CALLBOARD_TEST_TOKEN_SURELY_UNSET\"\n",
    )
    .unwrap();
    let args = ["--instance", "prod", "--config", config.to_str().unwrap()];
    let Some(tmux) = tmux::Tmux::start("missing-token", 200, 30, dir.path(), &[], &args) else { return };
    let screen = tmux.wait_for("sync failed:");
    assert!(screen.contains("CALLBOARD_TEST_TOKEN_SURELY_UNSET"), "{screen}");
    assert!(screen.contains("never synced"), "{screen}");
    std::thread::sleep(std::time::Duration::from_secs(9)); // every toast has gone
    let screen = tmux.screen();
    assert!(screen.contains("sync failed:") && screen.contains("CALLBOARD_TEST_TOKEN_SURELY_UNSET"), "{screen}");
}

#[test]
fn a_long_sync_error_ends_with_an_ellipsis_at_80_columns() {
    let mut app = demo(80, 24);
    let message = "instance `prod`: token_env BACKSTAGE_TOKEN: the variable is not set; export BACKSTAGE_TOKEN=<token> or change token_env";
    app.dispatch(Msg::Sync(SyncEvent::Failed { message: message.into(), offline: false }));
    app.dispatch(Msg::Tick(NOW + 600));
    let status = status_line(&app.screen());
    assert!(status.contains("sync failed: instance `prod`") && status.ends_with('…'), "{status}");
}
