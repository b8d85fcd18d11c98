//! The scaffolder wizard in the real binary against the real Backstage:
//! `:create`, the fixture template's two pages filled in with keys only (a
//! pattern caught as you type, an OwnerPicker from the catalog), review,
//! create; the task's steps and log live; its output link opens the entity.

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
