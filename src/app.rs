//! The TUI loop: one channel of messages; drain everything queued, update,
//! render once if anything changed.

use crate::effect::Effect;
use crate::msg::Msg;
use crate::runtime::run_local;
use crate::source::{load_catalog, unix_now, Source};
use crate::state::State;
use crate::update::update;
use crate::{catalog::cache::Cache, keymap::Keymap, tui};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use std::sync::atomic::{AtomicBool, Ordering};
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
}

pub async fn run(options: AppOptions) -> anyhow::Result<()> {
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut state = State::new(options.source.label(), options.keymap, unix_now());
    state.monochrome = options.monochrome;
    state.me = options
        .me
        .as_deref()
        .and_then(|m| crate::catalog::EntityRef::parse(m, Some("user"), "default").ok())
        .map(|r| r.key());
    state.docs.annotations = options.runbook_annotations;
    state.docs.remote = crate::docs::clipboard::is_remote_session(|k| std::env::var(k).ok());
    if let Source::Instance(instance) = &options.source {
        state.docs.server = Some(instance.url.trim_end_matches('/').to_string());
    }
    let source = Arc::new(options.source);
    let mut terminal = tui::init()?;
    let size = terminal.size()?;
    state.width = size.width;
    state.height = size.height;

    // Whatever the cache holds is shown first; the source is refreshed after.
    let cached = Cache::open(&source.cache_path()).and_then(|c| load_catalog(&c));
    let runner = Runner { tx: tx.clone(), source: source.clone(), syncing: Arc::new(AtomicBool::new(false)) };
    match cached {
        Ok((catalog, info)) => {
            for e in update(&mut state, Msg::CatalogLoaded { catalog: Arc::new(catalog), info }) {
                runner.spawn(e);
            }
        }
        Err(err) => state.toast(crate::msg::Level::Error, err.to_string()),
    }
    runner.spawn(Effect::Sync { full: false });
    spawn_input(tx.clone());
    state.sync_interval = options.sync_interval as i64;
    state.last_sync_started = unix_now();
    spawn_ticks(tx.clone());

    terminal.draw(|f| crate::ui::render(f, &state))?;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        for msg in batch {
            for effect in update(&mut state, msg) {
                runner.spawn(effect);
            }
        }
        if state.quit {
            break;
        }
        terminal.draw(|f| crate::ui::render(f, &state))?;
    }
    tui::restore();
    Ok(())
}

/// Spawns effects; remembers whether a sync is running so syncs never overlap.
struct Runner {
    tx: UnboundedSender<Msg>,
    source: Arc<Source>,
    syncing: Arc<AtomicBool>,
}

impl Runner {
    fn spawn(&self, effect: Effect) {
        match effect {
            Effect::Quit => {}
            // Written here, between frames, so it never lands inside a draw.
            Effect::Docs(crate::docs::effects::DocsEffect::Copy { text }) => {
                if let Err(e) = crate::docs::clipboard::copy_to_terminal(&text) {
                    let _ = self.tx.send(Msg::Toast(crate::msg::Level::Error, format!("copy failed: {e}")));
                }
            }
            Effect::Sync { full } => {
                if self.syncing.swap(true, Ordering::SeqCst) {
                    return; // one at a time; the running one brings fresh data
                }
                let (tx, source, syncing) = (self.tx.clone(), self.source.clone(), self.syncing.clone());
                tokio::spawn(async move {
                    crate::sync::run_sync(&source, full, &tx).await;
                    syncing.store(false, Ordering::SeqCst);
                });
            }
            local => {
                let (tx, source) = (self.tx.clone(), self.source.clone());
                tokio::task::spawn_blocking(move || {
                    for msg in run_local(local, &source) {
                        let _ = tx.send(msg);
                    }
                });
            }
        }
    }
}

fn spawn_input(tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(Ok(event)) = events.next().await {
            let msg = match event {
                Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Event::Resize(w, h) => Msg::Resize(w, h),
                Event::Paste(text) => {
                    // A paste is typed character by character into whatever has focus.
                    for c in text.chars().filter(|c| !c.is_control()) {
                        let key = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c));
                        if tx.send(Msg::Key(key)).is_err() {
                            return;
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
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
