//! `update`: the one place state changes. No I/O here; anything slow is
//! returned as an [`Effect`] and comes back later as a [`Msg`].

mod doc;
mod doc_page;
mod entity;
mod list;
mod overlay;
mod tree;

use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::msg::{Level, Msg, SyncEvent};
use crate::state::{Screen, State, SyncStatus};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use doc::{open_page, open_runbooks, server_search};
pub use entity::detail_from_raw;
pub use overlay::{facet_fields, palette_matches};

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Resize(w, h) => {
            state.width = w;
            state.height = h;
            list::keep_selection_visible(state);
            doc_page::on_resize(state)
        }
        Msg::Tick(now) => {
            state.now = now;
            state.toasts.retain(|t| t.expires_at > now);
            let idle = !matches!(state.sync, SyncStatus::Running { .. });
            let since = now - state.last_sync_started;
            let periodic = state.sync_interval > 0 && since >= state.sync_interval;
            // Offline, the server is tried again now and then even without periodic sync.
            let retry = matches!(state.sync, SyncStatus::Offline { .. }) && since >= OFFLINE_RETRY_SECS;
            if idle && (periodic || retry) {
                state.last_sync_started = now;
                return vec![Effect::Sync { full: false }];
            }
            Vec::new()
        }
        Msg::CatalogLoaded { catalog, info } => {
            state.list.anchor = state.selected_key().map(str::to_string);
            state.catalog = catalog;
            state.info = info;
            state.details.clear();
            let mut effects = vec![Effect::WarmSearch { catalog: state.catalog.clone() }];
            effects.extend(list::start_search(state));
            effects.extend(entity::reload_open_pages(state));
            effects
        }
        Msg::SearchDone { generation, hits } => list::search_done(state, generation, hits),
        Msg::EntityLoaded { key, raw } => {
            if let Some(raw) = raw {
                state.details.insert(key, detail_from_raw(&raw));
            }
            Vec::new()
        }
        Msg::Sync(event) => on_sync(state, event),
        Msg::SourceChanged { label, server } => {
            state.source_label = label;
            state.docs.server = server;
            state.screens.clear();
            state.details.clear();
            state.list.anchor = None;
            state.sync = SyncStatus::Idle;
            state.info = crate::msg::CatalogInfo::default();
            state.catalog = std::sync::Arc::new(crate::catalog::Catalog::default());
            list::start_search(state)
        }
        Msg::Toast(level, text) => {
            state.toast(level, text);
            Vec::new()
        }
        Msg::Docs(msg) => doc::on_msg(state, msg),
    }
}

/// Seconds between attempts to reach a server that was unreachable.
const OFFLINE_RETRY_SECS: i64 = 60;

fn on_sync(state: &mut State, event: SyncEvent) -> Vec<Effect> {
    match event {
        SyncEvent::Started { .. } => {
            state.last_sync_started = state.now;
            // A retry while offline stays "offline" until the server answers.
            if !matches!(state.sync, SyncStatus::Offline { .. }) {
                state.sync = SyncStatus::Running { fetched: 0, total: None };
            }
        }
        SyncEvent::Progress { fetched, total } => {
            state.sync = SyncStatus::Running { fetched, total };
        }
        SyncEvent::Done { added, changed, removed, .. } => {
            state.sync = SyncStatus::Idle;
            // A sync that found nothing new reloads nothing, but the data is fresh.
            state.info.synced_at = Some(state.now);
            if added + changed + removed > 0 {
                state.toast(Level::Info, format!("Synced: {added} added, {changed} changed, {removed} removed"));
            }
        }
        SyncEvent::Failed { message, offline } => {
            let was_offline = matches!(state.sync, SyncStatus::Offline { .. });
            if offline {
                let since = if let SyncStatus::Offline { since } = state.sync { since } else { state.now };
                state.sync = SyncStatus::Offline { since };
            } else {
                state.sync = SyncStatus::Idle;
            }
            // Retries while offline fail the same way; the status bar already says so.
            if !(offline && was_offline) {
                state.toast(Level::Error, message);
            }
        }
    }
    Vec::new()
}

/// The keymap context of what has focus now.
pub fn focus_context(state: &State) -> Context {
    if state.overlay.is_some() {
        Context::Overlay
    } else if state.list.typing && state.screens.is_empty() {
        Context::SearchInput
    } else {
        match state.screens.last() {
            None => Context::List,
            Some(Screen::Entity(_)) => Context::Entity,
            Some(Screen::Owner(_)) => Context::Owner,
            Some(Screen::Tree(_)) => Context::Tree,
            Some(Screen::Doc(d)) => doc::context(d),
        }
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // Ctrl-C always quits, whatever has focus.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Effect::Quit];
    }
    let context = focus_context(state);
    if context == Context::Overlay {
        return overlay::on_key(state, key);
    }
    let command = state.keymap.lookup(context, &key);
    if context == Context::SearchInput && doc::typing(state) {
        return doc_page::on_search_key(state, key);
    }
    if context == Context::SearchInput {
        return match command {
            Some(cmd) => list::on_command(state, cmd),
            None => list::on_typing(state, key),
        };
    }
    let Some(command) = command else {
        return Vec::new();
    };
    run_command(state, context, command)
}

/// Carry out a command in a context (keys and the palette both come here).
pub fn run_command(state: &mut State, context: Context, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Command::Help => {
            state.overlay = Some(crate::state::Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Command::Palette => {
            overlay::open_palette(state);
            Vec::new()
        }
        Command::Sync => vec![Effect::Sync { full: false }],
        Command::Runbook if matches!(context, Context::List | Context::Entity | Context::Doc) => {
            doc::runbook_command(state, context)
        }
        _ => match context {
            Context::Doc | Context::DocList => doc::on_command(state, command),
            Context::Entity => entity::on_command(state, command),
            Context::Owner => tree::on_owner_command(state, command),
            Context::Tree => tree::on_tree_command(state, command),
            _ => list::on_command(state, command),
        },
    }
}

/// Open the owner card or a tree for an entity.
pub fn open_for(state: &mut State, key: &str, command: Command) -> Vec<Effect> {
    use crate::catalog::graph::TreeMode;
    match command {
        Command::OwnerCard => tree::open_owner(state, key),
        Command::BlastRadius => tree::open_tree(state, key, TreeMode::BlastRadius),
        _ => {
            let kind = state.catalog.get(key).map(|s| s.kind.clone()).unwrap_or_default();
            tree::open_tree(state, key, TreeMode::default_for(&kind))
        }
    }
}

/// Open an entity page on top of the stack (from the list, a relation, the palette).
pub fn open_entity(state: &mut State, key: &str) -> Vec<Effect> {
    state.screens.push(Screen::Entity(crate::state::EntityPage {
        key: key.to_string(),
        tab: crate::state::EntityTab::Overview,
        selected: 0,
        scroll: 0,
    }));
    // The owner's document too: the page's owner panel shows its contacts.
    let mut wanted = vec![key.to_string()];
    wanted.extend(crate::catalog::graph::resolve_owner(&state.catalog, key).resolved);
    wanted.into_iter().filter(|k| !state.details.contains_key(k)).map(|key| Effect::LoadEntity { key }).collect()
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
