//! Modals: help, problems, the command palette and the facet pickers.

pub mod complete;
pub mod facets;
pub mod help;
pub mod messages;
pub mod palette;

use super::list::update as list;
use super::move_cursor;
use crate::effect::Effect;
use crate::input::{InputOutcome, TextInput};
use crate::keymap::{Command, Context, BINDINGS};
use crate::search::{facets::facet_counts, Field};
use crate::state::State;
use crate::ui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;

/// A modal on top of everything.
pub enum Overlay {
    Help {
        scroll: usize,
        /// Typed text: only the keys whose description, name or key has it.
        filter: Box<TextInput>,
    },
    /// Problems met reading the source (broken documents, bad refs).
    Problems {
        scroll: usize,
    },
    /// Every notice and error of the session, with its time.
    Messages {
        scroll: usize,
    },
    Palette {
        input: Box<TextInput>,
        selected: usize,
    },
    /// First pick a field, then one of its values.
    Facets {
        field: Option<Field>,
        selected: usize,
        /// Typed text: only the fields or values that contain it.
        filter: Box<TextInput>,
    },
}

pub fn render(frame: &mut Frame, state: &State, overlay: &Overlay, theme: &Theme) {
    match overlay {
        Overlay::Help { scroll, filter } => help::render(frame, state, *scroll, &filter.text(), theme),
        Overlay::Problems { scroll } => help::render_problems(frame, state, *scroll, theme),
        Overlay::Messages { scroll } => messages::render(frame, state, *scroll, theme),
        Overlay::Palette { input, selected } => palette::render(frame, input, *selected, theme),
        Overlay::Facets { field, selected, filter } => {
            facets::render(frame, state, *field, *selected, &filter.text(), theme)
        }
    }
}

/// Commands the palette offers beyond the keymap's: (name, description).
pub const PALETTE_EXTRAS: &[(&str, &str)] = &[
    ("sync", "Sync now"),
    ("instance NAME", "Switch to another configured Backstage instance (or demo)"),
    ("problems", "Show problems met reading the catalog (broken documents, bad refs)"),
    ("messages", "Every notice and error of this session, with its time"),
    ("quit", "Quit callboard"),
    ("open REF", "Open an entity by ref, e.g. open component:payments-api"),
    ("filter QUERY", "Replace the list query, e.g. filter kind:api owner:team-a"),
    ("search TEXT", "Search Backstage: catalog and TechDocs, e.g. search rollback"),
    ("create", "Create from a scaffolder template"),
    ("health SCOPE", "Health board, worst first: health system REF | domain REF | group REF | mine"),
];

/// Palette entries: extras, then every keymap binding with its name.
pub fn palette_entries() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = PALETTE_EXTRAS.iter().map(|(n, d)| (n.to_string(), *d)).collect();
    out.extend(
        BINDINGS
            .iter()
            .filter(|b| !matches!(b.command, Command::Up | Command::Down | Command::PageUp | Command::PageDown))
            .filter(|b| b.context != Context::Overlay && b.context != Context::SearchInput)
            .map(|b| (b.name.to_string(), b.description)),
    );
    out
}

/// Entries whose name contains every word typed so far.
pub fn palette_matches(typed: &str) -> Vec<(String, &'static str)> {
    let first = typed.split_whitespace().next().unwrap_or("").to_lowercase();
    palette_entries().into_iter().filter(|(name, _)| name.to_lowercase().contains(&first)).collect()
}

pub fn open_palette(state: &mut State) {
    state.overlay = Some(Overlay::Palette { input: Box::new(TextInput::single_line()), selected: 0 });
}

/// A new help overlay, its filter empty.
pub fn help() -> Overlay {
    Overlay::Help { scroll: 0, filter: Box::new(TextInput::single_line()) }
}

/// A new facet picker on the field list.
pub fn facets() -> Overlay {
    Overlay::Facets { field: None, selected: 0, filter: Box::new(TextInput::single_line()) }
}

/// The picker's rows: fields, or a field's values with their counts, that
/// contain the filter (case-insensitive).
pub fn facet_rows(state: &State, field: Option<Field>, filter: &str) -> Vec<(String, usize)> {
    let filter = filter.to_lowercase();
    let keep = |text: &str| filter.is_empty() || text.to_lowercase().contains(&filter);
    match field {
        None => facet_fields()
            .iter()
            .filter(|f| keep(f.name()))
            .map(|f| (f.name().to_string(), facet_counts(&state.catalog, &state.list.hits, *f).len()))
            .collect(),
        Some(f) => facet_counts(&state.catalog, &state.list.hits, f).into_iter().filter(|(v, _)| keep(v)).collect(),
    }
}

