//! Keys while a capture streams: the real binary in a pty runs an action
//! that prints 100k lines (in bursts, over a few seconds), and meanwhile
//! characters are typed into the output pane's find box. Each key is timed
//! from the write to the pty to the character on the screen.

use super::binary::BIN;
use super::pty::Pty;
use super::stats::{ms, Summary};
use std::time::{Duration, Instant};

const COLS: u16 = 160;
const ROWS: u16 = 48;
pub const LINES: usize = 100_000;

pub struct Capture {
    /// Keystroke → the character on screen, while the lines arrive.
    pub keys: Summary,
    /// Start of the capture → "finished" with every line counted.
    pub stream_ms: f64,
}

pub fn run() -> Capture {
    let dir = tempfile::tempdir().expect("temp dir");
    // 100 bursts of 1000 lines, 40 ms apart: the capture lasts seconds, so
    // many keys land while it streams.
    let producer = format!(
        "BEGIN {{ for (i = 1; i <= {LINES}; i++) {{ printf \"line %d of the capture, with some text after it\\n\", i; \
         if (i % 1000 == 0) {{ fflush(); system(\"sleep 0.04\") }} }} }}"
    );
    let config =
        format!("[[action]]\nname = \"stream\"\nkey = \"W\"\ncommand = [\"awk\", {}]\n", toml_string(&producer));
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).expect("config");
    let envs = vec![
        ("CALLBOARD_CACHE_DIR", dir.path().join("cache").display().to_string()),
        ("CALLBOARD_STATE_DIR", dir.path().join("state").display().to_string()),
    ];
    let config_arg = config_path.display().to_string();
    let mut pty = Pty::spawn(BIN, &["--demo", "--config", &config_arg], &envs, COLS, ROWS);
    let long = Duration::from_secs(30);
    pty.wait_for(long, |s| s.contains("120 entities")).expect("the demo list");
    pty.settle(pty.started, Duration::from_millis(300), Duration::from_secs(5));
    pty.send(b"/payments-api");
    pty.wait_for(long, |s| s.contains("1 match")).expect("search");
    pty.send(b"\r");
    std::thread::sleep(Duration::from_millis(100));
    pty.send(b"\r");
    pty.wait_for(long, |s| s.contains("Catalog › Payments API")).expect("entity page");
    let started = Instant::now();
    pty.send(b"W");
    pty.wait_for(long, |s| s.contains("running…")).expect("the capture starts");
    let finished = |s: &str| s.contains(&format!("finished (exit 0), {LINES} lines"));
    let mut samples = Vec::new();
    let word = "streaming";
    'typing: while !finished(&pty.screen_text()) {
        pty.send(b"/");
        pty.wait_for(long, |s| find_line(s).is_some()).expect("the find box");
        for n in 1..=word.len() {
            let sent = Instant::now();
            pty.send(&word.as_bytes()[n - 1..n]);
            let want = &word[..n];
            let Some(at) = pty.wait_for(long, |s| find_line(s).is_some_and(|l| l.starts_with(want))) else {
                panic!("key not shown:\n{}", pty.screen_text())
            };
            samples.push(ms(at.saturating_duration_since(sent)));
            if finished(&pty.screen_text()) {
                break 'typing;
            }
        }
        pty.send(b"\x1b");
        pty.wait_for(long, |s| find_line(s).is_none()).expect("find box closed");
        // Esc alone: were the next key to arrive with it, it would read as Alt-key.
        std::thread::sleep(Duration::from_millis(30));
    }
    let done = pty.wait_for(Duration::from_secs(60), finished).expect("every line arrives");
    let stream_ms = ms(done.saturating_duration_since(started));
    pty.stop();
    Capture { keys: Summary::of(&samples), stream_ms }
}

/// The text typed in the output pane's find box (the row `│/…`), if open.
fn find_line(screen: &str) -> Option<String> {
    screen.lines().find_map(|l| l.strip_prefix("│/").map(|rest| rest.trim_end_matches(['│', ' ']).to_string()))
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
