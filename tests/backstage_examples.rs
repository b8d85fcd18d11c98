//! Backstage's own example catalog (../shared/backstage-examples), read the
//! way a Backstage server reads it. Real-world input nobody here wrote.

use callboard::catalog::files::load;
use callboard::catalog::{Catalog, EntityRef};
use std::path::PathBuf;

fn examples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/backstage-examples");
    if dir.join("all.yaml").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

fn summaries(report: &callboard::catalog::files::LoadReport) -> Catalog {
    Catalog::new(
        report.entities.iter().filter_map(|(_, raw)| callboard::catalog::entity::summarize(raw).ok()).collect(),
    )
}

#[test]
fn reads_the_whole_folder_like_backstage() {
    let Some(dir) = examples() else { return };
    let report = load(&dir);
    let catalog = summaries(&report);
    let kinds: std::collections::BTreeSet<String> = catalog.all().iter().map(|s| s.kind.to_lowercase()).collect();
    for kind in
        ["component", "api", "system", "domain", "group", "user", "resource", "location", "environment", "airesource"]
    {
        assert!(kinds.contains(kind), "kind {kind} missing; got {kinds:?}");
    }
    // Other namespaces are kept apart from default.
    assert!(catalog.all().iter().any(|s| s.namespace != "default"), "no other namespace");
    // The intentionally invalid component is reported, not loaded, and the rest is.
    assert!(!report.problems.is_empty());
    assert!(catalog.len() > 40, "only {} entities", catalog.len());
}

#[test]
fn following_locations_from_all_yaml_matches_backstage() {
    let Some(dir) = examples() else { return };
    let report = load(&dir.join("all.yaml"));
    let catalog = summaries(&report);
    // all.yaml leaves out users, groups and templates, per its description.
    assert!(catalog.all().iter().all(|s| s.kind != "User" && s.kind != "Group"));
    assert!(catalog.all().iter().any(|s| s.kind == "Component"));
    // Relations derived from spec fields, both directions.
    let with_owner = catalog.all().iter().filter(|s| !s.owner.is_empty()).count();
    assert!(with_owner > 10);
    let some_api = catalog
        .all()
        .iter()
        .find(|s| s.kind == "Component" && s.relations.iter().any(|r| r.rel_type == "providesApi"))
        .expect("a component that provides an API");
    let api_key = &some_api.relations.iter().find(|r| r.rel_type == "providesApi").unwrap().target;
    if let Some(api) = catalog.get(api_key) {
        assert!(api.relations.iter().any(|r| r.rel_type == "apiProvidedBy" && r.target == some_api.key));
    }
}

#[test]
fn relative_text_placeholder_is_substituted() {
    let Some(dir) = examples() else { return };
    let report = load(&dir);
    let petstore_hook = report
        .entities
        .iter()
        .find(|(r, _)| *r == EntityRef::new("api", "default", "petstore-webhook"))
        .or_else(|| report.entities.iter().find(|(r, _)| r.name.contains("webhook")));
    let (_, raw) = petstore_hook.expect("the petstore webhook API");
    let definition = &raw["spec"]["definition"];
    assert!(definition.is_string(), "$text was not substituted: {definition}");
    assert!(definition.as_str().unwrap().len() > 50);
}

#[test]
fn problems_name_file_and_line() {
    let Some(dir) = examples() else { return };
    let report = load(&dir);
    for p in &report.problems {
        let text = p.to_string();
        assert!(text.contains(".yaml:"), "problem without file: {text}");
    }
    println!("{} problems:", report.problems.len());
    for p in &report.problems {
        println!("  {p}");
    }
}

/// Issue 11: who and blast-radius answers on a catalog nobody here wrote,
/// checked against what its YAML says.
#[test]
fn who_and_blast_radius_answers_match_the_yaml() {
    use callboard::catalog::blast::blast_radius;
    use callboard::catalog::owners::card;
    let Some(dir) = examples() else { return };
    let report = load(&dir);
    let catalog = summaries(&report);
    let raw_of = |k: &str| report.entities.iter().find(|(r, _)| r.key() == k).map(|(_, v)| v.clone());

    // artist-lookup: `owner: team-a`; team-a's members are the users with memberOf team-a.
    let c = card(&catalog, "component:default/artist-lookup", &raw_of);
    assert_eq!(c.owner.as_ref().unwrap().key, "group:default/team-a");
    assert!(!c.is_self);
    // Both guests (default and development namespaces) are members, told apart by ref.
    let team = card(&catalog, "group:default/team-a", &raw_of);
    assert!(team.is_self);
    let keys: Vec<&str> = team.members.iter().map(|m| m.key.as_str()).collect();
    for k in ["user:default/guest", "user:development/guest", "user:default/breanna.davison"] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert_eq!(team.parents.first().map(|p| p.key.as_str()), Some("group:default/backstage"));

    // artists-db is a dependency of artist-lookup (dependsOn: resource:artists-db).
    let db = blast_radius(&catalog, "resource:default/artists-db");
    assert_eq!(db.entities, vec!["component:default/artist-lookup"]);
    assert_eq!(db.teams, vec![("group:default/team-a".to_string(), 1)]);
    // wayback-archive-storage is `subcomponentOf: wayback-archive`, whose API
    // wayback-search consumes: the storage going down reaches both.
    let storage = blast_radius(&catalog, "component:default/wayback-archive-storage");
    let mut affected = storage.entities.clone();
    affected.sort();
    assert_eq!(affected, vec!["component:default/wayback-archive", "component:default/wayback-search"]);
    // A system's radius is over its parts (audio-playback: three components).
    let system = blast_radius(&catalog, "system:default/audio-playback");
    let mut roots = system.roots.clone();
    roots.sort();
    assert_eq!(
        roots,
        vec!["component:default/playback-order", "component:default/playback-sdk", "component:default/shuffle-api"]
    );
    assert!(system.unowned.is_empty(), "every owner there resolves: {:?}", system.unowned);
}
