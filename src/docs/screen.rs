//! State of the doc screens (runbook picker, doc page, search results).
//! Lives in `State` as `Screen::Doc`; changed only by `update::doc`.

use super::discover::Runbook;
use super::effects::Origin;
use super::find::Match;
use super::layout::Page;
use super::model::ParsedDoc;
use super::search::SearchResult;
use super::target::DocTarget;
use std::sync::Arc;

/// Settings and counters the doc screens share.
#[derive(Debug, Clone)]
pub struct DocsState {
    /// Annotations naming a runbook (config `[runbooks] annotations`).
    pub annotations: Vec<String>,
    /// No local browser: `o` shows and copies the URL instead.
    pub remote: bool,
    /// Backstage base URL when the source is a server, for browser links.
    pub server: Option<String>,
    /// Request ids: a reply for a request no longer on screen is dropped.
    pub next_request: u64,
}

impl Default for DocsState {
    fn default() -> Self {
        DocsState {
            annotations: crate::config::Runbooks::default().annotations,
            remote: false,
            server: None,
            next_request: 1,
        }
    }
}

impl DocsState {
    pub fn request(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }
}

// Variants differ in size, but the whole enum is boxed in `Screen::Doc`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum DocScreen {
    Picker(Picker),
    Page(DocPage),
    Results(Results),
}

/// An entity's runbooks and doc pages.
#[derive(Debug, Clone)]
pub struct Picker {
    pub request: u64,
    pub entity: String,
    pub title: String,
    pub loading: bool,
    /// Open the single obvious runbook without showing the list.
    pub direct: bool,
    pub runbooks: Vec<Runbook>,
    pub note: Option<String>,
    pub selected: usize,
}

/// What is selected on a page for enter / y / o.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Link(usize),
    Code(usize),
}

/// Typing or applied `/` search within a page.
#[derive(Debug, Clone, Default)]
pub struct PageSearch {
    pub typing: bool,
    pub input: String,
    pub query: String,
    pub matches: Vec<Match>,
    pub current: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageStatus {
    Loading,
    Ready,
    Failed(String),
}

/// One doc page.
#[derive(Debug, Clone)]
pub struct DocPage {
    pub request: u64,
    /// The entity the page belongs to, for `b` (its other runbooks).
    pub entity: Option<String>,
    pub target: DocTarget,
    pub title: String,
    pub status: PageStatus,
    pub origin: Option<Origin>,
    pub doc: Option<Arc<ParsedDoc>>,
    pub page: Option<Arc<Page>>,
    /// Width the page was laid out for (or asked for).
    pub width: u16,
    pub scroll: usize,
    pub focus: Option<Focus>,
    pub search: PageSearch,
    pub toc_visible: bool,
    pub toc_focus: bool,
    pub toc_selected: usize,
    /// Heading to show once the page arrives.
    pub anchor: Option<String>,
}

impl DocPage {
    pub fn new(request: u64, target: DocTarget, title: String, entity: Option<String>, width: u16) -> DocPage {
        DocPage {
            request,
            entity,
            target,
            title,
            status: PageStatus::Loading,
            origin: None,
            doc: None,
            page: None,
            width,
            scroll: 0,
            focus: None,
            search: PageSearch::default(),
            toc_visible: false,
            toc_focus: false,
            toc_selected: 0,
            anchor: None,
        }
    }
}

impl DocPage {
    /// The heading the view is in: the last one at or above the top line.
    pub fn current_heading(&self) -> usize {
        let (Some(doc), Some(laid)) = (&self.doc, &self.page) else { return 0 };
        (0..doc.headings.len()).rev().find(|i| laid.heading_line(doc, *i) <= self.scroll).unwrap_or(0)
    }
}

/// Backstage search results.
#[derive(Debug, Clone)]
pub struct Results {
    pub generation: u64,
    pub query: String,
    pub results: Vec<SearchResult>,
    pub next_cursor: Option<String>,
    pub total: Option<usize>,
    pub loading: bool,
    pub error: Option<String>,
    pub selected: usize,
}

/// Columns the TOC pane takes when shown beside the text.
pub const TOC_WIDTH: u16 = 30;
/// Narrower than this, the TOC covers the text instead of sitting beside it.
pub const TOC_SIDE_MIN: u16 = 90;

/// The width pages are laid out at, given the terminal and the TOC.
pub fn text_width(terminal_width: u16, toc_visible: bool) -> u16 {
    let side = if toc_visible && terminal_width >= TOC_SIDE_MIN { TOC_WIDTH + 1 } else { 0 };
    terminal_width.saturating_sub(side + 2).max(20)
}

/// Rows of text a page shows: the body minus its header line and the
/// search / message line.
pub fn text_rows(terminal_height: u16) -> usize {
    crate::state::page_viewport(terminal_height).saturating_sub(2).max(1)
}

impl DocScreen {
    /// The breadcrumb of this screen in the title bar.
    pub fn crumb(&self) -> String {
        match self {
            DocScreen::Picker(p) => p.title.clone(),
            DocScreen::Page(p) => p.title.clone(),
            DocScreen::Results(r) => format!("search “{}”", r.query),
        }
    }
}
