//! The TUI on the hostile catalog in a real pseudo-terminal: list, search,
//! every entity tab, the runbook picker and the local runbook in the doc
//! viewer with its table of contents, the owner card, the dependency tree
//! with 10k children. Every raw byte written to the pty is checked: no
//! catalog- or page-provided sequence gets through, not even as text.

#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/raw_pty.rs"]
mod raw_pty;

use std::time::Duration;

/// Sequence introducers callboard itself never writes (it draws with CSI
/// only): OSC, DCS, SOS, PM, APC, and every C1 control in UTF-8.
fn foreign_sequence(raw: &[u8]) -> Option<String> {
    for (at, pair) in raw.windows(2).enumerate() {
        let found = matches!(pair, [0x1b, b']' | b'P' | b'X' | b'^' | b'_'] | [0xc2, 0x80..=0x9f]);
        if found {
            let from = at.saturating_sub(60);
            return Some(format!("at byte {at}: {:?}", String::from_utf8_lossy(&raw[from..(at + 20).min(raw.len())])));
        }
    }
    let text = String::from_utf8_lossy(raw);
    if let Some(c) = text.chars().find(|c| callboard::sanitize::is_invisible_format(*c)) {
        return Some(format!("bidi control {c:?}"));
    }
    if text.contains("\u{1b}[5m") {
        return Some("the catalog's blink attribute".into());
    }
    // The payload as text is fine only where it is shown escaped (the Raw
    // YAML tab writes `"\e]0;PWNED\a"`): a backslash shortly before it.
    for marker in ["PWNED", "HOSTILE"] {
        for (at, _) in text.match_indices(marker) {
            let before = &text[text.floor_char_boundary(at.saturating_sub(12))..at];
            if !before.contains('\\') {
                return Some(format!(
                    "{marker} shown unescaped: {:?}",
                    &text[text.floor_char_boundary(at.saturating_sub(60))..at + 10]
                ));
            }
        }
    }
    None
}

/// True when `marker` shows in `text` other than right after escape
/// notation (`\e]0;`, `\x9B2J`), as the Raw YAML tab rightly shows it.
fn unescaped(text: &str, marker: &str) -> bool {
    text.match_indices(marker).any(|(at, _)| {
        let before = &text[text.floor_char_boundary(at.saturating_sub(4))..at];
        !before.contains('\\')
    })
}

#[test]
fn no_hostile_sequence_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    hostile::write(&catalog);
    let envs = [
        ("CALLBOARD_CACHE_DIR", dir.path().join("cache").display().to_string()),
        ("CALLBOARD_STATE_DIR", dir.path().join("state").display().to_string()),
        ("XDG_CONFIG_HOME", dir.path().join("config").display().to_string()),
    ];
    let bin = env!("CARGO_BIN_EXE_callboard");
    let mut pty = raw_pty::Pty::spawn(bin, &["--catalog-dir", catalog.to_str().unwrap()], &envs, 120, 40);
    let long = Duration::from_secs(30);
    assert!(pty.wait_for(long, |s| s.contains("evil-service")), "{}", pty.screen_text());
    let steps: &[(&str, &[u8])] = &[
        ("search", b"/evil-service"),
        ("leave search", b"\r"),
        ("open", b"\r"),
        ("tab 2", b"\t"),
        ("tab 3", b"\t"),
        ("tab 4", b"\t"),
        ("tab 5", b"\t"),
        ("runbook", b"b"),
        // The second choice is the local runbook (the first a web page).
        ("down", b"j"),
        ("open runbook", b"\r"),
        ("toc", b"t"),
        ("close toc", b"\x1b"),
        ("next link", b"\t"),
        // Out of the viewer and the picker: `o` there would open the page
        // in a browser, or copy its address with callboard's own OSC 52.
        ("back", b"\x1b"),
        ("back", b"\x1b"),
        ("back", b"\x1b"),
        ("owner", b"o"),
        ("back", b"\x1b"),
        ("deps", b"d"),
        ("expand", b"*"),
        ("page", b"G"),
        ("blast", b"t"),
        ("back", b"\x1b"),
        ("back", b"\x1b"),
        ("clear", b"x"),
        ("bottom", b"G"),
        ("palette", b":"),
        ("type", b"search evil"),
        ("close", b"\x1b"),
        ("help", b"?"),
        ("close", b"\x1b"),
    ];
    let mut runbook_shown = false;
    for (what, keys) in steps {
        pty.send(keys);
        pty.settle(Duration::from_millis(150), Duration::from_secs(10));
        if let Some(problem) = foreign_sequence(&pty.raw()) {
            panic!("after {what}: {problem}\nscreen:\n{}", pty.screen_text());
        }
        let screen = pty.screen_text();
        // The local runbook's heading, in the viewer or its table of contents.
        runbook_shown |= screen.contains("Restart") && screen.contains("Runbook");
        for remnant in ["]0;", "[2J", "[5m", "[?1049h", "+q", "8;;http"] {
            assert!(!unescaped(&screen, remnant), "after {what}: {remnant:?} on screen:\n{screen}");
        }
    }
    assert!(runbook_shown, "the runbook never reached the doc viewer");
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(5));
    let raw = pty.raw();
    assert!(raw.len() > 10_000, "the TUI drew {} bytes", raw.len());
    assert!(foreign_sequence(&raw).is_none());
}
