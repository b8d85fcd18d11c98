//! The catalog: entity model, refs, relations, the files source, the cache and
//! the in-memory index every view reads.

pub mod cache;
pub mod entity;
pub mod entity_ref;
pub mod files;
pub mod graph;
pub mod relations;

pub use entity::{Relation, Summary};
pub use entity_ref::EntityRef;

use std::collections::HashMap;

/// All summaries in list order plus a key index. Immutable once built: a sync
/// builds a new one and swaps it in, so readers never see a half update.
#[derive(Debug, Default)]
pub struct Catalog {
    entities: Vec<Summary>,
    index: HashMap<String, u32>,
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

impl Catalog {
    pub fn new(mut entities: Vec<Summary>) -> Catalog {
        entities.sort_by(|a, b| {
            kind_rank(&a.kind)
                .cmp(&kind_rank(&b.kind))
                .then_with(|| a.kind.to_ascii_lowercase().cmp(&b.kind.to_ascii_lowercase()))
                .then_with(|| a.label().to_lowercase().cmp(&b.label().to_lowercase()))
                .then_with(|| a.namespace.cmp(&b.namespace))
        });
        let index = entities.iter().enumerate().map(|(i, e)| (e.key.clone(), i as u32)).collect();
        Catalog { entities, index }
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
