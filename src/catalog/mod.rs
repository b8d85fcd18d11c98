//! The catalog: entity model, refs, relations, the files source, the cache and
//! the in-memory index every view reads.

pub mod blast;
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
    index: HashMap<String, u32, KeyHasher>,
    /// The last search over this catalog, to narrow the next one from.
    pub(crate) search_memo: crate::search::memo::SearchMemo,
    /// Field values as columns, for field terms; built per field on first use.
    pub(crate) search_columns: crate::search::columns::Columns,
}

/// FNV-1a for the key index: ref keys are short and not attacker-chosen in
/// a way that matters here, and SipHash made the index a third of the cost
/// of opening a 100k catalog.
#[derive(Default, Clone, Copy)]
pub struct KeyHasher;

impl std::hash::BuildHasher for KeyHasher {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ *b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
}

/// Where a kind sorts in the list: the things people look for first.
pub fn kind_rank(kind: &str) -> u8 {
    const ORDER: [(&str, u8); 9] = [
        ("component", 0),
        ("api", 1),
        ("resource", 2),
        ("system", 3),
        ("domain", 4),
        ("group", 5),
        ("user", 6),
        ("template", 7),
        ("location", 9),
    ];
    // No lowercased copy: this runs in the list sort's comparator.
    ORDER.iter().find(|(k, _)| k.eq_ignore_ascii_case(kind)).map_or(8, |(_, rank)| *rank)
}

/// The list's order: kind (by rank, then name), label, namespace, all
/// case-insensitive. Compares without allocating (lowercasing copies on
/// every comparison made opening 100k entities cost 120 ms).
pub fn list_order(a: &Summary, b: &Summary) -> std::cmp::Ordering {
    fn ascii_lower(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().map(|c| c.to_ascii_lowercase())
    }
    fn lower(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().flat_map(char::to_lowercase)
    }
    let (la, lb) = (a.label(), b.label());
    kind_rank(&a.kind)
        .cmp(&kind_rank(&b.kind))
        .then_with(|| ascii_lower(&a.kind).cmp(ascii_lower(&b.kind)))
        .then_with(|| {
            // Byte order of UTF-8 is code point order, so ASCII needs no decoding.
            if la.is_ascii() && lb.is_ascii() {
                ascii_lower(la).cmp(ascii_lower(lb))
            } else {
                lower(la).cmp(lower(lb))
            }
        })
        .then_with(|| a.namespace.cmp(&b.namespace))
}

impl Catalog {
    pub fn new(mut entities: Vec<Summary>) -> Catalog {
        // Stable; the cache's snapshot is already in this order, and then
        // this is one linear check.
        if !entities.is_sorted_by(|a, b| list_order(a, b).is_le()) {
            entities.sort_by(list_order);
        }
        Catalog::in_list_order(entities)
    }

    /// From summaries already in [`list_order`], as the cache returns them:
    /// skips even the check (55 ms at 100k).
    pub fn in_list_order(entities: Vec<Summary>) -> Catalog {
        debug_assert!(entities.is_sorted_by(|a, b| list_order(a, b).is_le()));
        let mut index = HashMap::with_capacity_and_hasher(entities.len(), KeyHasher);
        index.extend(entities.iter().enumerate().map(|(i, e)| (e.key.clone(), i as u32)));
        Catalog { entities, index, search_memo: Default::default(), search_columns: Default::default() }
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

/// A summary for tests: `kind:namespace/name`, its owner and relations.
#[cfg(test)]
pub(crate) fn test_entity(key: &str, owner: &str, rels: &[(&str, &str)]) -> Summary {
    let (kind, rest) = key.split_once(':').unwrap();
    let name = rest.rsplit('/').next().unwrap();
    Summary {
        key: key.into(),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        owner: owner.into(),
        relations: rels.iter().map(|(t, k)| Relation { rel_type: t.to_string(), target: k.to_string() }).collect(),
        ..Default::default()
    }
}
