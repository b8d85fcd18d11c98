//! The blast radius: who is affected when an entity breaks, which teams to
//! tell, and who cannot be told. A system, domain or group has no dependents
//! of its own; its radius is the union over its parts.

use super::graph::{is_container, reachable, resolve_owner, TreeMode};
use super::relations::{HAS_PART, OWNER_OF};
use super::Catalog;
use std::collections::{HashSet, VecDeque};

/// The blast radius of an entity: who is affected, and which teams to tell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlastRadius {
    /// For a system, domain or group: its parts (components, APIs, resources;
    /// a domain's systems and theirs; a group's owned entities), the roots
    /// the radius is the union over. Empty for anything else.
    pub roots: Vec<String>,
    /// Affected entities in the catalog (a container's parts included: they
    /// are what breaks first), APIs excluded (an API is a contract, not a
    /// team's service), dangling refs and containers excluded.
    pub entities: Vec<String>,
    /// Owner keys of the affected entities, most affected first.
    pub teams: Vec<(String, usize)>,
    /// Affected entities nobody can be told about: no owner resolves (stated
    /// owner missing or dangling, nothing to inherit). Named on their own so
    /// "teams to notify" never looks complete when it is not.
    pub unowned: Vec<Unowned>,
}

/// An affected entity with no reachable owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unowned {
    pub key: String,
    /// The owner it states (not in the catalog), empty when it states none.
    pub stated: String,
}

impl Unowned {
    /// Why nobody can be told, e.g. "owner group:default/ghost is not in the catalog".
    pub fn reason(&self) -> String {
        if self.stated.is_empty() {
            "no owner stated, and no system or domain owner".to_string()
        } else {
            format!("owner {} is not in the catalog", self.stated)
        }
    }
}

impl BlastRadius {
    /// "1 affected entity has no reachable owner: audit-trail (owner … is
    /// not in the catalog)", or a heading and one line each when there are more.
    pub fn unowned_lines(&self) -> Vec<String> {
        let item = |u: &Unowned| format!("{} ({})", crate::search::rank::ref_name(&u.key), u.reason());
        match self.unowned.as_slice() {
            [] => Vec::new(),
            [one] => vec![format!("1 affected entity has no reachable owner: {}", item(one))],
            many => {
                let mut lines = vec![format!("{} affected entities have no reachable owner:", many.len())];
                lines.extend(many.iter().map(|u| format!("  {}", item(u))));
                lines
            }
        }
    }
}

pub fn blast_radius(catalog: &Catalog, root: &str) -> BlastRadius {
    let reached = reachable(catalog, root, TreeMode::BlastRadius);
    let roots = match catalog.get(root) {
        Some(s) if is_container(&s.kind) => container_parts(catalog, root),
        _ => Vec::new(),
    };
    let entities: Vec<String> = reached
        .into_iter()
        .filter(|k| catalog.get(k).is_some_and(|s| !s.kind.eq_ignore_ascii_case("api") && !is_container(&s.kind)))
        .collect();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut unowned = Vec::new();
    for key in &entities {
        // The owner we would actually call: an inherited one when the stated one dangles.
        let resolution = resolve_owner(catalog, key);
        match resolution.resolved {
            Some(owner) => *counts.entry(owner).or_default() += 1,
            None => unowned.push(Unowned { key: key.clone(), stated: resolution.stated }),
        }
    }
    let mut teams: Vec<(String, usize)> = counts.into_iter().collect();
    teams.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    BlastRadius { roots, entities, teams, unowned }
}

