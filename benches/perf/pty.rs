//! The real binary in a pseudo-terminal: every byte it writes is timestamped
//! as it arrives and fed to a vt100 screen, so a bench can wait for text to
//! appear and count what a keystroke cost the terminal.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

struct Output {
    screen: vt100::Parser,
    bytes: usize,
    last_byte: Instant,
    closed: bool,
}

pub struct Pty {
    child: Child,
    master: std::fs::File,
    output: Arc<(Mutex<Output>, Condvar)>,
    pub started: Instant,
}

impl Pty {
    /// Spawn `program args` on a fresh pty of the given size.
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
        let started = Instant::now();
        let child = command.spawn().expect("spawn under pty");
        let master = std::fs::File::from(master);
        let output = Arc::new((
            Mutex::new(Output {
                screen: vt100::Parser::new(rows, cols, 0),
                bytes: 0,
                last_byte: started,
                closed: false,
            }),
            Condvar::new(),
        ));
        // Always drain the pty, or the child blocks on a full buffer.
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
                out.screen.process(&buf[..n]);
                out.bytes += n;
                out.last_byte = Instant::now();
                cvar.notify_all();
            }
        });
        Pty { child, master, output, started }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to pty");
    }

    /// Total bytes the program has written so far.
    pub fn bytes(&self) -> usize {
        self.output.0.lock().unwrap().bytes
    }

    pub fn screen_text(&self) -> String {
        self.output.0.lock().unwrap().screen.screen().contents()
    }

    /// Wait until `ready(screen text)` holds; returns when it first did.
    pub fn wait_for(&self, timeout: Duration, ready: impl Fn(&str) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.output;
        let mut out = lock.lock().unwrap();
        loop {
            if ready(&out.screen.screen().contents()) {
                return Some(out.last_byte);
            }
            let now = Instant::now();
            if out.closed || now >= deadline {
                return None;
            }
            out = cvar.wait_timeout(out, deadline - now).unwrap().0;
        }
    }

    /// Wait for output written after `since`, then until nothing more has
    /// come for `quiet`; returns the time of the last byte (when the screen
    /// settled), or `since` when nothing came within `timeout`.
    pub fn settle(&self, since: Instant, quiet: Duration, timeout: Duration) -> Instant {
        loop {
            let last = self.output.0.lock().unwrap().last_byte;
            let now = Instant::now();
            if last > since && now.duration_since(last) >= quiet {
                return last;
            }
            if now.duration_since(since) >= timeout {
                return if last > since { last } else { since };
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Peak resident memory of the child, from /proc (KiB).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn stop(self) {}
}

impl Drop for Pty {
    /// Also on a panic: never leave a TUI running behind the bench.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
