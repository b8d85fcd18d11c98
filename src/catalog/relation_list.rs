//! An entity's relations packed into one string. A 100k catalog has about a
//! million relations; as `Vec<Relation>` they took two allocations each
//! (≈ 135 MB and most of the load time), packed they take one allocation per
//! entity, load as a plain string copy, and read back as borrowed `&str`s.

use super::entity::Relation;
use super::relations::*;
use std::fmt;

const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// Backstage's relation types get a one-byte code (0x01..); others are
/// spelt out. Codes are control characters, which sanitised type names never
/// contain, so the two cannot be confused.
const KNOWN: [&str; 14] = [
    OWNED_BY,
    OWNER_OF,
    DEPENDS_ON,
    DEPENDENCY_OF,
    PROVIDES_API,
    API_PROVIDED_BY,
    CONSUMES_API,
    API_CONSUMED_BY,
    PART_OF,
    HAS_PART,
    PARENT_OF,
    CHILD_OF,
    MEMBER_OF,
    HAS_MEMBER,
];

/// One relation borrowed from a [`Relations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationRef<'a> {
    pub rel_type: &'a str,
    /// Lowercased ref key of the target.
    pub target: &'a str,
}

/// The relations of one entity, in the order they were given.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Relations(Box<str>);

impl Relations {
    /// From the packed form [`Relations::encoded`] produced (the cache stores it).
    pub fn from_encoded(text: String) -> Relations {
        Relations(text.into_boxed_str())
    }

    /// The packed form, for storage.
    pub fn encoded(&self) -> &str {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = RelationRef<'_>> + '_ {
        self.0.split(RECORD).filter(|r| !r.is_empty()).filter_map(decode)
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn decode(record: &str) -> Option<RelationRef<'_>> {
    let first = record.as_bytes()[0];
    if (1..=KNOWN.len() as u8).contains(&first) {
        return Some(RelationRef { rel_type: KNOWN[first as usize - 1], target: &record[1..] });
    }
    let (rel_type, target) = record.split_once(FIELD)?;
    Some(RelationRef { rel_type, target })
}

impl FromIterator<Relation> for Relations {
    fn from_iter<I: IntoIterator<Item = Relation>>(items: I) -> Relations {
        let mut out = String::new();
        for r in items {
            if !out.is_empty() {
                out.push(RECORD);
            }
            match KNOWN.iter().position(|k| *k == r.rel_type) {
                Some(code) => out.push(char::from(code as u8 + 1)),
                None => {
                    out.push_str(&r.rel_type);
                    out.push(FIELD);
                }
            }
            out.push_str(&r.target);
        }
        Relations(out.into_boxed_str())
    }
}

impl From<Vec<Relation>> for Relations {
    fn from(items: Vec<Relation>) -> Relations {
        items.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Relations {
    type Item = RelationRef<'a>;
    type IntoIter = Box<dyn Iterator<Item = RelationRef<'a>> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl fmt::Debug for Relations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|r| (r.rel_type, r.target))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(t: &str, k: &str) -> Relation {
        Relation { rel_type: t.into(), target: k.into() }
    }

    #[test]
    fn round_trips_known_and_unknown_types() {
        let list: Relations = vec![
            rel(OWNED_BY, "group:default/a"),
            rel("x-custom", "component:ops/b"),
            rel(HAS_MEMBER, "user:default/c"),
        ]
        .into();
        let back: Vec<(&str, &str)> = list.iter().map(|r| (r.rel_type, r.target)).collect();
        assert_eq!(
            back,
            vec![(OWNED_BY, "group:default/a"), ("x-custom", "component:ops/b"), (HAS_MEMBER, "user:default/c")]
        );
        assert_eq!(list.len(), 3);
        let again = Relations::from_encoded(list.encoded().to_string());
        assert_eq!(again, list);
        // Known types take one byte.
        assert_eq!(list.encoded().len(), 1 + 15 + 1 + 8 + 1 + 15 + 1 + 1 + 14);
        assert!(Relations::default().is_empty());
        assert_eq!(Relations::default().len(), 0);
    }
}
