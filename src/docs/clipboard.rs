//! Copying with OSC 52 and deciding whether a browser can be launched.
//! OSC 52 asks the terminal itself to set the clipboard, so a copy works
//! over SSH and inside tmux, where no local clipboard tool could help.

use base64::Engine;
use std::io::Write;

/// Terminals cap OSC 52 payloads (xterm: 100 000 bytes); larger copies are refused.
pub const MAX_COPY: usize = 74_000;

/// The escape sequence that sets the clipboard to `text`. Inside tmux it is
/// also wrapped in tmux's passthrough, for tmux set to pass it along
/// (`allow-passthrough`) rather than handle it (`set-clipboard on`).
pub fn osc52(text: &str, tmux: bool) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let plain = format!("\x1b]52;c;{payload}\x07");
    if tmux {
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\")
    } else {
        plain
    }
}

/// Write the copy sequence to the terminal. Called from the UI loop between
/// frames, so it never interleaves with drawing.
pub fn copy_to_terminal(text: &str) -> std::io::Result<()> {
    let sequence = osc52(text, std::env::var_os("TMUX").is_some());
    let mut out = std::io::stdout().lock();
    out.write_all(sequence.as_bytes())?;
    out.flush()
}

/// True when no local browser can be shown: over SSH, or on Linux without a
/// display. Decided once at start-up from the environment.
pub fn is_remote_session(env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return true;
    }
    cfg!(target_os = "linux") && !set("DISPLAY") && !set("WAYLAND_DISPLAY")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_bytes() {
        assert_eq!(osc52("kubectl get pods", false), "\x1b]52;c;a3ViZWN0bCBnZXQgcG9kcw==\x07");
        let wrapped = osc52("hi", true);
        assert!(wrapped.starts_with("\x1b]52;c;aGk=\x07"));
        assert!(wrapped.ends_with("\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"));
    }

    #[test]
    fn remote_detection() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert!(is_remote_session(env(&[("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"), ("DISPLAY", ":0")])));
        assert!(!is_remote_session(env(&[("DISPLAY", ":0")])));
        assert!(!is_remote_session(env(&[("WAYLAND_DISPLAY", "wayland-0")])));
        if cfg!(target_os = "linux") {
            assert!(is_remote_session(env(&[])));
        }
    }
}