pub fn facet_fields() -> [Field; 7] {
    [Field::Kind, Field::Type, Field::Owner, Field::Lifecycle, Field::Tag, Field::Namespace, Field::System]
}

/// A paste into the palette's input.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(Overlay::Palette { input, selected }) = state.overlay.as_mut() {
        if input.paste(text) == InputOutcome::Changed {
            *selected = 0;
        }
    }
    Vec::new()
}

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let command = state.keymap.lookup(Context::Overlay, &key);
    let page = crate::layout::page_rows(state.height);
    let Some(overlay) = state.overlay.as_mut() else {
        return Vec::new();
    };
    match overlay {
        Overlay::Help { scroll, filter } => {
            // Typing filters; arrows and pages scroll; esc (or backspace on
            // an empty filter) closes.
            let empty = filter.text().is_empty();
            if !(empty && key.code == KeyCode::Backspace) {
                match filter.on_key(key) {
                    InputOutcome::Changed => {
                        *scroll = 0;
                        return Vec::new();
                    }
                    InputOutcome::Moved => return Vec::new(),
                    InputOutcome::Ignored => {}
                }
            }
            let global = state.keymap.lookup(Context::List, &key);
            if let Some(cmd) = command.or(global) {
                let mut s = *scroll;
                // Wrapped descriptions take more rows than bindings: room for them.
                if move_cursor(&mut s, BINDINGS.len() * 2 + 12, cmd, page) {
                    *scroll = s;
                    return Vec::new();
                }
            }
            if matches!(command.or(global), Some(Command::Back | Command::Help | Command::Quit)) {
                state.overlay = None;
            }
            Vec::new()
        }
        Overlay::Problems { scroll } | Overlay::Messages { scroll } => {
            let global = state.keymap.lookup(Context::List, &key);
            let lines = BINDINGS.len().max(state.info.problems.len()).max(state.messages.len()) + 12;
            if let Some(cmd) = command.or(global) {
                let mut s = *scroll;
                if move_cursor(&mut s, lines, cmd, page) {
                    *scroll = s;
                    return Vec::new();
                }
            }
            if matches!(command.or(global), Some(Command::Back | Command::Help | Command::Quit)) {
                state.overlay = None;
            }
            Vec::new()
        }
        Overlay::Palette { input, selected } => {
            if command == Some(Command::Back) {
                state.overlay = None;
                return Vec::new();
            }
            let typed = input.text();
            let matches = palette_matches(&typed);
            // Up on an empty line (or while already browsing) and Down while
            // browsing recall past commands; otherwise they move in the list.
            let history = &mut state.palette_history;
            let recalled = match key.code {
                KeyCode::Up if typed.is_empty() || history.browsing() => Some(history.older(&typed)),
                KeyCode::Down if history.browsing() => Some(history.newer()),
                _ => None,
            };
            if let Some(text) = recalled {
                if let Some(text) = text {
                    input.set_text(&text);
                    *selected = 0;
                }
                return Vec::new();
            }
            match input.on_key(key) {
                InputOutcome::Changed => {
                    *selected = 0;
                    state.palette_history.reset();
                }
                InputOutcome::Moved => {}
                InputOutcome::Ignored => match key.code {
                    KeyCode::Up => *selected = selected.saturating_sub(1),
                    KeyCode::Down => *selected = (*selected + 1).min(matches.len().saturating_sub(1)),
                    KeyCode::Tab => {
                        let chosen = matches.get(*selected).map(|(n, _)| n.as_str());
                        let done = complete::complete(&typed, chosen, &state.catalog, &state.instances);
                        match done.text {
                            Some(text) => {
                                input.set_text(&text);
                                *selected = 0;
                            }
                            None if done.candidates.len() > 1 => {
                                let n = done.candidates.len();
                                let shown: Vec<&str> = done.candidates.iter().take(8).map(String::as_str).collect();
                                let more = if n > 8 { ", …" } else { "" };
                                state
                                    .toast(crate::msg::Level::Info, format!("{n} matches: {}{more}", shown.join(", ")));
                            }
                            None => {}
                        }
                    }
                    KeyCode::Enter => {
                        let chosen = matches.get(*selected).map(|(n, _)| n.clone());
                        state.overlay = None;
                        state.palette_history.push(&typed);
                        return run_palette(state, &typed, chosen.as_deref());
                    }
                    _ => {}
                },
            }
            Vec::new()
        }
        Overlay::Facets { field, selected, filter } => {
            // Typing filters the fields or values; arrows move; enter picks;
            // esc clears the filter, then goes back, then closes.
            let empty = filter.text().is_empty();
            if !(empty && key.code == KeyCode::Backspace) {
                match filter.on_key(key) {
                    InputOutcome::Changed => {
                        *selected = 0;
                        return Vec::new();
                    }
                    InputOutcome::Moved => return Vec::new(),
                    InputOutcome::Ignored => {}
                }
            }
            let typed = filter.text();
            let current = *field;
            let rows = facet_rows(state, current, &typed);
            let Some(Overlay::Facets { field, selected, filter }) = state.overlay.as_mut() else {
                return Vec::new();
            };
            let cmd = command.or_else(|| state.keymap.lookup(Context::List, &key));
            let Some(cmd) = cmd else { return Vec::new() };
            if move_cursor(selected, rows.len(), cmd, page) {
                return Vec::new();
            }
            match cmd {
                Command::Back if !typed.is_empty() => {
                    filter.set_text("");
                    *selected = 0;
                }
                Command::Back => {
                    if field.is_some() {
                        *field = None;
                        *selected = 0;
                    } else {
                        state.overlay = None;
                    }
                }
                Command::Open => match field {
                    None => {
                        *field = rows.get(*selected).and_then(|(name, _)| Field::parse(name));
                        *selected = 0;
                        filter.set_text("");
                    }
                    Some(f) => {
                        let f = *f;
                        let value = rows.get(*selected).map(|(v, _)| v.clone());
                        state.overlay = None;
                        if let Some(v) = value {
                            let mut q = state.list.query_text();
                            if !q.is_empty() && !q.ends_with(' ') {
                                q.push(' ');
                            }
                            q.push_str(&format!("{}:{}", f.name(), v));
                            return list::set_query(state, &q);
                        }
                    }
                },
                _ => {}
            }
            Vec::new()
        }
    }
}

