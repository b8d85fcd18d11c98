//! The catalog: entity model, refs, relations, the files source, the cache and
//! the in-memory index every view reads.

pub mod cache;
pub mod entity;
pub mod entity_ref;
pub mod files;
pub mod graph;
pub mod owners;
pub mod relation_list;
pub mod relations;
pub mod tree;

pub use entity::{Relation, Summary};
pub use entity_ref::EntityRef;

use std::collections::HashMap;

/// All summaries in list order plus a key index. Immutable once built: a sync
/// builds a new one and swaps it in, so readers never see a half update.
#[derive(Debug, Default)]
pub struct Catalog {
    entities: Vec<Summary>,
    index: HashMap<String, u32>,
    /// The last search over this catalog, to narrow the next one from.
    pub(crate) search_memo: crate::search::memo::SearchMemo,
}

/// Where a kind sorts in the list: the things people look for first.
pub fn kind_rank(kind: &str) -> u8 {
    match kind.to_ascii_lowercase().as_str() {
        "component" => 0,
        "api" => 1,
        "resource" => 2,
        "system" => 3,
        "domain" => 4,
        "group" => 5,
        "user" => 6,
        "template" => 7,
        "location" => 9,
        _ => 8,
    }
}

/// The list's sort key: kind (by rank, then name), label, namespace.
/// Computed once per entity (a comparator that lowercases on every
/// comparison made opening 100k entities cost 120 ms).
pub fn list_order(s: &Summary) -> (u8, String, String, String) {
    (kind_rank(&s.kind), s.kind.to_ascii_lowercase(), s.label().to_lowercase(), s.namespace.clone())
}

impl Catalog {
    pub fn new(mut entities: Vec<Summary>) -> Catalog {
        // Stable, and nearly free when the input is already in list order
        // (the cache's snapshot is).
        entities.sort_by_cached_key(list_order);
        let index = entities.iter().enumerate().map(|(i, e)| (e.key.clone(), i as u32)).collect();
        Catalog { entities, index, search_memo: Default::default() }
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    pub fn all(&self) -> &[Summary] {
        &self.entities
    }

    pub fn at(&self, idx: u32) -> &Summary {
        &self.entities[idx as usize]
    }

    pub fn index_of(&self, key: &str) -> Option<u32> {
        self.index.get(key).copied()
    }

    /// Look up by any ref spelling (case, missing namespace).
    pub fn get(&self, key_or_ref: &str) -> Option<&Summary> {
        let idx =
            self.index_of(key_or_ref).or_else(|| entity_ref::ref_key(key_or_ref).and_then(|k| self.index_of(&k)))?;
        Some(self.at(idx))
    }

    /// The display label for a ref: the entity's label when known, else the
    /// ref itself (dangling refs stay visible).
    pub fn label_of(&self, key: &str) -> String {
        match self.get(key) {
            Some(s) => s.label().to_string(),
            None => EntityRef::parse_full(key).map(|r| r.humanize(None)).unwrap_or_else(|_| key.to_string()),
        }
    }
}