/// The leaf parts of a container (systems and domains expand into theirs),
/// in walk order, each once.
fn container_parts(catalog: &Catalog, root: &str) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::from([root.to_string()]);
    let mut queue = VecDeque::from([root.to_string()]);
    let mut out = Vec::new();
    while let Some(key) = queue.pop_front() {
        let Some(s) = catalog.get(&key) else { continue };
        let rels: &[&str] = if s.kind.eq_ignore_ascii_case("group") { &[OWNER_OF] } else { &[HAS_PART] };
        for rel in rels {
            for target in s.targets(rel) {
                if !seen.insert(target.to_string()) {
                    continue;
                }
                match catalog.get(target) {
                    Some(t) if t.kind.eq_ignore_ascii_case("system") || t.kind.eq_ignore_ascii_case("domain") => {
                        queue.push_back(target.to_string())
                    }
                    Some(_) => out.push(target.to_string()),
                    None => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::graph::children;

    use crate::catalog::test_entity as entity;

    /// checkout (system) = {cart, pay-api}; shop (domain) ⊃ checkout; web
    /// consumes pay-api; audit depends on cart and its owner dangles;
    /// notes depends on cart and states no owner.
    fn containers() -> Catalog {
        Catalog::new(vec![
            entity("domain:default/shop", "group:default/core", &[("hasPart", "system:default/checkout")]),
            entity(
                "system:default/checkout",
                "group:default/core",
                &[
                    ("partOf", "domain:default/shop"),
                    ("hasPart", "component:default/cart"),
                    ("hasPart", "api:default/pay-api"),
                ],
            ),
            entity(
                "component:default/cart",
                "group:default/core",
                &[
                    ("partOf", "system:default/checkout"),
                    ("dependencyOf", "component:default/audit"),
                    ("dependencyOf", "component:default/notes"),
                ],
            ),
            entity(
                "api:default/pay-api",
                "group:default/core",
                &[("partOf", "system:default/checkout"), ("apiConsumedBy", "component:default/web")],
            ),
            entity(
                "component:default/web",
                "group:default/front",
                &[("consumesApi", "api:default/pay-api"), ("partOf", "system:default/checkout")],
            ),
            entity("component:default/web-assets", "group:default/front", &[("partOf", "component:default/web")]),
            entity("component:default/audit", "group:default/ghost", &[("dependsOn", "component:default/cart")]),
            entity("component:default/notes", "", &[("dependsOn", "component:default/cart")]),
            entity(
                "group:default/core",
                "",
                &[
                    ("ownerOf", "component:default/cart"),
                    ("ownerOf", "api:default/pay-api"),
                    ("ownerOf", "system:default/checkout"),
                    ("ownerOf", "domain:default/shop"),
                ],
            ),
            entity("group:default/front", "", &[("ownerOf", "component:default/web")]),
        ])
    }

    #[test]
    fn unreachable_owners_are_named_not_dropped() {
        let c = containers();
        let br = blast_radius(&c, "component:default/cart");
        let mut entities = br.entities.clone();
        entities.sort();
        assert_eq!(entities, vec!["component:default/audit", "component:default/notes"]);
        assert!(br.teams.is_empty(), "{:?}", br.teams);
        assert_eq!(
            br.unowned,
            vec![
                Unowned { key: "component:default/audit".into(), stated: "group:default/ghost".into() },
                Unowned { key: "component:default/notes".into(), stated: String::new() },
            ]
        );
        assert_eq!(br.unowned[0].reason(), "owner group:default/ghost is not in the catalog");
        assert!(br.roots.is_empty());
        assert_eq!(
            br.unowned_lines(),
            vec![
                "2 affected entities have no reachable owner:",
                "  audit (owner group:default/ghost is not in the catalog)",
                "  notes (no owner stated, and no system or domain owner)",
            ]
        );
    }

    #[test]
    fn a_subcomponent_takes_its_component_down_but_not_its_system() {
        let c = containers();
        let br = blast_radius(&c, "component:default/web-assets");
        assert_eq!(br.entities, vec!["component:default/web"]);
    }

    #[test]
    fn a_containers_blast_radius_is_the_union_over_its_parts() {
        let c = containers();
        for root in ["system:default/checkout", "domain:default/shop", "group:default/core"] {
            let br = blast_radius(&c, root);
            let mut roots = br.roots.clone();
            roots.sort();
            assert_eq!(roots, vec!["api:default/pay-api", "component:default/cart"], "{root}");
            let mut entities = br.entities.clone();
            entities.sort();
            assert_eq!(
                entities,
                vec![
                    "component:default/audit",
                    "component:default/cart",
                    "component:default/notes",
                    "component:default/web"
                ],
                "{root}"
            );
            assert_eq!(
                br.teams,
                vec![("group:default/core".to_string(), 1), ("group:default/front".to_string(), 1)],
                "{root}"
            );
            assert_eq!(br.unowned.len(), 2, "{root}");
        }
        // The tree shows the parts as the first level.
        let first: Vec<String> =
            children(&c, "system:default/checkout", TreeMode::BlastRadius).into_iter().map(|e| e.target).collect();
        assert_eq!(first, vec!["component:default/cart", "api:default/pay-api"]);
    }
}
