//! `update`: the one place state changes. No I/O here; anything slow is
//! returned as an [`Effect`] and comes back later as a [`Msg`]. Keys and
//! commands are dispatched to the screens (src/screens).

use crate::effect::{Effect, RunPurpose, TerminalEffect};
use crate::keymap::Context;
use crate::msg::{Level, Msg, SyncEvent};
use crate::screens::{self, entity, list::update as list, overlays, Outcome};
use crate::state::{State, SyncStatus};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use crate::screens::entity::detail_from_raw;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    // What is on screen may have changed (a screen opened, a tick past a TTL).
    // Keys, pastes and search results that leave the same screen on top leave
    // probing to the next tick (≤ 1 s), so reading entities for probes never
    // competes with the search a key asked for. A result changes nothing.
    // A fresh catalog waits for the tick too: its first frame comes first.
    let keystroke = matches!(msg, Msg::Key(_) | Msg::Paste(_) | Msg::SearchDone { .. } | Msg::CatalogLoaded { .. });
    let result = matches!(msg, Msg::ProbeDone(_) | Msg::ProbesPlanned(_));
    let screens_before = state.screens.len();
    let mut effects = handle(state, msg);
    let replan = !result && (!keystroke || state.screens.len() != screens_before);
    if replan {
        effects.extend(screens::health::plan(state));
    }
    effects
}

fn handle(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Resize(w, h) => {
            state.width = w;
            state.height = h;
            list::keep_selection_visible(state);
            state.screens.iter_mut().flat_map(|s| s.on_resize(w, h)).collect()
        }
        Msg::Tick(now) => {
            state.now = now;
            state.toasts.retain(|t| t.expires_at > now);
            let mut effects = screens::health::on_tick(state);
            // The last known health, shown with its age until probes report:
            // read on the first tick, so it never delays the first frame
            // (reading it with the catalog cost ≈ 40 ms of cold start at 100k).
            if state.health.enabled && !state.health.asked_cache && !state.catalog.is_empty() {
                state.health.asked_cache = true;
                effects.push(Effect::LoadHealth);
            }
            let idle = !matches!(state.sync, SyncStatus::Running { .. });
            let since = now - state.last_sync_started;
            let periodic = state.sync_interval > 0 && since >= state.sync_interval;
            // Offline, the server is tried again now and then even without periodic sync.
            let retry = matches!(state.sync, SyncStatus::Offline { .. }) && since >= OFFLINE_RETRY_SECS;
            if idle && (periodic || retry) {
                state.last_sync_started = now;
                effects.push(Effect::Sync { full: false });
            }
            effects
        }
        Msg::CatalogLoaded { catalog, info } => {
            state.list.anchor = state.selected_key().map(str::to_string);
            state.catalog = catalog;
            state.info = info;
            state.details.clear();
            let mut effects = vec![Effect::WarmSearch { catalog: state.catalog.clone() }];
            effects.extend(list::start_search(state));
            effects.extend(entity::reload_open_pages(state));
            effects.extend(start_at(state));
            effects
        }
        Msg::SearchDone { generation, hits } => list::search_done(state, generation, hits),
        Msg::EntityLoaded { key, raw } => {
            if let Some(raw) = raw {
                state.details.insert(key.clone(), detail_from_raw(&raw));
            }
            screens::actions::on_entity_loaded(state, &key)
        }
        Msg::Sync(event) => on_sync(state, event),
        Msg::SourceChanged { label, server, tls_unverified } => {
            state.source_label = label;
            state.tls_unverified = tls_unverified;
            state.actions.remote = crate::actions::Remote::NotAsked;
            state.actions.web_url = server.clone();
            state.docs.server = server;
            state.screens.clear();
            state.details.clear();
            state.health.reset();
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
        Msg::Docs(msg) => screens::doc::on_msg(state, msg),
        Msg::BlastRadius { root, blast } => {
            screens::tree::blast_ready(state, &root, blast);
            Vec::new()
        }
        Msg::OpenResolved { text, key } => match key {
            Some(key) => entity::open(state, &key),
            None => {
                state.toast(Level::Warn, format!("No entity matches `{text}`"));
                Vec::new()
            }
        },
        Msg::EditReady(target) => {
            vec![Effect::Terminal(TerminalEffect::Run { argv: target.argv, purpose: RunPurpose::EditSource })]
        }
        Msg::ProgramExited { purpose, result } => match (purpose, result) {
            // The file may have changed: the folder is re-read (only if it did).
            (RunPurpose::EditSource, Ok(_)) => vec![Effect::Sync { full: false }],
            (RunPurpose::EditSource, Err(e)) => {
                state.toast(Level::Error, e);
                Vec::new()
            }
            (RunPurpose::Action { name }, status) => {
                let level = if matches!(status, Ok(0)) { Level::Info } else { Level::Warn };
                state.toast(level, format!("{name}: {}", crate::actions::describe_exit(&status)));
                Vec::new()
            }
        },
        Msg::Action(msg) => screens::actions::on_msg(state, msg),
        Msg::Resumed => Vec::new(),
        Msg::Scaffolder(msg) => screens::create::on_msg(state, msg),
        Msg::DryRun(msg) => screens::create::dry_run::on_msg(state, msg),
        Msg::ProbesPlanned(planned) => {
            screens::health::planned(state, planned);
            Vec::new()
        }
        Msg::ProbeDone(result) => {
            screens::health::probe_done(state, *result);
            Vec::new()
        }
        Msg::HealthLoaded(results) => {
            screens::health::loaded(state, results);
            Vec::new()
        }
        Msg::HealthProblem(message) => {
            screens::health::problem(state, message);
            Vec::new()
        }
    }
}

