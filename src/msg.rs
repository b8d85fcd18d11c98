//! Everything that can happen arrives as one of these, on one channel.

use crate::catalog::Catalog;
use crate::search::Hit;
use crossterm::event::KeyEvent;
use serde_json::Value;
use std::sync::Arc;

/// Where the catalog on screen came from and how fresh it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogInfo {
    /// Unix seconds of the last successful load or sync, if known.
    pub synced_at: Option<i64>,
    /// Problems met while reading the source (files source), for the log view.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// Sync progress as the client reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    Started { full: bool },
    Progress { fetched: usize, total: Option<usize> },
    Done { added: usize, changed: usize, removed: usize, elapsed_ms: u64 },
    Failed { message: String, offline: bool },
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// Once a second: expire toasts, refresh ages, periodic sync.
    Tick(i64),
    CatalogLoaded {
        catalog: Arc<Catalog>,
        info: CatalogInfo,
    },
    SearchDone {
        generation: u64,
        hits: Arc<Vec<Hit>>,
    },
    EntityLoaded {
        key: String,
        raw: Option<Value>,
    },
    Sync(SyncEvent),
    Toast(Level, String),
    /// The source was switched (`:instance`); a CatalogLoaded follows.
    SourceChanged {
        label: String,
        /// Backstage base URL, for docs and server search; None for files.
        server: Option<String>,
        /// TLS certificates are not checked for this source (the status bar says so).
        tls_unverified: bool,
    },
    /// Runbooks, doc pages and Backstage search results.
    Docs(crate::docs::effects::DocsMsg),
    /// A bracketed paste, whole: for the focused input.
    Paste(String),
    BlastRadius {
        root: String,
        blast: Arc<crate::catalog::graph::BlastRadius>,
    },
    OpenResolved {
        text: String,
        key: Option<String>,
    },
    /// The file and editor for `e`.
    EditReady(crate::exec::edit::EditTarget),
    /// A program run in the terminal ended (or could not start).
    ProgramExited {
        purpose: crate::effect::RunPurpose,
        result: Result<i32, String>,
    },
    /// The probes these entities have (entity key, its specs), before they run.
    ProbesPlanned(Vec<(String, Vec<crate::health::ProbeSpec>)>),
    /// One probe ended (one message per probe; a job sends many).
    ProbeDone(Box<crate::health::ProbeResult>),
    /// The last known results, from the cache, at start.
    HealthLoaded(Vec<crate::health::ProbeResult>),
    /// A probe's config cannot work (unset token, unknown server): told once.
    HealthProblem(String),
    /// Actions: capture output, exits, Backstage's answers.
    Action(crate::actions::ActionMsg),
    /// Back from Ctrl-Z: everything is drawn again.
    Resumed,
    Scaffolder(crate::exec::scaffolder::ScaffolderMsg),
    DryRun(crate::exec::dry_run::DryRunMsg),
}
