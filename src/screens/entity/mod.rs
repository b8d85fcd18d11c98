//! The entity page: tabs, relation cursor, following relations.

mod view;

use crate::catalog::graph::relation_rows;
use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::sanitize::{clean_line, clean_multiline};
use crate::screens::values::{self, Value as Pick};
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::{EntityDetail, Link, State};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;
use serde_json::Value;

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

impl Screen for EntityPage {
    fn context(&self) -> Context {
        Context::Entity
    }

    fn crumb(&self, state: &State) -> String {
        state.catalog.label_of(&self.key)
    }

    fn entity(&self) -> Option<&str> {
        Some(&self.key)
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let key = self.key.clone();
        let rows = row_count(state, &key, self.tab);
        let cursor = if self.tab == EntityTab::Overview { &mut self.selected } else { &mut self.scroll };
        if move_cursor(cursor, rows, command, page_rows(state.height)) {
            return Outcome::none();
        }
        match command {
            Command::Back => Outcome::close(),
            // On the links and annotations tabs `o` opens the selected address.
            Command::OwnerCard if matches!(self.tab, EntityTab::Links | EntityTab::Annotations) => {
                match self.value(state) {
                    Some(v) => Outcome::stay(values::follow(state, &v)),
                    None => Outcome::none(),
                }
            }
            Command::OwnerCard | Command::Dependencies | Command::BlastRadius => {
                Outcome::stay(crate::screens::open_for(state, &key, command))
            }
            Command::NextTab | Command::PrevTab => {
                let i = EntityTab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let n = EntityTab::ALL.len();
                let next = if command == Command::NextTab { (i + 1) % n } else { (i + n - 1) % n };
                self.tab = EntityTab::ALL[next];
                self.scroll = 0;
                Outcome::none()
            }
            Command::Copy => match self.value(state) {
                Some(v) => Outcome::stay(values::copy(state, &v)),
                None => {
                    // The raw YAML has no cursor: say where copying works.
                    state.toast(crate::msg::Level::Info, "Nothing selected to copy here (Y copies the ref)");
                    Outcome::none()
                }
            },
            Command::Open => match self.value(state) {
                Some(v) => Outcome::stay(values::follow(state, &v)),
                None => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        view::render(frame, area, state, self, theme)
    }

    crate::screen_any!();
}

impl EntityPage {
    /// The value under the cursor: the selected relation (Overview), link
    /// or annotation; nothing on the raw YAML.
    pub fn value(&self, state: &State) -> Option<Pick> {
        let detail = state.details.get(&self.key);
        match self.tab {
            EntityTab::Overview => {
                let summary = state.catalog.get(&self.key)?;
                relation_rows(summary).get(self.selected).map(|(_, k)| Pick::entity(k))
            }
            EntityTab::Annotations => detail?.annotations.get(self.scroll).map(|(_, v)| Pick::guess(v, &state.catalog)),
            EntityTab::Links => detail?.links.get(self.scroll).map(|l| Pick::guess(&l.url, &state.catalog)),
            EntityTab::Raw => None,
        }
    }
}

/// Open an entity page on top of the stack (from the list, a relation, the palette).
pub fn open(state: &mut State, key: &str) -> Vec<Effect> {
    crate::screens::push(state, EntityPage { key: key.to_string(), tab: EntityTab::Overview, selected: 0, scroll: 0 });
    // The owner's document too: the page's owner panel shows its contacts.
    let mut wanted = vec![key.to_string()];
    wanted.extend(crate::catalog::graph::resolve_owner(&state.catalog, key).resolved);
    wanted.into_iter().filter(|k| !state.details.contains_key(k)).map(|key| Effect::LoadEntity { key }).collect()
}

/// How many rows the cursor moves over on a tab.
fn row_count(state: &State, key: &str, tab: EntityTab) -> usize {
    let detail = state.details.get(key);
    match tab {
        EntityTab::Overview => state.catalog.get(key).map_or(0, |s| relation_rows(s).len()),
        EntityTab::Annotations => detail.map_or(0, |d| d.annotations.len()),
        EntityTab::Links => detail.map_or(0, |d| d.links.len()),
        EntityTab::Raw => detail.map_or(0, |d| d.yaml.len()),
    }
}

/// After a new catalog arrives, reload the details of pages on the stack.
pub fn reload_open_pages(state: &State) -> Vec<Effect> {
    let mut keys: Vec<String> = state.screens.iter().filter_map(|s| s.entity().map(str::to_string)).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().map(|key| Effect::LoadEntity { key }).collect()
}

/// Everything the entity page shows beyond the summary, sanitised once here.
pub fn detail_from_raw(raw: &Value) -> EntityDetail {
    let mut annotations: Vec<(String, String)> = raw
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (clean_line(k), clean_line(&text))
        })
        .collect();
    annotations.sort();
    let links = raw
        .pointer("/metadata/links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let s = |k: &str| clean_line(l.get(k).and_then(Value::as_str).unwrap_or(""));
            let url = s("url");
            (!url.is_empty()).then(|| Link { title: s("title"), url, link_type: s("type"), icon: s("icon") })
        })
        .collect();
    let yaml = serde_yaml::to_string(raw).unwrap_or_else(|e| format!("(cannot show as YAML: {e})"));
    EntityDetail {
        annotations,
        links,
        yaml: clean_multiline(&yaml).lines().map(str::to_string).collect(),
        raw: raw.clone(),
    }
}
