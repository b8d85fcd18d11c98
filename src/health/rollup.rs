//! Worst-of rollups with counts ("3 crit · 1 warn · 12 ok"), and the TTL rule.

use super::state::{ProbeResult, State};

/// The state to show for a result now: stale once older than `ttl` seconds.
/// A result that never ran (checked_at 0) keeps its unknown.
pub fn state_at(result: &ProbeResult, now: i64, ttl: u64) -> State {
    if result.checked_at > 0 && now - result.checked_at > ttl as i64 {
        State::Stale
    } else {
        result.state.clone()
    }
}

/// True when the probe should run again: no result, or an old one.
pub fn needs_run(result: Option<&ProbeResult>, now: i64, ttl: u64) -> bool {
    result.is_none_or(|r| r.checked_at == 0 || now - r.checked_at >= ttl as i64)
}

/// Counts per state and the worst of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rollup {
    pub crit: usize,
    pub warn: usize,
    pub unknown: usize,
    pub stale: usize,
    pub ok: usize,
}

impl Rollup {
    pub fn add(&mut self, state: &State) {
        match state {
            State::Crit => self.crit += 1,
            State::Warn => self.warn += 1,
            State::Unknown(_) => self.unknown += 1,
            State::Stale => self.stale += 1,
            State::Ok => self.ok += 1,
        }
    }

    pub fn from_states<'a>(states: impl IntoIterator<Item = &'a State>) -> Rollup {
        let mut r = Rollup::default();
        for s in states {
            r.add(s);
        }
        r
    }

    /// Per-probe rollup of results as they stand now.
    pub fn of_results<'a>(results: impl IntoIterator<Item = &'a ProbeResult>, now: i64, ttl: u64) -> Rollup {
        let mut r = Rollup::default();
        for result in results {
            r.add(&state_at(result, now, ttl));
        }
        r
    }

    /// Combine two rollups (a subtree and its children).
    pub fn merge(&mut self, other: &Rollup) {
        self.crit += other.crit;
        self.warn += other.warn;
        self.unknown += other.unknown;
        self.stale += other.stale;
        self.ok += other.ok;
    }

    pub fn total(&self) -> usize {
        self.crit + self.warn + self.unknown + self.stale + self.ok
    }

    /// The worst state counted; None when nothing was counted.
    pub fn worst(&self) -> Option<State> {
        if self.crit > 0 {
            Some(State::Crit)
        } else if self.warn > 0 {
            Some(State::Warn)
        } else if self.unknown > 0 {
            Some(State::unknown(format!("{} unknown", self.unknown)))
        } else if self.stale > 0 {
            Some(State::Stale)
        } else if self.ok > 0 {
            Some(State::Ok)
        } else {
            None
        }
    }

    /// "3 crit · 1 warn · 12 ok", worst first, zero counts left out.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            (self.crit, "crit"),
            (self.warn, "warn"),
            (self.unknown, "unknown"),
            (self.stale, "stale"),
            (self.ok, "ok"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
        if parts.is_empty() {
            "no probes".to_string()
        } else {
            parts.join(" · ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_worst() {
        let states = [State::Ok, State::Crit, State::Ok, State::Warn, State::Crit, State::Crit, State::unknown("x")];
        let r = Rollup::from_states(&states);
        assert_eq!(r.summary(), "3 crit · 1 warn · 1 unknown · 2 ok");
        assert_eq!(r.worst(), Some(State::Crit));
        assert_eq!(Rollup::default().summary(), "no probes");
        assert_eq!(Rollup::default().worst(), None);
    }

    #[test]
    fn stale_after_ttl_and_runs_again() {
        let mut result = crate::health::probe::not_run(
            &crate::health::ProbeSpec {
                entity: "component:default/a".into(),
                id: "http/x".into(),
                kind: crate::health::ProbeKind::Http,
                target: crate::health::Target::Http { url: "http://x".into() },
                label: "x".into(),
            },
            "not run yet",
        );
        assert!(matches!(state_at(&result, 1000, 60), State::Unknown(_)));
        assert!(needs_run(Some(&result), 1000, 60));
        result.state = State::Crit;
        result.checked_at = 1000;
        assert_eq!(state_at(&result, 1060, 60), State::Crit);
        assert!(!needs_run(Some(&result), 1059, 60));
        assert_eq!(state_at(&result, 1061, 60), State::Stale);
        assert!(needs_run(Some(&result), 1060, 60));
        assert!(needs_run(None, 0, 60));
    }

    #[test]
    fn config_problems_are_found_without_running() {
        let config: crate::health::HealthConfig =
            toml::from_str("[[prometheus]]\nurl = 'http://p'\ntoken_env = 'CB_UNIT_SURELY_UNSET'").unwrap();
        let spec = |server: Option<&str>| crate::health::ProbeSpec {
            entity: "component:default/a".into(),
            id: "prometheus/alert".into(),
            kind: crate::health::ProbeKind::Prometheus,
            target: crate::health::Target::PrometheusAlerts {
                server: server.map(str::to_string),
                alerts: vec![],
                labels: vec![],
            },
            label: "alerts: all".into(),
        };
        let problem = |s| crate::health::config_problem(&spec(s), &config).unwrap();
        assert_eq!(problem(None), "prometheus: the token variable CB_UNIT_SURELY_UNSET is not set");
        assert!(problem(Some("eu")).contains("no [[health.prometheus]] named so"));
    }
}
