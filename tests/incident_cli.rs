//! Issue 11, the incident path, on the real binary: answers that were wrong
//! or silent, and the CLI rough edges an on-call engineer hits first.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn callboard(args: &[&str], cache: &Path) -> Output {
    callboard_env(args, cache, &[])
}

fn callboard_env(args: &[&str], cache: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callboard"));
    cmd.args(args)
        .env("CALLBOARD_CACHE_DIR", cache)
        .env("CALLBOARD_STATE_DIR", cache)
        .env("XDG_CONFIG_HOME", cache)
        // No display, no SSH: `open` prints the address instead of launching anything.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_TTY")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "failed ({:?}): {}", out.status.code(), stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// cart (in system checkout, owned by team-a); audit-trail depends on cart
/// and is owned by a group that does not exist, with no system to inherit from.
fn unowned_catalog(dir: &Path) {
    write(
        dir,
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n\
---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: checkout\nspec:\n  owner: team-a\n\
---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: cart\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  system: checkout\n\
---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: audit-trail\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/ghost-team\n  dependsOn: [component:cart]\n\
---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop-web\nspec:\n  type: website\n  lifecycle: production\n  owner: team-a\n  dependsOn: [component:cart]\n",
    );
}

#[test]
fn blast_radius_names_what_has_no_reachable_owner() {
    let (cache, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    unowned_catalog(dir.path());
    let d = dir.path().to_str().unwrap();
    let out = callboard(&["--catalog-dir", d, "deps", "cart", "--reverse"], cache.path());
    let text = stdout(&out);
    assert!(text.contains("Blast radius: 2 entities, 1 team"), "{text}");
    assert!(
        text.contains(
            "1 affected entity has no reachable owner: audit-trail (owner group:default/ghost-team is not in the catalog)"
        ),
        "{text}"
    );
    let j = json(&callboard(&["--catalog-dir", d, "deps", "cart", "--reverse", "--format", "json"], cache.path()));
    let unowned = j["blast_radius"]["unowned"].as_array().unwrap();
    assert_eq!(unowned.len(), 1, "{j}");
    assert_eq!(unowned[0]["ref"], "component:audit-trail");
    assert_eq!(unowned[0]["stated_owner"], "group:ghost-team");
}

#[test]
fn blast_radius_of_a_system_domain_or_group_is_the_union_over_its_parts() {
    let cache = tempfile::tempdir().unwrap();
    let out = callboard(&["--demo", "deps", "system:checkout", "--reverse"], cache.path());
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("hasPart component:"), "the parts are the roots:\n{text}");
    let summary = text.lines().find(|l| l.starts_with("Blast radius")).unwrap_or_default();
    assert!(!summary.contains(": 0 entities"), "{text}");
    for root in ["system:checkout", "domain:payments", "group:team-payments"] {
        let j = json(&callboard(&["--demo", "deps", root, "--reverse", "--format", "json"], cache.path()));
        assert!(!j["blast_radius"]["roots"].as_array().unwrap().is_empty(), "{root}: {j}");
        assert!(j["blast_radius"]["entities"].as_u64().unwrap() > 0, "{root}: {j}");
        assert!(!j["blast_radius"]["teams"].as_array().unwrap().is_empty(), "{root}: {j}");
    }
}

#[test]
fn broken_yaml_in_a_folder_is_reported_with_file_and_line_everywhere() {
    let (cache, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(dir.path(), "good.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n");
    write(
        dir.path(),
        "broken.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  tags: [a, b\nspec:\n  owner: team-a\n",
    );
    let d = dir.path().to_str().unwrap();
    let sync = callboard(&["--catalog-dir", d, "sync"], cache.path());
    assert!(stdout(&sync).contains("1 entity;") && stdout(&sync).contains("1 input problem"), "{}", stdout(&sync));
    assert!(stderr(&sync).contains("broken.yaml:"), "sync lists its problems: {}", stderr(&sync));
    // Every subcommand says so, also when the folder is unchanged since the last read.
    for args in [vec!["search", "--json"], vec!["who", "team-a"], vec!["deps", "team-a"]] {
        let out = callboard(&[&["--catalog-dir", d][..], &args[..]].concat(), cache.path());
        let err = stderr(&out);
        let line = err.lines().find(|l| l.contains("broken.yaml:")).unwrap_or_else(|| panic!("{args:?}: {err}"));
        let number: usize = line.split("broken.yaml:").nth(1).unwrap().split(':').next().unwrap().parse().unwrap();
        assert!((5..=6).contains(&number), "{line}");
    }
}

#[test]
fn who_a_group_or_user_shows_its_own_card() {
    let cache = tempfile::tempdir().unwrap();
    let j = json(&callboard(&["--demo", "who", "team-payments", "--json"], cache.path()));
    assert_eq!(j["self"], true);
    assert_eq!(j["owner"]["ref"], "group:default/team-payments");
    assert!(!j["owner"]["members"].as_array().unwrap().is_empty(), "{j}");
    assert!(j["owner"]["email"].as_str().unwrap().contains('@'));
    assert!(!j["owner"]["parents"].as_array().unwrap().is_empty(), "{j}");
    let text = stdout(&callboard(&["--demo", "who", "team-payments"], cache.path()));
    assert!(!text.contains("none stated") && text.contains("members:") && text.starts_with("group:"), "{text}");
    let user = json(&callboard(&["--demo", "who", "user:jane-doe", "--json"], cache.path()));
    assert_eq!(user["owner"]["ref"], "user:default/jane-doe");
    assert!(user["owner"]["email"].as_str().unwrap().contains('@'));
    assert!(!user["owner"]["parents"].as_array().unwrap().is_empty(), "her groups: {user}");
}

#[test]
fn search_negation_unquoted_ref_valued_fields_and_unknown_fields() {
    let cache = tempfile::tempdir().unwrap();
    let all = json(&callboard(&["--demo", "search", "kind:api", "--json"], cache.path()));
    let out = callboard(&["--demo", "search", "kind:api", "-lifecycle:production", "--json"], cache.path());
    let not_prod = json(&out);
    let not_prod = not_prod.as_array().unwrap();
    assert!(!not_prod.is_empty() && not_prod.len() < all.as_array().unwrap().len());
    assert!(not_prod.iter().all(|a| a["lifecycle"] != "production" && a["kind"] == "API"));

    let short = json(&callboard(&["--demo", "search", "owner:team-payments", "--json"], cache.path()));
    for q in ["owner:group:team-payments", "owner:group:default/team-payments", "owner:default/team-payments"] {
        assert_eq!(json(&callboard(&["--demo", "search", q, "--json"], cache.path())), short, "{q}");
    }
    let jane = json(&callboard(&["--demo", "search", "owner:user:jane-doe", "--json"], cache.path()));
    assert_eq!(jane.as_array().unwrap().len(), 3, "{jane}");
    let system = json(&callboard(&["--demo", "search", "system:system:checkout", "--json"], cache.path()));
    assert!(!system.as_array().unwrap().is_empty());

    let unknown = callboard(&["--demo", "search", "foo:bar"], cache.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown field foo (fields: kind, type, owner,"), "{}", stderr(&unknown));
    // A ref is still a word.
    assert!(callboard(&["--demo", "search", "component:payments-api"], cache.path()).status.success());
}

#[test]
fn an_exact_title_is_an_exact_match() {
    let cache = tempfile::tempdir().unwrap();
    let who = json(&callboard(&["--demo", "who", "Fraud Scorer", "--json"], cache.path()));
    assert_eq!(who["entity"], "component:default/fraud-scorer");
    let get = json(&callboard(&["--demo", "get", "payments api", "-o", "json"], cache.path()));
    assert_eq!(get["metadata"]["name"], "payments-api");
    let deps = callboard(&["--demo", "deps", "Fraud Scorer", "--depth", "1"], cache.path());
    assert!(stdout(&deps).starts_with("component:fraud-scorer"), "{}", stdout(&deps));
}

#[test]
fn cli_rough_edges() {
    let cache = tempfile::tempdir().unwrap();
    let none = callboard(&["--demo", "search", "zzzqqqxxx", "--json"], cache.path());
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(stdout(&none).trim(), "[]");

    let who = callboard(&["--demo", "who"], cache.path());
    assert_eq!(who.status.code(), Some(2), "usage error: {}", stderr(&who));
    let ambiguous = callboard(&["--demo", "who", "pay"], cache.path());
    assert_eq!(ambiguous.status.code(), Some(4), "ambiguous differs from usage: {}", stderr(&ambiguous));

    let help = stdout(&callboard(&["who", "--help"], cache.path()));
    assert!(help.starts_with("Who owns an entity"), "{help}");
    for sub in ["get", "search", "deps", "sync", "docs", "open", "who"] {
        let help = stdout(&callboard(&[sub, "--help"], cache.path()));
        let first = help.lines().next().unwrap_or_default();
        assert!(!first.starts_with("Usage"), "{sub} --help says what it does: {help}");
    }
    let sync_help = stdout(&callboard(&["sync", "--help"], cache.path()));
    assert!(sync_help.starts_with("Bring the cache up to date"), "{sync_help}");

    // No terminal and no subcommand: say so instead of drawing into a pipe.
    let tui = callboard(&["--demo"], cache.path());
    assert_ne!(tui.status.code(), Some(0));
    assert!(stderr(&tui).contains("needs a terminal"), "{}", stderr(&tui));
}

#[test]
fn docs_show_prints_the_runbook_and_open_names_the_backstage_page() {
    let cache = tempfile::tempdir().unwrap();
    let out = callboard(&["--demo", "docs", "show", "payments-api"], cache.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Payments API runbook") && text.contains("PaymentsApiHighErrorRate"), "{text}");
    assert!(!text.contains('\u{1b}'));

    let config = cache.path().join("config.toml");
    std::fs::write(
        &config,
        "[[instance]]\nname = \"prod\"\nurl = \"http://127.0.0.1:9\"\nweb_url = \"https://backstage.example.com/\"\n",
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let open = callboard(&["--config", c, "--instance", "prod", "open", "component:payments-api"], cache.path());
    assert!(open.status.success(), "{}", stderr(&open));
    assert_eq!(stdout(&open).trim(), "https://backstage.example.com/catalog/default/component/payments-api");
    let folder = callboard(&["--demo", "open", "payments-api"], cache.path());
    assert_eq!(folder.status.code(), Some(2));
}
