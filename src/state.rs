//! All the state the views render from. Changed only by `update`.

use crate::catalog::Catalog;
use crate::keymap::Keymap;
use crate::msg::{CatalogInfo, Level};
pub use crate::screens::list::ListState;
pub use crate::screens::overlays::Overlay;
pub use crate::screens::Screen;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Details of an entity read from the cache: what the summary leaves out.
#[derive(Debug, Clone, Default)]
pub struct EntityDetail {
    pub annotations: Vec<(String, String)>,
    pub links: Vec<Link>,
    pub yaml: Vec<String>,
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub link_type: String,
    pub icon: String,
}

#[derive(Debug, Clone)]
pub struct Toast {
    pub level: Level,
    pub text: String,
    pub expires_at: i64,
}

/// Sync status for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SyncStatus {
    #[default]
    Idle,
    Running {
        fetched: usize,
        total: Option<usize>,
    },
    Offline {
        since: i64,
    },
}

pub struct State {
    pub source_label: String,
    /// The source's TLS certificates are not checked: the status bar says so, always.
    pub tls_unverified: bool,
    pub catalog: Arc<Catalog>,
    pub info: CatalogInfo,
    pub list: ListState,
    /// Screens stacked above the list, top last.
    pub screens: Vec<Box<dyn Screen>>,
    pub overlay: Option<Overlay>,
    pub details: HashMap<String, EntityDetail>,
    pub toasts: Vec<Toast>,
    pub sync: SyncStatus,
    pub keymap: Keymap,
    /// Terminal size, for scrolling maths.
    pub width: u16,
    pub height: u16,
    /// Unix seconds, from Tick: views never read the clock themselves.
    pub now: i64,
    pub monochrome: bool,
    /// Seconds between background syncs (0: off) and when the last one began.
    pub sync_interval: i64,
    /// Names of the configured instances, for `:instance`.
    pub instances: Vec<String>,
    /// Where a folder source's templates dry-run (`d` on a form's review).
    pub dry_run_server: Option<crate::config::Instance>,
    /// The user's own ref (config `me`), for "owned by me".
    pub me: Option<String>,
    /// Doc viewer settings (runbook annotations, browser or not) and request ids.
    pub docs: crate::screens::doc::DocsState,
    pub last_sync_started: i64,
    /// Probe results and what to probe (src/screens/health).
    pub health: crate::screens::health::HealthState,
    /// Configured actions, Backstage's, and run ids.
    pub actions: crate::actions::ActionState,
    pub quit: bool,
    /// `callboard REF|NAME`: the entity to open once a catalog is loaded.
    pub start_at: Option<String>,
    /// Every notice and error shown this session, with its time (`:messages`).
    pub messages: Vec<Message>,
    /// The last sync's failure (a missing token, a refused request): stays
    /// in the status bar until a sync succeeds.
    pub sync_error: Option<String>,
    /// The user asked for the running sync (`r`): its outcome is always told.
    pub manual_sync: bool,
    /// Past searches and palette commands (Up/Down), saved by the app at exit.
    pub search_history: crate::history::History,
    pub palette_history: crate::history::History,
}

/// One line of `:messages`.
pub struct Message {
    pub at: i64,
    pub level: Level,
    pub text: String,
}

/// How many notices `:messages` keeps (the oldest go first).
pub const MESSAGES_KEPT: usize = 1000;

impl State {
    pub fn new(source_label: String, keymap: Keymap, now: i64) -> State {
        State {
            source_label,
            tls_unverified: false,
            catalog: Arc::new(Catalog::default()),
            info: CatalogInfo::default(),
            list: ListState::default(),
            screens: Vec::new(),
            overlay: None,
            details: HashMap::new(),
            toasts: Vec::new(),
            sync: SyncStatus::Idle,
            keymap,
            width: 80,
            height: 24,
            now,
            monochrome: false,
            sync_interval: 0,
            me: None,
            instances: Vec::new(),
            dry_run_server: None,
            docs: Default::default(),
            last_sync_started: now,
            health: crate::screens::health::HealthState::new(),
            actions: Default::default(),
            quit: false,
            start_at: None,
            messages: Vec::new(),
            sync_error: None,
            manual_sync: false,
            search_history: Default::default(),
            palette_history: Default::default(),
        }
    }

    /// The entity under the cursor in the list, if any.
    pub fn selected_key(&self) -> Option<&str> {
        self.list.hits.get(self.list.selected).map(|h| self.catalog.at(h.idx).key.as_str())
    }

    pub fn toast(&mut self, level: Level, text: impl Into<String>) {
        let seconds = if level == Level::Error { 8 } else { 4 };
        let text = crate::sanitize::clean_line(&text.into());
        if self.messages.len() >= MESSAGES_KEPT {
            self.messages.remove(0);
        }
        self.messages.push(Message { at: self.now, level, text: text.clone() });
        self.toasts.push(Toast { level, text, expires_at: self.now + seconds });
        if self.toasts.len() > 4 {
            self.toasts.remove(0);
        }
    }
}
