//! The scaffolder wizard in the real binary against the real Backstage:
//! `:create`, the fixture template's two pages filled in with keys only (a
//! pattern caught as you type, an OwnerPicker from the catalog), review,
//! create; the task's steps and log live; its output link opens the entity.
//! Then every field kind on a second template, with a server-side 400.

#[path = "common/backstage.rs"]
mod backstage;
#[path = "common/tmux.rs"]
mod tmux;

use backstage::{Backstage, TOKEN};
use std::path::Path;
use tmux::Tmux;

const TOKEN_ENV: &str = "CALLBOARD_CREATE_E2E_TOKEN";

#[test]
fn create_from_a_template_keyboard_only_and_follow_the_task() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(server) = Backstage::start(&fixtures, 26, |_| {}) else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("callboard.toml");
    let toml = format!("[[instance]]\nname = \"e2e\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, toml).unwrap();
    let envs = [(TOKEN_ENV, TOKEN)];
    let args = ["--config", config.to_str().unwrap(), "--instance", "e2e"];
    let Some(tmux) = Tmux::start("create", 120, 40, dir.path(), &envs, &args) else { return };
    tmux.wait_for("26 entities");

    tmux.send(&[":"]);
    tmux.type_text("create");
    tmux.send(&["Enter"]);
    tmux.wait_for("Create a new service");
    tmux.send(&["Enter"]);
    tmux.wait_for("Service details");

    // A name the pattern refuses is named as you type.
    tmux.type_text("Orders API");
    tmux.wait_for("must match ^[a-z0-9-]+$");
    tmux.send(&["C-u"]);
    // The name of an entity the catalog has, so the output link can open it.
    tmux.type_text("orders-api");
    tmux.wait_gone("must match");
    tmux.send(&["Tab"]);
    tmux.type_text("made in a terminal");
    tmux.send(&["Tab"]);
    tmux.type_text("platf");
    tmux.wait_for("group:platform-team");
    tmux.send(&["Enter"]);
    tmux.send(&["C-n"]);
    tmux.wait_for("Language");
    tmux.send(&["C-n"]);
    let review = tmux.wait_for("● Review");
    assert!(review.contains("orders-api") && review.contains("group:default/platform-team"), "{review}");
    tmux.send(&["Enter"]);

    // The task, live: steps with status, the log, then the output link.
    let done = tmux.wait_until("the task to complete", |s| s.contains("completed") && s.contains("Open in catalog"));
    assert!(done.contains("Fetch skeleton") && done.contains("Log result"), "{done}");
    assert!(done.contains("Created orders-api owned by group:default/platform-team"), "{done}");
    tmux.send(&["Enter"]);
    tmux.wait_for("component:orders-api");
    tmux.send(&["q"]);
}

