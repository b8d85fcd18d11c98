//! Health in the TUI: the probe results the app holds, which probes to run
//! for what is on screen, and the `:health` board (board.rs). The probe
//! engine itself is src/health; probes run as executor jobs (src/exec/health.rs).

pub mod board;
pub mod view;

use crate::effect::Effect;
use crate::health::{needs_run, probe::not_run, state_at, ProbeResult, ProbeSpec, Rollup, State as Health};
use crate::msg::Level;
use crate::state::State;
use std::collections::{HashMap, HashSet};

pub use board::{open_board, HealthBoard};

/// Seconds before an entity asked for is asked for again while its probes
/// have no result (one may be hung; the runner drops the repeat while it is).
const ASK_AGAIN_SECS: i64 = 5;

/// Everything the app knows about health. Changed only by update.
#[derive(Debug, Default)]
pub struct HealthState {
    /// Probes run only when on (the TUI turns it on with the config's `[health]`).
    pub enabled: bool,
    /// Seconds a result counts as current (`health.ttl`).
    pub ttl: u64,
    /// Results by probe key (`entity#probe`), the last known of each.
    pub results: HashMap<String, ProbeResult>,
    /// The probes each entity has, in order, once a job has worked them out.
    pub specs: HashMap<String, Vec<ProbeSpec>>,
    /// When each entity was last asked for, so a frame never asks twice.
    asked: HashMap<String, i64>,
    /// Results not yet written to the cache (written on the next tick).
    pub unsaved: Vec<ProbeResult>,
    /// Config problems already told, so each is told once.
    told: HashSet<String>,
    /// The last known results were asked of the cache (once, on the first tick).
    pub asked_cache: bool,
}

impl HealthState {
    /// Off, with the default TTL until `enable` sets the config's.
    pub fn new() -> HealthState {
        HealthState { ttl: crate::health::HealthConfig::default().ttl, ..Default::default() }
    }

    /// The entity's results in its probes' order; a probe that has not run
    /// yet shows as a "not run yet" unknown.
    pub fn results_of(&self, entity: &str) -> Vec<ProbeResult> {
        match self.specs.get(entity) {
            Some(specs) => specs
                .iter()
                .map(|s| self.results.get(&s.key()).cloned().unwrap_or_else(|| not_run(s, "not run yet")))
                .collect(),
            // Known only from the cache (an offline start): what it holds.
            None => {
                let mut found: Vec<ProbeResult> =
                    self.results.values().filter(|r| r.entity == entity).cloned().collect();
                found.sort_by(|a, b| a.key.cmp(&b.key));
                found
            }
        }
    }

    /// The entity's probes rolled up now; None when it has no probe (or none known).
    pub fn rollup_of(&self, entity: &str, now: i64) -> Option<Rollup> {
        let results = self.results_of(entity);
        (!results.is_empty()).then(|| Rollup::of_results(results.iter(), now, self.ttl))
    }

    /// The entity's worst state now, if it has probes.
    pub fn worst_of(&self, entity: &str, now: i64) -> Option<Health> {
        self.rollup_of(entity, now).and_then(|r| r.worst())
    }

    /// True when some entity is known to have probes: the list's health
    /// column shows only then, so catalogs without any keep their layout.
    pub fn any_probes(&self) -> bool {
        !self.results.is_empty() || self.specs.values().any(|s| !s.is_empty())
    }

    /// Another source: its entities, its results (loaded from its cache).
    pub fn reset(&mut self) {
        *self = HealthState { enabled: self.enabled, ttl: self.ttl, ..Default::default() };
    }

    fn record(&mut self, result: ProbeResult) {
        let newer = self.results.get(&result.key).is_none_or(|old| old.checked_at <= result.checked_at);
        if newer {
            self.results.insert(result.key.clone(), result);
        }
    }
}

/// Turn health on with the config's `[health]` (the TUI and tests that want probes).
pub fn enable(state: &mut State, config: &crate::health::HealthConfig) {
    state.health.enabled = true;
    state.health.ttl = config.ttl;
}

pub fn planned(state: &mut State, planned: Vec<(String, Vec<ProbeSpec>)>) {
    for (entity, specs) in planned {
        state.health.specs.insert(entity, specs);
    }
}

pub fn probe_done(state: &mut State, result: ProbeResult) {
    state.health.unsaved.push(result.clone());
    state.health.record(result);
}

/// Last known results from the cache: kept unless a newer one is here already.
pub fn loaded(state: &mut State, results: Vec<ProbeResult>) {
    for result in results {
        state.health.record(result);
    }
}

pub fn problem(state: &mut State, message: String) {
    if state.health.told.insert(message.clone()) {
        state.toast(Level::Warn, format!("health: {message}"));
        tracing::warn!(problem = %message, "health probe config");
    }
}

/// On each tick: write new results to the cache.
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    if state.health.unsaved.is_empty() {
        return Vec::new();
    }
    vec![Effect::SaveHealth { results: std::mem::take(&mut state.health.unsaved) }]
}

/// What is on screen, by scope: the entities whose probes should run.
fn on_screen(state: &State) -> Option<(&'static str, Vec<String>)> {
    use crate::screens::{entity::EntityPage, tree::TreePage};
    let Some(top) = state.screens.last() else {
        let list = &state.list;
        let rows = crate::layout::list_rows(state.height);
        let keys = list.hits.iter().skip(list.offset).take(rows).map(|h| state.catalog.at(h.idx).key.clone());
        return Some(("list", keys.collect()));
    };
    let any = top.as_any();
    if let Some(page) = any.downcast_ref::<EntityPage>() {
        return Some(("entity", vec![page.key.clone()]));
    }
    if let Some(tree) = any.downcast_ref::<TreePage>() {
        let rows = crate::layout::page_rows(state.height);
        let offset = tree.selected.saturating_sub(rows.saturating_sub(1));
        let mut keys: Vec<String> =
            tree.rows.iter().skip(offset).take(rows).filter(|r| !r.missing).map(|r| r.key.clone()).collect();
        keys.sort();
        keys.dedup();
        return Some(("tree", keys));
    }
    if let Some(board) = any.downcast_ref::<HealthBoard>() {
        return Some(("board", board.keys.clone()));
    }
    None
}

/// After every message: ask for the probes of what is on screen that have no
/// current result. Entities asked for lately are left alone, so this costs
/// a few map look-ups per message and never a job per frame.
pub fn plan(state: &mut State) -> Vec<Effect> {
    if !state.health.enabled {
        return Vec::new();
    }
    let Some((scope, keys)) = on_screen(state) else { return Vec::new() };
    let (now, ttl) = (state.now, state.health.ttl);
    let health = &mut state.health;
    let mut wanted = Vec::new();
    let mut skip = Vec::new();
    for key in keys {
        let due = match health.specs.get(&key) {
            None => true,
            Some(specs) => specs.iter().any(|s| needs_run(health.results.get(&s.key()), now, ttl)),
        };
        if !due {
            continue;
        }
        if health.asked.get(&key).is_some_and(|at| now - at < ASK_AGAIN_SECS) {
            continue;
        }
        health.asked.insert(key.clone(), now);
        if let Some(specs) = health.specs.get(&key) {
            skip.extend(specs.iter().map(|s| s.key()).filter(|k| !needs_run(health.results.get(k), now, ttl)));
        }
        wanted.push(key);
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    vec![Effect::Probe { scope, keys: wanted, skip }]
}

/// The state a result shows now (stale past the TTL).
pub fn shown(state: &State, result: &ProbeResult) -> Health {
    state_at(result, state.now, state.health.ttl)
}
