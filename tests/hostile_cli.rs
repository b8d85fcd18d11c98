//! Every subcommand of the real binary on the hostile catalog: not one
//! catalog-provided control character, bidi override or sequence remnant
//! in its stdout or stderr, while the output still carries the data.

#[path = "common/hostile.rs"]
mod hostile;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("catalog")).unwrap();
        hostile::write(&dir.path().join("catalog"));
        Fixture { dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        let root = self.dir.path();
        let catalog = root.join("catalog");
        Command::new(env!("CARGO_BIN_EXE_callboard"))
            .arg("--catalog-dir")
            .arg(&catalog)
            .args(args)
            .env("CALLBOARD_CACHE_DIR", root.join("cache"))
            .env("CALLBOARD_STATE_DIR", root.join("state"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .output()
            .unwrap()
    }

    /// Run, require success, and check both streams byte for byte.
    fn safe(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        check(args, &out, true);
        out
    }
}

fn check(args: &[&str], out: &Output, stdout_text_checked: bool) {
    if let Some(problem) = hostile::first_unsafe(&out.stderr) {
        panic!("{args:?} stderr: {problem}");
    }
    if stdout_text_checked {
        if let Some(problem) = hostile::first_unsafe(&out.stdout) {
            panic!("{args:?} stdout: {problem}");
        }
    }
}

#[test]
fn get_escapes_every_control_in_json_and_yaml() {
    let fixture = Fixture::new();
    let original = hostile::entities().into_iter().find(|e| e["metadata"]["name"] == "evil-service").unwrap();
    for format in ["json", "yaml"] {
        let args = ["get", "component:default/evil-service", "-o", format];
        let out = fixture.run(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // The payloads are there, escaped (`\u001b]0;PWNED\u0007`): no raw control.
        check(&args, &out, false);
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(
            !text.chars().any(|c| c != '\n' && (c.is_control() || callboard::safe_output::must_escape(c))),
            "{format}"
        );
        assert!(text.contains("\\u009b2J") && text.contains("\\u202e"), "{format}: C1 and bidi escaped");
        let back: Value =
            if format == "json" { serde_json::from_str(&text).unwrap() } else { serde_yaml::from_str(&text).unwrap() };
        assert_eq!(back["metadata"]["description"], original["metadata"]["description"], "{format} reads back");
        assert_eq!(back["spec"]["dependsOn"].as_array().unwrap().len(), 10_001);
    }
    let name = hostile::long_name();
    let out = fixture.run(&["get", &name, "-o", "json"]);
    check(&["get", &name], &out, false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = fixture.run(&["get", "huge", "-o", "yaml"]);
    check(&["get", "huge"], &out, false);
    assert!(out.stdout.len() > 1 << 20);
}

#[test]
fn every_other_subcommand_writes_only_clean_text() {
    let fixture = Fixture::new();
    let long = hostile::long_name();
    let runs: Vec<Vec<&str>> = vec![
        vec!["sync"],
        vec!["sync", "--full"],
        vec!["search"],
        vec!["search", "evil"],
        vec!["search", "--json"],
        vec!["search", "--json", "kind:component", "owner:team-evil"],
        vec!["search", "tag:tag"],
        vec!["who", "evil-service"],
        vec!["who", "--json", "evil-service"],
        vec!["who", "mallory"],
        vec!["who", "--json", &long],
        vec!["deps", "evil-service"],
        vec!["deps", "evil-service", "--reverse"],
        vec!["deps", "cyc-a", "--format", "json"],
        vec!["deps", "cyc-a", "--format", "dot"],
        vec!["deps", "cyc-b", "--format", "mermaid", "--reverse"],
        vec!["deps", "evil-service", "--format", "json", "--depth", "1"],
        vec!["docs", "prefetch"],
    ];
    for args in &runs {
        let out = fixture.safe(args);
        if args.contains(&"--json") {
            let value: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(!value.is_null(), "{args:?}");
        }
    }
    // The data is still there, cleaned: names, the cycle, all 10k dependencies.
    let out = fixture.safe(&["deps", "evil-service", "--format", "json", "--depth", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dep-9999") && text.contains("cyc-a"), "{}", &text[..text.len().min(400)]);
    let out = fixture.safe(&["search", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&long) && text.contains("evil-service 決済🚀"), "{}", &text[..text.len().min(600)]);
    assert!(Path::new(&fixture.dir.path().join("cache")).exists());
}
