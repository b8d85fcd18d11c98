//! Running one probe: dispatch by kind under the probe's own timeout, then
//! sanitise everything it found before it can reach a terminal.

mod api;
mod command;
mod http;
mod incidents;
// The scaffolder's `:tasks` shows task ages with it too.
pub(crate) use incidents::parse_rfc3339;
mod kubernetes;
mod prometheus;
pub mod rule;

use super::config::HealthConfig;
use super::spec::{ProbeKind, ProbeSpec, Target};
use super::state::{ProbeResult, State};
use crate::sanitize::clean_line;
use std::time::{Duration, Instant};

/// What a kind's probe reports before the common fields are filled in.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub state: Option<State>,
    pub value: Option<String>,
    pub labels: Vec<(String, String)>,
    pub details: Vec<String>,
    pub error: Option<String>,
    pub link: Option<String>,
}

impl Found {
    pub(crate) fn state(state: State) -> Found {
        Found { state: Some(state), ..Default::default() }
    }

    /// Could not say: the reason is both the state's and the error text.
    pub(crate) fn unknown(reason: impl Into<String>) -> Found {
        let reason = reason.into();
        Found { state: Some(State::Unknown(reason.clone())), error: Some(reason), ..Default::default() }
    }
}

/// Seconds this probe may take.
pub fn timeout_for(spec: &ProbeSpec, config: &HealthConfig) -> Duration {
    let own = match spec.kind {
        ProbeKind::PagerDuty => config.pagerduty.as_ref().and_then(|a| a.timeout),
        ProbeKind::Opsgenie => config.opsgenie.as_ref().and_then(|a| a.timeout),
        ProbeKind::ArgoCd => config.argocd.as_ref().and_then(|a| a.timeout),
        ProbeKind::GithubActions => config.github.as_ref().and_then(|a| a.timeout),
        ProbeKind::Kubernetes => config.kubernetes.as_ref().and_then(|k| k.timeout),
        ProbeKind::Http => config.http.timeout,
        ProbeKind::Command => match &spec.target {
            Target::Command { name, .. } => config.command.iter().find(|c| &c.name == name).and_then(|c| c.timeout),
            _ => None,
        },
        ProbeKind::Prometheus => None,
    };
    Duration::from_secs(own.unwrap_or(config.timeout).max(1))
}

/// Where a probe goes, for the per-host limit: a URL's host, or the program.
pub fn host_of(spec: &ProbeSpec, config: &HealthConfig) -> String {
    let url_host = |url: &str| reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string));
    let base = match &spec.target {
        Target::Http { url } => url_host(url),
        Target::PrometheusQuery { server, .. } | Target::PrometheusAlerts { server, .. } => {
            config.prometheus_server(server.as_deref()).and_then(|p| url_host(&p.url))
        }
        Target::PagerDuty { .. } => Some(api::base(&config.pagerduty, api::PAGERDUTY)).as_deref().and_then(url_host),
        Target::Opsgenie { .. } => Some(api::base(&config.opsgenie, api::OPSGENIE)).as_deref().and_then(url_host),
        Target::ArgoCd { .. } => Some(api::base(&config.argocd, "")).as_deref().and_then(url_host),
        Target::GithubActions { .. } => Some(api::base(&config.github, api::GITHUB)).as_deref().and_then(url_host),
        Target::Kubernetes { .. } => match config.kubernetes.as_ref().and_then(|k| k.backstage_url.as_deref()) {
            Some(url) => url_host(url),
            None => Some("kubectl".to_string()),
        },
        Target::Command { name, .. } => Some(format!("command:{name}")),
    };
    base.unwrap_or_else(|| spec.kind.name().to_string())
}

/// Run one probe to its end, within its timeout. Never panics, never hangs:
/// a probe that cannot finish in time ends as a timeout with its reason.
pub async fn run_probe(spec: &ProbeSpec, config: &HealthConfig, http: &reqwest::Client) -> ProbeResult {
    let limit = timeout_for(spec, config);
    let started = Instant::now();
    let found = match tokio::time::timeout(limit, dispatch(spec, config, http, limit)).await {
        Ok(found) => found,
        Err(_) => {
            let reason = format!("timed out after {} s", limit.as_secs());
            // A health endpoint or check that does not answer is down; an API
            // that does not answer only means we cannot tell.
            match spec.kind {
                ProbeKind::Http | ProbeKind::Command => Found {
                    state: Some(State::Crit),
                    error: Some(reason.clone()),
                    value: Some(reason),
                    ..Default::default()
                },
                _ => Found::unknown(reason),
            }
        }
    };
    finish(spec, found, started.elapsed())
}

