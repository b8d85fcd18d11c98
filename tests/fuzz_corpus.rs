//! The committed fuzz corpora (fuzz/corpus/TARGET, minimised with `cargo fuzz
//! cmin`) and the crashes the fuzzers found (fuzz/regressions/TARGET), replayed
//! through the same checks the fuzz targets run (callboard::fuzzing). Stable
//! toolchain, a few seconds: the always-on part of the fuzzing in CI.
//! Long runs: scripts/fuzz-long.sh (RELIABILITY.md).

use std::path::Path;

fn replay(target: &str) {
    let check = callboard::fuzzing::TARGETS.iter().find(|(name, _)| *name == target).expect("a target").1;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = Vec::new();
    for dir in [root.join("corpus").join(target), root.join("regressions").join(target)] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            inputs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    inputs.sort();
    assert!(!inputs.is_empty(), "no corpus for {target}");
    let mut failed = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).unwrap();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target}: {} of {} inputs fail:\n{}", failed.len(), inputs.len(), failed.join("\n"));
}

#[test]
fn every_target_has_a_test_here() {
    let names: Vec<&str> = callboard::fuzzing::TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["query", "entity_ref", "files_source", "markdown", "html", "sanitise", "form"]);
    for name in names {
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fuzz/fuzz_targets/{name}.rs"));
        assert!(target.is_file(), "{} missing", target.display());
    }
}

#[test]
fn query_corpus() {
    replay("query");
}

#[test]
fn entity_ref_corpus() {
    replay("entity_ref");
}

#[test]
fn files_source_corpus() {
    replay("files_source");
}

#[test]
fn markdown_corpus() {
    replay("markdown");
}

#[test]
fn html_corpus() {
    replay("html");
}

#[test]
fn sanitise_corpus() {
    replay("sanitise");
}

#[test]
fn form_corpus() {
    replay("form");
}

/// Fuzz target `form`, timeout: two properties that both `$ref` the root
/// doubled the fields at each nesting level, 10,000 of them from a 200-byte
/// schema and seconds per refresh. Now capped, and the cap said on the form.
#[test]
fn a_schema_that_refs_its_root_twice_stops_at_max_fields() {
    use callboard::form::model::{visible_fields, MAX_FIELDS};
    use callboard::form::{Form, FormSpec, Node};
    let schema = serde_json::json!({"type": "object", "properties": {"x": {"$ref": "#"}, "y": {"$ref": "#"}}});
    let fields = visible_fields(&Node::from_json(&schema), &serde_json::Value::Null);
    assert_eq!(fields.len(), MAX_FIELDS + 1);
    assert!(fields.last().unwrap().label.contains("more than 500 fields"), "{:?}", fields.last().unwrap().label);
    let start = std::time::Instant::now();
    let reply = serde_json::json!({"steps": [{"schema": schema}]}).to_string();
    let mut form = Form::new(FormSpec::from_parameter_schema(&reply).unwrap());
    assert!(form.check_all());
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
}

/// Fuzz target `form`, crash: a RepoUrlPicker's problem quoted the template's
/// `allowedHosts` raw ("host must be one of github.c\u{7f}m"). Now cleaned.
#[test]
fn picker_problems_quoting_the_template_are_clean() {
    let reply = serde_json::json!({"steps": [{"schema": {"type": "object", "properties": {"r": {
        "type": "string", "ui:field": "RepoUrlPicker", "default": "gitlab.com?owner=a&repo=b",
        "ui:options": {"allowedHosts": ["github.c\u{7f}m\u{1b}]0;x\u{7}"]}}}}}]});
    let mut form =
        callboard::form::Form::new(callboard::form::FormSpec::from_parameter_schema(&reply.to_string()).unwrap());
    assert!(!form.check_all());
    let problems = form.problems();
    assert!(!problems.is_empty());
    for (_, problem) in problems {
        assert!(!problem.chars().any(callboard::fuzzing::unsafe_char), "{problem:?}");
    }
}
