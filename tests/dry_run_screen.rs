//! The dry-run result screen, headless: a reply shaped as the real server's
//! (steps, a log with ANSI colours, files in folders, a binary one, output)
//! drawn through the real update loop; snapshots under snapshots/.

use callboard::backstage::dry_run::DryRunResult;
use callboard::exec::dry_run::{DryRunMsg, DryRunReport};
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::screens::create::dry_run::{DryRunPhase, DryRunView};
use callboard::source::Source;
use serde_json::json;
use std::path::Path;

const NOW: i64 = 1_767_225_600;
const TEMPLATE: &str = "template:default/go-grpc-service";

fn snap(name: &str, screen: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, screen);
    });
}

fn reply() -> serde_json::Value {
    let b64 = |s: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    json!({
        "steps": [
            {"id": "fetch", "name": "Fetch skeleton", "action": "fetch:template"},
            {"id": "publish", "name": "Publish", "action": "publish:github"},
            {"id": "register", "name": "Register", "action": "catalog:register"}
        ],
        "log": [
            {"body": {"message": "Starting up task with 4 steps"}},
            {"body": {"stepId": "fetch", "status": "processing", "message": "Beginning step Fetch skeleton"}},
            {"body": {"stepId": "fetch", "message": "\u{1b}[32minfo\u{1b}[39m: Writing file catalog-info.yaml"}},
            {"body": {"stepId": "fetch", "status": "completed", "message": "Finished step Fetch skeleton"}},
            {"body": {"stepId": "publish", "status": "skipped", "message": "Skipping because publish:github does not support dry-run"}},
            {"body": {"stepId": "register", "status": "processing", "message": "Beginning step Register"}},
            {"body": {"stepId": "register", "status": "completed", "message": "Finished step Register"}}
        ],
        "directoryContents": [
            {"path": "catalog-info.yaml", "base64Content": b64(b"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n"), "executable": false},
            {"path": "cmd/ledger/main.go", "base64Content": b64(b"package main\n\nfunc main() {}\n"), "executable": false},
            {"path": "docs/\u{1b}[2J\u{1b}]8;;https://evil.example\u{7}notes.md", "base64Content": b64(b"hi\n")},
            {"path": "docs/logo.png", "base64Content": b64(&[0x89, b'P', b'N', b'G', 0, 1, 2, 3]), "executable": false},
            {"path": "scripts/run.sh", "base64Content": b64(b"#!/bin/sh\necho \x1b]0;owned\x07 ledger\n"), "executable": true}
        ],
        "output": {"links": [{"title": "Repository", "url": "https://github.example/acme/ledger"},
                             {"title": "Open in catalog", "entityRef": "component:default/ledger"}]}
    })
}

fn opened(width: u16, height: u16) -> Headless {
    let dir = tempfile::tempdir().unwrap().keep();
    std::env::set_var("CALLBOARD_CACHE_DIR", dir.join("cache"));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut app = Headless::open(Source::Dir(demo), width, height, NOW).unwrap();
    let view = DryRunView {
        template: TEMPLATE.into(),
        title: app.state.catalog.label_of(TEMPLATE),
        phase: DryRunPhase::Running,
        selected: 0,
        viewing: None,
        scroll: 0,
        log_scroll: None,
    };
    callboard::screens::push(&mut app.state, view);
    let report = DryRunReport {
        result: DryRunResult::from_json(&reply()).unwrap(),
        sent_files: 3,
        notes: vec!["2 symbolic link(s) not followed and not sent".into()],
    };
    app.dispatch(Msg::DryRun(DryRunMsg::Done { template: TEMPLATE.into(), result: Ok(Box::new(report)) }));
    app
}

#[test]
fn the_result_shows_steps_files_output_and_the_log() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let mut app = opened(w, h);
        let screen = app.screen();
        snap(&format!("dry_run_result_{w}x{h}"), screen.clone());
        assert!(screen.contains("Go gRPC service") && screen.contains("succeeded"), "{screen}");
        assert!(screen.contains("✓ Fetch skeleton") && screen.contains("- Publish"), "{screen}");
        assert!(screen.contains("cmd/") && screen.contains("main.go"), "the files as a tree: {screen}");
        assert!(screen.contains("note: 2 symbolic link(s)"), "{screen}");
        assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'), "escapes stripped from the log and paths");
        assert!(screen.contains("notes.md"), "{screen}");
    }
}

#[test]
fn enter_shows_a_file_sanitised_and_a_binary_one_by_its_size() {
    let mut app = opened(100, 30);
    app.keys("j j j j enter");
    let script = app.screen();
    snap("dry_run_file_100x30", script.clone());
    assert!(script.contains("scripts/run.sh") && script.contains("executable"), "{script}");
    assert!(script.contains("ledger") && !script.contains('\u{7}') && !script.contains('\u{1b}'), "{script}");
    app.keys("esc k enter");
    let png = app.screen();
    assert!(png.contains("(binary file, 8 bytes: not shown)"), "{png}");
    // Esc: back to the list, then off the screen.
    app.keys("esc");
    assert!(app.screen().contains("Files (5)"));
    app.keys("esc");
    assert!(callboard::screens::top::<DryRunView>(&app.state).is_none());
}

#[test]
fn a_folder_source_without_an_instance_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap().keep();
    std::env::set_var("CALLBOARD_CACHE_DIR", dir.join("cache"));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut app = Headless::open(Source::Dir(demo), 100, 30, NOW).unwrap();
    // The demo's template: `d` stays put while a page is invalid (nothing is sent).
    app.keys(":");
    app.type_text("create");
    app.keys("enter");
    app.type_text("grpc");
    app.keys("enter");
    assert!(app.screen().contains("Service details"), "{}", app.screen());
    app.keys("ctrl-n ctrl-n ctrl-n d");
    assert!(callboard::screens::top::<DryRunView>(&app.state).is_none(), "nothing sent with invalid values");
    // With valid values and no instance configured, the job says what to set.
    let effect = callboard::exec::dry_run::DryRunEffect {
        template: TEMPLATE.into(),
        values: Default::default(),
        secrets: Default::default(),
        server: None,
    };
    let msgs = app.jobs.run(callboard::effect::Effect::DryRun(effect));
    let Some(Msg::DryRun(DryRunMsg::Done { result: Err(why), .. })) = msgs.first() else { panic!("{msgs:?}") };
    assert!(why.contains("set `default_instance` in the config"), "{why}");
}
