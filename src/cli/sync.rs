//! `callboard sync [--full]`: bring the cache up to date without the TUI.
//! A progress line on stderr when it is a terminal, one summary line on
//! stdout; on failure the typed error and a non-zero exit, cache untouched.

use super::Exit;
use crate::source::{refresh_files, unix_now, Source};
use crate::sync::backstage::{sync_instance, Progress};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub fn run(source: &Source, full: bool) -> Result<(), Exit> {
    let label = source.label();
    let summary = match source {
        Source::Instance(instance) => {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(anyhow::Error::from)?;
            let mut line = ProgressLine::new(&label);
            let mut progress = |p: Progress| line.show(p);
            let result = runtime.block_on(sync_instance(
                instance,
                &source.identity(),
                &source.cache_path(),
                full,
                &mut progress,
            ));
            ProgressLine::clear(&label);
            // 3 for "unreachable" so a cron job can tell an outage from a mistake.
            result.map_err(|e| Exit::new(if e.is_offline() { 3 } else { 1 }, e.to_string()))?.summary(&label)
        }
        Source::Demo(root) | Source::Dir(root) => {
            let started = Instant::now();
            let mut cache = crate::catalog::cache::Cache::open(&source.cache_path()).map_err(anyhow::Error::from)?;
            let refresh = refresh_files(&mut cache, source, root, unix_now(), full).map_err(anyhow::Error::from)?;
            let s = refresh.stats;
            let line = format!(
                "{label}: {} read, {} added, {} changed, {} removed, {}; {:.2} s{}",
                if refresh.reloaded { "files" } else { "unchanged folder, nothing" },
                s.added,
                s.changed,
                s.removed,
                crate::plural::count(refresh.entities, "entity", "entities"),
                started.elapsed().as_secs_f64(),
                if refresh.problems.is_empty() {
                    String::new()
                } else {
                    format!(", {}", crate::plural::count(refresh.problems.len(), "input problem", "input problems"))
                }
            );
            super::print_problems(source, &refresh.problems);
            line
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{summary}").map_err(|e| Exit::from(anyhow::Error::from(e)))
}

/// "syncing prod: 1500/20000 entities", redrawn in place at most 10 times a
/// second, and only when stderr is a terminal.
struct ProgressLine<'a> {
    label: &'a str,
    enabled: bool,
    last: Option<Instant>,
}

impl<'a> ProgressLine<'a> {
    fn new(label: &'a str) -> Self {
        ProgressLine { label, enabled: std::io::stderr().is_terminal(), last: None }
    }

    fn show(&mut self, p: Progress) {
        let due = self.last.is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if !self.enabled || !due {
            return;
        }
        self.last = Some(Instant::now());
        let of = p.total.map(|t| format!("/{t}")).unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2Ksyncing {}: {}{of} entities", self.label, p.fetched);
        let _ = err.flush();
    }

    fn clear(_label: &str) {
        if std::io::stderr().is_terminal() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}
