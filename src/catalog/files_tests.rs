//! Tests of the files source.
use super::*;

#[test]
fn split_keeps_line_numbers() {
    let docs = split_documents("a: 1\n---\nb: 2\nc: 3\n--- # comment\nd: 4\n");
    let firsts: Vec<usize> = docs.iter().map(|d| d.first_line).collect();
    assert_eq!(firsts, vec![1, 3, 6]);
}

#[test]
fn yaml_only_line_breaks_do_not_push_lines_past_the_end() {
    assert_eq!(file_line("a\u{85}b\nc: [\n", 3), 2);
    assert_eq!(file_line("a\r\nb\rc\nd", 4), 3);
    assert_eq!(file_line("a\nb\n", 2), 2);
    let (line, _) = parse_document("0\u{85}\nkind: [a,\n").unwrap_err();
    assert!(line <= 3, "{line}");
}

#[test]
fn broken_document_is_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalog-info.yaml");
    std::fs::write(
        &file,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: good-one\nspec:\n  owner: team-a\n---\napiVersion: v1\nkind: Component\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: Component\nmetadata:\n  description: no name\n---\napiVersion: v1\nkind: Group\nmetadata:\n  name: team-a\n",
    )
    .unwrap();
    let report = load(dir.path());
    let names: Vec<&str> = report.entities.iter().map(|(r, _)| r.name.as_str()).collect();
    assert_eq!(names, vec!["good-one", "team-a"]);
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(report.problems[0].line >= 11 && report.problems[0].line <= 12, "{}", report.problems[0]);
    assert!(report.problems[0].message.contains("invalid YAML"));
    assert_eq!(report.problems[1].line, 13);
    assert!(report.problems[1].message.contains("metadata.name"));
}

#[test]
fn placeholders_and_location_targets() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("spec.txt"), "openapi: 3.0.0\n").unwrap();
    std::fs::write(sub.join("meta.json"), "{\"x\": [1, 2]}").unwrap();
    std::fs::write(
        sub.join("api.yaml"),
        "apiVersion: v1\nkind: API\nmetadata:\n  name: pay\nspec:\n  definition:\n    $text: ./spec.txt\n  extra:\n    $json: ./meta.json\n  remote:\n    $text: https://example.com/x.yaml\n",
    )
    .unwrap();
    let root = dir.path().join("root.yaml");
    std::fs::write(
        &root,
        "apiVersion: v1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./sub/*.yaml\n    - ./missing.yaml\n    - https://github.com/x/y.yaml\n",
    )
    .unwrap();
    let report = load(&root);
    assert_eq!(report.entities.len(), 2);
    let api = &report.entities[1].1;
    assert_eq!(api["spec"]["definition"], "openapi: 3.0.0\n");
    assert_eq!(api["spec"]["extra"]["x"][1], 2);
    assert_eq!(api["spec"]["remote"]["$text"], "https://example.com/x.yaml");
    assert!(api["metadata"]["annotations"][MANAGED_BY_LOCATION].as_str().unwrap().ends_with("api.yaml"));
    let msgs: Vec<String> = report.problems.iter().map(|p| p.message.clone()).collect();
    assert!(msgs.iter().any(|m| m.contains("missing.yaml does not exist")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("not read by the files source")), "{msgs:?}");
}

#[test]
fn non_catalog_yaml_in_a_folder_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mkdocs.yml"), "site_name: x\nnav: []\n").unwrap();
    std::fs::write(dir.path().join("c.yaml"), "apiVersion: v1\nkind: Thing\nmetadata:\n  name: t\n").unwrap();
    let report = load(dir.path());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.entities[0].0.kind, "thing");
}

#[test]
fn fingerprint_changes_when_a_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), "x: 1\n").unwrap();
    let before = fingerprint(dir.path());
    assert_eq!(before, fingerprint(dir.path()));
    std::fs::write(dir.path().join("a.yaml"), "x: 12\n").unwrap();
    assert_ne!(before, fingerprint(dir.path()));
}

#[test]
fn a_broken_catalog_file_in_a_folder_is_a_problem_not_silence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), "apiVersion: v1\nkind: Group\nmetadata:\n  name: team-a\n").unwrap();
    // One broken document and nothing else: today's loader skipped the
    // file as "not catalog data".
    std::fs::write(
        dir.path().join("svc.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  tags: [a, b\nspec:\n  owner: team-a\n",
    )
    .unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("catalog-info.yaml"), "metadata:\n\tname: tabbed\n").unwrap();
    // Broken YAML that never meant to be catalog data stays ignored.
    std::fs::write(dir.path().join("mkdocs.yml"), "nav: [unclosed\n").unwrap();
    std::fs::write(
        dir.path().join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n  labels: [x\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("other.yaml"), "apiVersion: v1\nkind: API\nmetadata: [oops\n").unwrap();
    let report = load(dir.path());
    let names: Vec<&str> = report.entities.iter().map(|(r, _)| r.name.as_str()).collect();
    assert_eq!(names, vec!["team-a"]);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(report.problems.iter().any(|p| p.file.ends_with("other.yaml")), "{problems:?}");
    let svc = report.problems.iter().find(|p| p.file.ends_with("svc.yaml")).expect("svc.yaml reported");
    assert!((5..=6).contains(&svc.line), "{svc}");
    assert!(svc.message.contains("invalid YAML"), "{svc}");
    assert!(report.problems.iter().any(|p| p.file.ends_with("sub/catalog-info.yaml") && p.line >= 1));
}
