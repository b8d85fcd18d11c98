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
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    state.instances = options.instances.iter().map(|i| i.name.clone()).collect();
    let source = Arc::new(options.source);
    let mut terminal = tui::init()?;
    let size = terminal.size()?;
    state.width = size.width;
    state.height = size.height;

    // Whatever the cache holds is shown first; the source is refreshed after.
    let cached = Cache::open(&source.cache_path()).and_then(|c| load_catalog(&c));
    let runner = Runner {
        tx: tx.clone(),
        source: RefCell::new(source.clone()),
        syncing: RefCell::new(Arc::new(AtomicBool::new(false))),
        generation: Arc::new(AtomicU64::new(0)),
        instances: options.instances,
    };
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

    tui::draw(&mut terminal, &state)?;
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
        tui::draw(&mut terminal, &state)?;
    }
    tui::restore();
    Ok(())
}

/// Spawns effects; remembers whether a sync is running so syncs never overlap.
/// Lives on the UI task only, hence RefCell.
struct Runner {
    tx: UnboundedSender<Msg>,
    source: RefCell<Arc<Source>>,
    syncing: RefCell<Arc<AtomicBool>>,
    /// Bumped on every source switch: results of work begun for an older
    /// source are dropped instead of landing on the new one.
    generation: Arc<AtomicU64>,
    instances: Vec<crate::config::Instance>,
}

/// A sender that goes quiet once the source it was made for is switched away.
#[derive(Clone)]
struct SourceTx {
    tx: UnboundedSender<Msg>,
    made_for: u64,
    current: Arc<AtomicU64>,
}

impl SourceTx {
    fn send(&self, msg: Msg) {
        if self.current.load(Ordering::SeqCst) == self.made_for {
            let _ = self.tx.send(msg);
        }
    }
}

impl Runner {
    fn source_tx(&self) -> SourceTx {
        SourceTx {
            tx: self.tx.clone(),
            made_for: self.generation.load(Ordering::SeqCst),
            current: self.generation.clone(),
        }
    }

    fn spawn(&self, effect: Effect) {
        match effect {
            Effect::Quit => {}
            // Written here, between frames, so it never lands inside a draw.
            Effect::Docs(crate::docs::effects::DocsEffect::Copy { text }) => {
                if let Err(e) = crate::docs::clipboard::copy_to_terminal(&text) {
                    let _ = self.tx.send(Msg::Toast(crate::msg::Level::Error, format!("copy failed: {e}")));
                }
            }
            Effect::SwitchSource { name } => self.switch_source(&name),
            Effect::Sync { full } => {
                let syncing = self.syncing.borrow().clone();
                if syncing.swap(true, Ordering::SeqCst) {
                    return; // one at a time; the running one brings fresh data
                }
                let (out, source) = (self.source_tx(), self.source.borrow().clone());
                tokio::spawn(async move {
                    let (tx, mut rx) = unbounded_channel();
                    let forward = tokio::spawn(async move {
                        while let Some(msg) = rx.recv().await {
                            out.send(msg);
                        }
                    });
                    crate::sync::run_sync(&source, full, &tx).await;
                    drop(tx);
                    let _ = forward.await;
                    syncing.store(false, Ordering::SeqCst);
                });
            }
            local => {
                let (out, source) = (self.source_tx(), self.source.borrow().clone());
                tokio::task::spawn_blocking(move || {
                    for msg in run_local(local, &source) {
                        out.send(msg);
                    }
                });
            }
        }
    }

    /// Point everything at another source: its cache first, then a sync.
    fn switch_source(&self, name: &str) {
        let source = match self.instances.iter().find(|i| i.name == name) {
            Some(instance) => Source::Instance(instance.clone()),
            None if name == "demo" => Source::Demo(crate::paths::demo_dir()),
            None => {
                let _ = self.tx.send(Msg::Toast(crate::msg::Level::Warn, format!("No instance named `{name}`")));
                return;
            }
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.syncing.borrow_mut() = Arc::new(AtomicBool::new(false));
        let server = match &source {
            Source::Instance(i) => Some(i.url.trim_end_matches('/').to_string()),
            _ => None,
        };
        let _ = self.tx.send(Msg::SourceChanged { label: source.label(), server });
        let source = Arc::new(source);
        *self.source.borrow_mut() = source.clone();
        let out = self.source_tx();
        tokio::task::spawn_blocking(move || match Cache::open(&source.cache_path()).and_then(|c| load_catalog(&c)) {
            Ok((catalog, info)) => out.send(Msg::CatalogLoaded { catalog: Arc::new(catalog), info }),
            Err(err) => out.send(Msg::Toast(crate::msg::Level::Error, err.to_string())),
        });
        self.spawn(Effect::Sync { full: false });
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
