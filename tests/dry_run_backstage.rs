//! The scaffolder's dry-run against a real Backstage: a folder source's
//! template (the fixture's create-service, whose `fetch:template` reads
//! ./skeleton) sent with its files, in the TUI (`d` on the review) and the
//! CLI (`create --dry-run`); the produced catalog-info.yaml has the values in it.

#[path = "common/backstage.rs"]
mod backstage;

use backstage::{Backstage, TOKEN};
use callboard::config::Config;
use callboard::headless::Headless;
use callboard::screens::create::dry_run::{DryRunPhase, DryRunView};
use callboard::source::{unix_now, Source};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

const TOKEN_ENV: &str = "CALLBOARD_DRY_RUN_TEST_TOKEN";

#[test]
fn a_folder_template_dry_runs_with_its_skeleton_in_the_tui_and_the_cli() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(server) = Backstage::start(&fixtures, 26, |_| {}) else { return };
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[instance]]\nname = \"t\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url),
    )
    .unwrap();
    std::env::set_var(TOKEN_ENV, TOKEN);
    std::env::set_var("CALLBOARD_CACHE_DIR", work.path().join("cache"));
    let instance = Config::from_file(&config).unwrap().instances.remove(0);

    // The TUI on the folder the server reads, dry-running on the instance.
    let mut app = Headless::open(Source::Dir(server.catalog_dir.clone()), 120, 40, unix_now()).unwrap();
    app.state.dry_run_server = Some(instance);
    app.keys(":");
    app.type_text("create");
    app.keys("enter enter");
    assert!(app.screen().contains("Service details"), "{}", app.screen());
    // The fields in the order the template's file writes them: name, description, owner.
    app.type_text("dry-svc");
    app.keys("tab");
    app.type_text("from a dry run");
    app.keys("tab");
    app.type_text("platf");
    // The picker's choices are the ones drawn: draw before choosing.
    assert!(app.screen().contains("group:platform-team"), "{}", app.screen());
    app.keys("enter ctrl-n ctrl-n");
    assert!(app.screen().contains("● Review"), "{}", app.screen());
    app.keys("d");
    let shown = app.screen();
    let view = callboard::screens::top::<DryRunView>(&app.state).expect("the dry-run screen is on top");
    let report = match &view.phase {
        DryRunPhase::Done(report) => report.clone(),
        DryRunPhase::Failed(e) => panic!("the dry-run failed: {e}"),
        DryRunPhase::Running => panic!("still running"),
    };
    assert!(report.result.succeeded(), "{shown}\n{:?}", report.result.log);
    assert!(report.sent_files >= 2, "the template and its skeleton were sent: {report:?}");
    let log: Vec<&str> = report.result.log.iter().map(|l| l.message.as_str()).collect();
    assert!(log.iter().any(|l| l.contains("Created dry-svc owned by group:default/platform-team")), "{log:?}");
    assert!(shown.contains("succeeded") && shown.contains("catalog-info.yaml"), "{shown}");
    assert!(shown.contains("✓ Fetch skeleton") && shown.contains("✓ Log result"), "{shown}");
    assert!(shown.contains("↗ Open in catalog  component:default/dry-svc"), "{shown}");
    // Enter shows the produced file: the skeleton with the values in it.
    app.keys("enter");
    let file = app.screen();
    assert!(file.contains("name: dry-svc") && file.contains("owner: group:default/platform-team"), "{file}");
    assert!(file.contains("description: from a dry run") && !file.contains("${{"), "{file}");
    // Esc: the files, then the review again, to change a value and try again.
    app.keys("esc");
    assert!(app.screen().contains("Files (1)"), "{}", app.screen());
    app.keys("esc");
    assert!(app.screen().contains("● Review"), "{}", app.screen());

    // The CLI from the same folder: --json gives the whole result.
    let run = |source: &[&str], args: &[&str]| -> Output {
        Command::new(env!("CARGO_BIN_EXE_callboard"))
            .args(["--config", config.to_str().unwrap()])
            .args(source)
            .args(["create", "create-service", "--dry-run"])
            .args(args)
            .env("CALLBOARD_CACHE_DIR", work.path().join("cli-cache"))
            .env("CALLBOARD_STATE_DIR", work.path())
            .env(TOKEN_ENV, TOKEN)
            .output()
            .unwrap()
    };
    let folder = ["--catalog-dir", server.catalog_dir.to_str().unwrap()];
    let out = run(&folder, &["--set", "name=cli-dry", "--set", "owner=platform-team", "--set", "port=9000", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("[log] info: Created cli-dry owned by group:default/platform-team"),
        "the log on stderr: {stderr}"
    );
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["status"], "succeeded");
    assert_eq!(
        reply["steps"][0],
        json!({"id": "fetch", "name": "Fetch skeleton", "action": "fetch:template", "status": "completed"})
    );
    assert_eq!(reply["files"][0]["path"], "catalog-info.yaml", "{reply}");
    let text = reply["files"][0]["text"].as_str().unwrap();
    assert!(text.contains("name: cli-dry") && text.contains("owner: group:default/platform-team"), "{text}");
    assert_eq!(reply["output"]["links"][0]["entityRef"], "component:default/cli-dry");
    assert!(reply["sentFiles"].as_u64().unwrap() >= 2, "{reply}");

    // Without --json: the files with their sizes and the output on stdout.
    let out = run(&folder, &["--set", "name=cli-dry", "--set", "owner=platform-team"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("dry-run: succeeded"), "{stdout}");
    assert!(stdout.contains(&format!("file: catalog-info.yaml  {} bytes", text.len())), "{stdout}");
    assert!(stdout.contains("output: ↗ Open in catalog  component:default/cli-dry"), "{stdout}");

    // A bad value is caught before anything is sent: exit 2, the field named.
    let bad = run(&folder, &["--set", "name=Bad Name", "--set", "owner=platform-team"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Name: must match"), "{bad:?}");

    // From the instance itself the template's files cannot be read: said so,
    // and the server fails the fetch step that finds no skeleton: exit 1.
    let out = run(&["--instance", "t"], &["--set", "name=cli-dry", "--set", "owner=platform-team", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fetch:template steps that read ./skeleton will see no files"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/skeleton'") && !stderr.contains("attempts"), "one try, the server's reason: {stderr}");
}
