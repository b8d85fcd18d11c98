//! A task that ended, run again: **retry** (`R`, `POST /v2/tasks/{id}/retry`:
//! the same task id runs again on the server; offered when the template set
//! `spec.EXPERIMENTAL_recovery.EXPERIMENTAL_strategy: startOver`, as the web
//! UI does, and the task failed or was cancelled; the server checks again and
//! its refusal is shown as it words it), and **start over** (`s`: the
//! template's form again, filled with the values the task ran with, for a
//! new task; secrets are never kept, so they are asked again).

use super::task::{is_final, TaskView};
use crate::effect::Effect;
use crate::exec::scaffolder::ScaffolderEffect;
use crate::form::FormSpec;
use crate::keymap::Command;
use crate::msg::Level;
use crate::sanitize::clean_line;
use crate::screens::Outcome;
use crate::state::State;
use serde_json::{Map, Value};

/// What the task's own record says about running it again.
pub fn on_spec(view: &mut TaskView, body: &Value) {
    if let Some(r) = body.pointer("/spec/templateInfo/entityRef").and_then(Value::as_str) {
        view.template = crate::catalog::EntityRef::parse_full(r).ok().map(|r| r.key());
    }
    if let Some(Value::Object(values)) = body.pointer("/spec/parameters") {
        view.parameters = values.clone();
    }
    view.recoverable =
        body.pointer("/spec/EXPERIMENTAL_recovery/EXPERIMENTAL_strategy").and_then(Value::as_str) == Some("startOver");
}

/// The server's `recovered` event: the task runs again from its first step.
pub fn on_recovered(view: &mut TaskView) {
    view.status = "processing".into();
    view.lost = None;
    view.links.clear();
    view.text.clear();
    view.selected_link = 0;
    for step in &mut view.steps {
        step.status = "open".into();
        step.started = None;
        step.ended = None;
    }
    view.log.push((None, "— the task runs again —".into()));
}

pub fn can_retry(view: &TaskView) -> bool {
    view.recoverable && matches!(view.status.as_str(), "failed" | "cancelled")
}

/// The keys that apply now, for the screen to show.
pub fn hint(view: &TaskView) -> Option<String> {
    if !is_final(&view.status) {
        return None;
    }
    let mut keys = Vec::new();
    if can_retry(view) {
        keys.push("R retry");
    }
    if view.template.is_some() {
        keys.push("s start over with these values");
    }
    (!keys.is_empty()).then(|| keys.join(" · "))
}

pub fn on_command(view: &mut TaskView, state: &mut State, command: Command) -> Outcome {
    if !is_final(&view.status) {
        state.toast(Level::Info, format!("Task {} is still {}: cancel it first (c)", view.id, view.status));
        return Outcome::none();
    }
    match command {
        Command::RetryTask if can_retry(view) => {
            state.toast(Level::Info, format!("Asking the scaffolder to retry task {}", view.id));
            Outcome::stay(vec![Effect::Scaffolder(ScaffolderEffect::Retry { task: view.id.clone() })])
        }
        Command::RetryTask => {
            let why = if view.recoverable {
                format!("a {} task is not retried; s starts over with its values", view.status)
            } else {
                "its template allows no retry (spec.EXPERIMENTAL_recovery); s starts over with its values".into()
            };
            state.toast(Level::Info, format!("Task {}: {why}", view.id));
            Outcome::none()
        }
        _ => match view.template.clone() {
            Some(template) => {
                let effects = super::wizard::open(state, &template, None);
                if let Some(w) = crate::screens::all_mut::<super::wizard::Wizard>(state).next() {
                    w.initial = view.parameters.clone();
                }
                state.toast(
                    Level::Info,
                    "Start over: the form holds the task's values; secrets are never kept, enter them again",
                );
                Outcome::stay(effects)
            }
            None => {
                state.toast(Level::Warn, format!("Task {} names no template to start over from", view.id));
                Outcome::none()
            }
        },
    }
}

/// The server answered a retry: follow the task again from the last event
/// seen, or show its refusal.
pub fn retried(state: &mut State, task: &str, result: Result<(), String>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            let mut after = None;
            for view in crate::screens::all_mut::<TaskView>(state).filter(|v| v.id == task) {
                view.status = "open".into();
                view.lost = None;
                after = view.last_event.max(after);
            }
            state.toast(Level::Info, format!("Task {task} runs again"));
            vec![Effect::Scaffolder(ScaffolderEffect::Follow { task: task.to_string(), after })]
        }
        Err(e) => {
            state.toast(Level::Error, format!("The scaffolder refused to retry task {task}: {}", clean_line(&e)));
            Vec::new()
        }
    }
}

/// Values to fill a form with, minus any a secret field would take: a task's
/// parameters may hold a masked placeholder where a secret was typed.
pub fn without_secrets(spec: &FormSpec, mut initial: Map<String, Value>) -> Map<String, Value> {
    let values = Value::Object(initial.clone());
    for step in &spec.steps {
        for field in crate::form::model::visible_fields(&step.schema, &values) {
            if field.is_secret() {
                if let Some(name) = field.path.first() {
                    initial.remove(name);
                }
            }
        }
    }
    initial
}
