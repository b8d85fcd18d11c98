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
    /// The user's own ref (config `me`), for "owned by me".
    pub me: Option<String>,
    /// Doc viewer settings (runbook annotations, browser or not) and request ids.
    pub docs: crate::screens::doc::DocsState,
    pub last_sync_started: i64,
    /// Configured actions, Backstage's, and run ids.
    pub actions: crate::actions::ActionState,
    pub quit: bool,
}

impl State {
    pub fn new(source_label: String, keymap: Keymap, now: i64) -> State {
        State {
            source_label,
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
            docs: Default::default(),
            last_sync_started: now,
            actions: Default::default(),
            quit: false,
        }
    }

    /// The entity under the cursor in the list, if any.
    pub fn selected_key(&self) -> Option<&str> {
        self.list.hits.get(self.list.selected).map(|h| self.catalog.at(h.idx).key.as_str())
    }

    pub fn toast(&mut self, level: Level, text: impl Into<String>) {
        let seconds = if level == Level::Error { 8 } else { 4 };
        self.toasts.push(Toast {
            level,
            text: crate::sanitize::clean_line(&text.into()),
            expires_at: self.now + seconds,
        });
        if self.toasts.len() > 4 {
            self.toasts.remove(0);
        }
    }
}
