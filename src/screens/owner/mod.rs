//! The owner card of an entity: who owns it and how to reach them.

mod view;

use crate::catalog::graph::{resolve_owner, TreeMode};
use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::any::Any;

#[derive(Debug, Clone)]
pub struct OwnerPage {
    pub key: String,
    pub scroll: usize,
}

pub fn open(state: &mut State, key: &str) -> Vec<Effect> {
    crate::screens::push(state, OwnerPage { key: key.to_string(), scroll: 0 });
    // The card's contacts live in the raw documents of the entity and its owner.
    let mut wanted = vec![key.to_string()];
    wanted.extend(resolve_owner(&state.catalog, key).resolved);
    wanted.into_iter().filter(|k| !state.details.contains_key(k)).map(|key| Effect::LoadEntity { key }).collect()
}

impl Screen for OwnerPage {
    fn context(&self) -> Context {
        Context::Owner
    }

    fn crumb(&self, state: &State) -> String {
        format!("owner of {}", state.catalog.label_of(&self.key))
    }

    fn entity(&self) -> Option<&str> {
        Some(&self.key)
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let rows = page_rows(state.height);
        // Scrolls as far as the card is long, from the same lines the view draws.
        let lines = view::card_lines(state, &self.key, &Theme::new(true)).len();
        if move_cursor(&mut self.scroll, lines.saturating_sub(rows) + 1, command, rows) {
            return Outcome::none();
        }
        match command {
            Command::Back => Outcome::close(),
            Command::Open => match resolve_owner(&state.catalog, &self.key).resolved {
                Some(owner) => Outcome::stay(crate::screens::entity::open(state, &owner)),
                None => Outcome::none(),
            },
            Command::Dependencies => {
                Outcome::stay(crate::screens::tree::open(state, &self.key, TreeMode::Dependencies))
            }
            Command::BlastRadius => Outcome::stay(crate::screens::tree::open(state, &self.key, TreeMode::BlastRadius)),
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        view::render(frame, area, state, self, theme)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
