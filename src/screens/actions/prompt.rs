//! What an action asks before it runs: its typed inputs one by one, a
//! confirm showing the exact argv, or the JSON input of a Backstage action
//! (pre-filled from the entity) with a confirm when it is destructive.

use crate::actions::{ActionConfig, ActionEffect, Facts, InputSpec};
use crate::backstage::actions::RemoteAction;
use crate::effect::Effect;
use crate::input::TextInput;
use crate::keymap::{Command, Context};
use crate::screens::{Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::Frame;
use serde_json::Value;
use std::collections::BTreeMap;

pub struct Prompt {
    /// The entity's cache key.
    pub key: String,
    pub step: PromptStep,
    /// Why the last answer was refused.
    pub error: Option<String>,
}

pub enum PromptStep {
    Inputs {
        index: usize,
        specs: Vec<InputSpec>,
        values: BTreeMap<String, String>,
        input: TextInput,
    },
    Confirm {
        index: usize,
        argv: Vec<String>,
    },
    /// The address of a location to register.
    Location {
        input: TextInput,
    },
    /// What the dry run found; enter registers it for real.
    Register {
        target: String,
        found: crate::backstage::actions::Registered,
    },
    /// A request to send as it is (PagerDuty), shown before it goes.
    Payload {
        url: String,
        event: Value,
    },
    /// A Backstage action's input through the form engine (its JSON Schema),
    /// pre-filled from the entity; ctrl-e switches to editing the JSON itself.
    Form {
        action: Box<RemoteAction>,
        form: Box<crate::form::Form>,
        confirming: bool,
    },
    Json {
        action: Box<RemoteAction>,
        input: TextInput,
        /// A destructive action's input was accepted; the next submit runs it.
        confirming: bool,
    },
}

impl Prompt {
    pub fn inputs(key: &str, index: usize, action: &ActionConfig) -> Prompt {
        let specs = action.inputs.clone();
        let input = field(&specs[0]);
        Prompt {
            key: key.into(),
            step: PromptStep::Inputs { index, specs, values: BTreeMap::new(), input },
            error: None,
        }
    }

    pub fn confirm_argv(
        entity_ref: &str,
        index: usize,
        argv: Vec<String>,
        _inputs: BTreeMap<String, String>,
    ) -> Prompt {
        Prompt { key: entity_key(entity_ref), step: PromptStep::Confirm { index, argv }, error: None }
    }

    pub fn location(key: &str, guess: &str) -> Prompt {
        let mut input = TextInput::single_line();
        input.set_text(guess);
        Prompt { key: key.into(), step: PromptStep::Location { input }, error: None }
    }

    pub fn register_confirm(key: &str, target: String, found: crate::backstage::actions::Registered) -> Prompt {
        Prompt { key: key.into(), step: PromptStep::Register { target, found }, error: None }
    }

    pub fn pagerduty(key: &str, url: String, event: Value) -> Prompt {
        Prompt { key: key.into(), step: PromptStep::Payload { url, event }, error: None }
    }

    /// The input form of a Backstage action, pre-filled.
    pub fn form(key: &str, action: RemoteAction, prefilled: &Value) -> Prompt {
        let schema = crate::form::Node::from_json(&action.schema.input);
        let spec = crate::form::FormSpec::single(&action.title, &schema);
        let initial = prefilled.as_object().cloned().unwrap_or_default();
        let mut form = crate::form::Form::with_values(spec, &initial);
        form.review_hint = Some("enter run the action · ctrl-p back · esc leave".into());
        Prompt {
            key: key.into(),
            step: PromptStep::Form { action: Box::new(action), form: Box::new(form), confirming: false },
            error: None,
        }
    }

    pub fn json(key: &str, action: RemoteAction, prefilled: &Value) -> Prompt {
        let mut input = TextInput::multi_line();
        input.set_text(&serde_json::to_string_pretty(prefilled).unwrap_or_else(|_| "{}".into()));
        Prompt {
            key: key.into(),
            step: PromptStep::Json { action: Box::new(action), input, confirming: false },
            error: None,
        }
    }

    /// Enter (or ctrl-s): take the answer and go on.
    fn submit(&mut self, state: &mut State) -> Outcome {
        self.error = None;
        match &mut self.step {
            PromptStep::Inputs { index, specs, values, input } => {
                let spec = &specs[values.len()];
                match spec.accept(&input.text(), &state.catalog) {
                    Ok(value) => {
                        values.insert(spec.name.clone(), value);
                    }
                    Err(why) => {
                        self.error = Some(why);
                        return Outcome::none();
                    }
                }
                if let Some(next) = specs.get(values.len()) {
                    *input = field(next);
                    return Outcome::none();
                }
                let Some(detail) = state.details.get(&self.key) else { return Outcome::close() };
                let facts = Facts::from_raw(&detail.raw);
                let (index, values) = (*index, values.clone());
                Outcome { effects: super::configured(state, index, &facts, &values, false), close: true }
            }
            PromptStep::Confirm { index, argv } => {
                let action = &state.actions.configured[*index];
                let (name, mode) = (action.name.clone(), action.mode);
                Outcome { effects: super::launch(state, &name, mode, argv.clone()), close: true }
            }
            PromptStep::Location { input } => {
                let target = input.text().trim().to_string();
                if target.is_empty() {
                    self.error = Some("give the address of a catalog file (url:https://… or file:/…)".into());
                    return Outcome::none();
                }
                let effect = ActionEffect::Register { target, dry_run: true };
                Outcome { effects: vec![Effect::Action(effect)], close: true }
            }
            PromptStep::Register { target, found } => {
                if found.exists {
                    state.toast(crate::msg::Level::Info, format!("{target} is registered already"));
                    return Outcome::close();
                }
                let effect = ActionEffect::Register { target: target.clone(), dry_run: false };
                Outcome { effects: vec![Effect::Action(effect)], close: true }
            }
            PromptStep::Payload { url, event } => {
                let effect = ActionEffect::PagerDuty { url: url.clone(), event: event.clone() };
                Outcome { effects: vec![Effect::Action(effect)], close: true }
            }
            PromptStep::Form { action, form, confirming } => {
                if !form.check_all() {
                    self.error = Some("some fields need a value or a fix (alt-e: the next one)".into());
                    return Outcome::none();
                }
                let value = Value::Object(form.values());
                if action.attributes.destructive && !*confirming {
                    *confirming = true;
                    return Outcome::none();
                }
                let action = action.clone();
                invoke(state, &action, value)
            }
            PromptStep::Json { action, input, confirming } => {
                let value = match serde_json::from_str::<Value>(&input.text()) {
                    Ok(v @ Value::Object(_)) => v,
                    Ok(_) => {
                        self.error = Some("the input must be a JSON object: { … }".into());
                        return Outcome::none();
                    }
                    Err(e) => {
                        self.error = Some(format!("not JSON: {e}"));
                        return Outcome::none();
                    }
                };
                if action.attributes.destructive && !*confirming {
                    *confirming = true;
                    return Outcome::none();
                }
                let action = action.clone();
                invoke(state, &action, value)
            }
        }
    }
}

/// Run a Backstage action; its answer opens in an output pane.
fn invoke(state: &mut State, action: &RemoteAction, input: Value) -> Outcome {
    let run = state.actions.new_run();
    let title = format!("{} ({})", crate::sanitize::clean_line(&action.title), action.id);
    crate::screens::push(state, crate::screens::output::OutputScreen::new(run, title));
    let effect = ActionEffect::Invoke { run, plugin: action.plugin.clone(), id: action.id.clone(), input };
    Outcome { effects: vec![Effect::Action(effect)], close: true }
}

fn field(spec: &InputSpec) -> TextInput {
    let mut input = TextInput::single_line();
    if let Some(default) = &spec.default {
        input.set_text(default);
    }
    input
}

fn entity_key(entity_ref: &str) -> String {
    crate::catalog::EntityRef::parse(entity_ref, None, "default").map(|r| r.key()).unwrap_or_default()
}

impl Screen for Prompt {
    fn context(&self) -> Context {
        Context::ActionPrompt
    }

    fn crumb(&self, _state: &State) -> String {
        match &self.step {
            PromptStep::Inputs { .. } => "Inputs".into(),
            PromptStep::Confirm { .. } | PromptStep::Payload { .. } | PromptStep::Register { .. } => "Confirm".into(),
            PromptStep::Location { .. } => "Register".into(),
            PromptStep::Json { action, .. } | PromptStep::Form { action, .. } => {
                crate::sanitize::clean_line(&action.id)
            }
        }
    }

    fn entity(&self) -> Option<&str> {
        Some(&self.key)
    }

    fn on_key(&mut self, state: &mut State, key: KeyEvent) -> Option<Outcome> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let multi = matches!(self.step, PromptStep::Json { .. });
        if let PromptStep::Form { action, form, confirming } = &mut self.step {
            // The form gets every key first (esc closes its picker popups);
            // ctrl-s runs from any page, ctrl-e edits the JSON instead.
            match key.code {
                KeyCode::Char('s') if ctrl => return Some(self.submit(state)),
                KeyCode::Char('e') if ctrl => {
                    let values = Value::Object(form.values());
                    let action = (**action).clone();
                    self.step = Prompt::json(&self.key, action, &values).step;
                    return Some(Outcome::none());
                }
                _ => {}
            }
            *confirming = false;
            return Some(match form.on_key(key) {
                crate::form::FormOutcome::Submit => self.submit(state),
                crate::form::FormOutcome::Ignored if key.code == KeyCode::Esc => Outcome::close(),
                _ => Outcome::none(),
            });
        }
        match key.code {
            KeyCode::Esc => return Some(Outcome::close()),
            KeyCode::Char('s') if ctrl => return Some(self.submit(state)),
            KeyCode::Enter if !multi => return Some(self.submit(state)),
            _ => {}
        }
        match &mut self.step {
            PromptStep::Inputs { input, .. } | PromptStep::Json { input, .. } | PromptStep::Location { input } => {
                input.on_key(key);
                if let PromptStep::Json { confirming, .. } = &mut self.step {
                    *confirming = false;
                }
                Some(Outcome::none())
            }
            // The confirm takes only enter and esc; other keys do nothing.
            PromptStep::Confirm { .. }
            | PromptStep::Payload { .. }
            | PromptStep::Register { .. }
            | PromptStep::Form { .. } => Some(Outcome::none()),
        }
    }

    fn on_paste(&mut self, _state: &mut State, text: &str) -> Outcome {
        if let PromptStep::Form { form, .. } = &mut self.step {
            form.on_paste(text);
            return Outcome::none();
        }
        if let PromptStep::Inputs { input, .. } | PromptStep::Json { input, .. } | PromptStep::Location { input } =
            &mut self.step
        {
            input.paste(text);
        }
        Outcome::none()
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        match command {
            Command::Back => Outcome::close(),
            Command::Open => self.submit(state),
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        super::view::render_prompt(frame, area, state, self, theme)
    }

    crate::screen_any!();
}
