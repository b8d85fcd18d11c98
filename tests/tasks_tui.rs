//! `:tasks`, retry and start over through the real update loop (headless, the
//! bundled demo as source; the scaffolder's answers are dispatched as the
//! jobs would report them: the demo is a folder, it has no scaffolder).

use callboard::backstage::scaffolder::TaskEvent;
use callboard::backstage::tasks::TaskSummary;
use callboard::exec::scaffolder::ScaffolderMsg;
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::screens::create::task::TaskView;
use callboard::screens::create::wizard::{Phase, Wizard};
use callboard::source::Source;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
#[path = "common/fs.rs"]
mod fs_util;

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

fn demo() -> Source {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("callboard-tasks-tui-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        fs_util::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"), &base.join("demo"));
        std::env::set_var("CALLBOARD_CACHE_DIR", base.join("cache"));
        base
    });
    Source::Dir(dir.join("demo"))
}

fn summary(id: &str, status: &str, created: &str, by: &str, template: &str, title: &str) -> TaskSummary {
    TaskSummary {
        id: id.into(),
        status: status.into(),
        created_at: created.into(),
        created_by: by.into(),
        template_ref: template.into(),
        template_title: title.into(),
    }
}

fn list() -> Vec<TaskSummary> {
    vec![
        summary(
            "3f2a9c1e-0001",
            "processing",
            "2025-12-31T23:55:00Z",
            "user:default/ada",
            "template:default/go-grpc-service",
            "Go gRPC service",
        ),
        summary(
            "7b41d0aa-0002",
            "failed",
            "2025-12-31T21:00:00.000Z",
            "",
            "template:default/kafka-topic",
            "Kafka topic",
        ),
        summary(
            "c09e77f4-0003",
            "completed",
            "2025-12-28T00:00:00Z",
            "user:default/bob",
            "template:default/react-website",
            "",
        ),
    ]
}

fn snap(name: &str, screen: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, screen);
    });
}

fn open_tasks(app: &mut Headless) {
    app.keys(":");
    app.type_text("tasks");
    app.keys("enter");
}

fn kafka_task(status: &str, recovery: bool) -> Value {
    let mut spec = json!({
        "templateInfo": {"entityRef": "template:default/kafka-topic"},
        "parameters": {"topic": "payments.refunds.v2", "owner": "group:default/team-sre",
                       "partitions": 24, "retention": "30d"},
        "steps": [{"id": "pr", "name": "Open the pull request", "action": "publish:github:pull-request"}],
    });
    if recovery {
        spec["EXPERIMENTAL_recovery"] = json!({"EXPERIMENTAL_strategy": "startOver"});
    }
    json!({"id": "7b41d0aa-0002", "status": status, "spec": spec})
}

fn event(id: u64, kind: &str, message: &str, status: Option<&str>) -> TaskEvent {
    TaskEvent {
        id,
        kind: kind.into(),
        step_id: Some("pr".into()),
        message: message.into(),
        status: status.map(str::to_string),
        output: None,
    }
}

fn toasts(app: &Headless) -> String {
    app.state.toasts.iter().map(|t| t.text.clone()).collect::<Vec<_>>().join("\n")
}

fn task_view(app: &Headless) -> &TaskView {
    app.state.screens.last().unwrap().as_any().downcast_ref::<TaskView>().expect("the task screen on top")
}

#[test]
fn tasks_list_filters_and_opens_a_task() {
    let mut app = Headless::open(demo(), 100, 12, NOW).unwrap();
    open_tasks(&mut app);
    // A folder has no scaffolder: said plainly.
    let screen = app.screen();
    assert!(screen.contains("Cannot list the tasks: tasks live on a Backstage instance"), "{screen}");
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Tasks { result: Ok(list()) }));
    snap("tasks_list_100x12", app.screen());
    let screen = app.screen();
    let kafka = screen.lines().find(|l| l.contains("Kafka topic")).unwrap();
    assert!(kafka.contains("failed") && kafka.contains("service"), "a static token's task is the service's: {kafka}");
    assert!(screen.lines().any(|l| l.contains("Go gRPC") && l.contains("ada")), "{screen}");
    assert!(screen.contains("5 min") && screen.contains("3 h") && screen.contains("4 d"), "{screen}");
    assert!(screen.contains("react-website"), "no title: the template's ref: {screen}");

    // Fuzzy: letters in order.
    app.type_text("kfk");
    let screen = app.screen();
    assert!(screen.contains("1 of 3") && screen.contains("Kafka topic") && !screen.contains("Go gRPC"), "{screen}");
    app.keys("enter");
    let view = task_view(&app);
    assert_eq!((view.id.as_str(), view.title.as_str()), ("7b41d0aa-0002", "Kafka topic"));
}

