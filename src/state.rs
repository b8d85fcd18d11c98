//! All the state the views render from. Changed only by `update`.

use crate::catalog::Catalog;
use crate::keymap::Keymap;
use crate::msg::{CatalogInfo, Level};
use crate::search::{Field, Hit};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tui_textarea::TextArea;

/// The catalog list and its search.
pub struct ListState {
    pub input: TextArea<'static>,
    /// True while keys go to the search input.
    pub typing: bool,
    /// The query the current `hits` answer.
    pub applied_query: String,
    pub hits: Arc<Vec<Hit>>,
    pub selected: usize,
    pub offset: usize,
    /// Generation of the newest search asked for; older results are dropped.
    pub generation: u64,
    pub searching: bool,
    /// Entity to keep selected when new results arrive (after a sync).
    pub anchor: Option<String>,
    /// Only entities owned by me or my groups.
    pub mine: bool,
    /// A command on the selection typed while a search was running.
    pub pending: Option<crate::keymap::Command>,
    /// Show the preview pane when the terminal is wide enough (`p` toggles;
    /// kept for the session only).
    pub preview: bool,
}

impl Default for ListState {
    fn default() -> Self {
        let mut input = TextArea::default();
        input.set_cursor_line_style(ratatui::style::Style::default());
        ListState {
            input,
            typing: false,
            applied_query: String::new(),
            hits: Arc::new(Vec::new()),
            selected: 0,
            offset: 0,
            generation: 0,
            searching: false,
            anchor: None,
            mine: false,
            pending: None,
            preview: true,
        }
    }
}

impl ListState {
    pub fn query_text(&self) -> String {
        self.input.lines().join(" ")
    }
}

/// Tabs of the entity page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityTab {
    Overview,
    Annotations,
    Links,
    Raw,
}

impl EntityTab {
    pub const ALL: [EntityTab; 4] = [EntityTab::Overview, EntityTab::Annotations, EntityTab::Links, EntityTab::Raw];
    pub fn title(self) -> &'static str {
        match self {
            EntityTab::Overview => "Overview",
            EntityTab::Annotations => "Annotations",
            EntityTab::Links => "Links",
            EntityTab::Raw => "Raw YAML",
        }
    }
}

/// One entity page on the screen stack.
#[derive(Debug, Clone)]
pub struct EntityPage {
    pub key: String,
    pub tab: EntityTab,
    /// Selected row among the relation rows (Overview) or scroll (other tabs).
    pub selected: usize,
    pub scroll: usize,
}

/// What is stacked above the list.
#[derive(Debug, Clone)]
pub enum Screen {
    Entity(EntityPage),
    /// Runbook picker, doc page or Backstage search results.
    Doc(Box<crate::docs::screen::DocScreen>),
    Owner(OwnerPage),
    Tree(TreePage),
}

/// The owner card of an entity.
#[derive(Debug, Clone)]
pub struct OwnerPage {
    pub key: String,
    pub scroll: usize,
}

/// A dependency, blast-radius or structure tree rooted at an entity.
#[derive(Debug, Clone)]
pub struct TreePage {
    pub root: String,
    pub mode: crate::catalog::graph::TreeMode,
    pub expanded: std::collections::HashSet<String>,
    /// Visible rows, rebuilt only when expansion changes.
    pub rows: Vec<crate::catalog::tree::TreeRow>,
    pub selected: usize,
    /// For the blast radius: everything affected and the teams to notify.
    pub blast: Option<crate::catalog::graph::BlastRadius>,
}

/// A modal on top of everything.
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// Problems met reading the source (broken documents, bad refs).
    Problems {
        scroll: usize,
    },
    Palette {
        input: Box<TextArea<'static>>,
        selected: usize,
    },
    /// First pick a field, then one of its values.
    Facets {
        field: Option<Field>,
        selected: usize,
    },
}

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
    pub screens: Vec<Screen>,
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
    pub docs: crate::docs::screen::DocsState,
    pub last_sync_started: i64,
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

/// Rows the list can show at the current size: total minus title bar,
/// search line, table header, status bar and footer.
pub fn list_viewport(height: u16) -> usize {
    height.saturating_sub(5).max(1) as usize
}

/// Terminal width from which the list shows the preview pane instead of the
/// Description column: the list's fixed columns (85), the pane's gap, border
/// and margin (3), and 52 columns of pane text. At 139 the Description column
/// is 53 wide, so crossing the threshold trades one cut line of description
/// for all of it at the same measure; narrower panes would also start to cut
/// full refs and emails.
pub const PREVIEW_MIN_WIDTH: u16 = 140;

/// Rows the body of a full-screen page can show: minus title, status, footer.
pub fn page_viewport(height: u16) -> usize {
    height.saturating_sub(3).max(1) as usize
}
