//! The real binary in a pseudo-terminal, keeping every raw byte it writes
//! (for assertions on what reaches a terminal) and a vt100 screen of them
//! (to wait for text). The reader thread always drains the pty.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
    closed: bool,
}

pub struct Pty {
    child: Child,
    master: std::fs::File,
    output: Arc<(Mutex<Output>, Condvar)>,
}

impl Pty {
    pub fn spawn(program: &str, args: &[&str], envs: &[(&str, String)], cols: u16, rows: u16) -> Pty {
        let (mut master_fd, mut slave_fd) = (0, 0);
        let size = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: openpty writes two fds; the size struct outlives the call.
        let rc = unsafe { libc::openpty(&mut master_fd, &mut slave_fd, std::ptr::null_mut(), std::ptr::null(), &size) };
        assert_eq!(rc, 0, "openpty failed");
        // SAFETY: both fds were just opened and are owned by nobody else.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master_fd), OwnedFd::from_raw_fd(slave_fd)) };
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::var("HOME").unwrap_or_default())
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave));
        for (k, v) in envs {
            command.env(k, v);
        }
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("spawn under pty");
        let master = std::fs::File::from(master);
        let output = Arc::new((
            Mutex::new(Output { raw: Vec::new(), screen: vt100::Parser::new(rows, cols, 0), closed: false }),
            Condvar::new(),
        ));
        let mut reader = master.try_clone().expect("dup master");
        let shared = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, cvar) = &*shared;
                let mut out = lock.lock().unwrap();
                if n == 0 {
                    out.closed = true;
                    cvar.notify_all();
                    return;
                }
                out.raw.extend_from_slice(&buf[..n]);
                out.screen.process(&buf[..n]);
                cvar.notify_all();
            }
        });
        Pty { child, master, output }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to pty");
    }

    pub fn raw(&self) -> Vec<u8> {
        self.output.0.lock().unwrap().raw.clone()
    }

    pub fn screen_text(&self) -> String {
        self.output.0.lock().unwrap().screen.screen().contents()
    }

    /// Wait until `ready(screen text)` holds; false on timeout or exit.
    pub fn wait_for(&self, timeout: Duration, ready: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.output;
        let mut out = lock.lock().unwrap();
        loop {
            if ready(&out.screen.screen().contents()) {
                return true;
            }
            let now = Instant::now();
            if out.closed || now >= deadline {
                return false;
            }
            out = cvar.wait_timeout(out, deadline - now).unwrap().0;
        }
    }

    /// Wait until nothing has been written for `quiet` (at most `limit`).
    pub fn settle(&self, quiet: Duration, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut last = self.output.0.lock().unwrap().raw.len();
        while Instant::now() < deadline {
            std::thread::sleep(quiet);
            let now = self.output.0.lock().unwrap().raw.len();
            if now == last {
                return;
            }
            last = now;
        }
    }

    /// Wait for the program to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
