//! Effects: what update asks the outside world to do. Jobs run on the
//! executor (src/exec) and report back as messages; terminal effects are
//! carried out by the terminal's owner between frames (src/app.rs).

use crate::catalog::Catalog;
use std::sync::Arc;

#[derive(Debug)]
pub enum Effect {
    Quit,
    /// Build a fresh catalog's search columns off the UI thread, so the
    /// first field term typed does not pay for them.
    WarmSearch {
        catalog: Arc<Catalog>,
    },
    /// Run a query; the result carries the generation so stale ones are dropped.
    Search {
        generation: u64,
        query: String,
        catalog: Arc<Catalog>,
        /// "Owned by me": keep only entities whose owner is in this set.
        only_owners: Option<Arc<std::collections::HashSet<String>>>,
    },
    /// Read one entity's raw document from the cache.
    LoadEntity {
        key: String,
    },
    /// Read the whole catalog from the cache (after a source switch).
    LoadCatalog,
    /// Refresh from the source: re-read a folder, or sync a Backstage.
    Sync {
        full: bool,
    },
    /// Switch to another configured instance (or `demo`): its cache, then a sync.
    SwitchSource {
        name: String,
    },
    /// Everything that depends on `root`, and the teams to notify.
    BlastRadius {
        root: String,
        catalog: Arc<Catalog>,
    },
    /// `:open TEXT`: an exact ref or name, else the best search hit.
    ResolveOpen {
        text: String,
        catalog: Arc<Catalog>,
    },
    /// `e`: find the file and line of a folder source's entity.
    LocateForEdit {
        key: String,
    },
    /// Run the probes of these entities that have no current result (a key
    /// in `skip` has one). `scope` names what is on screen ("list", "entity",
    /// "tree", "board"): a newer job for the same scope replaces the older.
    Probe {
        scope: &'static str,
        keys: Vec<String>,
        skip: Vec<String>,
    },
    /// Keep probe results in the cache, for the next start's "last known".
    SaveHealth {
        results: Vec<crate::health::ProbeResult>,
    },
    /// Read the last known probe results from the cache.
    LoadHealth,
    /// Runbooks and docs: discovery, page loads, browser, server search.
    Docs(crate::docs::effects::DocsEffect),
    /// Scaffolder: a template's form, creating and following tasks.
    Scaffolder(crate::exec::scaffolder::ScaffolderEffect),
    /// A template's dry-run (`d` on the form's review).
    DryRun(crate::exec::dry_run::DryRunEffect),
    /// Actions: commands, Backstage's Actions Registry, refresh.
    Action(crate::actions::ActionEffect),
    /// Needs the terminal itself.
    Terminal(TerminalEffect),
}

/// Done by whoever owns the terminal, between two frames.
#[derive(Debug, Clone, PartialEq)]
pub enum TerminalEffect {
    /// Put text on the clipboard with OSC 52 (works over SSH and in tmux).
    Copy { text: String },
    /// Ctrl-Z: give the terminal back to the shell until `fg`.
    Suspend,
    /// Give the terminal to a program (an editor, a pager) until it exits;
    /// `Msg::ProgramExited` reports how it ended.
    Run { argv: Vec<String>, purpose: RunPurpose },
}

/// Why a program was run, so its exit can be followed up.
#[derive(Debug, Clone, PartialEq)]
pub enum RunPurpose {
    /// An editor on a folder source's file: re-read the folder afterwards.
    EditSource,
    /// A suspend-mode action: its exit status becomes a notice.
    Action { name: String },
}
