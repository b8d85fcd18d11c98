//! The scriptable subcommands, run as a user would: the real binary on the demo catalog.

use serde_json::Value;
use std::process::{Command, Output};

fn callboard(args: &[&str], cache: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(args)
        .env("CALLBOARD_CACHE_DIR", cache)
        .env("CALLBOARD_STATE_DIR", cache)
        .env("XDG_CONFIG_HOME", cache)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn search_json_all_matches_best_first() {
    let cache = tempfile::tempdir().unwrap();
    let all = json(&callboard(&["--demo", "search", "--json"], cache.path()));
    assert_eq!(all.as_array().unwrap().len(), 120, "an empty query matches everything");
    let apis = json(&callboard(&["--demo", "search", "kind:api", "owner:team-payments", "--json"], cache.path()));
    let apis = apis.as_array().unwrap();
    assert!(apis.len() >= 4);
    for a in apis {
        assert_eq!(a["kind"], "API");
        assert_eq!(a["owner"], "group:default/team-payments");
        for field in ["ref", "name", "title"] {
            assert!(a[field].is_string(), "{field} missing in {a}");
        }
    }
    let best = json(&callboard(&["--demo", "search", "payments-api", "--json", "--limit", "1"], cache.path()));
    assert_eq!(best.as_array().unwrap().len(), 1);
    assert_eq!(best[0]["ref"], "component:default/payments-api");
    let none = callboard(&["--demo", "search", "zzzqqqxxx"], cache.path());
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("nothing matches"));
}

#[test]
fn get_prints_yaml_and_json() {
    let cache = tempfile::tempdir().unwrap();
    let yaml = callboard(&["--demo", "get", "component:payments-api"], cache.path());
    assert!(yaml.status.success());
    let text = String::from_utf8_lossy(&yaml.stdout);
    assert!(text.contains("kind: Component") && text.contains("name: payments-api"), "{text}");
    let j = json(&callboard(&["--demo", "get", "payments-api", "-o", "json"], cache.path()));
    assert_eq!(j["metadata"]["name"], "payments-api");
    assert!(j["relations"].as_array().unwrap().iter().any(|r| r["type"] == "providesApi"));
    let missing = callboard(&["--demo", "get", "no-such-thing"], cache.path());
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn who_names_owner_members_and_contacts() {
    let cache = tempfile::tempdir().unwrap();
    let who = json(&callboard(&["--demo", "who", "payments-api", "--json"], cache.path()));
    assert_eq!(who["entity"], "component:default/payments-api");
    assert_eq!(who["owner"]["ref"], "group:default/team-payments");
    assert_eq!(who["inherited"], false);
    let members = who["owner"]["members"].as_array().unwrap();
    assert!(!members.is_empty());
    assert!(members.iter().all(|m| m["email"].as_str().unwrap().contains('@')));
    let contacts = who["owner"]["contacts"].as_array().unwrap();
    let kinds: Vec<&str> = contacts.iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"email") && kinds.contains(&"chat") && kinds.contains(&"oncall"), "{kinds:?}");

    // Dangling owner: the system's owner, marked inherited.
    let inherited = json(&callboard(&["--demo", "who", "merchant-reports", "--json"], cache.path()));
    assert_eq!(inherited["inherited"], true);
    assert_eq!(inherited["stated_owner"], "group:default/team-ghost");
    assert_eq!(inherited["inherited_from"], "system:default/merchant-experience");
    assert_eq!(inherited["owner"]["ref"], "group:default/team-merchant");

    let text = callboard(&["--demo", "who", "payments-api"], cache.path());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Team Payments") && text.contains("members:"), "{text}");

    let ambiguous = callboard(&["--demo", "who", "pay"], cache.path());
    assert_eq!(ambiguous.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&ambiguous.stderr).contains("ambiguous"));
}

#[test]
fn deps_forward_reverse_and_formats() {
    let cache = tempfile::tempdir().unwrap();
    let tree = callboard(&["--demo", "deps", "fraud-scorer"], cache.path());
    let text = String::from_utf8_lossy(&tree.stdout);
    assert!(text.contains("dependsOn component:risk-rules"), "{text}");
    assert!(text.contains("[cycle]"), "the fraud-scorer ↔ risk-rules cycle is marked:\n{text}");
    let dangling = callboard(&["--demo", "deps", "settlement-batch"], cache.path());
    assert!(String::from_utf8_lossy(&dangling.stdout).contains("legacy-mainframe-bridge  [missing"));

    let reverse = callboard(&["--demo", "deps", "api:payments-rest", "--reverse", "--depth", "1"], cache.path());
    let text = String::from_utf8_lossy(&reverse.stdout);
    assert_eq!(text.matches("apiConsumedBy").count(), 16, "{text}");
    assert!(text.contains("Teams to notify:"));

    let j = json(&callboard(&["--demo", "deps", "api:payments-rest", "--reverse", "--format", "json"], cache.path()));
    assert!(j["blast_radius"]["entities"].as_u64().unwrap() >= 16);
    let dot = callboard(&["--demo", "deps", "payments-api", "--depth", "1", "--format", "dot"], cache.path());
    let dot = String::from_utf8_lossy(&dot.stdout);
    assert!(
        dot.starts_with("digraph") && dot.contains("\"component:payments-api\" -> \"component:ledger-service\""),
        "{dot}"
    );
    let mermaid = callboard(&["--demo", "deps", "payments-api", "--depth", "1", "--format", "mermaid"], cache.path());
    assert!(String::from_utf8_lossy(&mermaid.stdout).starts_with("graph LR"));
}

#[test]
fn broken_input_is_reported_on_stderr_and_the_rest_works() {
    let cache = tempfile::tempdir().unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile");
    let out = callboard(&["--catalog-dir", dir, "search", "--json"], cache.path());
    let items = json(&out);
    assert_eq!(items.as_array().unwrap().len(), 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("catalog-info.yaml:"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'));
    let bad_config = cache.path().join("bad.toml");
    std::fs::write(&bad_config, "[[instance]]\nname = \"x\"\nurl = \"http://x\"\nbogus = 1\n").unwrap();
    let out = callboard(&["--config", bad_config.to_str().unwrap(), "--demo", "search"], cache.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml, line 4") && stderr.contains("bogus"), "{stderr}");
}
