//! PagerDuty open incidents and Opsgenie open alerts.

use super::api::{base, get_json, token, url, OPSGENIE, PAGERDUTY};
use super::Found;
use crate::health::config::HealthConfig;
use crate::health::state::State;
use serde_json::Value;

/// "3 h", "12 min": how long ago an RFC 3339 time was.
fn age(created: &str) -> String {
    match parse_rfc3339(created) {
        Some(t) => {
            let secs = (crate::source::unix_now() - t).max(0);
            match secs {
                s if s < 60 => format!("{s} s"),
                s if s < 3600 => format!("{} min", s / 60),
                s if s < 86_400 => format!("{} h", s / 3600),
                s => format!("{} d", s / 86_400),
            }
        }
        None => "?".into(),
    }
}

/// Seconds since the epoch of `2024-05-01T12:00:00Z` (or with an offset / fraction).
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let mut t = days * 86_400 + hh * 3600 + mm * 60 + ss;
    let rest = text[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if let Some(sign @ ('+' | '-')) = rest.chars().next() {
        let h: i64 = rest.get(1..3)?.parse().ok()?;
        let mi: i64 = rest.get(4..6)?.parse().ok()?;
        let offset = h * 3600 + mi * 60;
        t -= if sign == '+' { offset } else { -offset };
    }
    Some(t)
}

/// PagerDuty: open incidents of the service (triggered + acknowledged).
/// A triggered high-urgency incident is crit, anything else open is warn.
pub async fn pagerduty(
    config: &HealthConfig,
    http: &reqwest::Client,
    service_id: Option<&str>,
    integration_key: Option<&str>,
) -> Found {
    let Some(server) = &config.pagerduty else { return Found::unknown("no [health.pagerduty] in the config") };
    let base = base(&config.pagerduty, PAGERDUTY);
    let token_env = server.token_env.as_deref();
    let headers = match token(token_env) {
        Ok(t) => {
            let mut h = vec![("Accept", "application/vnd.pagerduty+json;version=2".to_string())];
            if let Some(t) = t {
                h.push(("Authorization", format!("Token token={t}")));
            }
            h
        }
        Err(e) => return Found::unknown(e),
    };
    let service_id = match (service_id, integration_key) {
        (Some(id), _) => id.to_string(),
        (None, Some(key)) => {
            let mut u = match url(&base, "/services") {
                Ok(u) => u,
                Err(e) => return Found::unknown(e),
            };
            u.query_pairs_mut()
                .append_pair("time_zone", "UTC")
                .append_pair("include[]", "integrations")
                .append_pair("query", key);
            let body = match get_json(http, &u, &headers, token_env).await {
                Ok(b) => b,
                Err(e) => return Found::unknown(e),
            };
            match body.pointer("/services/0/id").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => return Found::unknown("no PagerDuty service has this integration key"),
            }
        }
        (None, None) => return Found::unknown("no pagerduty.com/service-id or integration-key"),
    };
    let mut u = match url(&base, "/incidents") {
        Ok(u) => u,
        Err(e) => return Found::unknown(e),
    };
    u.query_pairs_mut()
        .append_pair("time_zone", "UTC")
        .append_pair("sort_by", "created_at")
        .append_pair("statuses[]", "triggered")
        .append_pair("statuses[]", "acknowledged")
        .append_pair("service_ids[]", &service_id);
    let body = match get_json(http, &u, &headers, token_env).await {
        Ok(b) => b,
        Err(e) => return Found::unknown(e),
    };
    let incidents = body.get("incidents").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut state = State::Ok;
    let mut found = Found::default();
    for inc in &incidents {
        let text = |p: &str| inc.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
        let status = text("/status");
        let urgency = text("/urgency");
        state = state.worst(if status == "triggered" && urgency != "low" { State::Crit } else { State::Warn });
        let assignee = text("/assignments/0/assignee/summary");
        let assignee = if assignee.is_empty() { "unassigned".to_string() } else { assignee };
        found.details.push(format!(
            "{status} {urgency}: {} ({} ago, {assignee})",
            text("/title"),
            age(&text("/created_at"))
        ));
    }
    found.value = Some(match incidents.len() {
        0 => "no open incidents".to_string(),
        1 => "1 open incident".to_string(),
        n => format!("{n} open incidents"),
    });
    let web = server.web_url.clone().map(|w| w.trim_end_matches('/').to_string());
    found.link = match incidents.first().and_then(|i| i.get("html_url")).and_then(Value::as_str) {
        Some(link) if incidents.len() == 1 => Some(link.to_string()),
        _ => web.map(|w| format!("{w}/service-directory/{service_id}")),
    };
    found.state = Some(state);
    found
}

/// Opsgenie: open alerts matching the component selector. An unacknowledged
/// P1 or P2 is crit; any other open alert is warn.
pub async fn opsgenie(config: &HealthConfig, http: &reqwest::Client, selector: &str) -> Found {
    let Some(server) = &config.opsgenie else { return Found::unknown("no [health.opsgenie] in the config") };
    let base = base(&config.opsgenie, OPSGENIE);
    let token_env = server.token_env.as_deref();
    let headers: Vec<(&str, String)> = match token(token_env) {
        Ok(t) => t.map(|t| ("Authorization", format!("GenieKey {t}"))).into_iter().collect(),
        Err(e) => return Found::unknown(e),
    };
    let mut u = match url(&base, "/v2/alerts") {
        Ok(u) => u,
        Err(e) => return Found::unknown(e),
    };
    u.query_pairs_mut().append_pair("query", &format!("status: open AND ({selector})")).append_pair("limit", "20");
    let body = match get_json(http, &u, &headers, token_env).await {
        Ok(b) => b,
        Err(e) => return Found::unknown(e),
    };
    let alerts = body.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut state = State::Ok;
    let mut found = Found::default();
    for alert in &alerts {
        let text = |k: &str| alert.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let acked = alert.get("acknowledged").and_then(Value::as_bool).unwrap_or(false);
        let priority = text("priority");
        let urgent = priority == "P1" || priority == "P2";
        state = state.worst(if urgent && !acked { State::Crit } else { State::Warn });
        let owner = text("owner");
        let owner = if owner.is_empty() { "unassigned".to_string() } else { owner };
        let status = if acked { "acknowledged" } else { "open" };
        found.details.push(format!(
            "{priority} {status}: {} ({} ago, {owner})",
            text("message"),
            age(&text("createdAt"))
        ));
    }
    found.value = Some(match alerts.len() {
        0 => "no open alerts".to_string(),
        1 => "1 open alert".to_string(),
        n => format!("{n} open alerts"),
    });
    found.link = server.web_url.clone().map(|w| format!("{}/alert/list", w.trim_end_matches('/')));
    found.state = Some(state);
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_times() {
        assert_eq!(super::parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(super::parse_rfc3339("2024-01-01T00:00:00.123Z"), Some(1_704_067_200));
        assert_eq!(super::parse_rfc3339("2024-01-01T02:00:00+02:00"), Some(1_704_067_200));
        assert_eq!(super::parse_rfc3339("nope"), None);
    }
}
