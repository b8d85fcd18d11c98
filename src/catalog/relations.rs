//! Relations derived from spec fields, as Backstage's built-in processors do,
//! so that a folder of YAML behaves like a catalog server.

use super::entity_ref::EntityRef;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

pub const OWNED_BY: &str = "ownedBy";
pub const OWNER_OF: &str = "ownerOf";
pub const DEPENDS_ON: &str = "dependsOn";
pub const DEPENDENCY_OF: &str = "dependencyOf";
pub const PROVIDES_API: &str = "providesApi";
pub const API_PROVIDED_BY: &str = "apiProvidedBy";
pub const CONSUMES_API: &str = "consumesApi";
pub const API_CONSUMED_BY: &str = "apiConsumedBy";
pub const PART_OF: &str = "partOf";
pub const HAS_PART: &str = "hasPart";
pub const PARENT_OF: &str = "parentOf";
pub const CHILD_OF: &str = "childOf";
pub const MEMBER_OF: &str = "memberOf";
pub const HAS_MEMBER: &str = "hasMember";

/// Every relation type paired with its reverse.
pub const PAIRS: &[(&str, &str)] = &[
    (OWNED_BY, OWNER_OF),
    (DEPENDS_ON, DEPENDENCY_OF),
    (PROVIDES_API, API_PROVIDED_BY),
    (CONSUMES_API, API_CONSUMED_BY),
    (PART_OF, HAS_PART),
    (CHILD_OF, PARENT_OF),
    (MEMBER_OF, HAS_MEMBER),
];

/// The reverse of a relation type, if it is one Backstage defines.
pub fn reverse_of(rel_type: &str) -> Option<&'static str> {
    PAIRS.iter().find_map(|(a, b)| {
        if *a == rel_type {
            Some(*b)
        } else if *b == rel_type {
            Some(*a)
        } else {
            None
        }
    })
}

/// One spec field that yields a relation: field, default kind of its refs
/// (None: the ref must name its kind), relation from this entity to the target.
struct Rule {
    field: &'static str,
    default_kind: Option<&'static str>,
    rel: &'static str,
}

const fn rule(field: &'static str, default_kind: Option<&'static str>, rel: &'static str) -> Rule {
    Rule { field, default_kind, rel }
}

fn rules_for(kind: &str) -> &'static [Rule] {
    const COMPONENT: &[Rule] = &[
        rule("owner", Some("group"), OWNED_BY),
        rule("subcomponentOf", Some("component"), PART_OF),
        rule("providesApis", Some("api"), PROVIDES_API),
        rule("consumesApis", Some("api"), CONSUMES_API),
        rule("dependsOn", None, DEPENDS_ON),
        rule("dependencyOf", None, DEPENDENCY_OF),
        rule("system", Some("system"), PART_OF),
    ];
    const API: &[Rule] = &[rule("owner", Some("group"), OWNED_BY), rule("system", Some("system"), PART_OF)];
    const RESOURCE: &[Rule] = &[
        rule("owner", Some("group"), OWNED_BY),
        rule("dependsOn", None, DEPENDS_ON),
        rule("dependencyOf", None, DEPENDENCY_OF),
        rule("system", Some("system"), PART_OF),
    ];
    const SYSTEM: &[Rule] = &[rule("owner", Some("group"), OWNED_BY), rule("domain", Some("domain"), PART_OF)];
    const DOMAIN: &[Rule] = &[rule("owner", Some("group"), OWNED_BY), rule("subdomainOf", Some("domain"), PART_OF)];
    const GROUP: &[Rule] = &[
        rule("parent", Some("group"), CHILD_OF),
        rule("children", Some("group"), PARENT_OF),
        rule("members", Some("user"), HAS_MEMBER),
    ];
    const USER: &[Rule] = &[rule("memberOf", Some("group"), MEMBER_OF)];
    // The scaffolder's entity-model module gives templates an owner.
    const TEMPLATE: &[Rule] = &[rule("owner", Some("group"), OWNED_BY)];
    match kind.to_ascii_lowercase().as_str() {
        "component" => COMPONENT,
        "api" => API,
        "resource" => RESOURCE,
        "system" => SYSTEM,
        "domain" => DOMAIN,
        "group" => GROUP,
        "user" => USER,
        "template" => TEMPLATE,
        _ => &[],
    }
}

/// A spec ref that could not be understood, reported and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationProblem {
    pub entity: String,
    pub message: String,
}

