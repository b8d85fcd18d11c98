//! Trees: dependencies, blast radius and structure, rooted at an entity.
//! Nodes expand lazily; the blast radius summary is computed as a job.

mod view;

use crate::catalog::graph::{BlastRadius, TreeMode};
use crate::catalog::tree::{expand_below, flatten, TreeRow};
use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::screens::{move_cursor, values, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::collections::HashSet;
use std::sync::Arc;

/// Levels opened by "expand all".
const EXPAND_ALL_LEVELS: usize = 3;

/// A dependency, blast-radius or structure tree rooted at an entity.
#[derive(Debug, Clone)]
pub struct TreePage {
    pub root: String,
    pub mode: TreeMode,
    pub expanded: HashSet<String>,
    /// Visible rows, rebuilt only when expansion changes.
    pub rows: Vec<TreeRow>,
    pub selected: usize,
    /// For the blast radius: everything affected and the teams to notify
    /// (None while it is being computed).
    pub blast: Option<Arc<BlastRadius>>,
}

pub fn open(state: &mut State, key: &str, mode: TreeMode) -> Vec<Effect> {
    let mut expanded = HashSet::new();
    expanded.insert(key.to_string());
    let rows = flatten(&state.catalog, key, mode, &expanded);
    crate::screens::push(state, TreePage { root: key.to_string(), mode, expanded, rows, selected: 0, blast: None });
    if mode == TreeMode::BlastRadius {
        // A walk over the whole reverse graph: thousands of entities for a
        // popular API, so it runs as a job and the tree shows meanwhile.
        vec![Effect::BlastRadius { root: key.to_string(), catalog: state.catalog.clone() }]
    } else {
        Vec::new()
    }
}

/// `c`: everyone to tell, ready to paste into a mail or a chat: each team's
/// email, or its ref when it has none.
fn copy_teams(state: &mut State, blast: Option<&BlastRadius>) -> Vec<Effect> {
    let Some(blast) = blast else {
        state.toast(crate::msg::Level::Info, "The teams to notify are in the blast radius (D)");
        return Vec::new();
    };
    if blast.teams.is_empty() {
        state.toast(crate::msg::Level::Warn, "No team to notify");
        return Vec::new();
    }
    let list: Vec<String> = blast
        .teams
        .iter()
        .map(|(team, _)| match state.catalog.get(team).map(|s| s.email.clone()).filter(|e| !e.is_empty()) {
            Some(email) => email,
            None => crate::cli::resolve::display_ref(team),
        })
        .collect();
    values::copy(state, &values::Value { copy: list.join(", "), target: values::Target::None })
}

/// A blast radius arrived: every tree of that root in reverse mode takes it.
pub fn blast_ready(state: &mut State, root: &str, blast: Arc<BlastRadius>) {
    for tree in crate::screens::all_mut::<TreePage>(state) {
        if tree.root == root && tree.mode == TreeMode::BlastRadius {
            tree.blast = Some(blast.clone());
        }
    }
}

impl Screen for TreePage {
    fn context(&self) -> Context {
        Context::Tree
    }

    fn crumb(&self, state: &State) -> String {
        format!("{} of {}", self.mode.title().to_lowercase(), state.catalog.label_of(&self.root))
    }

    fn entity(&self) -> Option<&str> {
        self.rows.get(self.selected).map(|r| r.key.as_str()).or(Some(&self.root))
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        if move_cursor(&mut self.selected, self.rows.len(), command, page_rows(state.height)) {
            return Outcome::none();
        }
        let Some(row) = self.rows.get(self.selected).cloned() else {
            return if command == Command::Back { Outcome::close() } else { Outcome::none() };
        };
        let catalog = state.catalog.clone();
        match command {
            Command::Back => return Outcome::close(),
            Command::Open => {
                if row.missing {
                    state.toast(
                        crate::msg::Level::Warn,
                        format!("{} is not in the catalog (dangling reference)", row.key),
                    );
                    return Outcome::none();
                }
                return Outcome::stay(crate::screens::entity::open(state, &row.key));
            }
            Command::Copy => return Outcome::stay(values::copy(state, &values::Value::entity(&row.key))),
            Command::OwnerCard => return Outcome::stay(crate::screens::owner::open(state, &row.key)),
            Command::CopyTeams => return Outcome::stay(copy_teams(state, self.blast.as_deref())),
            Command::Expand if row.has_children => {
                self.expanded.insert(row.path.clone());
            }
            Command::Expand => {}
            Command::Collapse => {
                if row.expanded {
                    self.expanded.remove(&row.path);
                } else if let Some(parent) = row.path.rsplit_once('>').map(|(p, _)| p.to_string()) {
                    // Already closed: go to the parent, as file trees do.
                    if let Some(pos) = self.rows.iter().position(|r| r.path == parent) {
                        self.selected = pos;
                    }
                    return Outcome::none();
                }
            }
            Command::ExpandAll => {
                self.expanded.extend(expand_below(&catalog, &row.path, &row.key, self.mode, EXPAND_ALL_LEVELS));
            }
            Command::BlastRadius | Command::Dependencies => {
                // Toggle between forward and reverse for the same root.
                let mode =
                    if self.mode == TreeMode::BlastRadius { TreeMode::Dependencies } else { TreeMode::BlastRadius };
                let effects = open(state, &self.root, mode);
                return Outcome { effects, close: true };
            }
            _ => return Outcome::none(),
        }
        self.rows = flatten(&catalog, &self.root, self.mode, &self.expanded);
        self.selected = self.rows.iter().position(|r| r.path == row.path).unwrap_or(0);
        Outcome::none()
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        view::render(frame, area, state, self, theme)
    }

    crate::screen_any!();
}
