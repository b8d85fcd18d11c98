//! The owner card of an entity: who owns it and how to reach them.

mod view;

use crate::catalog::graph::{resolve_owner, TreeMode};
use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::screens::{move_cursor, values, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct OwnerPage {
    pub key: String,
    /// Scroll, used only when the card has nothing to select.
    pub scroll: usize,
    /// The selected value (index into the card's values).
    pub selected: usize,
    /// The cursor has not been moved yet: it follows the first email as
    /// the contacts load.
    pub pristine: bool,
}

pub fn open(state: &mut State, key: &str) -> Vec<Effect> {
    let page = OwnerPage { key: key.to_string(), scroll: 0, selected: 0, pristine: true };
    crate::screens::push(state, page);
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
        // From the same lines and values the view draws.
        let card = view::card_lines(state, &self.key, &Theme::new(true));
        self.settle(state);
        let moved = if card.values.is_empty() {
            move_cursor(&mut self.scroll, card.lines.len().saturating_sub(rows) + 1, command, rows)
        } else {
            move_cursor(&mut self.selected, card.values.len(), command, rows)
        };
        if moved {
            self.pristine = false;
            return Outcome::none();
        }
        let value = card.values.get(self.selected).map(|(_, v)| v.clone());
        match command {
            Command::Back => Outcome::close(),
            Command::Open | Command::OpenBrowser => match value {
                Some(v) => Outcome::stay(values::follow(state, &v)),
                None => match resolve_owner(&state.catalog, &self.key).resolved {
                    Some(owner) => Outcome::stay(crate::screens::entity::open(state, &owner)),
                    None => Outcome::none(),
                },
            },
            Command::Copy => match value {
                Some(v) => Outcome::stay(values::copy(state, &v)),
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

    crate::screen_any!();
}

impl OwnerPage {
    /// Until the user moves, the cursor rests on the first email: contacts
    /// arrive after the card opens and shift the values.
    pub fn settle(&mut self, state: &State) {
        if self.pristine {
            self.selected = view::card_lines(state, &self.key, &Theme::new(true)).first_choice();
        }
    }
}
