//! Prometheus: `prometheus.io/rule` queries as instant queries, and
//! `prometheus.io/alert` from the alerting rules (firing → crit, pending → warn).

use super::api::{get_json, token, url};
use super::Found;
use crate::health::config::{HealthConfig, PrometheusServer};
use crate::health::state::State;
use serde_json::Value;

fn server<'a>(config: &'a HealthConfig, name: Option<&str>) -> Result<&'a PrometheusServer, String> {
    config.prometheus_server(name).ok_or_else(|| match name {
        Some(n) => format!("prometheus.io/service-name `{n}`: no [[health.prometheus]] named so"),
        None => "no [[health.prometheus]] in the config".to_string(),
    })
}

async fn api(
    server: &PrometheusServer,
    http: &reqwest::Client,
    path: &str,
    params: &[(&str, &str)],
) -> Result<Value, String> {
    let mut u = url(server.url.trim_end_matches('/'), path)?;
    for (k, v) in params {
        u.query_pairs_mut().append_pair(k, v);
    }
    let token_env = server.token_env.as_deref();
    let headers: Vec<(&str, String)> =
        token(token_env)?.map(|t| ("Authorization", format!("Bearer {t}"))).into_iter().collect();
    let body = get_json(http, &u, &headers, token_env).await?;
    if body.get("status").and_then(Value::as_str) != Some("success") {
        let error = body.get("error").and_then(Value::as_str).unwrap_or("no status: success");
        return Err(format!("Prometheus {}: {error}", server.name));
    }
    Ok(body.get("data").cloned().unwrap_or(Value::Null))
}

fn dashboard(server: &PrometheusServer) -> String {
    server.dashboard_url.clone().unwrap_or_else(|| server.url.clone()).trim_end_matches('/').to_string()
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{:.4}", v).trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An instant query; with a `[[health.prometheus_threshold]]` for the query
/// its values decide the state, else it is ok when there is data.
pub async fn query(
    config: &HealthConfig,
    http: &reqwest::Client,
    server_name: Option<&str>,
    query: &str,
    label: Option<&str>,
) -> Found {
    let server = match server(config, server_name) {
        Ok(s) => s,
        Err(e) => return Found::unknown(e),
    };
    let data = match api(server, http, "/api/v1/query", &[("query", query)]).await {
        Ok(d) => d,
        Err(e) => return Found::unknown(e),
    };
    let mut link = url(&dashboard(server), "/graph").ok();
    if let Some(u) = link.as_mut() {
        u.query_pairs_mut().append_pair("g0.expr", query).append_pair("g0.tab", "1");
    }
    let mut found = Found { link: link.map(String::from), ..Default::default() };
    let samples: Vec<(serde_json::Map<String, Value>, f64)> = match data.get("resultType").and_then(Value::as_str) {
        Some("vector") => data
            .get("result")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| {
                let metric = r.get("metric").and_then(Value::as_object).cloned().unwrap_or_default();
                let v = r.pointer("/value/1").and_then(Value::as_str)?.parse::<f64>().ok()?;
                Some((metric, v))
            })
            .collect(),
        Some("scalar") => data
            .pointer("/result/1")
            .and_then(Value::as_str)
            .and_then(|v| v.parse().ok())
            .map(|v| vec![(serde_json::Map::new(), v)])
            .unwrap_or_default(),
        other => return Found::unknown(format!("query returned {}, not a vector", other.unwrap_or("nothing"))),
    };
    if samples.is_empty() {
        return Found::unknown(format!("no data for `{query}`"));
    }
    let threshold = config.prometheus_threshold.iter().find(|t| t.query == query);
    let mut state = State::Ok;
    let mut parts = Vec::new();
    for (metric, v) in &samples {
        if let Some(t) = threshold {
            let s = if t.crit_above.is_some_and(|c| *v > c) || t.crit_below.is_some_and(|c| *v < c) {
                State::Crit
            } else if t.warn_above.is_some_and(|w| *v > w) || t.warn_below.is_some_and(|w| *v < w) {
                State::Warn
            } else {
                State::Ok
            };
            state = state.worst(s);
        }
        // The grouping label, else the first label other than __name__ (as the plugin groups).
        let key = label
            .and_then(|l| metric.get(l))
            .or_else(|| metric.iter().find(|(k, _)| k.as_str() != "__name__").map(|(_, v)| v))
            .and_then(Value::as_str);
        parts.push(match key {
            Some(k) => format!("{k}={}", format_number(*v)),
            None => format_number(*v),
        });
    }
    if samples.len() == 1 {
        found.labels =
            samples[0].0.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect();
        found.value = Some(format_number(samples[0].1));
    } else {
        found.value = Some(parts.iter().take(5).cloned().collect::<Vec<_>>().join(", "));
        found.details = parts;
    }
    found.state = Some(state);
    found
}

