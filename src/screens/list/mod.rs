//! The catalog list: the base screen under the stack. Its search input,
//! results, cursor and preview.

pub mod preview;
pub mod update;
pub mod view;

use crate::input::TextInput;
use crate::search::Hit;
use std::sync::Arc;

/// The catalog list and its search.
pub struct ListState {
    pub input: TextInput,
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
    /// Moves and commands on the selection typed while a search was running,
    /// in order: replayed on its results (type-ahead over a slow link).
    pub pending: Vec<crate::keymap::Command>,
    /// Show the preview pane when the terminal is wide enough (`p` toggles;
    /// kept for the session only).
    pub preview: bool,
}

impl Default for ListState {
    fn default() -> Self {
        ListState {
            input: TextInput::single_line(),
            typing: false,
            applied_query: String::new(),
            hits: Arc::new(Vec::new()),
            selected: 0,
            offset: 0,
            generation: 0,
            searching: false,
            anchor: None,
            mine: false,
            pending: Vec::new(),
            preview: true,
        }
    }
}

impl ListState {
    pub fn query_text(&self) -> String {
        self.input.text()
    }
}
