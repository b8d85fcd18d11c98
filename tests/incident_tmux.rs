//! Start where the alert points, in the real binary at 80x24:
//! `callboard payments-api` opens on the entity's page; the owner's email
//! reaches the clipboard in two keys (`o` `y`, through OSC 52 into tmux's
//! buffer) and the runbook opens in one (`b`).

#[path = "common/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};
use tmux::Tmux;

fn keys(tmux: &Tmux, keys: &[&str]) {
    for k in keys {
        tmux.send(&[k]);
        std::thread::sleep(Duration::from_millis(80));
    }
}

fn buffer(tmux: &Tmux) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let buffer = tmux.run(&["show-buffer"]);
        if !buffer.is_empty() || Instant::now() > deadline {
            return buffer;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn from_callboard_payments_api_the_email_is_two_keys_and_the_runbook_one() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("incident", 80, 24, dir.path(), &[], &["--demo", "payments-api"]) else { return };
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    let page = tmux.wait_for("Overview");
    assert!(page.contains("Payments API"), "started on the entity page:\n{page}");
    keys(&tmux, &["o", "y"]);
    tmux.wait_for("Copied team-payments@tessera.example");
    assert_eq!(buffer(&tmux), "team-payments@tessera.example");
    // Back on the page, the runbook is one key.
    keys(&tmux, &["Escape"]);
    tmux.wait_for("Overview");
    keys(&tmux, &["b"]);
    tmux.wait_for("Payments API runbook");
}

#[test]
fn an_unknown_start_says_so_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("incident-unknown", 80, 24, dir.path(), &[], &["--demo", "no-such-service"]) else {
        return;
    };
    tmux.wait_for("No entity named `no-such-service`");
}

#[test]
fn shift_tab_goes_back_a_tab_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("incident-btab", 100, 30, dir.path(), &[], &["--demo", "payments-api"]) else {
        return;
    };
    tmux.wait_for("Overview");
    keys(&tmux, &["Tab", "Tab"]);
    tmux.wait_for("Grafana dashboard");
    keys(&tmux, &["BTab"]);
    tmux.wait_for("backstage.io/kubernetes-id");
}

#[test]
fn without_a_terminal_the_start_entity_still_asks_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["--demo", "payments-api"])
        .env("CALLBOARD_CACHE_DIR", dir.path())
        .env("CALLBOARD_STATE_DIR", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the TUI needs a terminal"));
    // A subcommand is still a subcommand after the global flags.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["--demo", "get", "payments-api", "-o", "json"])
        .env("CALLBOARD_CACHE_DIR", dir.path())
        .env("CALLBOARD_STATE_DIR", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
