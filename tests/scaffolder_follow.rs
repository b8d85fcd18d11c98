//! Following scaffolder tasks against a real Backstage: the SSE event stream
//! carries a task's log to its completion (and again, whole, on reattaching
//! to a finished task); the task list; a template that fails on purpose
//! (with `EXPERIMENTAL_recovery: startOver`) retried by the server, followed
//! on from the last event id; a retry the server refuses; and the CLI's exit
//! code and live stderr log.

#[path = "common/backstage.rs"]
mod backstage;
#[path = "common/failing_template.rs"]
mod failing_template;

use backstage::{Backstage, TOKEN};
use callboard::backstage::scaffolder::TaskEvent;
use callboard::backstage::Client;
use callboard::catalog::entity_ref::EntityRef;
use callboard::config::Config;
use callboard::docs::runtime::block_on;
use failing_template::add_failing_template;
use serde_json::{json, Map};
use std::path::Path;
use std::time::Duration;

const TOKEN_ENV: &str = "CALLBOARD_FOLLOW_TEST_TOKEN";

fn follow(client: &Client, id: &str, after: Option<u64>) -> (callboard::backstage::tasks::Followed, Vec<TaskEvent>) {
    let mut seen = Vec::new();
    let followed = block_on(async {
        tokio::time::timeout(
            Duration::from_secs(90),
            client.follow_task(id, after, Duration::from_secs(30), |events| seen.extend(events)),
        )
        .await
    })
    .unwrap_or_else(|_| panic!("task {id} not followed to its end in 90 s"))
    .unwrap();
    (followed, seen)
}

fn increasing(events: &[TaskEvent]) -> bool {
    events.windows(2).all(|w| w[0].id < w[1].id)
}

#[test]
fn tasks_followed_live_listed_retried() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(server) = Backstage::start(&fixtures, 27, add_failing_template) else { return };
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config.toml");
    let toml = format!("[[instance]]\nname = \"t\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, toml).unwrap();
    std::env::set_var(TOKEN_ENV, TOKEN);
    let client = Client::new(&Config::from_file(&config).unwrap().instances.remove(0)).unwrap();

    // A task followed over the event stream, live, to its completion.
    let name = format!("sse-{}", std::process::id());
    let values = json!({"name": name, "owner": "group:default/platform-team", "language": "go", "port": 8080});
    let template = EntityRef::parse_full("template:default/create-service").unwrap();
    let id = block_on(client.create_task(&template, values.as_object().unwrap(), &Map::new())).unwrap();
    let requests = client.stats().requests;
    let started = std::time::Instant::now();
    let (followed, events) = follow(&client, &id, None);
    eprintln!("followed by SSE: {} events in {:.1} s", events.len(), started.elapsed().as_secs_f64());
    assert!(followed.streamed > 0 && followed.polled == 0, "{followed:?}");
    assert_eq!(client.stats().requests - requests, 1, "the whole task over one request");
    assert_eq!(followed.fell_back, None);
    assert!(increasing(&events), "no event twice, in order: {events:?}");
    assert_eq!(events.last().unwrap().kind, "completion");
    let log: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();
    assert!(log.iter().any(|l| l.contains(&format!("Created {name} owned by"))), "{log:?}");
    assert_eq!(followed.last, Some(events.last().unwrap().id));

    // Reattaching to the finished task: its whole log again, and the stream ends.
    let (again, replay) = follow(&client, &id, None);
    assert!(again.streamed > 0 && again.polled == 0, "{again:?}");
    assert_eq!(replay, events);

    // The failing template: a retry asked while it runs is refused in the server's words.
    let failing = EntityRef::parse_full("template:default/fail-on-purpose").unwrap();
    let bad =
        block_on(client.create_task(&failing, json!({"reason": "a test"}).as_object().unwrap(), &Map::new())).unwrap();
    let early = block_on(client.retry_task(&bad)).unwrap_err().to_string();
    assert!(early.contains("cannot be retried"), "{early}");
    let (first, events) = follow(&client, &bad, None);
    assert!(first.streamed > 0, "{first:?}");
    let task = block_on(client.task(&bad)).unwrap();
    assert_eq!(task["status"], "failed", "{events:?}");
    assert!(events.iter().any(|e| e.message.contains("About to fail because a test")), "{events:?}");
    assert_eq!(task["spec"]["EXPERIMENTAL_recovery"]["EXPERIMENTAL_strategy"], "startOver");

    // The list: newest first, the failing one on top, the static token's tasks by "nobody".
    let list = block_on(client.list_tasks(20)).unwrap();
    let ids: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(&ids[..2], [bad.as_str(), id.as_str()], "{list:?}");
    assert_eq!(list[0].status, "failed");
    assert_eq!(list[0].template_ref, "template:default/fail-on-purpose");
    assert_eq!(list[0].template_title, "Fail on purpose");
    assert_eq!(list[1].created_by, "", "a static token is a service, not a user");

    // Retried: the same task runs again; following on from the last id seen
    // gives the `recovered` event first and nothing seen before.
    block_on(client.retry_task(&bad)).unwrap();
    let (second, rerun) = follow(&client, &bad, first.last);
    assert!(rerun.iter().all(|e| e.id > first.last.unwrap()), "{rerun:?}");
    assert_eq!(rerun.first().map(|e| e.kind.as_str()), Some("recovered"), "{rerun:?}");
    assert!(rerun.iter().any(|e| e.message.contains("About to fail")), "{rerun:?}");
    assert!(increasing(&rerun) && second.last > first.last);
    assert_eq!(block_on(client.task(&bad)).unwrap()["status"], "failed");

    // Cancelled while it waits: followed to the end, the task's status is final.
    let doomed =
        block_on(client.create_task(&failing, json!({"reason": "cancel"}).as_object().unwrap(), &Map::new())).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !block_on(client.task_events(&doomed, None)).unwrap().iter().any(|e| e.message.contains("Wait a little")) {
        assert!(std::time::Instant::now() < deadline, "the wait step never began");
        std::thread::sleep(Duration::from_millis(100));
    }
    block_on(client.cancel_task(&doomed)).unwrap();
    let (_, events) = follow(&client, &doomed, None);
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    // Past the `cancelled` event to the completion: the cancelled step's error, the
    // skipped step, and the final status (Backstage records a cancelled run as failed).
    let cancel = kinds.iter().position(|k| *k == "cancelled").unwrap_or_else(|| panic!("{kinds:?}"));
    assert_eq!(kinds.last(), Some(&"completion"), "{kinds:?}");
    assert!(events[cancel..].iter().any(|e| e.message.contains("Skipping step fail")), "{events:?}");
    let status = block_on(client.task(&doomed)).unwrap()["status"].clone();
    assert!(status == "failed" || status == "cancelled", "a final status, not {status}");

    // The CLI: the log on stderr, the task's failure as the exit code.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["--config", config.to_str().unwrap(), "--instance", "t", "create", "fail-on-purpose"])
        .args(["--set", "reason=the cli"])
        .env("CALLBOARD_CACHE_DIR", work.path().join("cache"))
        .env("CALLBOARD_STATE_DIR", work.path())
        .env(TOKEN_ENV, TOKEN)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("[say] ") && l.contains("About to fail because the cli")), "{stderr}");
    assert!(stderr.contains("ended failed"), "{stderr}");
}
