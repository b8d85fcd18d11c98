//! The one executor: every effect that is not the terminal's runs here as a
//! job, on a tokio task (network) or the blocking pool (CPU and disk), and
//! reports back as messages.
//!
//! A job may have a key. A newer job with the same key either replaces the
//! older one (latest wins: a search per keystroke, a layout per resize) or is
//! dropped while the older one runs (one sync at a time). Each kind of work
//! has a concurrency limit. Switching source cancels everything that
//! belonged to the old one.

pub mod context;
pub mod dry_run;
pub mod edit;
mod health;
mod jobs;
pub mod scaffolder;
mod stream;

pub use context::{JobContext, Outbox};
pub use jobs::run;

use crate::effect::Effect;
use crate::msg::{Level, Msg};
use crate::source::Source;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// What identifies a job for "latest wins".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobKey {
    Search,
    WarmSearch,
    Catalog,
    Sync,
    Entity(String),
    Blast,
    ResolveOpen,
    DocLayout,
    DocSearch,
    Edit,
    Form,
    Task(String),
    /// Probes for one part of the screen (the list, a page, a tree, the board).
    Probe(&'static str),
    /// One capture pane's command.
    Capture(u64),
    ActionList,
    /// A template's dry-run: the newest values win.
    DryRun,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// A newer job cancels the running one.
    Replace,
    /// A newer job is dropped while one runs (its result will be fresh enough).
    KeepRunning,
}

/// Which limit a job counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Matching, graph walks, parsing: no more than the machine's cores.
    Cpu,
    /// Requests to a server.
    Network,
    /// Health probes: the runner has its own limits (overall and per host),
    /// and a job waiting on a hung endpoint must not hold a CPU or network slot.
    Probe,
    /// Commands the user runs (captures, background actions): they mostly
    /// wait, and must not hold a CPU slot while they do.
    Process,
}

/// How an effect runs: its key and policy, if any, and its kind.
pub fn plan(effect: &Effect) -> (Option<(JobKey, Policy)>, Kind) {
    use crate::docs::effects::DocsEffect as D;
    match effect {
        Effect::Search { .. } => (Some((JobKey::Search, Policy::Replace)), Kind::Cpu),
        Effect::WarmSearch { .. } => (Some((JobKey::WarmSearch, Policy::Replace)), Kind::Cpu),
        Effect::Sync { .. } => (Some((JobKey::Sync, Policy::KeepRunning)), Kind::Network),
        Effect::LoadCatalog => (Some((JobKey::Catalog, Policy::Replace)), Kind::Cpu),
        Effect::LoadEntity { key } => (Some((JobKey::Entity(key.clone()), Policy::KeepRunning)), Kind::Cpu),
        Effect::BlastRadius { .. } => (Some((JobKey::Blast, Policy::Replace)), Kind::Cpu),
        Effect::ResolveOpen { .. } => (Some((JobKey::ResolveOpen, Policy::Replace)), Kind::Cpu),
        Effect::LocateForEdit { .. } => (Some((JobKey::Edit, Policy::Replace)), Kind::Cpu),
        Effect::Docs(D::Layout { .. }) => (Some((JobKey::DocLayout, Policy::Replace)), Kind::Cpu),
        Effect::Docs(D::Search { cursor: None, .. }) => (Some((JobKey::DocSearch, Policy::Replace)), Kind::Network),
        Effect::Docs(_) => (None, Kind::Network),
        Effect::Scaffolder(scaffolder::ScaffolderEffect::Prepare { .. }) => {
            (Some((JobKey::Form, Policy::Replace)), Kind::Network)
        }
        Effect::Scaffolder(scaffolder::ScaffolderEffect::Follow { task, .. }) => {
            (Some((JobKey::Task(task.clone()), Policy::KeepRunning)), Kind::Network)
        }
        Effect::Scaffolder(_) => (None, Kind::Network),
        Effect::DryRun(_) => (Some((JobKey::DryRun, Policy::Replace)), Kind::Network),
        Effect::Probe { scope, .. } => (Some((JobKey::Probe(scope), Policy::Replace)), Kind::Probe),
        Effect::SaveHealth { .. } | Effect::LoadHealth => (None, Kind::Cpu),
        Effect::Action(a) => {
            use crate::actions::ActionEffect as A;
            match a {
                A::Capture { run, .. } => (Some((JobKey::Capture(*run), Policy::Replace)), Kind::Process),
                A::Background { .. } => (None, Kind::Process),
                A::Cancel { .. } => (None, Kind::Cpu),
                A::ListRemote { .. } => (Some((JobKey::ActionList, Policy::KeepRunning)), Kind::Network),
                A::Invoke { .. } | A::Refresh { .. } | A::PagerDuty { .. } | A::Register { .. } => {
                    (None, Kind::Network)
                }
            }
        }
        Effect::Quit | Effect::SwitchSource { .. } | Effect::Terminal(_) => (None, Kind::Cpu),
    }
}

/// Network jobs in flight at once, per source.
const NETWORK_LIMIT: usize = 6;
/// Commands running at once (captures and background actions).
const PROCESS_LIMIT: usize = 16;

