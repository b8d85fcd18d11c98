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
            Some((_, targets)) => targets.push(rel.target),
            None => groups.push((rel.rel_type, vec![rel.target])),
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

use super::Catalog;
use std::collections::{HashSet, VecDeque};

/// Which edges a tree follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeMode {
    /// What it needs: dependsOn, consumed APIs and who provides them, subcomponents.
    Dependencies,
    /// Who needs it: dependencyOf, consumers of the APIs it provides.
    BlastRadius,
    /// Domain → systems → parts; group → subgroups → members.
    Structure,
}

impl TreeMode {
    pub fn title(self) -> &'static str {
        match self {
            TreeMode::Dependencies => "Dependencies",
            TreeMode::BlastRadius => "Blast radius",
            TreeMode::Structure => "Structure",
        }
    }

    /// The natural tree for a kind: structure for containers, dependencies otherwise.
    pub fn default_for(kind: &str) -> TreeMode {
        match kind.to_ascii_lowercase().as_str() {
            "domain" | "system" | "group" => TreeMode::Structure,
            _ => TreeMode::Dependencies,
        }
    }
}

/// One child in a tree: the relation that leads to it and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub rel: String,
    pub target: String,
}

/// The children of a node in a mode. Missing targets are kept (shown as missing).
pub fn children(catalog: &Catalog, key: &str, mode: TreeMode) -> Vec<Edge> {
    let Some(entity) = catalog.get(key) else { return Vec::new() };
    let kind = entity.kind.to_ascii_lowercase();
    let wanted: &[&str] = match (mode, kind.as_str()) {
        (TreeMode::Dependencies, "api") => &[API_PROVIDED_BY],
        (TreeMode::Dependencies, _) => &[DEPENDS_ON, CONSUMES_API, HAS_PART],
        (TreeMode::BlastRadius, "api") => &[API_CONSUMED_BY],
        // A container has no dependents of its own worth the name: what
        // breaks with it is what depends on its parts, so its parts are the
        // roots of its blast radius (a domain's systems expand in turn).
        (TreeMode::BlastRadius, "system" | "domain") => &[HAS_PART, DEPENDENCY_OF],
        (TreeMode::BlastRadius, "group") => &[OWNER_OF],
        (TreeMode::BlastRadius, _) => &[DEPENDENCY_OF, PROVIDES_API],
        (TreeMode::Structure, _) => &[HAS_PART, PARENT_OF, HAS_MEMBER],
    };
    let mut out: Vec<Edge> = Vec::new();
    for rel in wanted {
        for target in entity.targets(rel) {
            out.push(Edge { rel: rel.to_string(), target: target.to_string() });
        }
    }
    if mode == TreeMode::BlastRadius && !is_container(&kind) {
        // A subcomponent down takes its component with it (subcomponentOf
        // becomes partOf); partOf a system is membership, not dependence.
        let parents =
            entity.targets(PART_OF).filter(|t| catalog.get(t).is_some_and(|p| p.kind.eq_ignore_ascii_case(&kind)));
        out.extend(parents.map(|t| Edge { rel: PART_OF.to_string(), target: t.to_string() }));
    }
    out
}

/// Whether a kind's blast radius is the union over its parts.
pub fn is_container(kind: &str) -> bool {
    ["system", "domain", "group"].iter().any(|k| k.eq_ignore_ascii_case(kind))
}

/// Everything reachable from `root` in a mode (root excluded), breadth first,
/// each entity once; cycles end naturally.
pub fn reachable(catalog: &Catalog, root: &str, mode: TreeMode) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::from([root.to_string()]);
    let mut queue = VecDeque::from([root.to_string()]);
    let mut out = Vec::new();
    while let Some(key) = queue.pop_front() {
        for edge in children(catalog, &key, mode) {
            if seen.insert(edge.target.clone()) {
                out.push(edge.target.clone());
                queue.push_back(edge.target);
            }
        }
    }
    out
}

pub use super::blast::{blast_radius, BlastRadius, Unowned};

/// How an entity's owner was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerResolution {
    /// The owner ref as the entity states it (may dangle), empty if none.
    pub stated: String,
    /// The owner we can show: the stated one when it exists, else the nearest
    /// known owner up the system/domain chain.
    pub resolved: Option<String>,
    /// Set when `resolved` came from a system or domain: that entity's key.
    pub inherited_from: Option<String>,
}

pub fn resolve_owner(catalog: &Catalog, key: &str) -> OwnerResolution {
    let stated = catalog.get(key).map(|s| s.owner.clone()).unwrap_or_default();
    if !stated.is_empty() && catalog.get(&stated).is_some() {
        return OwnerResolution { stated: stated.clone(), resolved: Some(stated), inherited_from: None };
    }
    // Walk partOf upward (component → system → domain), nearest first.
    let mut seen = HashSet::from([key.to_string()]);
    let mut current = key.to_string();
    while let Some(entity) = catalog.get(&current) {
        let parent = entity
            .targets(PART_OF)
            .find(|t| catalog.get(t).is_some() && !seen.contains(*t))
            .map(str::to_string)
            .or_else(|| (!entity.system.is_empty() && !seen.contains(&entity.system)).then(|| entity.system.clone()));
        let Some(parent) = parent else { break };
        seen.insert(parent.clone());
        if let Some(p) = catalog.get(&parent) {
            if !p.owner.is_empty() && catalog.get(&p.owner).is_some() {
                return OwnerResolution { stated, resolved: Some(p.owner.clone()), inherited_from: Some(parent) };
            }
        }
        current = parent;
    }
    OwnerResolution { stated, resolved: None, inherited_from: None }
}

