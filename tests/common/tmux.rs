//! The real binary in a real pseudo-terminal: a detached tmux session per
//! test, driven with send-keys and read with capture-pane.

// Shared by several test crates; each uses only some of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

/// One word for `sh -c`, whatever it holds.
fn quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

impl Tmux {
    /// callboard with `args`, its cache, state and config folders all in
    /// `dir` (a developer's own config must not leak in), plus `envs`.
    /// None (the test is skipped) when tmux is missing outside CI.
    pub fn start(
        name: &str,
        width: u16,
        height: u16,
        dir: &Path,
        envs: &[(&str, &str)],
        args: &[&str],
    ) -> Option<Tmux> {
        let mut words = vec![quoted(env!("CARGO_BIN_EXE_callboard"))];
        words.extend(args.iter().map(|a| quoted(a)));
        Tmux::start_command(name, width, height, dir, envs, &words.join(" "))
    }

    /// An interactive shell (with job control, for Ctrl-Z and `fg`) in the
    /// same environment; [`Tmux::callboard_line`] is what to type in it.
    pub fn start_shell(name: &str, width: u16, height: u16, dir: &Path, envs: &[(&str, &str)]) -> Option<Tmux> {
        let tmux = Tmux::start_command(name, width, height, dir, envs, "bash --norc --noprofile -i")?;
        tmux.type_text("PS1='$ '");
        tmux.send(&["Enter"]);
        Some(tmux)
    }

    /// The command line that runs callboard with `args`, for a shell.
    pub fn callboard_line(args: &[&str]) -> String {
        let mut words = vec![quoted(env!("CARGO_BIN_EXE_callboard"))];
        words.extend(args.iter().map(|a| quoted(a)));
        words.join(" ")
    }

    fn start_command(
        name: &str,
        width: u16,
        height: u16,
        dir: &Path,
        envs: &[(&str, &str)],
        command: &str,
    ) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            if std::env::var_os("CI").is_some() {
                panic!("tmux is required for the end-to-end tests (scripts/test.sh installs it)");
            }
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let socket = format!("callboard-e2e-{name}-{}", std::process::id());
        let dir = dir.display().to_string();
        let mut words = vec!["env".to_string()];
        for key in ["CALLBOARD_CACHE_DIR", "CALLBOARD_STATE_DIR", "XDG_CONFIG_HOME"] {
            words.push(quoted(&format!("{key}={dir}")));
        }
        words.extend(envs.iter().map(|(k, v)| quoted(&format!("{k}={v}"))));
        words.push(command.to_string());
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e"])
            .args(["-x", &width.to_string(), "-y", &height.to_string(), &words.join(" ")])
            .status()
            .unwrap();
        assert!(status.success());
        Some(Tmux { socket })
    }

    /// Any tmux command on this session's server; its output.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    pub fn send(&self, keys: &[&str]) {
        let status =
            Command::new("tmux").args(["-L", &self.socket, "send-keys", "-t", "e2e"]).args(keys).status().unwrap();
        assert!(status.success());
    }

    pub fn type_text(&self, text: &str) {
        self.send(&["-l", text]);
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p", "-t", "e2e"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Wait until the screen shows `text`, or fail with what it shows.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    /// Wait until the screen passes `check` (a frame may be caught half drawn,
    /// so a condition is polled, never judged on one capture).
    pub fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
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

    /// Wait until `text` has left the screen.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go"), |s| !s.contains(text))
    }

    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "e2e"])
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).stderr(Stdio::null()).status();
    }
}
