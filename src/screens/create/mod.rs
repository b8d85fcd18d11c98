//! The scaffolder in the terminal: pick a template (`:create`, `c` on a
//! template, "create for this team" from a group), fill its form, create a
//! task and follow it live to its output links.

pub mod dry_run;
pub mod rerun;
pub mod task;
pub mod templates;
pub mod wizard;

use crate::effect::Effect;
use crate::exec::scaffolder::ScaffolderMsg;
use crate::msg::Level;
use crate::state::State;

/// Open the template list, for a group ("create for this team") or all.
pub fn open_templates(state: &mut State, for_group: Option<String>) -> Vec<Effect> {
    let screen = templates::Templates::new(state, for_group);
    crate::screens::push(state, screen);
    Vec::new()
}

pub fn on_msg(state: &mut State, msg: ScaffolderMsg) -> Vec<Effect> {
    match msg {
        ScaffolderMsg::Ready { template, result } => {
            wizard::ready(state, &template, result);
            Vec::new()
        }
        ScaffolderMsg::Created { template, result } => wizard::created(state, &template, result),
        ScaffolderMsg::Task { task, body } => {
            task::on_task(state, &task, &body);
            Vec::new()
        }
        ScaffolderMsg::Events { task, events } => {
            task::on_events(state, &task, events);
            Vec::new()
        }
        ScaffolderMsg::Lost { task, message } => {
            task::on_lost(state, &task, &message);
            Vec::new()
        }
        ScaffolderMsg::Cancelled { task, result } => {
            match result {
                Ok(()) => state.toast(Level::Info, format!("Cancel asked for task {task}")),
                Err(e) => state.toast(Level::Error, format!("Cannot cancel task {task}: {e}")),
            }
            Vec::new()
        }
        ScaffolderMsg::Tasks { result } => {
            crate::screens::tasks::on_tasks(state, result);
            Vec::new()
        }
        ScaffolderMsg::Retried { task, result } => rerun::retried(state, &task, result),
    }
}