/// Alerting rules by name (or all), filtered by labels: firing → crit,
/// pending → warn, inactive → ok. A named alert the server does not have is unknown.
pub async fn alerts(
    config: &HealthConfig,
    http: &reqwest::Client,
    server_name: Option<&str>,
    names: &[String],
    labels: &[(String, String)],
) -> Found {
    let server = match server(config, server_name) {
        Ok(s) => s,
        Err(e) => return Found::unknown(e),
    };
    let data = match api(server, http, "/api/v1/rules", &[("type", "alert")]).await {
        Ok(d) => d,
        Err(e) => return Found::unknown(e),
    };
    let rules: Vec<&Value> = data
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|g| g.get("rules").and_then(Value::as_array).into_iter().flatten())
        .filter(|r| r.get("type").and_then(Value::as_str).unwrap_or("alerting") == "alerting")
        .filter(|r| {
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            names.is_empty() || names.iter().any(|n| n == name)
        })
        .collect();
    let missing: Vec<&String> =
        names.iter().filter(|n| !rules.iter().any(|r| r.get("name").and_then(Value::as_str) == Some(n))).collect();
    let mut found = Found { link: Some(format!("{}/alerts", dashboard(server))), ..Default::default() };
    let mut state = State::Ok;
    let (mut firing, mut pending) = (0, 0);
    for rule in &rules {
        let name = rule.get("name").and_then(Value::as_str).unwrap_or("?");
        for alert in rule.get("alerts").and_then(Value::as_array).into_iter().flatten() {
            let alert_labels = alert.get("labels").and_then(Value::as_object);
            let matches = labels
                .iter()
                .all(|(k, v)| alert_labels.and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v.as_str()));
            if !matches {
                continue;
            }
            let alert_state = alert.get("state").and_then(Value::as_str).unwrap_or("");
            match alert_state {
                "firing" => {
                    firing += 1;
                    state = state.worst(State::Crit);
                }
                "pending" => {
                    pending += 1;
                    state = state.worst(State::Warn);
                }
                _ => continue,
            }
            let value = alert.get("value").and_then(Value::as_str).and_then(|v| v.parse::<f64>().ok());
            let shown: Vec<String> = alert_labels
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.as_str() != "alertname")
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect();
            found.details.push(format!(
                "{alert_state} {name}{} {{{}}}",
                value.map(|v| format!(" = {}", format_number(v))).unwrap_or_default(),
                shown.join(", ")
            ));
            if found.labels.is_empty() {
                found.labels = alert_labels
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect();
            }
        }
    }
    found.value = Some(match (firing, pending) {
        (0, 0) => format!("{} rule(s), none firing", rules.len()),
        (f, 0) => format!("{f} firing"),
        (0, p) => format!("{p} pending"),
        (f, p) => format!("{f} firing, {p} pending"),
    });
    if !missing.is_empty() {
        let list = missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        let reason = format!("no alerting rule named {list} on Prometheus {}", server.name);
        found.error = Some(reason.clone());
        state = state.worst(State::Unknown(reason));
    }
    found.state = Some(state);
    found
}
