//! State of the doc screens (runbook picker, doc page, search results).

use crate::docs::discover::Runbook;
use crate::docs::effects::Origin;
use crate::docs::find::Match;
use crate::docs::layout::Page;
use crate::docs::model::ParsedDoc;
use crate::docs::search::SearchResult;
use crate::docs::target::DocTarget;
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

// Variants differ in size, but the whole enum is boxed on the screen stack.
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
#[derive(Debug, Clone)]
pub struct PageSearch {
    pub typing: bool,
    pub input: crate::input::TextInput,
    pub query: String,
    pub matches: Vec<Match>,
    pub current: usize,
}

impl Default for PageSearch {
    fn default() -> Self {
        PageSearch {
            typing: false,
            input: crate::input::TextInput::single_line(),
            query: String::new(),
            matches: Vec::new(),
            current: 0,
        }
    }
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

impl DocScreen {
    /// The breadcrumb of this screen in the title bar.
    pub fn title(&self) -> String {
        match self {
            DocScreen::Picker(p) => p.title.clone(),
            DocScreen::Page(p) => p.title.clone(),
            DocScreen::Results(r) => format!("search “{}”", r.query),
        }
    }
}