/// `callboard REF|NAME`: open that entity's page once there is a catalog
/// to find it in; several matches leave the list searching for the text.
fn start_at(state: &mut State) -> Vec<Effect> {
    if state.catalog.is_empty() {
        return Vec::new();
    }
    let Some(text) = state.start_at.take() else { return Vec::new() };
    let keys: Vec<String> =
        crate::cli::resolve::exact_matches(&state.catalog, &text).iter().map(|s| s.key.clone()).collect();
    match crate::cli::resolve::pick_one(&text, &keys) {
        Ok(Some(key)) => entity::open(state, &key),
        Ok(None) => {
            state.toast(Level::Warn, format!("No entity named `{text}`; the list shows what the search finds"));
            list::set_query(state, &text)
        }
        Err(_) => {
            let names: Vec<String> = keys.iter().map(|k| crate::cli::resolve::display_ref(k)).collect();
            state.toast(Level::Warn, format!("`{text}` names {} entities: {}", names.len(), names.join(", ")));
            // Namesakes are found by their name; several titles by the text.
            let mut shared: Vec<&str> =
                keys.iter().filter_map(|k| state.catalog.get(k)).map(|s| s.name.as_str()).collect();
            shared.dedup();
            let query = match shared.as_slice() {
                [name] if !name.contains(char::is_whitespace) => format!("name:{name}"),
                _ => text.clone(),
            };
            list::set_query(state, &query)
        }
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
            state.sync_error = None;
            // A sync that found nothing new reloads nothing, but the data is fresh.
            state.info.synced_at = Some(state.now);
            if added + changed + removed > 0 {
                state.toast(Level::Info, format!("Synced: {added} added, {changed} changed, {removed} removed"));
            } else if std::mem::take(&mut state.manual_sync) {
                state.toast(Level::Info, "Synced: nothing changed");
            }
            state.manual_sync = false;
        }
        SyncEvent::Failed { message, offline } => {
            let asked = std::mem::take(&mut state.manual_sync);
            if !offline {
                state.sync_error = Some(message.clone());
            }
            let was_offline = matches!(state.sync, SyncStatus::Offline { .. });
            if offline {
                let since = if let SyncStatus::Offline { since } = state.sync { since } else { state.now };
                state.sync = SyncStatus::Offline { since };
            } else {
                state.sync = SyncStatus::Idle;
            }
            // Retries while offline fail the same way; the status bar already says so.
            if !(offline && was_offline) || asked {
                state.toast(Level::Error, message);
            }
        }
    }
    Vec::new()
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // Ctrl-C always quits, whatever has focus; Ctrl-Z always suspends.
    // …except in a running capture pane, where it stops the command.
    if ctrl && key.code == KeyCode::Char('c') && state.overlay.is_none() {
        if let Some(pane) = screens::top::<screens::output::OutputScreen>(state).filter(|p| p.is_running()) {
            return vec![Effect::Action(crate::actions::ActionEffect::Cancel { run: pane.run })];
        }
    }
    if ctrl && key.code == KeyCode::Char('c') {
        state.quit = true;
        return vec![Effect::Quit];
    }
    if ctrl && key.code == KeyCode::Char('z') {
        return vec![Effect::Terminal(TerminalEffect::Suspend)];
    }
    if state.overlay.is_some() {
        return overlays::on_key(state, key);
    }
    if !state.screens.is_empty() {
        let mut consumed = false;
        let effects = screens::with_top(state, |screen, state| match screen.on_key(state, key) {
            Some(outcome) => {
                consumed = true;
                outcome
            }
            None => Outcome::none(),
        });
        if consumed {
            return effects;
        }
    }
    let context = screens::focus_context(state);
    // Keys bound to the user's actions come before the table's, where they apply.
    if matches!(context, Context::List | Context::Entity) {
        if let Some(effects) = screens::actions::on_bound_key(state, &key) {
            return effects;
        }
    }
    if context == Context::SearchInput {
        if let Some(effects) = list::recall(state, key) {
            return effects;
        }
    }
    let command = state.keymap.lookup(context, &key);
    if context == Context::SearchInput {
        return match command {
            Some(cmd) => list::on_command(state, cmd),
            None => list::on_typing(state, key),
        };
    }
    let Some(command) = command else {
        return Vec::new();
    };
    screens::run_command(state, context, command)
}

/// A paste goes whole to whatever input has focus.
fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(overlays::Overlay::Palette { .. }) = &state.overlay {
        return overlays::on_paste(state, text);
    }
    if !state.screens.is_empty() {
        return screens::with_top(state, |screen, state| screen.on_paste(state, text));
    }
    if state.list.typing {
        return list::on_paste(state, text);
    }
    Vec::new()
}
