//! The TUI loop: one channel of messages; drain everything queued, update,
//! carry out the effects (jobs to the executor, terminal effects here), render
//! once if anything changed.

use crate::effect::{Effect, TerminalEffect};
use crate::exec::Executor;
use crate::msg::{Level, Msg};
use crate::source::{load_catalog, unix_now, Source};
use crate::state::State;
use crate::tui::Terminal;
use crate::update::update;
use crate::{catalog::cache::Cache, keymap::Keymap};
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

pub struct AppOptions {
    pub source: Source,
    pub keymap: Keymap,
    pub monochrome: bool,
    pub sync_interval: u64,
    /// Config `me`, for "owned by me".
    pub me: Option<String>,
    /// Config `[runbooks] annotations`.
    pub runbook_annotations: Vec<String>,
    /// Configured instances, for `:instance NAME`.
    pub instances: Vec<crate::config::Instance>,
    /// Where a folder source's templates dry-run (config `default_instance`, else the only instance).
    pub dry_run_server: Option<crate::config::Instance>,
    /// `callboard REF|NAME`: the entity to start on.
    pub start_at: Option<String>,
    /// Problems with the config to show once the screen is up (key collisions).
    pub warnings: Vec<String>,
    /// Config `[health]`: probes for what is on screen and the `:health` board.
    pub health: crate::health::HealthConfig,
    /// Config `[[action]]`, `read_only` (or `--read-only`) and `[actions_settings]`.
    pub actions: crate::actions::ActionState,
}

pub async fn run(options: AppOptions) -> anyhow::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut state = State::new(options.source.label(), options.keymap, unix_now());
    state.tls_unverified = options.source.tls_warning().is_some();
    state.monochrome = options.monochrome;
    state.start_at = options.start_at;
    for warning in options.warnings {
        state.toast(Level::Warn, warning);
    }
    state.me = options
        .me
        .as_deref()
        .and_then(|m| crate::catalog::EntityRef::parse(m, Some("user"), "default").ok())
        .map(|r| r.key());
    state.docs.annotations = options.runbook_annotations;
    state.docs.remote = crate::docs::clipboard::is_remote_session(|k| std::env::var(k).ok());
    state.actions = options.actions;
    if let Source::Instance(instance) = &options.source {
        state.docs.server = Some(instance.url.trim_end_matches('/').to_string());
        let web = instance.web_url.as_deref().unwrap_or(&instance.url);
        state.actions.web_url = Some(web.trim_end_matches('/').to_string());
    }
    crate::screens::health::enable(&mut state, &options.health);
    state.dry_run_server = options.dry_run_server;
    state.instances = options.instances.iter().map(|i| i.name.clone()).collect();
    let history_path = crate::history::path_for(&options.source);
    (state.search_history, state.palette_history) = crate::history::load(&history_path);
    let source = Arc::new(options.source);
    let mut terminal = Terminal::start(tx.clone())?;
    let size = terminal.size()?;
    state.width = size.width;
    state.height = size.height;

    // Whatever the cache holds is shown first; the source is refreshed after.
    let cached = Cache::open(&source.cache_path()).and_then(|c| load_catalog(&c));
    let mut executor = Executor::new(tx.clone(), source, options.instances, Arc::new(options.health));
    let mut effects = match cached {
        Ok((catalog, info)) => update(&mut state, Msg::CatalogLoaded { catalog: Arc::new(catalog), info }),
        Err(err) => {
            state.toast(Level::Error, err.to_string());
            Vec::new()
        }
    };
    effects.push(Effect::Sync { full: false });
    carry_out(effects, &mut executor, &mut terminal, &tx);
    state.sync_interval = options.sync_interval as i64;
    state.last_sync_started = unix_now();
    spawn_ticks(tx.clone());

    terminal.draw(&state)?;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        for msg in batch {
            let effects = update(&mut state, msg);
            carry_out(effects, &mut executor, &mut terminal, &tx);
        }
        if state.quit {
            break;
        }
        terminal.draw(&state)?;
    }
    drop(terminal);
    if let Err(e) = crate::history::save(&history_path, &state.search_history, &state.palette_history) {
        eprintln!("callboard: could not save the search history to {}: {e}", history_path.display());
    }
    Ok(())
}

/// Jobs go to the executor; what needs the terminal is done here, between
/// frames, and reports back on the channel like any job.
fn carry_out(effects: Vec<Effect>, executor: &mut Executor, terminal: &mut Terminal, tx: &UnboundedSender<Msg>) {
    for effect in effects {
        let Effect::Terminal(effect) = effect else {
            executor.spawn(effect);
            continue;
        };
        let reply = match effect {
            TerminalEffect::Copy { text } => {
                let sequence = crate::docs::clipboard::osc52(&text, std::env::var_os("TMUX").is_some());
                terminal
                    .write_raw(sequence.as_bytes())
                    .err()
                    .map(|e| Msg::Toast(Level::Error, format!("copy failed: {e}")))
            }
            TerminalEffect::Suspend => Some(match terminal.stop_to_shell() {
                Ok(()) => Msg::Resumed,
                Err(e) => Msg::Toast(Level::Error, format!("cannot take the terminal back: {e}")),
            }),
            TerminalEffect::Run { argv, purpose } => {
                Some(Msg::ProgramExited { purpose, result: terminal.run_program(&argv) })
            }
        };
        if let Some(msg) = reply {
            let _ = tx.send(msg);
        }
        // The terminal may have been resized while it was away.
        if let Ok(size) = terminal.size() {
            let _ = tx.send(Msg::Resize(size.width, size.height));
        }
    }
}

fn spawn_ticks(tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            interval.tick().await;
            if tx.send(Msg::Tick(unix_now())).is_err() {
                return;
            }
        }
    });
}
