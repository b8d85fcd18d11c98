//! The doc viewer driven through the real update loop on the demo catalog:
//! `b` on payments-api opens its runbook, `/` finds words, a code block is
//! copied with OSC 52, links between pages are followed, and with the docs
//! gone the page opens from the cache marked with its age.

use callboard::docs::clipboard::osc52;

use callboard::effect::{Effect, TerminalEffect};
use callboard::headless::Headless;
use callboard::keymap::parse_key;
use callboard::msg::Msg;
use callboard::source::Source;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
#[path = "common/fs.rs"]
mod fs_util;
use fs_util::copy_dir;

/// A fixed clock: 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

/// A private copy of the demo per test (the offline test deletes docs from
/// it); one cache dir for the binary, since the variable is process-wide
/// (each folder gets its own cache file in it).
fn demo(name: &str) -> Source {
    static BASE: OnceLock<PathBuf> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        // A fixed path, so paths on screen are the same in every run.
        let base = PathBuf::from("/tmp/callboard-docs-viewer");
        let _ = std::fs::remove_dir_all(&base);
        std::env::set_var("CALLBOARD_CACHE_DIR", base.join("cache"));
        base
    });
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"), &base.join(name));
    Source::Dir(base.join(name))
}

fn open_payments(app: &mut Headless) {
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter enter");
    assert!(app.screen().contains("Payments API"), "{}", app.screen());
}

fn snap(name: &str, screen: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, screen);
    });
}

/// Press a key and return the effects update asked for (the copy effect
/// is written by the UI loop, so it is checked here rather than run).
fn press(app: &mut Headless, key: &str) -> Vec<Effect> {
    callboard::update::update(&mut app.state, Msg::Key(parse_key(key).unwrap()))
}

#[test]
fn runbook_opens_with_one_key_searches_and_copies() {
    let source = demo("main");
    let mut app = Headless::open(source, 100, 30, NOW).unwrap();
    open_payments(&mut app);
    app.keys("b");
    let screen = app.screen();
    assert!(screen.contains("Payments API runbook"), "b opens the runbook directly:\n{screen}");
    assert!(screen.contains("local file"), "{screen}");
    snap("doc_runbook_100x30", screen);

    app.keys("/");
    app.type_text("rollback");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("/rollback") && screen.contains("match 1 of"), "{screen}");
    app.keys("n n");
    assert!(app.screen().contains("match 3 of"), "{}", app.screen());
    app.keys("esc");

    // tab to the first code block, then y copies it.
    app.keys("g");
    for _ in 0..10 {
        app.keys("tab");
        if app.screen().contains("y copies it (OSC 52)") {
            break;
        }
    }
    let effects = press(&mut app, "y");
    let text = effects
        .iter()
        .find_map(|e| match e {
            Effect::Terminal(TerminalEffect::Copy { text }) => Some(text.clone()),
            _ => None,
        })
        .expect("y asks for an OSC 52 copy");
    assert!(
        text.starts_with("# Pods, restarts and the image currently running\nkubectl -n payments get pods"),
        "{text}"
    );
    assert!(osc52(&text, false).starts_with("\x1b]52;c;IyBQb2Rz"));
    assert!(app.screen().contains("Copied the code block (7 lines)"), "{}", app.screen());
}

#[test]
fn links_between_pages_and_the_toc() {
    let mut app = Headless::open(demo("links"), 100, 30, NOW).unwrap();
    open_payments(&mut app);
    app.keys("b tab");
    assert!(app.screen().contains("architecture.md"), "{}", app.screen());
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("Architecture"), "the link opens the architecture page:\n{screen}");
    app.keys("esc");
    assert!(app.screen().contains("Payments API runbook"));
    app.keys("t");
    let screen = app.screen();
    assert!(screen.contains("Contents") && screen.contains("2. Rollback a bad deploy"), "{screen}");
    app.keys("j j enter");
    assert!(app.screen().contains("2. Rollback a bad deploy"));
}

#[test]
fn picker_lists_every_runbook_and_doc() {
    let mut app = Headless::open(demo("picker"), 120, 30, NOW).unwrap();
    open_payments(&mut app);
    app.keys("b b");
    let screen = app.screen();
    for want in [
        "Runbooks of Payments API",
        "Runbook",
        "https://runbooks.tessera.example/payments-api",
        "On-call schedule",
        "Architecture",
    ] {
        assert!(screen.contains(want), "`{want}` missing:\n{screen}");
    }
    snap("doc_picker_120x30", screen);
}

#[test]
fn from_cache_with_its_age_when_the_docs_are_gone() {
    let source = demo("offline");
    let root = source.files_root().unwrap().to_path_buf();
    let mut app = Headless::open(source, 100, 30, NOW).unwrap();
    open_payments(&mut app);
    app.keys("b");
    assert!(app.screen().contains("local file"));
    app.keys("esc");
    std::fs::remove_file(root.join("components/payments-api/docs/runbook.md")).unwrap();
    // Three hours later.
    let later = callboard::source::unix_now() + 3 * 3600;
    app.dispatch(Msg::Tick(later));
    app.keys("b");
    assert!(app.screen().contains("Offline copy, cached 3 h ago"), "{}", app.screen());
    app.dispatch(Msg::Tick(later + 30));
    let screen = app.screen();
    assert!(screen.contains("Payments API runbook"), "{screen}");
    assert!(screen.contains("offline · cached 3 h ago"), "{screen}");
}

#[test]
fn list_key_and_palette_search_on_the_demo() {
    let mut app = Headless::open(demo("search"), 120, 30, NOW).unwrap();
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter b");
    assert!(app.screen().contains("Payments API runbook"), "b on the list:\n{}", app.screen());
    app.keys("esc");
    app.keys(":");
    app.type_text("search rollback deploy");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("Search “rollback deploy”") && screen.contains("docs"), "{screen}");
    assert!(screen.contains("Payments API · Runbook"), "{screen}");
    app.keys("enter");
    assert!(app.screen().contains("Payments API runbook"), "the result opens in the viewer:\n{}", app.screen());
}
