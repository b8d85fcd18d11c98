//! Backstage's own actions against a real backend (tests/backstage): the
//! menu lists what the catalog, scaffolder and search plugins register;
//! get-catalog-entity and refresh-catalog-entity run from an input
//! pre-filled from the entity on screen, and their output is shown.

#[path = "common/backstage.rs"]
mod backstage;

use backstage::{Backstage, TOKEN};
use callboard::actions::{menu, Remote, Target};
use callboard::config::Config;
use callboard::headless::Headless;
use callboard::screens::output::OutputScreen;
use callboard::source::{unix_now, Source};
use std::path::Path;
use std::process::Command;

const FIXTURE_ENTITIES: usize = 26;
const TOKEN_ENV: &str = "CALLBOARD_ACTIONS_E2E_TOKEN";

/// Replace the text of the prompt's input (as a paste would, without the keys).
fn set_prompt_text(app: &mut Headless, text: &str) {
    use callboard::screens::actions::{Prompt, PromptStep};
    let prompt = app.state.screens.last_mut().and_then(|p| p.as_any_mut().downcast_mut::<Prompt>()).expect("a prompt");
    match &mut prompt.step {
        PromptStep::Json { input, .. } | PromptStep::Location { input } => input.set_text(text),
        _ => panic!("no text input"),
    }
}

/// The values the prompt's form would send.
fn form_values(app: &Headless) -> serde_json::Value {
    use callboard::screens::actions::{Prompt, PromptStep};
    let prompt = callboard::screens::top::<Prompt>(&app.state).expect("a prompt");
    match &prompt.step {
        PromptStep::Form { form, .. } => serde_json::Value::Object(form.values()),
        _ => panic!("not a form"),
    }
}

/// Move the menu's cursor to a built-in row and press enter.
fn run_builtin(app: &mut Headless, key: &str, label: &str) {
    app.keys("a");
    let row = menu(&app.state, key).iter().position(|r| r.label == label).unwrap_or_else(|| panic!("no {label}"));
    for _ in 0..row {
        app.keys("j");
    }
    app.keys("enter");
}

/// Move the menu's cursor to the Backstage action `id` and press enter.
fn run_remote(app: &mut Headless, key: &str, id: &str) {
    app.keys("a");
    let Remote::Ready { actions, .. } = &app.state.actions.remote else { panic!("{:?}", app.state.actions.remote) };
    let index = actions.iter().position(|a| a.id == id).unwrap_or_else(|| panic!("{id} is not listed"));
    let row = menu(&app.state, key).iter().position(|r| r.target == Target::Remote(index)).unwrap();
    for _ in 0..row {
        app.keys("j");
    }
    app.keys("enter");
}

