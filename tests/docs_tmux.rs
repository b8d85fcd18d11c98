//! The real binary in tmux: `b` on payments-api shows its runbook, `/`
//! finds a word, and `y` on a code block sets tmux's clipboard buffer
//! through OSC 52 (tmux with `set-clipboard on` takes the sequence the
//! program writes, just as a terminal over SSH would).

#[path = "common/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};
use tmux::Tmux;

/// One key at a time, with a pause: ESC followed at once by a letter
/// would read as alt-letter.
fn keys(tmux: &Tmux, keys: &[&str]) {
    for k in keys {
        tmux.send(&[k]);
        std::thread::sleep(Duration::from_millis(80));
    }
}

#[test]
fn runbook_search_and_osc52_copy_in_the_real_binary() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("docs", 110, 36, cache.path(), &[], &["--demo"]) else { return };
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.wait_for("entities");
    keys(&tmux, &["/"]);
    tmux.type_text("payments-api");
    tmux.wait_for("The front door");
    keys(&tmux, &["Enter"]);
    tmux.wait_for("1 of 120");
    keys(&tmux, &["Enter"]);
    tmux.wait_for("Overview");
    keys(&tmux, &["b"]);
    tmux.wait_for("Payments API runbook");
    keys(&tmux, &["/"]);
    tmux.type_text("rollback");
    keys(&tmux, &["Enter"]);
    tmux.wait_for("match 1 of 3");
    // Esc and a key read together are Alt+key: let the Esc land first.
    keys(&tmux, &["Escape"]);
    tmux.wait_gone("match 1 of 3");
    keys(&tmux, &["g", "Tab", "Tab", "Tab"]);
    tmux.wait_for("bash block, 7 lines");
    keys(&tmux, &["y"]);
    tmux.wait_for("Copied the code block (7 lines)");
    let deadline = Instant::now() + Duration::from_secs(5);
    let buffer = loop {
        let buffer = tmux.run(&["show-buffer"]);
        if !buffer.is_empty() || Instant::now() > deadline {
            break buffer;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        buffer.starts_with("# Pods, restarts and the image currently running\nkubectl -n payments get pods"),
        "tmux's buffer holds the code block: {buffer:?}"
    );
}
