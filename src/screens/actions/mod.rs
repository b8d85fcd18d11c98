//! The action menu (`a`) and what running an action does: a prompt first
//! when it has inputs, a confirm or a JSON input; then the terminal
//! (suspend), a capture pane (capture), a notice (background), or a
//! Backstage call whose answer opens in the output pane.

mod prompt;
mod view;

pub use prompt::{Prompt, PromptStep};

use crate::actions::{self, ActionEffect, Builtin, Facts, Mode, Remote, Row, Target};
use crate::effect::{Effect, RunPurpose, TerminalEffect};
use crate::keymap::{Command, Context};
use crate::msg::Level;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::collections::BTreeMap;

/// The menu for one entity. Its rows are computed from state each time, so
/// Backstage's actions and the entity's details appear when they arrive.
pub struct ActionMenu {
    pub key: String,
    pub selected: usize,
}

impl Screen for ActionMenu {
    fn context(&self) -> Context {
        Context::Actions
    }

    fn crumb(&self, _state: &State) -> String {
        "Actions".into()
    }

    fn entity(&self) -> Option<&str> {
        Some(&self.key)
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let rows = actions::menu(state, &self.key);
        if move_cursor(&mut self.selected, rows.len(), command, crate::layout::page_rows(state.height)) {
            return Outcome::none();
        }
        match command {
            Command::Back => Outcome::close(),
            Command::Open => match rows.get(self.selected) {
                Some(Row { disabled: Some(why), label, .. }) => {
                    state.toast(Level::Warn, format!("{label}: {why}"));
                    Outcome::none()
                }
                Some(row) => {
                    let target = row.target.clone();
                    let effects = start(state, &self.key, &target);
                    // The menu goes away under what the action opened.
                    Outcome { effects, close: true }
                }
                None => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        view::render_menu(frame, area, state, self, theme)
    }

    crate::screen_any!();
}

/// `a`: open the menu for the entity in front; load what it needs.
pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(key) = crate::screens::entity_in_front(state) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if !state.details.contains_key(&key) {
        effects.push(Effect::LoadEntity { key: key.clone() });
    }
    effects.extend(list_remote(state));
    crate::screens::push(state, ActionMenu { key, selected: 0 });
    effects
}

/// Ask a Backstage source for its actions, once.
fn list_remote(state: &mut State) -> Option<Effect> {
    if state.docs.server.is_none() || state.actions.remote != Remote::NotAsked {
        return None;
    }
    state.actions.remote = Remote::Loading;
    Some(Effect::Action(ActionEffect::ListRemote { plugins: state.actions.settings.plugins.clone() }))
}

/// A key bound to one of the user's actions, pressed on the list or an entity page.
pub fn on_bound_key(state: &mut State, key: &crossterm::event::KeyEvent) -> Option<Vec<Effect>> {
    let index = state.actions.configured.iter().position(|a| {
        a.key.as_deref().and_then(crate::keymap::parse_key).is_some_and(|k| crate::keymap::same_key(&k, key))
    })?;
    let entity = crate::screens::entity_in_front(state)?;
    if !state.details.contains_key(&entity) {
        // Its values are read from the cache first; it runs when they arrive.
        state.actions.pending = Some((entity.clone(), index));
        return Some(vec![Effect::LoadEntity { key: entity }]);
    }
    let row = actions::menu(state, &entity).into_iter().find(|r| r.target == Target::Configured(index));
    Some(match row {
        Some(Row { disabled: Some(why), label, .. }) => {
            state.toast(Level::Warn, format!("{label}: {why}"));
            Vec::new()
        }
        Some(row) => start(state, &entity, &row.target),
        None => {
            let name = state.actions.configured[index].name.clone();
            state.toast(Level::Warn, format!("{name} does not apply to {entity}"));
            Vec::new()
        }
    })
}

/// An entity's details arrived: run the action whose key was pressed for it.
pub fn on_entity_loaded(state: &mut State, key: &str) -> Vec<Effect> {
    match state.actions.pending.take() {
        Some((pending, index)) if pending == key && state.details.contains_key(key) => {
            let row = actions::menu(state, key).into_iter().find(|r| r.target == Target::Configured(index));
            match row {
                Some(Row { disabled: Some(why), label, .. }) => {
                    state.toast(Level::Warn, format!("{label}: {why}"));
                    Vec::new()
                }
                Some(row) => start(state, key, &row.target),
                None => {
                    let name = state.actions.configured[index].name.clone();
                    state.toast(Level::Warn, format!("{name} does not apply to {key}"));
                    Vec::new()
                }
            }
        }
        other => {
            state.actions.pending = other;
            Vec::new()
        }
    }
}

/// Begin an action: its prompt if it has one, else run it.
pub fn start(state: &mut State, key: &str, target: &Target) -> Vec<Effect> {
    let Some(detail) = state.details.get(key) else { return Vec::new() };
    let facts = Facts::from_raw(&detail.raw);
    match target {
        Target::Configured(i) => {
            let action = state.actions.configured[*i].clone();
            if !action.inputs.is_empty() {
                crate::screens::push(state, Prompt::inputs(key, *i, &action));
                return Vec::new();
            }
            configured(state, *i, &facts, &BTreeMap::new(), false)
        }
        Target::Remote(i) => {
            let Remote::Ready { actions, .. } = &state.actions.remote else { return Vec::new() };
            let Some(action) = actions.get(*i).cloned() else { return Vec::new() };
            let input = crate::backstage::actions::prefill(&action.schema.input, &facts);
            crate::screens::push(state, Prompt::form(key, action, &input));
            Vec::new()
        }
        Target::Builtin(builtin) => run_builtin(state, &facts, builtin),
    }
}

/// Resolve a configured action's argv and run it (after its confirm, if any).
pub fn configured(
    state: &mut State,
    index: usize,
    facts: &Facts,
    inputs: &BTreeMap<String, String>,
    confirmed: bool,
) -> Vec<Effect> {
    let action = state.actions.configured[index].clone();
    let argv = match actions::expand_argv(&action.command, facts, inputs) {
        Ok(argv) => argv,
        Err(why) => {
            state.toast(Level::Warn, format!("{}: {why}", action.name));
            return Vec::new();
        }
    };
    if action.confirm && !confirmed {
        crate::screens::push(state, Prompt::confirm_argv(&facts.entity_ref, index, argv, inputs.clone()));
        return Vec::new();
    }
    launch(state, &action.name, action.mode, argv)
}

/// Run an argv in a mode.
pub fn launch(state: &mut State, name: &str, mode: Mode, argv: Vec<String>) -> Vec<Effect> {
    match mode {
        Mode::Suspend => {
            vec![Effect::Terminal(TerminalEffect::Run { argv, purpose: RunPurpose::Action { name: name.to_string() } })]
        }
        Mode::Capture => {
            let run = state.actions.new_run();
            let title = format!("{name}: {}", shown_argv(&argv));
            crate::screens::push(state, crate::screens::output::OutputScreen::new(run, title));
            vec![Effect::Action(ActionEffect::Capture { run, argv })]
        }
        Mode::Background => {
            state.toast(Level::Info, format!("{name}: started"));
            vec![Effect::Action(ActionEffect::Background { name: name.to_string(), argv })]
        }
    }
}

/// An argv as the user should read it: each argument quoted when it has
/// spaces or quotes, control characters made visible.
pub fn shown_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let visible: String = a
                .chars()
                .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
                .collect();
            if visible.is_empty() || visible.chars().any(|c| c.is_whitespace() || "'\"$`;\\|&<>(){}*?".contains(c)) {
                format!("'{}'", visible.replace('\'', "'\\''"))
            } else {
                visible
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn run_builtin(state: &mut State, facts: &Facts, builtin: &Builtin) -> Vec<Effect> {
    use crate::docs::effects::DocsEffect;
    match builtin {
        Builtin::OpenPage => {
            let Some(web) = state.actions.web_url.clone() else { return Vec::new() };
            let Ok(entity) = crate::catalog::EntityRef::parse(&facts.entity_ref, None, "default") else {
                return Vec::new();
            };
            let url = crate::cli::open_entity_page_url(&web, &entity);
            vec![Effect::Docs(DocsEffect::OpenBrowser { url })]
        }
        Builtin::OpenUrl(url) => vec![Effect::Docs(DocsEffect::OpenBrowser { url: url.clone() })],
        Builtin::Register => {
            // The entity's own location is the likely guess; the user edits it.
            let guess = facts
                .annotations
                .get("backstage.io/managed-by-origin-location")
                .or_else(|| facts.annotations.get("backstage.io/managed-by-location"))
                .cloned()
                .unwrap_or_default();
            let key = crate::catalog::EntityRef::parse(&facts.entity_ref, None, "default")
                .map(|r| r.key())
                .unwrap_or_default();
            crate::screens::push(state, Prompt::location(&key, &guess));
            Vec::new()
        }
        Builtin::PagerDuty => match actions::menu::pagerduty_event(facts) {
            Some(event) => {
                let url = state.actions.settings.pagerduty_events_url.clone();
                let key = crate::catalog::EntityRef::parse(&facts.entity_ref, None, "default")
                    .map(|r| r.key())
                    .unwrap_or_default();
                crate::screens::push(state, Prompt::pagerduty(&key, url, event));
                Vec::new()
            }
            None => Vec::new(),
        },
        Builtin::Refresh => {
            state.toast(Level::Info, format!("Asking Backstage to refresh {}", facts.entity_ref));
            vec![Effect::Action(ActionEffect::Refresh { entity_ref: facts.entity_ref.clone() })]
        }
    }
}

/// Results of action jobs.
pub fn on_msg(state: &mut State, msg: actions::ActionMsg) -> Vec<Effect> {
    use actions::ActionMsg as M;
    match msg {
        M::Lines { run, lines } => {
            if let Some(pane) =
                crate::screens::all_mut::<crate::screens::output::OutputScreen>(state).find(|p| p.run == run)
            {
                pane.append(lines);
            }
        }
        M::Exited { run, status } => {
            let text = actions::describe_exit(&status);
            if let Some(pane) =
                crate::screens::all_mut::<crate::screens::output::OutputScreen>(state).find(|p| p.run == run)
            {
                pane.finish(text);
            }
        }
        M::BackgroundDone { name, status } => {
            let level = if matches!(status, Ok(0)) { Level::Info } else { Level::Error };
            state.toast(level, format!("{name}: {}", actions::describe_exit(&status)));
        }
        M::RemoteListed { actions, problems } => {
            for problem in &problems {
                state.toast(Level::Warn, format!("Backstage actions: {problem}"));
            }
            state.actions.remote = Remote::Ready { actions, problems };
        }
        M::Invoked { run, result } => {
            let state_width = state.width;
            if let Some(pane) =
                crate::screens::all_mut::<crate::screens::output::OutputScreen>(state).find(|p| p.run == run)
            {
                match result {
                    Ok(output) => {
                        let text = serde_json::to_string_pretty(&output).unwrap_or_default();
                        pane.append(text.lines().map(crate::sanitize::clean_line).collect());
                        // An answer is read from its top, unlike a stream.
                        pane.follow = false;
                        pane.finish("done".into());
                    }
                    Err(why) => {
                        // The server's message, wrapped: it is what the user needs to read.
                        let width = (state_width as usize).saturating_sub(4).max(20);
                        pane.append(crate::ui::widgets::text::wrap(&crate::sanitize::clean_line(&why), width, 50));
                        pane.follow = false;
                        pane.finish("failed".into());
                    }
                }
            }
        }
        M::Registered { target, dry_run, result } => match (result, dry_run) {
            (Ok(found), true) => {
                let key = crate::screens::entity_in_front(state).unwrap_or_default();
                crate::screens::push(state, Prompt::register_confirm(&key, target, found));
            }
            (Ok(_), false) => {
                // The real call answers before the catalog has read the file:
                // what it adds arrives with the next syncs.
                state.toast(Level::Info, format!("Registered {target}; Backstage is reading it; syncing"));
                return vec![Effect::Sync { full: false }];
            }
            (Err(why), _) => state.toast(Level::Error, format!("Register {target}: {why}")),
        },
        M::PagerDuty { entity_ref, result } => match result {
            Ok(dedup) => {
                state.toast(Level::Info, format!("PagerDuty incident triggered for {entity_ref} (dedup key {dedup})"))
            }
            Err(why) => state.toast(Level::Error, why),
        },
        M::Refreshed { entity_ref, result } => match result {
            Ok(()) => {
                state.toast(Level::Info, format!("Backstage is refreshing {entity_ref}; syncing"));
                return vec![Effect::Sync { full: false }];
            }
            Err(why) => state.toast(Level::Error, format!("Refresh {entity_ref}: {why}")),
        },
    }
    Vec::new()
}
