//! Health panels: live probes read from the annotations a catalog already
//! carries for Backstage's plugins (Prometheus, PagerDuty, Opsgenie,
//! Kubernetes, Argo CD, GitHub Actions), plus http links and command probes.
//!
//! # The interface for the TUI (and anything else that shows health)
//!
//! 1. `let specs = probes_for(&raw_entity_json, &config.health)`: what to
//!    probe for one entity. Pure and quick; call it for the rows on screen,
//!    the entity page or the board, never for the whole catalog.
//!    `ProbeSpec::key()` (entity key + probe id) identifies a probe.
//! 2. Make one `Runner::new(Arc::new(config.health.clone()), Runner::client(&config.health))`
//!    inside the tokio runtime and keep it; `runner.submit(specs, tx)` (tx a
//!    `tokio::sync::mpsc::UnboundedSender<ProbeResult>`; never blocks) runs them on
//!    tokio tasks with the configured limits (overall and per host), keeps
//!    one probe in flight per key (a request for a key already running is
//!    dropped), and sends each [`ProbeResult`] on `tx` as soon as it ends.
//!    `run_probe` has its own timeout, so a hung endpoint ends as a timeout.
//!    Subtree rollups for trees ("2 crit below"): `Rollup::merge` the children's.
//! 3. Show a result with `state_at(result, now, ttl)` (marks it stale past
//!    its TTL), `State::symbol()` + `State::word()` (never colour alone),
//!    `result.age_text(now)` ("checked 12 s ago"); roll up with
//!    [`Rollup`] (`rollup.worst()`, `rollup.summary()` → "3 crit · 1 warn · 12 ok").
//!    `needs_run(result, now, ttl)` says when to probe again.
//!    For the `:health` board, `board::select(catalog, &Scope::System(key))`
//!    (or Domain, Owner, Mine, Entity) gives the entities, and
//!    `Board::build(keys, results, probe_order, now, ttl)` the rows worst
//!    first with counts; `callboard health` prints the same Board.
//! 4. Persist with `cache.save_health(&results)` and, on start,
//!    `cache.load_health(&entity_keys)` for the last known state and its age.
//! 5. A broken config is a [`config::HealthConfig::check`] error, reported once
//!    at load; `config_problem(spec, config)` finds a probe's own config
//!    trouble (unknown server name, unset token variable) without running it,
//!    to log once per distinct message; a probe that cannot run returns
//!    `State::Unknown(reason)`. `probe::not_run(spec, reason)` makes a
//!    placeholder result for rows whose probe has not run yet.
//!
//! All text in a [`ProbeResult`] has been through `sanitize::clean_line`.

pub mod board;
pub mod config;
pub mod probe;
pub mod rollup;
pub mod runner;
pub mod spec;
mod state;

pub use board::{Board, BoardRow, Scope};
pub use config::HealthConfig;
pub use probe::{config_problem, run_probe};
pub use rollup::{needs_run, state_at, Rollup};
pub use runner::{run_all, Runner};
pub use spec::{probes_for, ProbeKind, ProbeSpec, Target};
pub use state::{ProbeResult, State};
