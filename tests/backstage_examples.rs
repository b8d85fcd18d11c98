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
