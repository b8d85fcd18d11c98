//! Graph walks over catalog relations (dependency trees, blast radius).

use super::relations::*;
use super::Summary;

/// Relation types in the order an entity page lists them.
const PAGE_ORDER: &[&str] = &[
    OWNED_BY,
    PART_OF,
    HAS_PART,
    PROVIDES_API,
    API_PROVIDED_BY,
    CONSUMES_API,
    API_CONSUMED_BY,
    DEPENDS_ON,
    DEPENDENCY_OF,
    CHILD_OF,
    PARENT_OF,
    MEMBER_OF,
    HAS_MEMBER,
    OWNER_OF,
];

/// An entity's relations grouped by type in page order, unknown types last:
/// (type, target keys).
pub fn grouped_relations(entity: &Summary) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for rel in &entity.relations {
        match groups.iter_mut().find(|(t, _)| *t == rel.rel_type) {
            Some((_, targets)) => targets.push(&rel.target),
            None => groups.push((&rel.rel_type, vec![&rel.target])),
        }
    }
    let rank = |t: &str| PAGE_ORDER.iter().position(|p| *p == t).unwrap_or(PAGE_ORDER.len());
    groups.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then_with(|| a.0.cmp(b.0)));
    groups
}

/// The same, flattened into selectable rows.
pub fn relation_rows(entity: &Summary) -> Vec<(&str, &str)> {
    grouped_relations(entity).into_iter().flat_map(|(t, targets)| targets.into_iter().map(move |k| (t, k))).collect()
}

/// How a relation type reads as a heading.
pub fn relation_title(rel_type: &str) -> &str {
    match rel_type {
        OWNED_BY => "Owned by",
        OWNER_OF => "Owns",
        PART_OF => "Part of",
        HAS_PART => "Has part",
        PROVIDES_API => "Provides API",
        API_PROVIDED_BY => "API provided by",
        CONSUMES_API => "Consumes API",
        API_CONSUMED_BY => "API consumed by",
        DEPENDS_ON => "Depends on",
        DEPENDENCY_OF => "Dependency of",
        CHILD_OF => "Child of",
        PARENT_OF => "Parent of",
        MEMBER_OF => "Member of",
        HAS_MEMBER => "Has member",
        other => other,
    }
}
