//! A template's dry-run (`d` on the form's review): the steps with their
//! status, the log, the files the steps would produce (enter shows one) and
//! the output. Esc goes back to the review to change values and try again.

mod render;

pub use render::output_lines;

use super::wizard::{place_server_errors, Phase, Wizard};
use crate::effect::Effect;
use crate::exec::dry_run::{DryRunEffect, DryRunMsg, DryRunReport};
use crate::form::Form;
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

pub enum DryRunPhase {
    Running,
    Failed(String),
    Done(Box<DryRunReport>),
}

pub struct DryRunView {
    /// The template's entity key.
    pub template: String,
    pub title: String,
    pub phase: DryRunPhase,
    /// The selected produced file.
    pub selected: usize,
    /// The file whose content is shown, and its first line on screen.
    pub viewing: Option<usize>,
    pub scroll: usize,
    /// First log line shown; None follows the end.
    pub log_scroll: Option<usize>,
}

/// Check the form, then ask for a dry-run of its values; the result screen opens at once.
pub fn start(state: &mut State, template: &str, form: &mut Form) -> Vec<Effect> {
    if !form.check_all() {
        return Vec::new();
    }
    let effect = DryRunEffect {
        template: template.to_string(),
        values: form.values(),
        secrets: form.secrets(),
        server: state.dry_run_server.clone(),
    };
    let view = DryRunView {
        template: template.to_string(),
        title: state.catalog.label_of(template),
        phase: DryRunPhase::Running,
        selected: 0,
        viewing: None,
        scroll: 0,
        log_scroll: None,
    };
    crate::screens::push(state, view);
    vec![Effect::DryRun(effect)]
}

pub fn on_msg(state: &mut State, msg: DryRunMsg) -> Vec<Effect> {
    let DryRunMsg::Done { template, result } = msg;
    if let Err(e) = &result {
        // A 400 names fields: they wait on the form for when esc goes back to it.
        for wizard in crate::screens::all_mut::<Wizard>(state).filter(|w| w.template == template) {
            if let Phase::Filling { form, .. } = &mut wizard.phase {
                if e.starts_with("400 ") {
                    // Back from the dry-run lands on the first bad field, not the review.
                    place_server_errors(form, e);
                    wizard.error = Some(crate::sanitize::clean_line(e));
                }
            }
        }
    }
    for view in crate::screens::all_mut::<DryRunView>(state) {
        if view.template != template || !matches!(view.phase, DryRunPhase::Running) {
            continue;
        }
        view.phase = match &result {
            Ok(report) => DryRunPhase::Done(report.clone()),
            Err(e) => DryRunPhase::Failed(crate::sanitize::clean_line(e)),
        };
    }
    Vec::new()
}

impl DryRunView {
    fn report(&self) -> Option<&DryRunReport> {
        match &self.phase {
            DryRunPhase::Done(report) => Some(report),
            _ => None,
        }
    }

    fn files(&self) -> usize {
        self.report().map_or(0, |r| r.result.files.len())
    }
}

impl Screen for DryRunView {
    fn context(&self) -> Context {
        Context::DryRun
    }

    fn crumb(&self, _state: &State) -> String {
        "dry-run".into()
    }

    fn entity(&self) -> Option<&str> {
        Some(&self.template)
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let page = page_rows(state.height).saturating_sub(4).max(1);
        if let Some(file) = self.viewing {
            let lines = self.report().map_or(0, |r| render::content_lines(&r.result.files[file]).len());
            if move_cursor(&mut self.scroll, lines, command, page) {
                return Outcome::none();
            }
            if command == Command::Back {
                self.viewing = None;
            }
            return Outcome::none();
        }
        match command {
            Command::Up | Command::Down | Command::Top | Command::Bottom => {
                let files = self.files();
                move_cursor(&mut self.selected, files, command, page);
                Outcome::none()
            }
            Command::PageUp | Command::PageDown => {
                let len = self.report().map_or(0, |r| r.result.log.len());
                let mut at = self.log_scroll.unwrap_or(len.saturating_sub(page));
                move_cursor(&mut at, len.saturating_sub(page) + 1, command, page);
                // Back at the end: follow it again.
                self.log_scroll = (at + page < len).then_some(at);
                Outcome::none()
            }
            Command::Open if self.selected < self.files() => {
                self.viewing = Some(self.selected);
                self.scroll = 0;
                Outcome::none()
            }
            Command::Back => Outcome::close(),
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, _state: &State, theme: &Theme) {
        render::render(self, frame, area, theme);
    }

    crate::screen_any!();
}
