//! http: GET a health URL; the status code, the latency thresholds and an
//! optional JSON rule decide.

use super::Found;
use crate::health::config::HealthConfig;
use crate::health::state::State;
use std::time::Instant;

pub async fn probe(config: &HealthConfig, http: &reqwest::Client, url: &str) -> Found {
    let parsed = match reqwest::Url::parse(url) {
        Ok(u) => u,
        Err(e) => return Found::unknown(format!("bad URL `{url}`: {e}")),
    };
    let started = Instant::now();
    let response = match http.get(parsed).send().await {
        Ok(r) => r,
        Err(e) => {
            let reason = super::api::describe(&e, url);
            // It did not answer: for a health endpoint that is down, not unknown.
            return Found {
                state: Some(State::Crit),
                value: Some(reason.clone()),
                error: Some(reason),
                link: Some(url.into()),
                ..Default::default()
            };
        }
    };
    let status = response.status();
    let body = if config.http.json.is_some() { response.text().await.ok() } else { None };
    let ms = started.elapsed().as_millis() as u64;
    let mut state = if status.is_success() || status.is_redirection() { State::Ok } else { State::Crit };
    let mut value = format!("HTTP {} in {ms} ms", status.as_u16());
    if ms > config.http.crit_ms {
        state = state.worst(State::Crit);
        value.push_str(&format!(" (over {} ms)", config.http.crit_ms));
    } else if ms > config.http.warn_ms {
        state = state.worst(State::Warn);
        value.push_str(&format!(" (over {} ms)", config.http.warn_ms));
    }
    let mut found = Found { link: Some(url.into()), ..Default::default() };
    if let (Some(rule), Some(body), true) = (&config.http.json, body, status.is_success()) {
        let (s, seen) = super::rule::judge(rule, &body);
        if let Some(seen) = seen {
            found.labels.push((rule.pointer.clone().unwrap_or_else(|| "body".into()), seen));
        }
        if let State::Unknown(reason) = &s {
            found.error = Some(reason.clone());
        }
        state = state.worst(s);
    }
    if !status.is_success() && !status.is_redirection() {
        found.error = Some(format!("HTTP {}", status.as_u16()));
    }
    found.value = Some(value);
    found.state = Some(state);
    found
}
