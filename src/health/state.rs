//! What a probe found: a state, its value and labels, when and how fast.

use serde::{Deserialize, Serialize};

/// The health of one probe. `Unknown` carries the reason it could not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "lowercase")]
pub enum State {
    Ok,
    Warn,
    Crit,
    Unknown(String),
    /// Older than its TTL: shown with its last state's details and its age.
    Stale,
}

impl State {
    /// One word, so the state is never told by colour alone.
    pub fn word(&self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Warn => "warn",
            State::Crit => "crit",
            State::Unknown(_) => "unknown",
            State::Stale => "stale",
        }
    }

    /// A symbol beside the word; plain text that survives NO_COLOR and copy-paste.
    pub fn symbol(&self) -> &'static str {
        match self {
            State::Ok => "✓",
            State::Warn => "!",
            State::Crit => "✗",
            State::Unknown(_) => "?",
            State::Stale => "~",
        }
    }

    /// Worse is higher: crit, warn, unknown, stale, ok.
    pub fn severity(&self) -> u8 {
        match self {
            State::Ok => 0,
            State::Stale => 1,
            State::Unknown(_) => 2,
            State::Warn => 3,
            State::Crit => 4,
        }
    }

    /// The worse of two states.
    pub fn worst(self, other: State) -> State {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// Exit code for scripts and alert handlers: 0 ok, 1 warn, 2 crit, 3 unknown (and stale).
    pub fn exit_code(&self) -> i32 {
        match self {
            State::Ok => 0,
            State::Warn => 1,
            State::Crit => 2,
            State::Unknown(_) | State::Stale => 3,
        }
    }

    pub fn unknown(reason: impl Into<String>) -> State {
        State::Unknown(reason.into())
    }
}

/// One probe's outcome. Every text field is sanitised for the terminal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// `ProbeSpec::key()`: entity key + probe id.
    pub key: String,
    /// Entity key (`component:default/payments-api`).
    pub entity: String,
    /// Probe id within the entity (`prometheus/alert`, `http/health`).
    pub probe: String,
    /// The probe kind's name (`prometheus`, `http`, …).
    pub kind: String,
    /// What was probed, for a heading (`alerts HighErrorRate`, `GET https://…/health`).
    pub label: String,
    pub state: State,
    /// The headline value (`0.3`, `2 open incidents`, `3/3 ready`).
    pub value: Option<String>,
    /// Labels of the value (alert or series labels).
    pub labels: Vec<(String, String)>,
    /// More rows: firing alerts, open incidents with title, age and assignee.
    pub details: Vec<String>,
    pub latency_ms: u64,
    /// Unix seconds when the probe finished.
    pub checked_at: i64,
    /// Why it failed, when it did (never holds a token).
    pub error: Option<String>,
    /// The source's own page for this, to open in a browser.
    pub link: Option<String>,
}

impl ProbeResult {
    /// "12 s ago", "3 min ago", "2 h ago", "4 d ago".
    pub fn age_text(&self, now: i64) -> String {
        let secs = (now - self.checked_at).max(0);
        match secs {
            s if s < 60 => format!("{s} s ago"),
            s if s < 3600 => format!("{} min ago", s / 60),
            s if s < 86_400 => format!("{} h ago", s / 3600),
            s => format!("{} d ago", s / 86_400),
        }
    }

    /// The whole result as JSON for `callboard health --json`.
    pub fn to_json(&self, now: i64, ttl: u64) -> serde_json::Value {
        let state = super::rollup::state_at(self, now, ttl);
        serde_json::json!({
            "probe": self.probe,
            "kind": self.kind,
            "label": self.label,
            "state": state.word(),
            "reason": match &self.state { State::Unknown(r) => Some(r.as_str()), _ => None },
            "value": self.value,
            "labels": self.labels.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "details": self.details,
            "latency_ms": self.latency_ms,
            "checked_at": self.checked_at,
            "error": self.error,
            "link": self.link,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_of_orders_crit_warn_unknown_stale_ok() {
        let all = [State::Ok, State::Stale, State::unknown("x"), State::Warn, State::Crit];
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                assert_eq!(a.clone().worst(b.clone()), all[i.max(j)].clone());
            }
        }
        assert_eq!(State::Crit.exit_code(), 2);
        assert_eq!(State::unknown("no server").exit_code(), 3);
    }

    #[test]
    fn state_round_trips_through_json_with_its_reason() {
        let s = State::unknown("timed out after 5 s");
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(text, r#"{"state":"unknown","reason":"timed out after 5 s"}"#);
        assert_eq!(serde_json::from_str::<State>(&text).unwrap(), s);
    }
}