/// Run what was typed in the palette, or the highlighted entry.
fn run_palette(state: &mut State, typed: &str, chosen: Option<&str>) -> Vec<Effect> {
    let typed = typed.trim();
    let (word, rest) = typed.split_once(' ').unwrap_or((typed, ""));
    let rest = rest.trim();
    match word {
        "open" if !rest.is_empty() => {
            // An exact ref opens at once; anything else is a search, as a job.
            if let Some(key) = state.catalog.get(rest).map(|s| s.key.clone()) {
                return super::entity::open(state, &key);
            }
            return vec![Effect::ResolveOpen { text: rest.to_string(), catalog: state.catalog.clone() }];
        }
        "instance" => {
            let known = state.instances.iter().any(|i| i == rest) || rest == "demo";
            if !known {
                let mut names = state.instances.clone();
                names.push("demo".into());
                state.toast(crate::msg::Level::Info, format!("Instances: {}", names.join(", ")));
                return Vec::new();
            }
            return vec![Effect::SwitchSource { name: rest.to_string() }];
        }
        "filter" => {
            state.screens.clear();
            return list::set_query(state, rest);
        }
        "search" if !rest.is_empty() => return super::doc::server_search(state, rest),
        "health" => {
            state.overlay = None;
            return super::health::open_board(state, rest);
        }
        _ => {}
    }
    let name = if palette_entries().iter().any(|(n, _)| n == word) {
        word.to_string()
    } else if let Some(c) = chosen {
        c.split_whitespace().next().unwrap_or("").to_string()
    } else {
        state.toast(crate::msg::Level::Warn, format!("Unknown command `{typed}`"));
        return Vec::new();
    };
    match name.as_str() {
        "sync" => super::manual_sync(state),
        "create" => {
            state.screens.clear();
            super::create::open_templates(state, None)
        }
        "messages" => {
            state.overlay = Some(Overlay::Messages { scroll: 0 });
            Vec::new()
        }
        "health" => super::health::open_board(state, ""),
        "problems" => {
            state.overlay = Some(Overlay::Problems { scroll: 0 });
            Vec::new()
        }
        "quit" => {
            state.quit = true;
            vec![Effect::Quit]
        }
        "open" | "filter" | "search" => {
            state.toast(crate::msg::Level::Info, format!("Type `{name}` followed by what to {name}"));
            Vec::new()
        }
        other => match BINDINGS.iter().find(|b| b.name == other) {
            Some(binding) => {
                let context = match binding.context {
                    Context::Global => super::focus_context(state),
                    c => c,
                };
                if context != super::focus_context(state) && context != Context::List {
                    state.toast(crate::msg::Level::Info, format!("`{other}` works on {}", context.title()));
                    return Vec::new();
                }
                if context == Context::List {
                    state.screens.clear();
                }
                super::run_command(state, context, binding.command)
            }
            None => Vec::new(),
        },
    }
}
