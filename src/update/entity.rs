//! The entity page: tabs, relation cursor, following relations.

use super::{move_cursor, open_entity};
use crate::catalog::graph::relation_rows;
use crate::effect::Effect;
use crate::keymap::Command;
use crate::sanitize::{clean_line, clean_multiline};
use crate::state::{page_viewport, EntityDetail, EntityTab, Link, Screen, State};
use serde_json::Value;

pub fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    let page_rows = page_viewport(state.height);
    let Some(Screen::Entity(page)) = state.screens.last() else {
        return Vec::new();
    };
    let key = page.key.clone();
    let tab = page.tab;
    let rows = row_count(state, &key, tab);
    let Some(Screen::Entity(page)) = state.screens.last_mut() else {
        return Vec::new();
    };
    let cursor = if tab == EntityTab::Overview { &mut page.selected } else { &mut page.scroll };
    if move_cursor(cursor, rows, command, page_rows) {
        return Vec::new();
    }
    match command {
        Command::Back => {
            state.screens.pop();
            Vec::new()
        }
        Command::OwnerCard | Command::Dependencies | Command::BlastRadius => super::open_for(state, &key, command),
        Command::NextTab | Command::PrevTab => {
            let i = EntityTab::ALL.iter().position(|t| *t == page.tab).unwrap_or(0);
            let n = EntityTab::ALL.len();
            let next = if command == Command::NextTab { (i + 1) % n } else { (i + n - 1) % n };
            page.tab = EntityTab::ALL[next];
            page.scroll = 0;
            Vec::new()
        }
        Command::Open if tab == EntityTab::Overview => {
            let selected = page.selected;
            let target =
                state.catalog.get(&key).and_then(|s| relation_rows(s).get(selected).map(|(_, k)| k.to_string()));
            match target {
                Some(t) if state.catalog.get(&t).is_some() => open_entity(state, &t),
                Some(t) => {
                    state.toast(crate::msg::Level::Warn, format!("{t} is not in the catalog (dangling reference)"));
                    Vec::new()
                }
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
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
    let mut keys: Vec<String> = state
        .screens
        .iter()
        .filter_map(|s| match s {
            Screen::Entity(p) => Some(p.key.clone()),
            Screen::Owner(p) => Some(p.key.clone()),
            _ => None,
        })
        .collect();
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
