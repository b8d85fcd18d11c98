//! A known token, used in every way callboard can get one, must not show up
//! anywhere afterwards: not in the cache, the logs (at trace level), stdout,
//! stderr or error messages, also when the server rejects it, redirects, or
//! the token_command fails after printing it to stderr.

#[path = "common/fake_http.rs"]
mod fake_http;

use fake_http::{FakeServer, Reply};
use serde_json::json;
use std::path::Path;
use std::process::Output;

const TOKEN: &str = "cb-SECRET-token-7f3a9c2e41d8b6";

fn page() -> String {
    let item = json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "svc", "namespace": "default", "etag": "e1"},
        "spec": {"type": "service", "owner": "team-a", "lifecycle": "production"}});
    json!({"items": [item], "totalItems": 1, "pageInfo": {}}).to_string()
}

/// Run the binary with a config for `server` and the given token setting.
fn run(dir: &Path, url: &str, token_setting: &str, args: &[&str]) -> Output {
    let config = dir.join("config.toml");
    std::fs::write(&config, format!("[[instance]]\nname = \"s\"\nurl = \"{url}\"\n{token_setting}\n")).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["--config", config.to_str().unwrap(), "--instance", "s"])
        .args(args)
        .env("CALLBOARD_CACHE_DIR", dir.join("cache"))
        .env("CALLBOARD_STATE_DIR", dir.join("state"))
        .env("CALLBOARD_LOG", "trace")
        .env("CALLBOARD_SECRET_TOKEN", TOKEN)
        .output()
        .unwrap()
}

/// Every file under `dir` except the config and the token file, and both streams.
fn assert_nowhere(dir: &Path, out: &Output, case: &str) {
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(TOKEN), "{case}: token in output");
    }
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name == "config.toml" || name == "token" || name == "helper.sh" {
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes());
            assert!(!found, "{case}: the token is in {}", path.display());
        }
    }
    assert!(files > 0, "{case}: nothing was written to check");
}

#[test]
fn a_known_token_is_never_cached_logged_or_shown() {
    let good = FakeServer::start(|_, seen| match seen.authorization.as_deref() {
        Some(a) if a == format!("Bearer {TOKEN}") => Reply::Json(200, vec![], page()),
        _ => Reply::Json(401, vec![], "{}".into()),
    });
    let rejecting =
        FakeServer::start(|_, _| Reply::Json(401, vec![], format!(r#"{{"error":{{"message":"bad token {TOKEN}"}}}}"#)));
    let failing =
        FakeServer::start(|_, _| Reply::Json(500, vec![], format!(r#"{{"error":{{"message":"echo {TOKEN}"}}}}"#)));
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let helper = dir.path().join("helper.sh");
    std::fs::write(&helper, format!("#!/bin/sh\necho \"cannot refresh {TOKEN}\" >&2\necho {TOKEN}\nexit 2\n")).unwrap();
    let settings = [
        "token_env = \"CALLBOARD_SECRET_TOKEN\"".to_string(),
        format!("token_file = \"{}\"", token_file.display()),
        format!("token_command = [\"sh\", \"-c\", \"echo {TOKEN}\"]"),
    ];
    for setting in &settings {
        // A good sync, then subcommands that read the cache.
        let out = run(dir.path(), &good.url(), setting, &["sync", "--full"]);
        assert!(out.status.success(), "{setting}: {}", String::from_utf8_lossy(&out.stderr));
        assert_nowhere(dir.path(), &out, setting);
        for args in [&["get", "svc", "-o", "json"][..], &["search", "--json"], &["who", "svc"]] {
            let out = run(dir.path(), &good.url(), setting, args);
            assert_nowhere(dir.path(), &out, setting);
        }
        // Rejected, and a server error that echoes the token back.
        for server in [&rejecting, &failing] {
            let out = run(dir.path(), &server.url(), setting, &["sync"]);
            assert!(!out.status.success());
            let stderr = String::from_utf8_lossy(&out.stderr).to_string();
            assert!(!stderr.is_empty());
            assert_nowhere(dir.path(), &out, &format!("{setting} against {}", server.url()));
        }
    }
    // A helper that prints the token to stderr and fails.
    let setting = format!("token_command = [\"sh\", \"{}\"]", helper.display());
    let out = run(dir.path(), &good.url(), &setting, &["sync"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("it failed (exit status: 2); its stderr began: cannot refresh [redacted]"), "{stderr}");
    assert_nowhere(dir.path(), &out, "failing helper");
}
