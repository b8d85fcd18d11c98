//! The real binary in tmux: `b` on payments-api shows its runbook, `/`
//! finds a word, and `y` on a code block sets tmux's clipboard buffer
//! through OSC 52 (tmux with `set-clipboard on` takes the sequence the
//! program writes, just as a terminal over SSH would).

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(cache: &std::path::Path) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            if std::env::var_os("CI").is_some() {
                panic!("tmux is required for this test (scripts/test.sh installs it)");
            }
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let socket = format!("callboard-docs-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_callboard");
        let cmd = format!(
            "env CALLBOARD_CACHE_DIR={dir} CALLBOARD_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} --demo",
            dir = cache.display()
        );
        let tmux = Tmux { socket };
        tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "docs", "-x", "110", "-y", "36", &cmd]);
        tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// One key at a time, with a pause: ESC followed at once by a letter
    /// would read as alt-letter.
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "docs", k]);
            std::thread::sleep(Duration::from_millis(80));
        }
    }

    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "docs", "-l", text]);
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "docs"]);
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {text:?}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "docs"]);
            if !screen.contains(text) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {text:?} to go; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

#[test]
fn runbook_search_and_osc52_copy_in_the_real_binary() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start(cache.path()) else { return };
    tmux.wait_for("entities");
    tmux.keys(&["/"]);
    tmux.type_text("payments-api");
    tmux.wait_for("The front door");
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 of 120");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Overview");
    tmux.keys(&["b"]);
    tmux.wait_for("Payments API runbook");
    tmux.keys(&["/"]);
    tmux.type_text("rollback");
    tmux.keys(&["Enter"]);
    tmux.wait_for("match 1 of 3");
    // Esc and a key read together are Alt+key: let the Esc land first.
    tmux.keys(&["Escape"]);
    tmux.wait_gone("match 1 of 3");
    tmux.keys(&["g", "Tab", "Tab", "Tab"]);
    tmux.wait_for("bash block, 7 lines");
    tmux.keys(&["y"]);
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
