//! A real Backstage backend for a test: started by tests/backstage/start.sh on
//! a private copy of a fixtures catalog (so a test may edit it), stopped on drop.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
#[path = "fs.rs"]
mod fs_util;
use fs_util::copy_dir;

/// The static token tests/backstage/start.sh configures by default.
pub const TOKEN: &str = "callboard-test-token-0123456789abcdef";

pub struct Backstage {
    pub url: String,
    pub pid: u32,
    pub log: PathBuf,
    /// The copy of the catalog the server reads; edit it to change the catalog.
    pub catalog_dir: PathBuf,
    _dir: tempfile::TempDir,
    stopped: bool,
}

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage")
}

impl Backstage {
    /// Copy `fixtures` (a catalog dir with catalog-info.yaml), let `prepare`
    /// edit the copy, start a backend on it and wait for `wait_entities`.
    /// None when the harness is not installed, unless CI is set: then panic.
    pub fn start(fixtures: &Path, wait_entities: usize, prepare: impl FnOnce(&Path)) -> Option<Backstage> {
        let harness = harness_dir();
        if !harness.join("node_modules").is_dir() {
            if std::env::var_os("CI").is_some() {
                panic!("tests/backstage/node_modules is missing; CI must run scripts/test.sh");
            }
            eprintln!("skipped: run scripts/test.sh to install the test Backstage");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let catalog_dir = dir.path().join("catalog");
        copy_dir(fixtures, &catalog_dir);
        prepare(&catalog_dir);
        let started = Instant::now();
        let out = Command::new(harness.join("start.sh"))
            .arg("--catalog-dir")
            .arg(&catalog_dir)
            .args(["--wait-entities", &wait_entities.to_string(), "--no-setup"])
            .env_remove("CALLBOARD_TEST_TOKEN")
            .output()
            .expect("cannot run tests/backstage/start.sh");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "start.sh failed ({}):\n{}{}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        let field = |name: &str| {
            stdout
                .split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("start.sh printed no {name}: {stdout}"))
                .to_string()
        };
        let backstage = Backstage {
            url: field("BACKSTAGE_URL"),
            pid: field("BACKSTAGE_PID").parse().expect("BACKSTAGE_PID is a number"),
            log: PathBuf::from(field("BACKSTAGE_LOG")),
            catalog_dir,
            _dir: dir,
            stopped: false,
        };
        eprintln!("backstage at {} after {:.1} s", backstage.url, started.elapsed().as_secs_f64());
        Some(backstage)
    }

    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = Command::new(harness_dir().join("stop.sh")).arg(self.pid.to_string()).status();
    }

    /// Poll `check` every 250 ms until it holds; panic with `what` after `limit`.
    pub fn wait_until(&self, what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + limit;
        while !check() {
            assert!(
                Instant::now() < deadline,
                "the server did not {what} within {limit:?}; log: {}",
                self.log.display()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Backstage {
    fn drop(&mut self) {
        self.stop();
    }
}