/// A group's parents up to the root, nearest first (cycle-safe).
pub fn parent_chain(catalog: &Catalog, group: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::from([group.to_string()]);
    let mut current = group.to_string();
    while let Some(parent) = catalog.get(&current).and_then(|g| g.targets(CHILD_OF).next()).map(str::to_string) {
        if !seen.insert(parent.clone()) {
            break;
        }
        out.push(parent.clone());
        current = parent;
    }
    out
}

/// The owners that count as "mine": me, my groups, and their ancestors.
pub fn my_owners(catalog: &Catalog, me: &str) -> HashSet<String> {
    let mut out = HashSet::from([me.to_string()]);
    if let Some(user) = catalog.get(me) {
        for group in user.targets(MEMBER_OF) {
            out.insert(group.to_string());
            out.extend(parent_chain(catalog, group));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalog::test_entity as entity;

    /// web → bff → api(pay) provided by svc → db; svc ↔ cache cycle; svc → ghost (dangling).
    fn catalog() -> Catalog {
        Catalog::new(vec![
            entity(
                "component:default/web",
                "group:default/front",
                &[("dependsOn", "component:default/bff"), ("dependencyOf", "component:default/none")],
            ),
            entity(
                "component:default/bff",
                "group:default/front",
                &[("consumesApi", "api:default/pay"), ("dependencyOf", "component:default/web")],
            ),
            entity(
                "api:default/pay",
                "group:default/core",
                &[
                    ("apiProvidedBy", "component:default/svc"),
                    ("apiConsumedBy", "component:default/bff"),
                    ("apiConsumedBy", "component:default/mobile"),
                ],
            ),
            entity("component:default/mobile", "group:default/apps", &[("consumesApi", "api:default/pay")]),
            entity(
                "component:default/svc",
                "group:default/core",
                &[
                    ("providesApi", "api:default/pay"),
                    ("dependsOn", "resource:default/db"),
                    ("dependsOn", "component:default/cache"),
                    ("dependsOn", "component:default/ghost"),
                    ("dependencyOf", "component:default/cache"),
                ],
            ),
            entity(
                "component:default/cache",
                "group:default/core",
                &[("dependsOn", "component:default/svc"), ("dependencyOf", "component:default/svc")],
            ),
            entity("resource:default/db", "group:default/dba", &[("dependencyOf", "component:default/svc")]),
            entity("group:default/core", "", &[("childOf", "group:default/eng"), ("hasMember", "user:default/ann")]),
            entity("group:default/eng", "", &[("parentOf", "group:default/core"), ("childOf", "group:default/root")]),
            entity("group:default/root", "", &[("parentOf", "group:default/eng")]),
            entity("group:default/front", "", &[]),
            entity("group:default/apps", "", &[]),
            entity("user:default/ann", "", &[("memberOf", "group:default/core")]),
            entity("system:default/paysys", "group:default/core", &[("hasPart", "component:default/orphan")]),
            entity("component:default/orphan", "group:default/gone", &[("partOf", "system:default/paysys")]),
        ])
    }

    #[test]
    fn forward_walk_crosses_apis_and_survives_cycles_and_dangling() {
        let c = catalog();
        let got = reachable(&c, "component:default/web", TreeMode::Dependencies);
        assert_eq!(
            got,
            vec![
                "component:default/bff",
                "api:default/pay",
                "component:default/svc",
                "resource:default/db",
                "component:default/cache",
                "component:default/ghost",
            ]
        );
    }

    #[test]
    fn reverse_walk_and_teams_to_notify() {
        let c = catalog();
        let br = blast_radius(&c, "component:default/svc");
        let mut entities = br.entities.clone();
        entities.sort();
        assert_eq!(
            entities,
            vec![
                "component:default/bff",
                "component:default/cache",
                "component:default/mobile",
                "component:default/web"
            ]
        );
        let teams: Vec<&str> = br.teams.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(teams, vec!["group:default/front", "group:default/apps", "group:default/core"]);
        assert_eq!(br.teams[0].1, 2);
    }

    #[test]
    fn children_of_missing_are_empty_and_depth_is_the_callers() {
        let c = catalog();
        assert!(children(&c, "component:default/ghost", TreeMode::Dependencies).is_empty());
        let first = children(&c, "component:default/svc", TreeMode::Dependencies);
        assert_eq!(first.len(), 3);
    }

    #[test]
    fn owner_inherited_from_system_when_stated_owner_dangles() {
        let c = catalog();
        let r = resolve_owner(&c, "component:default/orphan");
        assert_eq!(r.stated, "group:default/gone");
        assert_eq!(r.resolved.as_deref(), Some("group:default/core"));
        assert_eq!(r.inherited_from.as_deref(), Some("system:default/paysys"));
        let direct = resolve_owner(&c, "component:default/svc");
        assert_eq!(direct.inherited_from, None);
        assert_eq!(direct.resolved.as_deref(), Some("group:default/core"));
    }

    #[test]
    fn parents_and_mine() {
        let c = catalog();
        assert_eq!(parent_chain(&c, "group:default/core"), vec!["group:default/eng", "group:default/root"]);
        let mine = my_owners(&c, "user:default/ann");
        for k in ["user:default/ann", "group:default/core", "group:default/eng", "group:default/root"] {
            assert!(mine.contains(k), "{k}");
        }
        assert_eq!(mine.len(), 4);
    }
}