#[test]
fn backstage_actions_run_from_an_input_prefilled_from_the_entity() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(server) = Backstage::start(&fixtures, FIXTURE_ENTITIES, |_| {}) else { return };
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config.toml");
    let toml = format!("[[instance]]\nname = \"e2e\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, &toml).unwrap();
    let cache_dir = work.path().join("cache");
    std::env::set_var("CALLBOARD_CACHE_DIR", &cache_dir);
    std::env::set_var(TOKEN_ENV, TOKEN);
    let out = Command::new(env!("CARGO_BIN_EXE_callboard"))
        .arg("--config")
        .arg(&config)
        .args(["--instance", "e2e", "sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "sync: {}", String::from_utf8_lossy(&out.stderr));

    let instance = Config::from_file(&config).unwrap().instances.remove(0);
    let mut app = Headless::open(Source::Instance(instance), 120, 45, unix_now()).unwrap();
    app.state.docs.server = Some(server.url.clone());
    app.state.actions.web_url = Some(server.url.clone());
    app.keys("/");
    app.type_text("orders-api");
    app.keys("enter enter");
    let key = "component:default/orders-api";
    assert_eq!(callboard::screens::entity_in_front(&app.state).as_deref(), Some(key));

    // The menu: the three plugins' actions under "Backstage", marked.
    app.keys("a");
    let Remote::Ready { actions, problems } = &app.state.actions.remote else { panic!() };
    assert!(problems.is_empty(), "{problems:?}");
    let ids: Vec<&str> = actions.iter().map(|a| a.id.as_str()).collect();
    for want in [
        "catalog:get-catalog-entity",
        "catalog:refresh-catalog-entity",
        "catalog:unregister-entity",
        "scaffolder:list-scaffolder-actions",
        "search:query",
    ] {
        assert!(ids.contains(&want), "{want} in {ids:?}");
    }
    let screen = app.screen();
    assert!(screen.contains("Backstage") && screen.contains("Get Catalog Entity [read-only]"), "{screen}");
    assert!(screen.contains("[destructive]"), "{screen}");
    app.keys("esc");

    // get-catalog-entity: a form (the form engine, from the action's JSON
    // Schema) pre-filled with the entity's kind, namespace and name.
    run_remote(&mut app, key, "catalog:get-catalog-entity");
    assert_eq!(
        form_values(&app),
        serde_json::json!({"kind": "Component", "namespace": "default", "name": "orders-api"}),
    );
    let screen = app.screen();
    assert!(screen.contains("orders-api") && screen.contains("Component"), "the form shows them:\n{screen}");
    assert!(screen.contains("Get Catalog Entity [read-only]"), "{screen}");
    app.keys("ctrl-s");
    let pane = callboard::screens::top::<OutputScreen>(&app.state).expect("the output pane");
    assert_eq!(pane.status.as_deref(), Some("done"), "{:?}", pane.lines);
    let output: serde_json::Value = serde_json::from_str(&pane.lines.join("\n")).unwrap();
    assert_eq!(output.pointer("/metadata/name").and_then(|v| v.as_str()), Some("orders-api"));
    assert!(app.screen().contains("\"apiVersion\": \"backstage.io/v1alpha1\""), "{}", app.screen());
    app.keys("esc");

    // refresh-catalog-entity: the answer names the canonical ref.
    run_remote(&mut app, key, "catalog:refresh-catalog-entity");
    app.keys("ctrl-s");
    let screen = app.screen();
    assert!(screen.contains("\"entityRef\": \"component:default/orders-api\""), "{screen}");
    app.keys("esc");

    // A bad input: the server's error message is shown, not a crash.
    run_remote(&mut app, key, "catalog:get-catalog-entity");
    app.keys("ctrl-e"); // the same input as JSON text
    assert!(app.screen().contains("\"name\": \"orders-api\""), "{}", app.screen());
    set_prompt_text(&mut app, r#"{"name": "no-such-entity"}"#);
    app.keys("ctrl-s");
    let screen = app.screen();
    assert!(screen.contains("failed") && screen.contains("entity found with name \"no-such-entity\""), "{screen}");
    app.keys("esc");

    // Invalid JSON never reaches the server.
    run_remote(&mut app, key, "catalog:get-catalog-entity");
    app.keys("ctrl-e");
    app.type_text("}");
    app.keys("ctrl-s");
    assert!(app.screen().contains("not JSON"), "{}", app.screen());
    app.keys("esc");

    // The built-in refresh: POST /api/catalog/refresh, then a sync.
    run_builtin(&mut app, key, "Refresh in Backstage");
    assert!(
        app.state.toasts.iter().any(|t| t.text.contains("Backstage is refreshing component:default/orders-api")),
        "{:?}",
        app.state.toasts
    );

    // Register a location: the dry run lists what it would add, then for real.
    let extra = work.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    let file = extra.join("catalog-info.yaml");
    std::fs::write(
        &file,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: registered-by-callboard\n\
         spec:\n  type: service\n  lifecycle: experimental\n  owner: payments-team\n",
    )
    .unwrap();
    run_builtin(&mut app, key, "Register a location");
    assert!(app.screen().contains("Register a location"), "{}", app.screen());
    set_prompt_text(&mut app, &format!("file:{}", file.display()));
    app.keys("enter");
    let screen = app.screen();
    assert!(
        screen.contains("The dry run read 2 entities")
            && screen.contains("location:default/generated-")
            && screen.contains("component:default/registered-by-callboard"),
        "{screen}"
    );
    app.keys("enter");
    assert!(
        app.state
            .toasts
            .iter()
            .any(|t| t.text.contains("Registered file:") && t.text.contains("Backstage is reading it")),
        "{:?}",
        app.state.toasts
    );
    drop(server);
}