#[test]
fn failed_task_retried_then_started_over_with_its_values() {
    let mut app = Headless::open(demo(), 100, 30, NOW).unwrap();
    open_tasks(&mut app);
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Tasks { result: Ok(list()) }));
    app.keys("down enter");
    let task = "7b41d0aa-0002".to_string();
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Task { task: task.clone(), body: kafka_task("failed", true) }));
    let failed = vec![
        event(40, "log", "Beginning step Open the pull request", Some("processing")),
        event(41, "log", "Error: no token for github.com", Some("failed")),
    ];
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Events { task: task.clone(), events: failed }));
    let screen = app.screen();
    assert!(screen.contains("R retry · s start over with these values"), "{screen}");

    // The server's refusal, in its words.
    let refusal = "409 from http://b/api/scaffolder/v2/tasks/7b41d0aa-0002/retry: Task with taskId 7b41d0aa-0002 cannot be retried";
    app.keys("R");
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Retried { task: task.clone(), result: Err(refusal.into()) }));
    assert!(toasts(&app).contains("cannot be retried"), "{}", toasts(&app));

    // Accepted: followed again from the last id; the `recovered` event restarts the steps.
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Retried { task: task.clone(), result: Ok(()) }));
    assert_eq!(task_view(&app).last_event, Some(41));
    let again = vec![event(57, "recovered", "", None), event(58, "log", "Beginning again", Some("processing"))];
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Events { task: task.clone(), events: again }));
    let view = task_view(&app);
    assert_eq!((view.status.as_str(), view.steps[0].status.as_str()), ("processing", "processing"));
    assert!(view.log.iter().any(|(_, l)| l == "— the task runs again —"), "{:?}", view.log);
    let screen = app.screen();
    assert!(!screen.contains("R retry"), "{screen}");
    app.keys("s");
    assert!(toasts(&app).contains("still processing: cancel it first"), "{}", toasts(&app));

    // It fails again; start over: the template's form with the task's values.
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Task { task: task.clone(), body: kafka_task("failed", true) }));
    app.keys("s");
    assert!(toasts(&app).contains("secrets are never kept"), "{}", toasts(&app));
    let top = app.state.screens.last().unwrap().as_any().downcast_ref::<Wizard>().expect("the wizard on top");
    assert_eq!(top.template, "template:default/kafka-topic");
    let Phase::Filling { form, .. } = &top.phase else { panic!("the form did not load") };
    let values = form.values();
    assert_eq!(values["topic"], "payments.refunds.v2");
    assert_eq!((values["partitions"].clone(), values["retention"].clone()), (json!(24), json!("30d")));
    assert!(app.screen().contains("[group:default/team-sre]"));
}

#[test]
fn retry_is_not_offered_when_the_template_has_no_recovery() {
    let mut app = Headless::open(demo(), 100, 30, NOW).unwrap();
    open_tasks(&mut app);
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Tasks { result: Ok(list()) }));
    app.keys("down enter");
    let task = "7b41d0aa-0002".to_string();
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Task { task, body: kafka_task("failed", false) }));
    let screen = app.screen();
    assert!(screen.contains("s start over") && !screen.contains("R retry"), "{screen}");
    app.keys("R");
    assert!(toasts(&app).contains("allows no retry"), "{}", toasts(&app));
}

/// The same task reopened from `:tasks` while its screen is still on the
/// stack: the new screen has what the first one saw.
#[test]
fn reopening_a_task_keeps_what_was_seen() {
    let mut app = Headless::open(demo(), 100, 30, NOW).unwrap();
    open_tasks(&mut app);
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Tasks { result: Ok(list()) }));
    app.keys("down enter");
    let task = "7b41d0aa-0002".to_string();
    let seen = vec![event(40, "log", "Beginning step Open the pull request", Some("processing"))];
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Events { task: task.clone(), events: seen }));
    app.keys("T");
    app.dispatch(Msg::Scaffolder(ScaffolderMsg::Tasks { result: Ok(list()) }));
    app.keys("down enter");
    assert_eq!(app.state.screens.iter().filter(|s| s.as_any().is::<TaskView>()).count(), 2);
    let view = task_view(&app);
    assert_eq!(view.last_event, Some(40));
    assert_eq!(view.log.len(), 1, "{:?}", view.log);
}