pub struct Executor {
    tx: UnboundedSender<Msg>,
    cx: Arc<JobContext>,
    /// Bumped on every source switch; see [`Outbox`].
    generation: Arc<AtomicU64>,
    running: HashMap<JobKey, JoinHandle<()>>,
    /// Every job without a key, so a source switch can cancel it too.
    unkeyed: Vec<JoinHandle<()>>,
    cpu: Arc<Semaphore>,
    network: Arc<Semaphore>,
    process: Arc<Semaphore>,
    instances: Vec<crate::config::Instance>,
    /// `[health]`: each source's context gets a runner built with it.
    health: Arc<crate::health::HealthConfig>,
}

impl Executor {
    pub fn new(
        tx: UnboundedSender<Msg>,
        source: Arc<Source>,
        instances: Vec<crate::config::Instance>,
        health: Arc<crate::health::HealthConfig>,
    ) -> Executor {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Executor {
            tx,
            cx: Arc::new(JobContext::with_health(source, health.clone())),
            generation: Arc::new(AtomicU64::new(0)),
            running: HashMap::new(),
            unkeyed: Vec::new(),
            cpu: Arc::new(Semaphore::new(cores.max(1))),
            network: Arc::new(Semaphore::new(NETWORK_LIMIT)),
            process: Arc::new(Semaphore::new(PROCESS_LIMIT)),
            instances,
            health,
        }
    }

    pub fn context(&self) -> Arc<JobContext> {
        self.cx.clone()
    }

    /// Start a job for an effect (terminal effects are the caller's).
    pub fn spawn(&mut self, effect: Effect) {
        match effect {
            Effect::Quit | Effect::Terminal(_) => return,
            Effect::SwitchSource { name } => return self.switch_source(&name),
            // Aborting the capture's job drops its child, which kills it.
            Effect::Action(crate::actions::ActionEffect::Cancel { run }) => {
                if let Some(job) = self.running.remove(&JobKey::Capture(run)) {
                    job.abort();
                }
            }
            _ => {}
        }
        let (key, kind) = plan(&effect);
        if let Some((key, policy)) = &key {
            if let Some(old) = self.running.get(key) {
                if !old.is_finished() {
                    match policy {
                        Policy::KeepRunning => return,
                        Policy::Replace => old.abort(),
                    }
                }
            }
        }
        let limit = match kind {
            Kind::Cpu => Some(self.cpu.clone()),
            Kind::Network => Some(self.network.clone()),
            Kind::Probe => None,
            Kind::Process => Some(self.process.clone()),
        };
        let (cx, out) = (self.cx.clone(), Outbox::new(self.tx.clone(), self.generation.clone()));
        let handle = tokio::spawn(async move {
            let _permit = match limit {
                Some(limit) => match limit.acquire_owned().await {
                    Ok(permit) => Some(permit),
                    Err(_) => return,
                },
                None => None,
            };
            run(effect, cx, out).await;
        });
        match key {
            Some((key, _)) => {
                self.running.insert(key, handle);
            }
            None => {
                self.unkeyed.retain(|h| !h.is_finished());
                self.unkeyed.push(handle);
            }
        }
    }

    /// Point everything at another source: cancel the old one's jobs, load
    /// the new one's cache, then sync it.
    fn switch_source(&mut self, name: &str) {
        let source = match self.instances.iter().find(|i| i.name == name) {
            Some(instance) => Source::Instance(instance.clone()),
            None if name == "demo" => Source::Demo(crate::paths::demo_dir()),
            None => {
                let _ = self.tx.send(Msg::Toast(Level::Warn, format!("No instance named `{name}`")));
                return;
            }
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        for (_, handle) in self.running.drain() {
            handle.abort();
        }
        for handle in self.unkeyed.drain(..) {
            handle.abort();
        }
        let server = match &source {
            Source::Instance(i) => Some(i.url.trim_end_matches('/').to_string()),
            _ => None,
        };
        let _ = self.tx.send(Msg::SourceChanged {
            label: source.label(),
            server,
            tls_unverified: source.tls_warning().is_some(),
        });
        self.cx = Arc::new(JobContext::with_health(Arc::new(source), self.health.clone()));
        self.spawn(Effect::LoadCatalog);
        self.spawn(Effect::Sync { full: false });
    }
}

/// Runs jobs to completion on the caller's thread: for tests and benches,
/// which want every effect's messages before the next key.
pub struct Inline {
    runtime: tokio::runtime::Runtime,
    pub cx: Arc<JobContext>,
}

impl Inline {
    pub fn new(source: Source) -> Inline {
        Inline::build(source, None)
    }

    /// With a health runner, so `Effect::Probe` runs real probes.
    pub fn with_health(source: Source, health: Arc<crate::health::HealthConfig>) -> Inline {
        Inline::build(source, Some(health))
    }

    fn build(source: Source, health: Option<Arc<crate::health::HealthConfig>>) -> Inline {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime can always be built");
        let cx = {
            let _guard = runtime.enter();
            Arc::new(match health {
                Some(health) => JobContext::with_health(Arc::new(source), health),
                None => JobContext::new(Arc::new(source)),
            })
        };
        Inline { runtime, cx }
    }

    /// Every message the effect's job sends, in order.
    pub fn run(&self, effect: Effect) -> Vec<Msg> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let out = Outbox::new(tx, Arc::new(AtomicU64::new(0)));
        self.runtime.block_on(run(effect, self.cx.clone(), out));
        let mut msgs = Vec::new();
        while let Ok(msg) = rx.try_recv() {
            msgs.push(msg);
        }
        msgs
    }
}
