//! Owner cards and trees: opening them, moving, expanding, switching mode.

use super::{move_cursor, open_entity};
use crate::catalog::graph::{blast_radius, resolve_owner, TreeMode};
use crate::catalog::tree::{expand_below, flatten};
use crate::effect::Effect;
use crate::keymap::Command;
use crate::state::{page_viewport, OwnerPage, Screen, State, TreePage};
use std::collections::HashSet;

/// Levels opened by "expand all".
const EXPAND_ALL_LEVELS: usize = 3;

pub fn open_owner(state: &mut State, key: &str) -> Vec<Effect> {
    state.screens.push(Screen::Owner(OwnerPage { key: key.to_string(), scroll: 0 }));
    // The card's contacts live in the raw documents of the entity and its owner.
    let mut wanted = vec![key.to_string()];
    wanted.extend(resolve_owner(&state.catalog, key).resolved);
    wanted.into_iter().filter(|k| !state.details.contains_key(k)).map(|key| Effect::LoadEntity { key }).collect()
}

pub fn open_tree(state: &mut State, key: &str, mode: TreeMode) -> Vec<Effect> {
    let mut expanded = HashSet::new();
    expanded.insert(key.to_string());
    let rows = flatten(&state.catalog, key, mode, &expanded);
    let blast = (mode == TreeMode::BlastRadius).then(|| blast_radius(&state.catalog, key));
    state.screens.push(Screen::Tree(TreePage { root: key.to_string(), mode, expanded, rows, selected: 0, blast }));
    Vec::new()
}

pub fn on_owner_command(state: &mut State, command: Command) -> Vec<Effect> {
    let page_rows = page_viewport(state.height);
    let Some(Screen::Owner(page)) = state.screens.last_mut() else { return Vec::new() };
    if move_cursor(&mut page.scroll, 200, command, page_rows) {
        return Vec::new();
    }
    match command {
        Command::Back => {
            state.screens.pop();
            Vec::new()
        }
        Command::Open => {
            let owner = resolve_owner(&state.catalog, &page.key).resolved;
            match owner {
                Some(o) => open_entity(state, &o),
                None => Vec::new(),
            }
        }
        Command::Dependencies => {
            let key = page.key.clone();
            open_tree(state, &key, TreeMode::Dependencies)
        }
        Command::BlastRadius => {
            let key = page.key.clone();
            open_tree(state, &key, TreeMode::BlastRadius)
        }
        _ => Vec::new(),
    }
}

pub fn on_tree_command(state: &mut State, command: Command) -> Vec<Effect> {
    let page_rows = page_viewport(state.height);
    let catalog = state.catalog.clone();
    let Some(Screen::Tree(tree)) = state.screens.last_mut() else { return Vec::new() };
    if move_cursor(&mut tree.selected, tree.rows.len(), command, page_rows) {
        return Vec::new();
    }
    let Some(row) = tree.rows.get(tree.selected).cloned() else {
        if command == Command::Back {
            state.screens.pop();
        }
        return Vec::new();
    };
    match command {
        Command::Back => {
            state.screens.pop();
            return Vec::new();
        }
        Command::Open => {
            if row.missing {
                state.toast(crate::msg::Level::Warn, format!("{} is not in the catalog (dangling reference)", row.key));
                return Vec::new();
            }
            return open_entity(state, &row.key);
        }
        Command::Expand if row.has_children => {
            tree.expanded.insert(row.path.clone());
        }
        Command::Expand => {}
        Command::Collapse => {
            if row.expanded {
                tree.expanded.remove(&row.path);
            } else if let Some(parent) = row.path.rsplit_once('>').map(|(p, _)| p.to_string()) {
                // Already closed: go to the parent, as file trees do.
                if let Some(pos) = tree.rows.iter().position(|r| r.path == parent) {
                    tree.selected = pos;
                }
                return Vec::new();
            }
        }
        Command::ExpandAll => {
            tree.expanded.extend(expand_below(&catalog, &row.path, &row.key, tree.mode, EXPAND_ALL_LEVELS));
        }
        Command::BlastRadius | Command::Dependencies => {
            // Toggle between forward and reverse for the same root.
            let mode = if tree.mode == TreeMode::BlastRadius { TreeMode::Dependencies } else { TreeMode::BlastRadius };
            let root = tree.root.clone();
            state.screens.pop();
            return open_tree(state, &root, mode);
        }
        _ => return Vec::new(),
    }
    tree.rows = flatten(&catalog, &tree.root, tree.mode, &tree.expanded);
    tree.selected = tree.rows.iter().position(|r| r.path == row.path).unwrap_or(0);
    Vec::new()
}
