//! Actions in the real binary under tmux: a suspend action (`less` on the
//! entity's YAML, from config.example.toml) gives the terminal away and
//! comes back to the same screen and selection; ctrl-c in a capture pane
//! kills the command and leaves callboard running.

#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;
use std::time::{Duration, Instant};
use tmux::Tmux;

fn config(dir: &Path, extra: &str) -> String {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let mut text = std::fs::read_to_string(example).unwrap();
    text.push_str(extra);
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_suspend_action_returns_to_the_same_screen_and_selection() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "");
    let envs = [("LESS", ""), ("LESSHISTFILE", "-")];
    let Some(tmux) = Tmux::start("act-suspend", 150, 40, dir.path(), &envs, &["--demo", "--config", &config]) else {
        return;
    };
    tmux.wait_for("120 entities");
    tmux.wait_gone("Synced");
    tmux.send(&["/"]);
    tmux.type_text("payments");
    tmux.send(&["Down", "j"]);
    let before = tmux.wait_for("component:payments-api");

    // `V` (bound in config.example.toml): less on the entity's file.
    tmux.send(&["V"]);
    let pager = tmux.wait_for("name: payments-api");
    assert!(!pager.contains("callboard Catalog"), "less has the screen:\n{pager}");
    tmux.send(&["q"]);
    let after = tmux.wait_until("the same screen", |s| s == before);
    assert!(after.contains("component:payments-api"));
    // Still answering keys.
    tmux.send(&["j"]);
    tmux.wait_gone("component:payments-api");
    tmux.send(&["q"]);
}

#[test]
fn ctrl_c_in_a_capture_kills_the_command_and_callboard_stays() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let extra = format!(
        "\n[[action]]\nname = \"wait\"\nkey = \"W\"\ncommand = [\"sh\", \"-c\", \"echo $$ > \\\"$1\\\"; echo started; exec sleep 300\", \"_\", \"{}\"]\n",
        pid_file.display()
    );
    let config = config(dir.path(), &extra);
    let Some(tmux) = Tmux::start("act-cancel", 120, 30, dir.path(), &[], &["--demo", "--config", &config]) else {
        return;
    };
    tmux.wait_for("120 entities");
    tmux.send(&["/"]);
    tmux.type_text("payments-api");
    tmux.send(&["Enter", "Enter"]);
    tmux.wait_for("Catalog › Payments API");
    tmux.send(&["W"]);
    tmux.wait_for("started");
    tmux.wait_for("running…");
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    assert!(Path::new(&format!("/proc/{pid}")).exists());

    tmux.send(&["C-c"]);
    tmux.wait_for("cancelled");
    assert!(tmux.alive(), "callboard is still running");
    // The command is gone (or a zombie about to be reaped).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat.rsplit(')').next().and_then(|r| r.split_whitespace().next()).unwrap_or("");
        if stat.is_empty() || state == "Z" {
            break;
        }
        assert!(Instant::now() < deadline, "sleep {pid} still runs: {stat}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // esc: back on the entity page.
    tmux.send(&["Escape"]);
    tmux.wait_for("Catalog › Payments API");
    tmux.send(&["q"]);
}
