//! A template's form, page by page, then review: create (enter) a task.
//! The form engine (src/form) does fields, validation and values; this
//! screen loads it, hands it keys, submits, and puts server errors back on
//! their fields.

use crate::effect::Effect;
use crate::exec::scaffolder::{Prepared, ScaffolderEffect};
use crate::form::source::ListSource;
use crate::form::{Form, FormOutcome, FormStyles};
use crate::keymap::{Command, Context};
use crate::screens::{Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use serde_json::{Map, Value};

pub enum Phase {
    Loading,
    Failed(String),
    Filling { form: Box<Form>, pickers: Box<ListSource> },
}

pub struct Wizard {
    /// The template's entity key.
    pub template: String,
    pub phase: Phase,
    /// Waiting for the server to create the task.
    pub submitting: bool,
    /// Why the last create failed, shown above the form.
    pub error: Option<String>,
    /// "Create for this team": the owner field's value, when the form has one.
    pub for_group: Option<String>,
    /// "Start over": the values of the task started over from (secrets dropped).
    pub initial: Map<String, Value>,
}

pub fn open(state: &mut State, template: &str, for_group: Option<String>) -> Vec<Effect> {
    crate::screens::push(
        state,
        Wizard {
            template: template.to_string(),
            phase: Phase::Loading,
            submitting: false,
            error: None,
            for_group,
            initial: Map::new(),
        },
    );
    vec![Effect::Scaffolder(ScaffolderEffect::Prepare {
        template: template.to_string(),
        catalog: state.catalog.clone(),
        me: state.me.clone(),
    })]
}

/// The form arrived (or could not be loaded).
pub fn ready(state: &mut State, template: &str, result: Result<Box<Prepared>, String>) {
    for wizard in crate::screens::all_mut::<Wizard>(state) {
        if wizard.template != template || !matches!(wizard.phase, Phase::Loading) {
            continue;
        }
        wizard.phase = match result {
            Ok(prepared) => {
                let Prepared { spec, pickers } = *prepared;
                let mut initial = super::rerun::without_secrets(&spec, wizard.initial.clone());
                if let Some(group) = &wizard.for_group {
                    initial.insert("owner".into(), Value::String(group.clone()));
                }
                let mut form = Form::with_values(spec, &initial);
                form.review_hint = Some("enter create · d dry-run · ctrl-p back · esc leave".into());
                Phase::Filling { form: Box::new(form), pickers: Box::new(pickers) }
            }
            Err(e) => Phase::Failed(crate::sanitize::clean_line(&e)),
        };
        return;
    }
}

/// The server answered the create: the task screen replaces the wizard, or
/// the error goes back on the form.
pub fn created(state: &mut State, template: &str, result: Result<String, String>) -> Vec<Effect> {
    let Some(pos) = state
        .screens
        .iter()
        .rposition(|s| s.as_any().downcast_ref::<Wizard>().is_some_and(|w| w.template == template && w.submitting))
    else {
        return Vec::new();
    };
    match result {
        Ok(task) => {
            let title = state.catalog.label_of(template);
            state.screens.truncate(pos);
            super::task::open(state, &task, &title)
        }
        Err(e) => {
            if let Some(w) = state.screens[pos].as_any_mut().downcast_mut::<Wizard>() {
                w.submitting = false;
                w.error = Some(crate::sanitize::clean_line(&e));
                if let Phase::Filling { form, .. } = &mut w.phase {
                    place_server_errors(form, &e);
                }
            }
            Vec::new()
        }
    }
}

/// Backstage's 400 lists the invalid fields, which the client words as
/// `400 from …: name: does not match pattern …; port: …`: each message goes
/// on its field.
pub fn place_server_errors(form: &mut Form, message: &str) -> usize {
    let detail = message.split_once(": ").map_or(message, |(_, rest)| rest);
    let mut placed = 0;
    // Last to first: the form ends on the first invalid field's page.
    let parts: Vec<&str> = detail.split("; ").collect();
    for part in parts.into_iter().rev() {
        match part.split_once(": ") {
            // A field the form does not know becomes a page error: never dropped.
            Some((field, text)) if !field.contains(' ') => {
                form.set_server_error(&format!("/{}", field.replace('.', "/")), text);
                placed += 1;
            }
            _ => form.set_server_error("", part),
        }
    }
    placed
}

impl Screen for Wizard {
    fn context(&self) -> Context {
        Context::Form
    }

    fn crumb(&self, state: &State) -> String {
        format!("create {}", state.catalog.label_of(&self.template))
    }

    fn entity(&self) -> Option<&str> {
        Some(&self.template)
    }

    /// Every key goes to the form first; what it ignores goes to the keymap
    /// (esc back, `d` on review, ...).
    fn on_key(&mut self, state: &mut State, key: KeyEvent) -> Option<Outcome> {
        let Phase::Filling { form, .. } = &mut self.phase else { return None };
        if self.submitting {
            return None;
        }
        match form.on_key(key) {
            FormOutcome::Handled | FormOutcome::Changed => Some(Outcome::none()),
            FormOutcome::Submit => {
                if !form.check_all() {
                    self.error = Some("Some values are not valid: alt-e goes to the first".into());
                    return Some(Outcome::none());
                }
                self.submitting = true;
                self.error = None;
                let effect = ScaffolderEffect::Create {
                    template: self.template.clone(),
                    values: form.values(),
                    secrets: form.secrets(),
                };
                let _ = state;
                Some(Outcome::stay(vec![Effect::Scaffolder(effect)]))
            }
            FormOutcome::Ignored if key.code == KeyCode::Esc => Some(Outcome::close()),
            FormOutcome::Ignored => None,
        }
    }

    fn on_paste(&mut self, _state: &mut State, text: &str) -> Outcome {
        if let Phase::Filling { form, .. } = &mut self.phase {
            form.on_paste(text);
        }
        Outcome::none()
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        match command {
            Command::Back => Outcome::close(),
            Command::DryRun => match &mut self.phase {
                Phase::Filling { form, .. } if form.on_review() && !self.submitting => {
                    let effects = super::dry_run::start(state, &self.template, form);
                    if effects.is_empty() {
                        self.error = Some("Some values are not valid: alt-e goes to the first".into());
                    }
                    Outcome::stay(effects)
                }
                _ => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        let label = state.catalog.label_of(&self.template);
        let mut head =
            vec![Line::from(vec![Span::styled("Create: ", theme.muted()), Span::styled(label, theme.title())])];
        if self.submitting {
            head.push(Line::styled("Creating the task…", theme.warn()));
        } else if let Some(e) = &self.error {
            head.push(Line::styled(e.clone(), theme.crit()));
        }
        let [top, body] = Layout::vertical([Constraint::Length(head.len() as u16), Constraint::Min(1)]).areas(area);
        frame.render_widget(Paragraph::new(head), top);
        match &self.phase {
            Phase::Loading => {
                frame.render_widget(Paragraph::new(Span::styled("Loading the template's form…", theme.muted())), body)
            }
            Phase::Failed(e) => frame.render_widget(
                Paragraph::new(vec![
                    Line::styled("The template's form could not be loaded:", theme.crit()),
                    Line::raw(e.clone()),
                    Line::styled("esc goes back", theme.muted()),
                ])
                .wrap(Wrap { trim: false }),
                body,
            ),
            Phase::Filling { form, pickers } => {
                form.render(frame, body, &FormStyles::from_theme(theme), pickers.as_ref());
            }
        }
    }

    crate::screen_any!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{FormSpec, Node};

    #[test]
    fn a_server_400_lands_on_its_field_on_its_page() {
        let schema = serde_json::json!([
            {"title": "One", "properties": {"name": {"type": "string", "title": "Name"}}},
            {"title": "Two", "properties": {"port": {"type": "integer", "title": "Port"}}}
        ]);
        let mut form = Form::new(FormSpec::from_parameters(None, &Node::from_json(&schema)).unwrap());
        let message = "400 from http://127.0.0.1:7007/api/scaffolder/v2/tasks: name: does not match pattern \"^x\"; port: must be >= 1024";
        assert_eq!(place_server_errors(&mut form, message), 2);
        // The form is on the first invalid field's page, the field focused with its error.
        assert_eq!(form.page(), 0);
        assert_eq!(form.focused().map(|f| f.pointer()), Some("/name".to_string()));
        assert_eq!(form.errors().get("/name").map(String::as_str), Some("does not match pattern \"^x\""));
        // An error with no field is shown on the page, not dropped.
        let mut form = Form::new(FormSpec::from_parameters(None, &Node::from_json(&schema)).unwrap());
        place_server_errors(&mut form, "400 from http://h/api/scaffolder/v2/tasks: requires property \"owner\"");
        assert!(form.page_errors().iter().any(|e| e.contains("requires property")), "{:?}", form.page_errors());
    }
}
