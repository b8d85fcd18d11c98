//! On a 20k-entity generated catalog: the blast radius of the most used API,
//! and its teams to notify, checked against a computation written separately
//! from raw spec fields (no relation code shared). Also walks the TUI tree.

use callboard::catalog::entity::summarize;
use callboard::catalog::graph::{blast_radius, TreeMode};
use callboard::catalog::relations::derive_relations;
use callboard::catalog::tree::{expand_below, flatten};
use callboard::catalog::{Catalog, EntityRef};
use callboard::generate::{generate, Options};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

fn refs(value: &Value, field: &str, default_kind: Option<&str>, ns: &str) -> Vec<String> {
    let items: Vec<&str> = match value.pointer(&format!("/spec/{field}")) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => vec![],
    };
    items.into_iter().filter_map(|t| EntityRef::parse(t, default_kind, ns).ok()).map(|r| r.key()).collect()
}

#[test]
fn teams_to_notify_match_an_independent_walk() {
    let generated = generate(Options { entities: 20_000, seed: 7 });
    let mut entities: Vec<(EntityRef, Value)> = generated
        .docs
        .iter()
        .filter_map(|d| callboard::catalog::entity::validate(&d.value).ok().map(|r| (r, d.value.clone())))
        .collect();

    // Independent: from spec fields only.
    let mut consumers: HashMap<String, Vec<String>> = HashMap::new();
    let mut provides: HashMap<String, Vec<String>> = HashMap::new();
    let mut dependents: HashMap<String, Vec<String>> = HashMap::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    for (r, v) in &entities {
        let key = r.key();
        for api in refs(v, "consumesApis", Some("api"), &r.namespace) {
            consumers.entry(api).or_default().push(key.clone());
        }
        provides.insert(key.clone(), refs(v, "providesApis", Some("api"), &r.namespace));
        for dep in refs(v, "dependsOn", None, &r.namespace) {
            dependents.entry(dep).or_default().push(key.clone());
        }
        for of in refs(v, "dependencyOf", None, &r.namespace) {
            dependents.entry(key.clone()).or_default().push(of);
        }
        if let Some(o) = refs(v, "owner", Some("group"), &r.namespace).pop() {
            owner.insert(key, o);
        }
    }
    let known: HashSet<String> = entities.iter().map(|(r, _)| r.key()).collect();
    let root = EntityRef::new("api", "default", &generated.popular_api).key();
    let mut seen = HashSet::from([root.clone()]);
    let mut queue = VecDeque::from([root.clone()]);
    let mut affected = BTreeSet::new();
    while let Some(k) = queue.pop_front() {
        let mut next: Vec<String> = consumers.get(&k).cloned().unwrap_or_default();
        next.extend(dependents.get(&k).cloned().unwrap_or_default());
        next.extend(provides.get(&k).cloned().unwrap_or_default());
        for n in next {
            if seen.insert(n.clone()) {
                if !n.starts_with("api:") && known.contains(&n) {
                    affected.insert(n.clone());
                }
                queue.push_back(n);
            }
        }
    }
    let expected_teams: BTreeSet<String> = affected.iter().filter_map(|k| owner.get(k).cloned()).collect();
    assert!(expected_teams.iter().all(|t| known.contains(t)), "the generator's owners all exist");
    assert!(affected.len() > 100, "a popular API has a wide blast radius: {}", affected.len());

    // callboard: derive relations like the files source, then walk.
    derive_relations(&mut entities);
    let catalog = Catalog::new(entities.iter().filter_map(|(_, v)| summarize(v).ok()).collect());
    assert!(catalog.len() >= 19_000);
    let br = blast_radius(&catalog, &root);
    let got_entities: BTreeSet<String> = br.entities.iter().cloned().collect();
    assert_eq!(got_entities, affected);
    let got_teams: BTreeSet<String> = br.teams.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(got_teams, expected_teams);
    let total: usize = br.teams.iter().map(|(_, n)| n).sum();
    assert_eq!(total, affected.len());

    // The TUI's lazy tree: the first level lists every direct consumer.
    let mut expanded = HashSet::from([root.clone()]);
    let rows = flatten(&catalog, &root, TreeMode::BlastRadius, &expanded);
    let direct: HashSet<&String> = consumers.get(&root).into_iter().flatten().collect();
    assert_eq!(rows.len(), 1 + direct.len());
    expanded.extend(expand_below(&catalog, &root, &root, TreeMode::BlastRadius, 3));
    let deep = flatten(&catalog, &root, TreeMode::BlastRadius, &expanded);
    assert!(deep.len() > rows.len());
}
