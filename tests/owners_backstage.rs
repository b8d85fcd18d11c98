//! `who` and `deps` against a real Backstage after a sync, and the same
//! questions asked of the same YAML read by the files source: a folder must
//! answer exactly like the server that ingested it.

#[path = "common/backstage.rs"]
mod backstage;

use backstage::{Backstage, TOKEN};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TOKEN_ENV: &str = "CALLBOARD_OWNERS_TEST_TOKEN";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog")
}

fn run(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(args)
        .env("CALLBOARD_CACHE_DIR", home.join("cache"))
        .env("CALLBOARD_STATE_DIR", home)
        .env("XDG_CONFIG_HOME", home)
        .env(TOKEN_ENV, TOKEN)
        .output()
        .unwrap()
}

fn json(out: Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn who_and_deps_after_a_sync_match_the_files_source() {
    let Some(server) = Backstage::start(&fixtures(), 26, |_| {}) else { return };
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[instance]]\nname = \"test\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_string();
    let server_args = |rest: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["--config".into(), config.clone(), "--instance".into(), "test".into()];
        v.extend(rest.iter().map(|s| s.to_string()));
        v
    };
    let dir = server.catalog_dir.to_str().unwrap().to_string();
    let files_args = |rest: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["--catalog-dir".into(), dir.clone()];
        v.extend(rest.iter().map(|s| s.to_string()));
        v
    };
    let call = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run(home.path(), &refs)
    };

    let synced = call(server_args(&["sync"]));
    assert!(synced.status.success(), "{}", String::from_utf8_lossy(&synced.stderr));

    // who: owner, members with emails, from the synced cache.
    let who = json(call(server_args(&["who", "orders-api", "--json"])));
    assert_eq!(who["entity"], "component:default/orders-api");
    assert_eq!(who["owner"]["ref"], "group:default/payments-team");
    assert!(!who["owner"]["members"].as_array().unwrap().is_empty(), "{who}");
    let user_owned = json(call(server_args(&["who", "payments-service", "--json"])));
    assert_eq!(user_owned["owner"]["ref"], "user:default/carol");

    // deps: forward crosses the consumed API to its provider; reverse finds consumers.
    let forward = json(call(server_args(&["deps", "orders-api", "--format", "json"])));
    let text = forward.to_string();
    assert!(
        text.contains("api:default/payments-grpc") && text.contains("component:default/payments-service"),
        "{text}"
    );
    let reverse = json(call(server_args(&["deps", "api:orders-rest", "--reverse", "--format", "json"])));
    let consumers: Vec<&str> =
        reverse["children"].as_array().unwrap().iter().map(|c| c["ref"].as_str().unwrap()).collect();
    assert!(
        consumers.contains(&"component:default/checkout-web") && consumers.contains(&"component:default/admin-console")
    );

    // The files source reading the same folder gives the same answers.
    for question in [
        vec!["who", "orders-api", "--json"],
        vec!["who", "payments-service", "--json"],
        vec!["deps", "orders-api", "--format", "json"],
        vec!["deps", "api:orders-rest", "--reverse", "--format", "json"],
        vec!["deps", "group:payments-team", "--format", "json"],
    ] {
        let from_server = json(call(server_args(&question)));
        let from_files = json(call(files_args(&question)));
        assert_eq!(from_server, from_files, "{question:?} differs between the server and the files source");
    }
}
