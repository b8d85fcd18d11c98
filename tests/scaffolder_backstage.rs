//! The form engine and the scaffolder client against a real Backstage: the
//! fixture template's parameter schema becomes a two-page form, filled in
//! with keys only, submitted as a task whose log and completion are read back.

#[path = "common/backstage.rs"]
mod backstage;

use backstage::{Backstage, TOKEN};
use callboard::backstage::Client;
use callboard::catalog::entity_ref::EntityRef;
use callboard::config::Config;
use callboard::docs::runtime::block_on;
use callboard::form::source::{ListSource, PickerEntity};
use callboard::form::{Form, FormOutcome, FormSpec, FormStyles};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const TOKEN_ENV: &str = "CALLBOARD_SCAFFOLDER_TEST_TOKEN";

fn key(form: &mut Form, code: KeyCode, modifiers: KeyModifiers) -> FormOutcome {
    form.on_key(KeyEvent::new(code, modifiers))
}

fn typed(form: &mut Form, text: &str) {
    for c in text.chars() {
        key(form, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn screen(form: &Form, source: &ListSource) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| form.render(f, f.area(), &FormStyles::default(), source)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..30).map(|y| (0..100).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

#[test]
fn fixture_template_filled_by_keys_runs_to_completion() {
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
    let instance = Config::from_file(&config).unwrap().instances.remove(0);
    let client = Client::new(&instance).unwrap();

    // The pickers read the real catalog's groups.
    let groups: Value = block_on(client.request_json(
        Method::GET,
        "api/catalog/entities",
        &[("filter", "kind=group".to_string())],
        None,
    ))
    .unwrap();
    let entities: Vec<PickerEntity> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| PickerEntity::new("Group", "default", g["metadata"]["name"].as_str().unwrap()))
        .collect();
    assert!(entities.len() >= 3, "{groups}");
    let source = ListSource::new(entities, Vec::new());

    let template = EntityRef::parse_full("template:default/create-service").unwrap();
    let schema = block_on(client.parameter_schema(&template)).unwrap();
    let mut form = Form::new(FormSpec::from_parameter_node(&schema).unwrap());
    assert_eq!(form.spec.steps.len(), 2);
    let labels: Vec<&str> = form.fields().iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Name", "Description", "Owner"], "the template's order");

    // A bad name is caught before submit, the field named.
    assert_eq!(form.focused().unwrap().label, "Name", "ui:autofocus");
    typed(&mut form, "My Service");
    let shown = screen(&form, &source);
    assert!(shown.contains("✗ Name: must match ^[a-z0-9-]+$"), "{shown}");
    key(&mut form, KeyCode::Char('u'), KeyModifiers::CONTROL);
    let name = format!("svc-{}", std::process::id());
    typed(&mut form, &name);
    key(&mut form, KeyCode::Tab, KeyModifiers::NONE);
    typed(&mut form, "made by a test");
    key(&mut form, KeyCode::Tab, KeyModifiers::NONE);
    typed(&mut form, "platf");
    let shown = screen(&form, &source);
    assert!(shown.contains("group:platform-team"), "{shown}");
    key(&mut form, KeyCode::Enter, KeyModifiers::NONE);
    key(&mut form, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(form.page(), 1, "{:?}", form.errors());
    key(&mut form, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert!(form.on_review());
    assert_eq!(key(&mut form, KeyCode::Enter, KeyModifiers::NONE), FormOutcome::Submit);
    let values = form.values();
    assert_eq!(
        Value::Object(values.clone()),
        json!({"name": name, "description": "made by a test", "owner": "group:default/platform-team",
               "language": "go", "port": 8080, "public": false})
    );

    let id = block_on(client.create_task(&template, &values, &form.secrets())).unwrap();
    let mut after = None;
    let mut log = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    let output = loop {
        assert!(Instant::now() < deadline, "task {id} did not finish: {log:?}");
        let events = block_on(client.task_events(&id, after)).unwrap();
        if let Some(last) = events.last() {
            after = Some(last.id);
        }
        if let Some(end) = events.iter().find(|e| e.is_final()) {
            assert_eq!(end.kind, "completion");
            log.extend(events.iter().map(|e| e.message.clone()));
            break end.output.clone().unwrap_or_default();
        }
        log.extend(events.iter().map(|e| e.message.clone()));
        std::thread::sleep(Duration::from_millis(300));
    };
    let log = log.join("\n");
    assert!(log.contains(&format!("Created {name} owned by group:default/platform-team")), "{log}");
    assert!(!log.contains('\u{1b}'), "escape codes stripped");
    let task = block_on(client.task(&id)).unwrap();
    assert_eq!(task["status"], "completed", "{log}");
    // The output link, rendered with the values: the entity the web form would open.
    assert_eq!(output["links"][0]["entityRef"], json!(format!("component:default/{name}")), "{output}");

    // The CLI: same defaults and validation; a bad value exits 2 naming the field.
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
            .args(["--config", config.to_str().unwrap(), "--instance", "t", "create", "create-service"])
            .args(args)
            .env("CALLBOARD_CACHE_DIR", work.path().join("cache"))
            .env("CALLBOARD_STATE_DIR", work.path())
            .env(TOKEN_ENV, TOKEN)
            .output()
            .unwrap()
    };
    let bad = run(&["--set", "name=Bad Name", "--set", "owner=platform-team"]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Name: must match ^[a-z0-9-]+$"), "{stderr}");
    let cli_name = format!("cli-{name}");
    let good = run(&[
        "--set",
        &format!("name={cli_name}"),
        "--set",
        "owner=platform-team",
        "--set",
        "port=9000",
        "--set",
        "nope=1",
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&good.stderr);
    assert!(good.status.success(), "{stderr}");
    assert!(stderr.contains("`nope` is not a field"), "{stderr}");
    assert!(stderr.contains(&format!("Created {cli_name} owned by group:default/platform-team")), "{stderr}");
    let reply: Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(reply["status"], "completed");
    assert_eq!(reply["output"]["links"][0]["entityRef"], json!(format!("component:default/{cli_name}")));
}