/// Fill `relations` on every entity from the spec fields of all of them.
/// Relations to entities that do not exist are kept: Backstage keeps them, and
/// the views show them as missing.
pub fn derive_relations(entities: &mut [(EntityRef, Value)]) -> Vec<RelationProblem> {
    let mut edges: HashMap<String, BTreeSet<(&'static str, EntityRef)>> = HashMap::new();
    let mut problems = Vec::new();
    for (eref, raw) in entities.iter() {
        for rule in rules_for(&eref.kind) {
            let Some(value) = raw.get("spec").and_then(|s| s.get(rule.field)) else {
                continue;
            };
            let texts: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for text in texts {
                let Some(text) = text.as_str() else {
                    problems.push(RelationProblem {
                        entity: eref.to_string(),
                        message: format!("spec.{} must hold entity refs as strings", rule.field),
                    });
                    continue;
                };
                match EntityRef::parse(text, rule.default_kind, &eref.namespace) {
                    Ok(target) => {
                        let reverse = reverse_of(rule.rel).expect("every rule has a pair");
                        edges.entry(eref.key()).or_default().insert((rule.rel, target.clone()));
                        edges.entry(target.key()).or_default().insert((reverse, eref.clone()));
                    }
                    Err(err) => problems.push(RelationProblem {
                        entity: eref.to_string(),
                        message: format!("spec.{}: {err}", rule.field),
                    }),
                }
            }
        }
    }
    for (eref, raw) in entities.iter_mut() {
        let relations: Vec<Value> = edges
            .remove(&eref.key())
            .into_iter()
            .flatten()
            .map(|(rel, target)| json!({"type": rel, "targetRef": target.to_string()}))
            .collect();
        if let Some(obj) = raw.as_object_mut() {
            obj.insert("relations".into(), Value::Array(relations));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::entity::relations_of;

    fn entity(kind: &str, ns: &str, name: &str, spec: Value) -> (EntityRef, Value) {
        (
            EntityRef::new(kind, ns, name),
            json!({"apiVersion": "backstage.io/v1alpha1", "kind": kind,
                   "metadata": {"name": name, "namespace": ns}, "spec": spec}),
        )
    }

    fn rels(raw: &Value) -> Vec<(String, String)> {
        relations_of(raw).into_iter().map(|r| (r.rel_type, r.target)).collect()
    }

    #[test]
    fn owner_defaults_to_group_in_entity_namespace() {
        let mut es = vec![
            entity("Component", "ops", "a", json!({"owner": "shipping"})),
            entity("Group", "ops", "shipping", json!({})),
        ];
        derive_relations(&mut es);
        assert_eq!(rels(&es[0].1), vec![("ownedBy".into(), "group:ops/shipping".into())]);
        assert_eq!(rels(&es[1].1), vec![("ownerOf".into(), "component:ops/a".into())]);
    }

    #[test]
    fn table_of_spec_fields() {
        let mut es = vec![entity(
            "Component",
            "default",
            "svc",
            json!({
                "owner": "user:jane", "system": "pay", "subcomponentOf": "parent",
                "providesApis": ["pay-api"], "consumesApis": ["other/ledger-api"],
                "dependsOn": ["resource:db", "component:cache"], "dependencyOf": ["component:web"]
            }),
        )];
        let problems = derive_relations(&mut es);
        assert!(problems.is_empty());
        let got = rels(&es[0].1);
        for want in [
            ("ownedBy", "user:default/jane"),
            ("partOf", "system:default/pay"),
            ("partOf", "component:default/parent"),
            ("providesApi", "api:default/pay-api"),
            ("consumesApi", "api:other/ledger-api"),
            ("dependsOn", "resource:default/db"),
            ("dependsOn", "component:default/cache"),
            ("dependencyOf", "component:default/web"),
        ] {
            assert!(got.contains(&(want.0.to_string(), want.1.to_string())), "missing {want:?} in {got:?}");
        }
        assert_eq!(got.len(), 8);
    }

    #[test]
    fn depends_on_needs_a_kind() {
        let mut es = vec![entity("Component", "default", "a", json!({"dependsOn": ["b"]}))];
        let problems = derive_relations(&mut es);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("spec.dependsOn"), "{problems:?}");
        assert!(rels(&es[0].1).is_empty());
    }

    #[test]
    fn groups_and_users_link_both_ways() {
        let mut es = vec![
            entity("Group", "default", "eng", json!({"children": ["team-a"], "members": ["bob"]})),
            entity("Group", "default", "team-a", json!({"parent": "eng"})),
            entity("User", "default", "jane", json!({"memberOf": ["team-a"]})),
        ];
        derive_relations(&mut es);
        let eng = rels(&es[0].1);
        assert!(eng.contains(&("parentOf".into(), "group:default/team-a".into())));
        assert!(eng.contains(&("hasMember".into(), "user:default/bob".into())));
        let team = rels(&es[1].1);
        // parent and children state the same edge twice: kept once.
        assert_eq!(team.iter().filter(|r| r.0 == "childOf").count(), 1);
        assert!(team.contains(&("hasMember".into(), "user:default/jane".into())));
    }

    #[test]
    fn unknown_kinds_get_no_relations() {
        let mut es = vec![entity("AiResource", "default", "x", json!({"owner": "team"}))];
        derive_relations(&mut es);
        assert!(rels(&es[0].1).is_empty());
    }
}
