//! Keys in the real TUI while it syncs: the binary in a pty on an empty
//! cache, so it starts with a full sync; one key every 25 ms (a letter into
//! the search box, then backspace) until the synced catalog has been on
//! screen for a second; each key timed from the write to its echo on screen.

use super::super::pty::Pty;
use super::super::stats::{ms, Summary};
use super::{Client, Server};
use std::time::{Duration, Instant};

const COLS: u16 = 160;
const ROWS: u16 = 48;

pub struct Keys {
    /// Keys sent while the status bar said "syncing".
    pub during: Summary,
    /// Keys in the second after: the catalog swapped in, searches over it.
    pub after: Summary,
    /// Seconds from the first key to "syncing" gone, per run.
    pub sync_secs: Vec<f64>,
}

pub fn keys_during_sync(server: &Server, client: &Client, runs: usize) -> Keys {
    let (mut during, mut after) = (Vec::new(), Vec::new());
    let mut sync_secs = Vec::new();
    for _ in 0..runs {
        client.clear_cache();
        let config = client.config.display().to_string();
        let args = ["--config", config.as_str(), "--instance", "bench"];
        let mut pty = Pty::spawn(super::super::binary::BIN, &args, &client.envs(server), COLS, ROWS);
        pty.wait_for(Duration::from_secs(30), |s| s.contains("syncing")).expect("a sync starts");
        // The left of row 2; a toast ("Synced: …") may cover its right end.
        let search_line = |s: &str, want: &str| {
            s.lines().nth(1).is_some_and(|l| l.split("  ").next().unwrap_or("").trim_end() == want)
        };
        pty.send(b"/");
        pty.wait_for(Duration::from_secs(5), |s| search_line(s, "/")).expect("search input open");
        let first_key = Instant::now();
        let (mut typed, mut synced_at) = (false, None::<Instant>);
        let deadline = first_key + Duration::from_secs(120);
        while Instant::now() < deadline && synced_at.is_none_or(|t| t.elapsed() < Duration::from_secs(1)) {
            let syncing = pty.screen_text().contains("syncing");
            let (key, want): (&[u8], &str) = if typed { (b"\x7f", "/") } else { (b"x", "/ x") };
            let sent = Instant::now();
            pty.send(key);
            let echoed = pty.wait_for(Duration::from_secs(10), |s| search_line(s, want));
            let echoed = echoed.unwrap_or_else(|| panic!("no echo of {want:?}:\n{}", pty.screen_text()));
            typed = !typed;
            let took = ms(echoed.saturating_duration_since(sent));
            if syncing {
                during.push(took);
            } else {
                after.push(took);
                if synced_at.is_none() {
                    synced_at = Some(Instant::now());
                    sync_secs.push(first_key.elapsed().as_secs_f64());
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        pty.stop();
    }
    Keys { during: Summary::of(&during), after: Summary::of(&after), sync_secs }
}