async fn dispatch(spec: &ProbeSpec, config: &HealthConfig, http: &reqwest::Client, limit: Duration) -> Found {
    match &spec.target {
        Target::PrometheusQuery { server, query, label } => {
            prometheus::query(config, http, server.as_deref(), query, label.as_deref()).await
        }
        Target::PrometheusAlerts { server, alerts, labels } => {
            prometheus::alerts(config, http, server.as_deref(), alerts, labels).await
        }
        Target::PagerDuty { service_id, integration_key } => {
            incidents::pagerduty(config, http, service_id.as_deref(), integration_key.as_deref()).await
        }
        Target::Opsgenie { selector } => incidents::opsgenie(config, http, selector).await,
        Target::ArgoCd { app_name, selector } => {
            api::argocd(config, http, app_name.as_deref(), selector.as_deref()).await
        }
        Target::GithubActions { slug } => api::github_actions(config, http, slug).await,
        Target::Kubernetes { selector, namespace } => {
            kubernetes::rollout(config, http, &spec.entity, selector, namespace.as_deref()).await
        }
        Target::Http { url } => http::probe(config, http, url).await,
        Target::Command { name, argv } => command::probe(config, name, argv, limit).await,
    }
}

/// Fill in the common fields and sanitise every text a probe brought back.
fn finish(spec: &ProbeSpec, found: Found, latency: Duration) -> ProbeResult {
    let clip = |s: String| {
        let s = clean_line(&s);
        if s.chars().count() > 300 {
            format!("{}…", s.chars().take(299).collect::<String>())
        } else {
            s
        }
    };
    let state = match found.state {
        Some(State::Unknown(reason)) => State::Unknown(clip(reason)),
        Some(s) => s,
        None => State::unknown("the probe reported nothing"),
    };
    ProbeResult {
        key: spec.key(),
        entity: spec.entity.clone(),
        probe: spec.id.clone(),
        kind: spec.kind.name().to_string(),
        label: clip(spec.label.clone()),
        state,
        value: found.value.map(clip),
        labels: found.labels.into_iter().take(20).map(|(k, v)| (clip(k), clip(v))).collect(),
        details: found.details.into_iter().take(20).map(clip).collect(),
        latency_ms: latency.as_millis() as u64,
        checked_at: crate::source::unix_now(),
        error: found.error.map(clip),
        link: found.link.map(clip),
    }
}

/// What is wrong with the config for this probe, found without running it
/// (a server name nobody configured, a token variable that is not set), so
/// a caller can report it once instead of on every run.
pub fn config_problem(spec: &ProbeSpec, config: &HealthConfig) -> Option<String> {
    let token_env = match &spec.target {
        Target::PrometheusQuery { server, .. } | Target::PrometheusAlerts { server, .. } => {
            match config.prometheus_server(server.as_deref()) {
                None => {
                    return Some(match server {
                        Some(n) => format!("prometheus.io/service-name `{n}`: no [[health.prometheus]] named so"),
                        None => "no [[health.prometheus]] in the config".to_string(),
                    })
                }
                Some(p) => p.token_env.clone(),
            }
        }
        Target::PagerDuty { .. } => config.pagerduty.as_ref().and_then(|a| a.token_env.clone()),
        Target::Opsgenie { .. } => config.opsgenie.as_ref().and_then(|a| a.token_env.clone()),
        Target::ArgoCd { .. } => config.argocd.as_ref().and_then(|a| a.token_env.clone()),
        Target::GithubActions { .. } => config.github.as_ref().and_then(|a| a.token_env.clone()),
        Target::Kubernetes { .. } => config.kubernetes.as_ref().and_then(|k| k.token_env.clone()),
        Target::Http { .. } | Target::Command { .. } => None,
    };
    api::token(token_env.as_deref()).err().map(|e| format!("{}: {e}", spec.kind.name()))
}

/// A result for a probe that never ran (for the executor's placeholders).
pub fn not_run(spec: &ProbeSpec, reason: &str) -> ProbeResult {
    let mut r = finish(spec, Found::unknown(reason), Duration::ZERO);
    r.checked_at = 0;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_a_probe_brings_back_is_cleaned_for_the_terminal() {
        let spec = ProbeSpec {
            entity: "component:default/a".into(),
            id: "command/x".into(),
            kind: ProbeKind::Command,
            target: Target::Command { name: "x".into(), argv: vec!["x".into()] },
            label: "x".into(),
        };
        let evil = "ok\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}done";
        let found = Found {
            state: Some(State::Unknown(evil.into())),
            value: Some(evil.into()),
            labels: vec![(evil.into(), evil.into())],
            details: vec![evil.into()],
            error: Some(evil.into()),
            link: Some(evil.into()),
        };
        let r = finish(&spec, found, Duration::from_millis(3));
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("\\u001b") && !text.contains('\u{202e}') && !text.contains("\\u0007"), "{text}");
        assert_eq!(r.value.as_deref(), Some("okdone"));
        assert_eq!(r.state, State::Unknown("okdone".into()));
    }
}