/// The end-to-end check on a template no other test uses (two pages,
/// a pattern, a textarea, an OwnerPicker, an enum, a boolean, an EntityPicker
/// limited to services, an email): keyboard only, through the real binary.
/// A bad name is caught as typed; an email the form accepts but the server's
/// jsonschema refuses comes back as a 400 onto its field; the values the
/// server records are the web form's; the task runs live; its output link
/// opens the new entity once the catalog has it.
#[test]
fn every_field_kind_keyboard_only_with_a_server_400_on_its_field() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures");
    let template = fixtures.join("e2e/onboard-service.yaml");
    let Some(server) = Backstage::start(&fixtures.join("catalog"), 27, |dir| {
        std::fs::copy(&template, dir.join("templates/onboard-service.yaml")).unwrap();
        add_target(dir, "./templates/onboard-service.yaml");
    }) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("callboard.toml");
    let toml = format!("[[instance]]\nname = \"e2e\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, toml).unwrap();
    let args = ["--config", config.to_str().unwrap(), "--instance", "e2e"];
    let Some(tmux) = Tmux::start("create-full", 160, 48, dir.path(), &[(TOKEN_ENV, TOKEN)], &args) else { return };
    tmux.wait_for("27 entities");
    tmux.send(&[":"]);
    tmux.type_text("create");
    tmux.send(&["Enter"]);
    tmux.type_text("onboard");
    tmux.wait_gone("Create a new service");
    tmux.send(&["Enter"]);
    tmux.wait_for("○ Wiring");

    // Page 1: a bad name named as typed, a two-line summary, the owner picked.
    tmux.type_text("Billing Ledger");
    tmux.wait_for("Name: must match ^[a-z][a-z0-9-]*$");
    tmux.send(&["C-u"]);
    tmux.type_text("billing-ledger");
    tmux.wait_gone("must match");
    tmux.send(&["Tab"]);
    tmux.type_text("Keeps the books.");
    tmux.send(&["Enter"]);
    tmux.type_text("Second line.");
    tmux.wait_for("Second line.");
    tmux.send(&["Tab"]);
    tmux.type_text("platf");
    tmux.wait_for("group:platform-team");
    tmux.send(&["Enter"]);
    tmux.send(&["C-n"]);
    tmux.wait_for("● Wiring");

    // Page 2: gold by type-ahead, the boolean on, the upstream by fuzzy typing.
    tmux.send(&["g", "Enter", "Tab", "Space", "Tab"]);
    tmux.type_text("orders");
    let services = tmux.wait_for("component:orders-worker");
    assert!(services.contains("component:orders-api"), "{services}");
    tmux.send(&["C-u"]);
    tmux.type_text("web");
    let filtered = tmux.wait_for("no match");
    assert!(!filtered.contains("checkout-web"), "a website is not a service: {filtered}");
    tmux.send(&["C-u"]);
    tmux.type_text("pymsvc");
    tmux.wait_for("component:payments-service");
    tmux.send(&["Enter", "Tab"]);
    // An email the form's checker takes and the server's does not.
    tmux.type_text("ops@localhost");
    tmux.send(&["C-n"]);
    let review = tmux.wait_for("● Review");
    for shown in ["billing-ledger", "gold", "component:default/payments-service", "ops@localhost", "d dry-run"] {
        assert!(review.contains(shown), "{shown}: {review}");
    }
    // A dry-run of it: the server's 400 says why, and esc finds it on the field.
    tmux.send(&["d"]);
    tmux.wait_for("The dry-run failed:");
    tmux.send(&["Escape"]);
    let refused = tmux.wait_for("On-call email: does not conform to the \"email\" format");
    assert!(refused.contains("● Wiring"), "the form went back to the field's page: {refused}");
    // Creating it: the same 400, on the same field.
    tmux.send(&["C-n"]);
    tmux.wait_for("● Review");
    tmux.send(&["Enter"]);
    let refused = tmux.wait_for("On-call email: does not conform to the \"email\" format");
    assert!(refused.contains("● Wiring"), "the form went back to the field's page: {refused}");
    tmux.send(&["C-u"]);
    tmux.type_text("ops@example.com");
    tmux.wait_gone("On-call email: does not conform");
    tmux.send(&["C-n"]);
    tmux.wait_for("● Review");
    // `d` first: a dry-run of these values (an instance sends no template
    // files; this template needs none), then esc back to the review.
    tmux.send(&["d"]);
    let dry = tmux.wait_until("the dry-run", |s| s.contains("Dry-run: Onboard a service") && s.contains("succeeded"));
    assert!(dry.contains("✓ Record the values") && dry.contains("Onboarded billing-ledger (gold)"), "{dry}");
    assert!(dry.contains("note: The template's files live where its server read it from"), "{dry}");
    tmux.send(&["Escape"]);
    tmux.wait_for("● Review");
    tmux.send(&["Enter"]);

    // Live: the wait step is seen running before the task completes.
    tmux.wait_until("the settle step running", |s| s.lines().any(|l| l.contains("Settle") && l.contains("processing")));
    let done = tmux.wait_until("the task to complete", |s| s.contains("completed") && s.contains("Open in catalog"));
    let announced =
        "Onboarded billing-ledger (gold) for group:default/platform-team, calling component:default/payments-service";
    assert!(done.contains(announced), "{done}");

    // What the server received is what the web form sends for these fields.
    let tasks = api(&server, "api/scaffolder/v2/tasks");
    let task = &tasks["tasks"].as_array().expect("tasks")[0];
    assert_eq!(
        task["spec"]["parameters"],
        serde_json::json!({"name": "billing-ledger", "summary": "Keeps the books.\nSecond line.",
            "owner": "group:default/platform-team", "tier": "gold", "public": true,
            "upstream": "component:default/payments-service", "contact": "ops@example.com"})
    );

    // The harness has no repository to publish to, so the test plays the
    // publish-and-register step: the new entity's file joins the catalog.
    // Until a sync brings it, enter says so and syncs; then it opens.
    std::fs::write(
        server.catalog_dir.join("billing-ledger.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing-ledger\n\
         spec:\n  type: service\n  lifecycle: experimental\n  owner: group:platform-team\n",
    )
    .unwrap();
    add_target(&server.catalog_dir, "./billing-ledger.yaml");
    server.wait_until("list the new entity", std::time::Duration::from_secs(60), || {
        api(&server, "api/catalog/entities/by-name/component/default/billing-ledger")["kind"] == "Component"
    });
    tmux.send(&["Enter"]);
    tmux.wait_for("28 entities");
    tmux.send(&["Enter"]);
    tmux.wait_for("component:billing-ledger");
    tmux.send(&["q"]);
}

fn add_target(catalog: &Path, target: &str) {
    let root = catalog.join("catalog-info.yaml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(&root, format!("{}    - {target}\n", text.trim_end().to_string() + "\n")).unwrap();
}

/// A GET on the real server with the test token; null on any failure.
fn api(server: &Backstage, path: &str) -> serde_json::Value {
    let url = format!("{}/{path}", server.url);
    let out = std::process::Command::new("curl")
        .args(["-s", "-H", &format!("Authorization: Bearer {TOKEN}"), &url])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}
