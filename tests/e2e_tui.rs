//! The real binary in a real pseudo-terminal (tmux): start on the demo
//! catalog, search, open an entity, follow a relation, go back, help, quit.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, width: u16, height: u16, cache: &std::path::Path) -> Option<Tmux> {
        Tmux::start_with(name, width, height, cache, "--demo")
    }

    fn start_with(name: &str, width: u16, height: u16, cache: &std::path::Path, args: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            if std::env::var_os("CI").is_some() {
                panic!("tmux is required for the end-to-end test (scripts/test.sh installs it)");
            }
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let socket = format!("callboard-e2e-{name}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_callboard");
        // XDG_CONFIG_HOME too: a developer's own config must not leak in.
        let cmd = format!(
            "env CALLBOARD_CACHE_DIR={dir} CALLBOARD_STATE_DIR={dir} XDG_CONFIG_HOME={dir} {bin} {args}",
            dir = cache.display()
        );
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e"])
            .args(["-x", &width.to_string(), "-y", &height.to_string(), &cmd])
            .status()
            .unwrap();
        assert!(status.success());
        Some(Tmux { socket })
    }

    fn send(&self, keys: &[&str]) {
        let status =
            Command::new("tmux").args(["-L", &self.socket, "send-keys", "-t", "e2e"]).args(keys).status().unwrap();
        assert!(status.success());
    }

    fn type_text(&self, text: &str) {
        self.send(&["-l", text]);
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p", "-t", "e2e"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Wait until the screen shows `text`, or fail with what it shows.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// Wait until the screen passes `check` (a frame may be caught half drawn,
    /// so a condition is polled, never judged on one capture).
    fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "e2e"])
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ =
            Command::new("tmux").args(["-L", &self.socket, "kill-server"]).stderr(std::process::Stdio::null()).status();
    }
}

#[test]
fn search_open_follow_back_help_quit() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("search", 100, 30, cache.path()) else {
        return;
    };
    tmux.wait_for("120 entities");

    tmux.send(&["/"]);
    tmux.type_text("kind:api owner:team-pay");
    // Components are filtered out, APIs stay.
    let screen = tmux.wait_until("only the team's APIs", |s| {
        s.contains("Payments REST API v2") && !s.contains("Ledger Service") && !s.contains("Component")
    });
    assert!(screen.contains("5 matches"), "{screen}");

    // Narrow to one and open it.
    tmux.type_text(" payments-rest");
    let narrowed = tmux.wait_for("2 matches");
    assert!(
        narrowed.lines().nth(3).unwrap_or("").contains("Payments REST API v2"),
        "exact name ranks first:\n{narrowed}"
    );
    tmux.send(&["Enter"]);
    tmux.send(&["Enter"]);
    let page = tmux.wait_for("API consumed by");
    assert!(page.contains("Catalog › Payments REST API v2"), "{page}");

    // Rows: owner, system, provider. Follow the system relation.
    tmux.send(&["j", "Enter"]);
    let system = tmux.wait_for("Catalog › Payments REST API v2 › Payments Core");
    assert!(system.contains("System"), "{system}");

    tmux.send(&["Escape"]);
    tmux.wait_for("API consumed by");
    tmux.send(&["?"]);
    let help = tmux.wait_for("Show every key");
    assert!(help.contains("Search: text and field:value terms"), "{help}");
    tmux.send(&["Escape"]);
    // Esc and a key read together are Alt+key: let the Esc land first.
    tmux.wait_until("help closed", |s| !s.contains("Show every key"));
    tmux.send(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmux.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!tmux.alive(), "q quits");
}

#[test]
fn usable_at_80x24() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("small", 80, 24, cache.path()) else {
        return;
    };
    let screen = tmux.wait_for("entities");
    assert_eq!(screen.lines().count(), 24);
    assert!(screen.lines().all(|l| unicode_width(l) <= 80), "{screen}");
    tmux.send(&["C-c"]);
}

fn unicode_width(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn keys_typed_ahead_of_the_search_act_on_its_results() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("ahead", 100, 30, cache.path()) else { return };
    tmux.wait_for("120 entities");
    // All in one burst: the owner card must be for the searched entity.
    tmux.send(&["/", "m", "e", "r", "c", "h", "a", "n", "t", "-", "r", "e", "p", "o", "r", "t", "s", "Enter", "o"]);
    let card = tmux.wait_for("Owner of merchant-reports");
    assert!(card.contains("inherited from system:default/merchant-experience"), "{card}");
    tmux.send(&["C-c"]);
}

#[test]
fn switch_instance_from_the_palette_and_back() {
    let cache = tempfile::tempdir().unwrap();
    // Port 9 on loopback: nothing listens, so this instance is offline.
    let config = cache.path().join("config.toml");
    std::fs::write(&config, "[[instance]]\nname = \"down\"\nurl = \"http://127.0.0.1:9\"\nconnect_timeout = 1\n")
        .unwrap();
    let args = format!("--demo --config {}", config.display());
    let Some(tmux) = Tmux::start_with("switch", 100, 30, cache.path(), &args) else { return };
    tmux.wait_for("120 entities");
    tmux.send(&[":"]);
    tmux.type_text("instance down");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("offline");
    assert!(screen.contains(" down ") && screen.contains("0 entities"), "{screen}");
    tmux.send(&[":"]);
    tmux.type_text("instance demo");
    tmux.send(&["Enter"]);
    let back = tmux.wait_for("120 entities");
    assert!(back.contains(" demo "), "{back}");
    tmux.send(&["C-c"]);
}
