//! Screens as modules. Each screen on the stack above the list is a type
//! implementing [`Screen`]: it owns its state, handles its keymap commands
//! and draws itself. Dispatch happens in one place ([`on_command`],
//! [`crate::ui::render`]). Adding a screen is a folder here and a `pub mod`
//! line below; its keys go in the keymap table under a context of its own.

pub mod actions;
pub mod create;
pub mod doc;
pub mod entity;
pub mod health;
pub mod list;
pub mod output;
pub mod overlays;
pub mod owner;
pub mod tasks;
pub mod tree;
pub mod values;

use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::any::Any;

/// What a screen's handler asks of the stack besides its effects.
pub struct Outcome {
    pub effects: Vec<Effect>,
    /// Take this screen off the stack.
    pub close: bool,
}

impl Outcome {
    pub fn stay(effects: Vec<Effect>) -> Outcome {
        Outcome { effects, close: false }
    }

    pub fn none() -> Outcome {
        Outcome::stay(Vec::new())
    }

    pub fn close() -> Outcome {
        Outcome { effects: Vec::new(), close: true }
    }
}

pub trait Screen: Any {
    /// The keymap context of this screen while it is on top.
    fn context(&self) -> Context;
    /// Its part of the breadcrumb in the title bar.
    fn crumb(&self, state: &State) -> String;
    /// The entity it is about, if any: reloaded after a sync, the target of
    /// `Y` and of actions.
    fn entity(&self) -> Option<&str> {
        None
    }
    /// A keymap command while this screen is on top. The screen is off the
    /// stack during the call, so it may push others onto `state`.
    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome;
    /// A key before the keymap sees it: a screen whose input has focus
    /// takes it here (Some); None lets the keymap have it.
    fn on_key(&mut self, _state: &mut State, _key: crossterm::event::KeyEvent) -> Option<Outcome> {
        None
    }
    /// A paste while this screen has focus.
    fn on_paste(&mut self, _state: &mut State, _text: &str) -> Outcome {
        Outcome::none()
    }
    /// The terminal was resized (state.width and height are the new size).
    fn on_resize(&mut self, _width: u16, _height: u16) -> Vec<Effect> {
        Vec::new()
    }
    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme);
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// The two `Screen` methods every screen writes the same way, for finding
/// screens by type: `crate::screen_any!();` inside the impl.
#[macro_export]
macro_rules! screen_any {
    () => {
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }

        fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
            self
        }
    };
}

/// The screen on top of the stack if it is a `T`.
pub fn top<T: Screen>(state: &State) -> Option<&T> {
    state.screens.last().and_then(|s| s.as_any().downcast_ref::<T>())
}

/// Every screen of type `T` on the stack, top first.
pub fn all_mut<T: Screen>(state: &mut State) -> impl Iterator<Item = &mut T> {
    state.screens.iter_mut().rev().filter_map(|s| s.as_any_mut().downcast_mut::<T>())
}

/// Push a screen on top.
pub fn push(state: &mut State, screen: impl Screen) {
    state.screens.push(Box::new(screen));
}

/// Run a handler of the top screen with the screen off the stack, then put
/// it back under whatever it opened, unless it asked to close.
pub fn with_top(state: &mut State, handle: impl FnOnce(&mut dyn Screen, &mut State) -> Outcome) -> Vec<Effect> {
    let Some(mut screen) = state.screens.pop() else { return Vec::new() };
    let depth = state.screens.len();
    let outcome = handle(screen.as_mut(), state);
    if !outcome.close && state.screens.len() >= depth {
        state.screens.insert(depth, screen);
    }
    outcome.effects
}

/// The keymap context of what has focus now.
pub fn focus_context(state: &State) -> Context {
    if state.overlay.is_some() {
        Context::Overlay
    } else if let Some(screen) = state.screens.last() {
        screen.context()
    } else if state.list.typing {
        Context::SearchInput
    } else {
        Context::List
    }
}

/// The entity in front of the user: the top screen's, else the list's selection.
pub fn entity_in_front(state: &State) -> Option<String> {
    match state.screens.last() {
        Some(screen) => screen.entity().map(str::to_string),
        None => state.selected_key().map(str::to_string),
    }
}

/// Move a cursor within `len` rows by a command; returns true when handled.
pub fn move_cursor(selected: &mut usize, len: usize, command: Command, page: usize) -> bool {
    let last = len.saturating_sub(1);
    *selected = match command {
        Command::Up => selected.saturating_sub(1),
        Command::Down => (*selected + 1).min(last),
        Command::PageUp => selected.saturating_sub(page),
        Command::PageDown => (*selected + page).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        _ => return false,
    };
    true
}

/// Open the owner card or a tree for an entity.
pub fn open_for(state: &mut State, key: &str, command: Command) -> Vec<Effect> {
    use crate::catalog::graph::TreeMode;
    match command {
        Command::OwnerCard => owner::open(state, key),
        Command::BlastRadius => tree::open(state, key, TreeMode::BlastRadius),
        _ => {
            let kind = state.catalog.get(key).map(|s| s.kind.clone()).unwrap_or_default();
            tree::open(state, key, TreeMode::default_for(&kind))
        }
    }
}

/// `r` and `:sync`: said at once, and the outcome is told whatever it is.
pub fn manual_sync(state: &mut State) -> Vec<Effect> {
    state.manual_sync = true;
    state.toast(crate::msg::Level::Info, "Syncing…");
    vec![Effect::Sync { full: false }]
}

/// Carry out a command in a context (keys and the palette both come here).
pub fn run_command(state: &mut State, context: Context, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Command::Help => {
            state.overlay = Some(overlays::help());
            Vec::new()
        }
        Command::Palette => {
            overlays::open_palette(state);
            Vec::new()
        }
        Command::Sync => manual_sync(state),
        Command::CopyRef => values::copy_ref_in_front(state),
        Command::Runbook if matches!(context, Context::List | Context::Entity | Context::Doc) => {
            doc::runbook_command(state, context)
        }
        Command::Create => create(state),
        Command::Tasks => tasks::open(state),
        Command::HealthBoard if matches!(context, Context::List | Context::Entity) => health::open_board(state, ""),
        Command::Actions if matches!(context, Context::List | Context::Entity) => actions::open(state),
        Command::Edit => match entity_in_front(state) {
            Some(key) => vec![Effect::LocateForEdit { key }],
            None => Vec::new(),
        },
        _ if context == Context::List || state.screens.is_empty() => list::update::on_command(state, command),
        _ => with_top(state, |screen, state| screen.on_command(state, command)),
    }
}

/// `c`: a template opens its form; a group opens the templates "for this
/// team"; anything else, the template list.
pub fn create(state: &mut State) -> Vec<Effect> {
    let front =
        entity_in_front(state).and_then(|k| state.catalog.get(&k).map(|s| (s.key.clone(), s.kind.to_lowercase())));
    match front {
        Some((key, kind)) if kind == "template" => create::wizard::open(state, &key, None),
        Some((key, kind)) if kind == "group" => create::open_templates(state, Some(key)),
        _ => create::open_templates(state, None),
    }
}
