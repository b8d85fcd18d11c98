//! Actions: the user's commands (`[[action]]`), Backstage's own actions and
//! a few built-ins, one key (`a`) from the entity in front of the user.
//!
//! Every argv is built by [`template`] with each placeholder inside one
//! argument and run without a shell; see src/exec/stream.rs for how they run.

pub mod config;
pub mod menu;
pub mod template;

pub use config::{ActionConfig, BackstageActions, InputKind, InputSpec, Mode};
pub use menu::{menu, Builtin, Group, Row, Target};
pub use template::{expand_argv, Facts, Missing};

use crate::backstage::actions::RemoteAction;
use serde_json::Value;

/// What the actions need from the config and what they have learnt since.
#[derive(Debug, Clone, Default)]
pub struct ActionState {
    pub configured: Vec<ActionConfig>,
    /// `read_only = true` or `--read-only`: dangerous and destructive ones are hidden.
    pub read_only: bool,
    pub settings: BackstageActions,
    /// Where the entity page lives (instance `web_url`, else its url); None for folders.
    pub web_url: Option<String>,
    pub remote: Remote,
    /// Run ids for capture panes and Backstage results.
    pub next_run: u64,
    /// A bound key pressed before the entity's details were loaded: (entity, action).
    pub pending: Option<(String, usize)>,
}

/// Backstage's actions, asked for once per source.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Remote {
    /// Not a Backstage source, or not asked yet.
    #[default]
    NotAsked,
    Loading,
    Ready {
        actions: Vec<RemoteAction>,
        /// Plugins that could not be asked, with why.
        problems: Vec<String>,
    },
}

impl ActionState {
    pub fn new_run(&mut self) -> u64 {
        self.next_run += 1;
        self.next_run
    }
}

/// Work the actions ask the executor for.
#[derive(Debug)]
pub enum ActionEffect {
    /// Run a command with its output streamed back (a capture pane).
    Capture { run: u64, argv: Vec<String> },
    /// Ctrl-C in the capture pane: kill the command.
    Cancel { run: u64 },
    /// Run a command unseen; its exit becomes a notice.
    Background { name: String, argv: Vec<String> },
    /// Ask each plugin for its actions.
    ListRemote { plugins: Vec<String> },
    /// Invoke one of Backstage's actions.
    Invoke { run: u64, plugin: String, id: String, input: Value },
    /// `POST /api/catalog/refresh` for an entity.
    Refresh { entity_ref: String },
    /// Register a catalog location; first with `dry_run`, to list what it adds.
    Register { target: String, dry_run: bool },
    /// PagerDuty Events API v2: enqueue a trigger event.
    PagerDuty { url: String, event: Value },
}

/// What comes back.
#[derive(Debug)]
pub enum ActionMsg {
    /// Lines of a capture, already cleaned for the terminal.
    Lines {
        run: u64,
        lines: Vec<String>,
    },
    /// The capture's command ended: its exit code, or why it did not run.
    Exited {
        run: u64,
        status: Result<i32, String>,
    },
    BackgroundDone {
        name: String,
        status: Result<i32, String>,
    },
    RemoteListed {
        actions: Vec<RemoteAction>,
        problems: Vec<String>,
    },
    Invoked {
        run: u64,
        result: Result<Value, String>,
    },
    Refreshed {
        entity_ref: String,
        result: Result<(), String>,
    },
    Registered {
        target: String,
        dry_run: bool,
        result: Result<crate::backstage::actions::Registered, String>,
    },
    /// The incident's dedup key, or why PagerDuty refused it.
    PagerDuty {
        entity_ref: String,
        result: Result<String, String>,
    },
}

/// An exit status in words.
pub fn describe_exit(status: &Result<i32, String>) -> String {
    match status {
        Ok(0) => "finished (exit 0)".into(),
        Ok(code) if *code < 0 => format!("killed by signal {}", -code),
        Ok(code) => format!("failed (exit {code})"),
        Err(why) => why.clone(),
    }
}
