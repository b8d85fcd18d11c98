//! The catalog list: cursor, search input, facets.

use crate::effect::Effect;
use crate::input::InputOutcome;
use crate::keymap::Command;
use crate::layout::{list_rows, PREVIEW_MIN_WIDTH};
use crate::screens::{entity, move_cursor};
use crate::search::Hit;
use crate::state::State;
use crossterm::event::KeyEvent;
use std::sync::Arc;

pub fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    // A move, or a command on "the selected entity", typed before the results
    // of the query arrived must act on those results, not on the old list
    // (whose selection the results would then reset).
    let moves = matches!(
        command,
        Command::Up | Command::Down | Command::PageUp | Command::PageDown | Command::Top | Command::Bottom
    );
    if (moves || crate::keymap::ON_SELECTION.contains(&command)) && state.list.searching {
        state.list.pending.push(command);
        return Vec::new();
    }
    let page = list_rows(state.height);
    let len = state.list.hits.len();
    if move_cursor(&mut state.list.selected, len, command, page) {
        state.list.anchor = None;
        keep_selection_visible(state);
        return Vec::new();
    }
    match command {
        Command::Open => match state.selected_key().map(str::to_string) {
            Some(key) => entity::open(state, &key),
            None => Vec::new(),
        },
        Command::Copy => match state.selected_key().map(str::to_string) {
            Some(key) => copy_owner(state, &key),
            None => Vec::new(),
        },
        Command::Search => {
            state.list.typing = true;
            Vec::new()
        }
        Command::AcceptSearch => {
            state.list.typing = false;
            let query = state.list.query_text();
            state.search_history.push(&query);
            Vec::new()
        }
        Command::ClearSearch => {
            state.list.typing = false;
            set_query(state, "")
        }
        Command::Back => {
            if state.list.query_text().is_empty() {
                Vec::new()
            } else {
                set_query(state, "")
            }
        }
        Command::Mine => {
            if state.me.is_none() {
                state.toast(
                    crate::msg::Level::Warn,
                    "Set `me = \"user:default/you\"` in the config to filter by what you own",
                );
                return Vec::new();
            }
            state.list.mine = !state.list.mine;
            start_search(state)
        }
        Command::OwnerCard | Command::Dependencies | Command::BlastRadius => {
            let Some(key) = state.selected_key().map(str::to_string) else { return Vec::new() };
            crate::screens::open_for(state, &key, command)
        }
        Command::Facets => {
            state.overlay = Some(crate::screens::overlays::facets());
            Vec::new()
        }
        Command::TogglePreview => {
            state.list.preview = !state.list.preview;
            if state.width < PREVIEW_MIN_WIDTH {
                let now = if state.list.preview { "on" } else { "off" };
                let text = format!("Preview {now}: it shows when the terminal is {PREVIEW_MIN_WIDTH} columns or wider");
                state.toast(crate::msg::Level::Info, text);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A key typed into the search input.
/// Up and Down while typing a search: the searches before (Down past the
/// newest gives back what was typed; Down when not browsing is left to the
/// keymap, where it accepts the query).
pub fn recall(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    use crossterm::event::{KeyCode, KeyModifiers};
    if key.modifiers != KeyModifiers::NONE {
        return None;
    }
    let text = match key.code {
        KeyCode::Up => state.search_history.older(&state.list.query_text()),
        KeyCode::Down if state.search_history.browsing() => state.search_history.newer(),
        _ => return None,
    };
    // At the oldest entry Up does nothing more.
    Some(match text {
        Some(text) => set_query(state, &text),
        None => Vec::new(),
    })
}

pub fn on_typing(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match state.list.input.on_key(key) {
        InputOutcome::Changed => {
            state.search_history.reset();
            // Back to typing: moves made on the last query's results are void.
            state.list.pending.clear();
            start_search(state)
        }
        InputOutcome::Moved | InputOutcome::Ignored => Vec::new(),
    }
}

/// A paste into the search: one line (newlines become spaces), one search.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    match state.list.input.paste(text) {
        InputOutcome::Changed => start_search(state),
        InputOutcome::Moved | InputOutcome::Ignored => Vec::new(),
    }
}

/// `y` on the list (and its preview): whom to call, ready to paste — the
/// owner's email, else the owner's ref; an entity with no owner says so.
fn copy_owner(state: &mut State, key: &str) -> Vec<Effect> {
    use crate::screens::values::{copy, Value};
    let resolution = crate::catalog::graph::resolve_owner(&state.catalog, key);
    match resolution.resolved {
        Some(owner) => {
            let who = crate::catalog::owners::person(&state.catalog, &owner);
            copy(state, &Value::person(&owner, &who.email))
        }
        None => {
            state.toast(
                crate::msg::Level::Warn,
                format!("{} has no reachable owner (o for details)", state.catalog.label_of(key)),
            );
            Vec::new()
        }
    }
}

/// Replace the query text (facets, palette, clearing) and search again.
pub fn set_query(state: &mut State, text: &str) -> Vec<Effect> {
    state.list.input.set_text(text);
    start_search(state)
}

/// Ask for a search of the current query; the newest generation wins.
pub fn start_search(state: &mut State) -> Vec<Effect> {
    state.list.generation += 1;
    state.list.searching = true;
    // A query with nothing to match (empty, or a half-typed `kind:`) is the
    // whole list in order: answer it here. The first frame then shows rows,
    // not "Searching…", and no search is queued behind the keystroke.
    if !state.list.mine && crate::search::Query::parse(&state.list.query_text()).is_empty() {
        let hits = (0..state.catalog.len() as u32).map(|idx| Hit { idx, score: 0 }).collect();
        let generation = state.list.generation;
        return search_done(state, generation, Arc::new(hits));
    }
    vec![Effect::Search {
        generation: state.list.generation,
        query: state.list.query_text(),
        catalog: state.catalog.clone(),
        only_owners: state.list.mine.then(|| {
            let me = state.me.clone().unwrap_or_default();
            std::sync::Arc::new(crate::catalog::graph::my_owners(&state.catalog, &me))
        }),
    }]
}

pub fn search_done(state: &mut State, generation: u64, hits: Arc<Vec<Hit>>) -> Vec<Effect> {
    if generation != state.list.generation {
        return Vec::new(); // a newer search is on its way
    }
    let query_changed = state.list.applied_query != state.list.query_text();
    state.list.searching = false;
    state.list.applied_query = state.list.query_text();
    state.list.hits = hits;
    let anchored = state.list.anchor.as_ref().and_then(|key| {
        let idx = state.catalog.index_of(key)?;
        state.list.hits.iter().position(|h| h.idx == idx)
    });
    match anchored {
        Some(pos) => state.list.selected = pos,
        None if query_changed => {
            state.list.selected = 0;
            state.list.offset = 0;
        }
        None => state.list.selected = state.list.selected.min(state.list.hits.len().saturating_sub(1)),
    }
    keep_selection_visible(state);
    let mut effects = Vec::new();
    for command in std::mem::take(&mut state.list.pending) {
        // Once a command opened a screen, the rest were meant for the list.
        if !state.screens.is_empty() {
            break;
        }
        effects.extend(on_command(state, command));
    }
    effects
}

/// Scroll so the cursor is on screen, moving as little as possible.
pub fn keep_selection_visible(state: &mut State) {
    let rows = list_rows(state.height);
    let list = &mut state.list;
    if list.selected < list.offset {
        list.offset = list.selected;
    } else if list.selected >= list.offset + rows {
        list.offset = list.selected + 1 - rows;
    }
    let max_offset = list.hits.len().saturating_sub(rows);
    list.offset = list.offset.min(max_offset);
}
