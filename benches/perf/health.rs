//! Keys while the `:health` board runs 200 probes, one of them hung: the real
//! binary in a pty, a folder catalog of 200 components whose health links
//! point at 8 loopback "hosts" answering in 5–40 ms and one that never
//! answers. Keys are palette characters typed over the board (their echo is
//! the thing timed) while the probes run; `ttl = 5` makes them run again and
//! again for as long as the bench types.

use super::pty::Pty;
use super::stats::{ms, Summary};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const COLS: u16 = 160;
const ROWS: u16 = 48;
const COMPONENTS: usize = 200;

fn serve(listener: TcpListener) {
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().flatten().enumerate() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                if first.contains("/hung") {
                    std::thread::sleep(Duration::from_secs(3600));
                    return;
                }
                std::thread::sleep(Duration::from_millis(5 + (n as u64 * 7) % 36));
                let body = r#"{"status":"UP"}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = (&stream).write_all(format!("{head}{body}").as_bytes());
            });
        }
    });
}

/// The catalog and config, in a fresh folder.
fn fixture(dir: &Path) {
    let hosts: Vec<String> = (1..=8)
        .map(|i| {
            let listener = TcpListener::bind(format!("127.0.0.{i}:0")).expect("loopback listener");
            let addr = listener.local_addr().unwrap();
            serve(listener);
            format!("http://{addr}")
        })
        .collect();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("catalog")).unwrap();
    let mut yaml = String::from(
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: big\nspec:\n  owner: team-a\n---\n",
    );
    for i in 0..COMPONENTS {
        let url = if i == 137 { format!("{}/hung", hosts[0]) } else { format!("{}/healthz", hosts[i % 8]) };
        yaml += &format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{i:03}\n  links:\n    - url: {url}\n      type: health\n\
             spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  system: big\n---\n"
        );
    }
    std::fs::write(dir.join("catalog/catalog-info.yaml"), yaml).unwrap();
    std::fs::write(dir.join("config.toml"), "[health]\nttl = 5\ntimeout = 3\n").unwrap();
}

pub struct BoardFigures {
    pub keys: Summary,
    pub hung_shown_after_ms: f64,
    pub board_line: String,
}

/// Type for `seconds` after the board opens: with `ttl = 5` every probe runs
/// again each 5 s, so the keys meet several full rounds of 200 probes.
pub fn board(seconds: u64) -> BoardFigures {
    let dir: PathBuf = super::fixtures::base_dir().join("health-board");
    fixture(&dir);
    let env = vec![
        ("CALLBOARD_CACHE_DIR", dir.join("cache").display().to_string()),
        ("CALLBOARD_STATE_DIR", dir.join("state").display().to_string()),
        ("CALLBOARD_CONFIG_DIR", dir.join("config").display().to_string()),
    ];
    let (catalog, config) = (dir.join("catalog").display().to_string(), dir.join("config.toml").display().to_string());
    let mut pty = Pty::spawn(super::binary::BIN, &["--catalog-dir", &catalog, "--config", &config], &env, COLS, ROWS);
    let count = format!("{} entities", COMPONENTS + 1);
    pty.wait_for(Duration::from_secs(30), |s| s.contains(&count)).unwrap_or_else(|| panic!("{}", pty.screen_text()));
    pty.settle(pty.started, Duration::from_millis(300), Duration::from_secs(5));
    pty.send(b":");
    pty.wait_for(Duration::from_secs(5), |s| s.contains(" : command ")).expect("palette");
    pty.send(b"health system big\r");
    let opened = Instant::now();
    pty.wait_for(Duration::from_secs(5), |s| s.contains("Health of system big")).expect("board on screen");
    let mut samples = Vec::new();
    let mut hung_at = None;
    let text = "zqxjvkwpzqxjvkwpzqxjvkwpzqxj";
    while opened.elapsed() < Duration::from_secs(seconds) {
        pty.settle(Instant::now(), Duration::from_millis(40), Duration::from_millis(300));
        pty.send(b":");
        pty.wait_for(Duration::from_secs(5), |s| s.contains(" : command ")).expect("palette");
        for n in 1..=text.len() {
            let want = format!("│{}", &text[..n]);
            let sent = Instant::now();
            pty.send(&text.as_bytes()[n - 1..n]);
            let done = pty.wait_for(Duration::from_secs(5), |s| s.contains(&want));
            let done = done.unwrap_or_else(|| panic!("no echo of {want:?}:\n{}", pty.screen_text()));
            samples.push(ms(done.saturating_duration_since(sent)));
        }
        // Esc alone (with the next key it would read as Alt-key), then the board again.
        pty.send(b"\x1b");
        pty.wait_for(Duration::from_secs(5), |s| !s.contains(" : command ")).expect("palette closed");
        if hung_at.is_none() && pty.screen_text().contains("timed out after 3 s") {
            hung_at = Some(opened.elapsed());
        }
    }
    let hung = pty.wait_for(Duration::from_secs(15), |s| s.contains("timed out after 3 s"));
    let hung_shown_after_ms = ms(hung_at.unwrap_or_else(|| hung.map_or(Duration::MAX, |h| h - opened)));
    let screen = pty.screen_text();
    let board_line = screen.lines().find(|l| l.contains("Health of system big")).unwrap_or("").trim().to_string();
    assert!(screen.contains("timed out after 3 s"), "the hung probe ends as a timeout:\n{screen}");
    pty.stop();
    BoardFigures { keys: Summary::of(&samples), hung_shown_after_ms, board_line }
}
