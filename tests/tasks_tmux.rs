//! `:tasks` in the real binary against the real Backstage: a task that
//! failed is found in the list (`T`), reattached to (its whole log), retried
//! (`R`: the server runs it again and the screen follows it live to its
//! second failure), then started over (`s`): the form filled with its values.

#[path = "common/backstage.rs"]
mod backstage;
#[path = "common/failing_template.rs"]
mod failing_template;
#[path = "common/tmux.rs"]
mod tmux;

use backstage::{Backstage, TOKEN};
use callboard::backstage::Client;
use callboard::catalog::entity_ref::EntityRef;
use callboard::config::Config;
use callboard::docs::runtime::block_on;
use serde_json::{json, Map};
use std::path::Path;
use std::time::{Duration, Instant};
use tmux::Tmux;

const TOKEN_ENV: &str = "CALLBOARD_TASKS_E2E_TOKEN";

#[test]
fn reattach_retry_and_start_over_a_failed_task() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(server) = Backstage::start(&fixtures, 27, failing_template::add_failing_template) else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("callboard.toml");
    let toml = format!("[[instance]]\nname = \"e2e\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, toml).unwrap();

    // A task that failed before callboard started.
    std::env::set_var(TOKEN_ENV, TOKEN);
    let client = Client::new(&Config::from_file(&config).unwrap().instances.remove(0)).unwrap();
    let template = EntityRef::parse_full("template:default/fail-on-purpose").unwrap();
    let values = json!({"reason": "tmux said so"});
    let id = block_on(client.create_task(&template, values.as_object().unwrap(), &Map::new())).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while block_on(client.task(&id)).unwrap()["status"] != "failed" {
        assert!(Instant::now() < deadline, "task {id} did not fail");
        std::thread::sleep(Duration::from_millis(300));
    }

    let envs = [(TOKEN_ENV, TOKEN)];
    let args = ["--config", config.to_str().unwrap(), "--instance", "e2e"];
    let Some(tmux) = Tmux::start("tasks", 120, 40, dir.path(), &envs, &args) else { return };
    tmux.wait_for("27 entities");
    tmux.send(&["T"]);
    // Its row: status and "service" (a static token), once the sync's notice has gone.
    tmux.wait_until("the failed task in the list", |s| {
        s.lines().any(|l| l.contains("Fail on purpose") && l.contains("failed") && l.contains("service"))
    });
    tmux.type_text("fail");
    tmux.send(&["Enter"]);

    // Reattached: the whole log of the ended task, and what can be done with it.
    let task = tmux.wait_until("the task's log", |s| s.contains("About to fail because tmux said so"));
    assert!(task.contains("R retry · s start over with these values"), "{task}");
    assert!(task.contains("✗ Fail"), "{task}");

    // Retried: the same task runs again, followed live to its second failure.
    tmux.send(&["R"]);
    tmux.wait_for("the task runs again");
    let again = tmux.wait_until("the retry to fail again", |s| {
        s.contains("the task runs again") && s.contains("✗ Fail") && s.contains("R retry")
    });
    let after = again.split("the task runs again").nth(1).unwrap_or("");
    assert!(after.contains("About to fail because tmux said so"), "the log after the retry: {again}");

    // Started over: the template's form, filled with the task's values.
    tmux.send(&["s"]);
    let form = tmux.wait_for("Reason");
    assert!(form.contains("tmux said so"), "{form}");
    tmux.send(&["Escape", "q"]);
}
