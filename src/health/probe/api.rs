//! The REST calls shared by the API-backed kinds, plus Argo CD and GitHub
//! Actions, which each need one or two GETs.

use super::Found;
use crate::health::config::{ApiServer, HealthConfig};
use crate::health::state::State;
use serde_json::Value;

pub const PAGERDUTY: &str = "https://api.pagerduty.com";
pub const OPSGENIE: &str = "https://api.opsgenie.com";
pub const GITHUB: &str = "https://api.github.com";

/// The API base URL, without a trailing slash.
pub fn base(server: &Option<ApiServer>, default: &str) -> String {
    server.as_ref().and_then(|s| s.url.clone()).unwrap_or_else(|| default.to_string()).trim_end_matches('/').to_string()
}

/// The token from the configured variable; an unset variable is an error
/// that names the variable, never the value.
pub fn token(token_env: Option<&str>) -> Result<Option<String>, String> {
    match token_env {
        None => Ok(None),
        Some(var) => match std::env::var(var) {
            Ok(t) if !t.trim().is_empty() => Ok(Some(t.trim().to_string())),
            _ => Err(format!("the token variable {var} is not set")),
        },
    }
}

/// GET a JSON document. Errors say what failed and what to check.
pub async fn get_json(
    http: &reqwest::Client,
    url: &reqwest::Url,
    headers: &[(&str, String)],
    token_env: Option<&str>,
) -> Result<Value, String> {
    let mut request = http.get(url.clone());
    for (k, v) in headers {
        request = request.header(*k, v);
    }
    let shown = format!("{}{}", url.origin().ascii_serialization(), url.path());
    let response = request.send().await.map_err(|e| describe(&e, &shown))?;
    let status = response.status();
    if !status.is_success() {
        let hint = match (status.as_u16(), token_env) {
            (401 | 403, Some(var)) => format!(": the token was rejected; check {var}"),
            (401 | 403, None) => ": the server wants a token; set token_env".to_string(),
            _ => String::new(),
        };
        // Prometheus says why in `error`, GitHub and Argo CD in `message`/`error`.
        let said = response.json::<Value>().await.ok().and_then(|b| {
            ["/error", "/message", "/error/message"]
                .iter()
                .find_map(|p| b.pointer(p).and_then(Value::as_str).map(str::to_string))
        });
        let said = said.map(|m| format!(": {}", m.chars().take(200).collect::<String>())).unwrap_or_default();
        return Err(format!("HTTP {} from {shown}{hint}{said}", status.as_u16()));
    }
    response.json::<Value>().await.map_err(|e| format!("{shown}: not the JSON expected ({})", e.without_url()))
}

pub fn describe(e: &reqwest::Error, shown: &str) -> String {
    if e.is_timeout() {
        format!("{shown}: timed out")
    } else if e.is_connect() {
        format!("cannot reach {shown}")
    } else {
        format!("{shown}: {}", crate::sanitize::clean_line(&e.without_url_ref()))
    }
}

trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(url.as_str(), "");
        }
        text
    }
}

pub fn url(base: &str, path: &str) -> Result<reqwest::Url, String> {
    reqwest::Url::parse(&format!("{base}{path}")).map_err(|e| format!("bad URL {base}{path}: {e}"))
}

/// Argo CD: `status.health.status` and `status.sync.status` of one app, or
/// of every app the selector matches (worst wins).
pub async fn argocd(
    config: &HealthConfig,
    http: &reqwest::Client,
    name: Option<&str>,
    selector: Option<&str>,
) -> Found {
    let Some(server) = &config.argocd else { return Found::unknown("no [health.argocd] in the config") };
    let base = base(&config.argocd, "");
    let token_env = server.token_env.as_deref();
    let token = match token(token_env) {
        Ok(t) => t,
        Err(e) => return Found::unknown(e),
    };
    let headers: Vec<(&str, String)> = token.map(|t| ("Authorization", format!("Bearer {t}"))).into_iter().collect();
    let web = server.web_url.clone().unwrap_or_else(|| base.clone());
    let (request, single): (reqwest::Url, bool) = match (name, selector) {
        (Some(name), _) => match url(&base, "/api/v1/applications/") {
            Ok(mut u) => {
                u.path_segments_mut()
                    .map(|mut p| {
                        p.pop_if_empty().push(name);
                    })
                    .ok();
                (u, true)
            }
            Err(e) => return Found::unknown(e),
        },
        (None, Some(sel)) => match url(&base, "/api/v1/applications") {
            Ok(mut u) => {
                u.query_pairs_mut().append_pair("selector", sel);
                (u, false)
            }
            Err(e) => return Found::unknown(e),
        },
        (None, None) => return Found::unknown("no argocd/app-name or argocd/app-selector"),
    };
    let body = match get_json(http, &request, &headers, token_env).await {
        Ok(b) => b,
        Err(e) => return Found::unknown(e),
    };
    let apps =
        if single { vec![body] } else { body.get("items").and_then(Value::as_array).cloned().unwrap_or_default() };
    if apps.is_empty() {
        return Found::unknown(format!("no Argo CD application matches {}", selector.unwrap_or_default()));
    }
    let mut found = Found::state(State::Ok);
    let mut state = State::Ok;
    for app in &apps {
        let app_name = app.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
        let health = app.pointer("/status/health/status").and_then(Value::as_str).unwrap_or("Unknown");
        let sync = app.pointer("/status/sync/status").and_then(Value::as_str).unwrap_or("Unknown");
        let h = match health {
            "Healthy" => State::Ok,
            "Progressing" | "Suspended" => State::Warn,
            "Degraded" | "Missing" => State::Crit,
            other => State::unknown(format!("health {other}")),
        };
        let s = if sync == "Synced" { State::Ok } else { State::Warn };
        state = state.worst(h).worst(s);
        found.details.push(format!("{app_name}: {health}, {sync}"));
    }
    if apps.len() == 1 {
        found.value = found.details.pop();
        let app_name = apps[0].pointer("/metadata/name").and_then(Value::as_str).or(name).unwrap_or("");
        found.link = Some(format!("{web}/applications/{app_name}"));
    } else {
        found.value = Some(format!("{} apps", apps.len()));
        found.link = Some(format!("{web}/applications"));
    }
    found.state = Some(state);
    found
}

/// GitHub Actions: the latest completed run on the default branch.
pub async fn github_actions(config: &HealthConfig, http: &reqwest::Client, slug: &str) -> Found {
    let base = base(&config.github, GITHUB);
    let token_env = config.github.as_ref().and_then(|g| g.token_env.as_deref());
    let token = match token(token_env) {
        Ok(t) => t,
        Err(e) => return Found::unknown(e),
    };
    let mut headers = vec![
        ("Accept", "application/vnd.github+json".to_string()),
        ("X-GitHub-Api-Version", "2022-11-28".to_string()),
        ("User-Agent", "callboard".to_string()),
    ];
    if let Some(t) = token {
        headers.push(("Authorization", format!("Bearer {t}")));
    }
    let Some((owner, repo)) = slug.split_once('/') else {
        return Found::unknown(format!("`{slug}` is not owner/repo"));
    };
    let repo_url = match url(&base, "/repos") {
        Ok(mut u) => {
            u.path_segments_mut()
                .map(|mut p| {
                    p.push(owner).push(repo);
                })
                .ok();
            u
        }
        Err(e) => return Found::unknown(e),
    };
    let repo_doc = match get_json(http, &repo_url, &headers, token_env).await {
        Ok(v) => v,
        Err(e) => return Found::unknown(e),
    };
    let branch = repo_doc.get("default_branch").and_then(Value::as_str).unwrap_or("main").to_string();
    let mut runs_url = repo_url.clone();
    runs_url
        .path_segments_mut()
        .map(|mut p| {
            p.push("actions").push("runs");
        })
        .ok();
    runs_url
        .query_pairs_mut()
        .append_pair("branch", &branch)
        .append_pair("status", "completed")
        .append_pair("per_page", "1");
    let runs = match get_json(http, &runs_url, &headers, token_env).await {
        Ok(v) => v,
        Err(e) => return Found::unknown(e),
    };
    let Some(run) = runs.pointer("/workflow_runs/0") else {
        return Found::unknown(format!("no completed run on {branch}"));
    };
    let text = |k: &str| run.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let conclusion = text("conclusion");
    let state = match conclusion.as_str() {
        "success" => State::Ok,
        "failure" | "timed_out" | "startup_failure" => State::Crit,
        _ => State::Warn,
    };
    let mut found = Found::state(state);
    found.value = Some(format!("{conclusion} on {branch}"));
    found.details.push(format!(
        "{} #{} ({})",
        text("name"),
        run.get("run_number").and_then(Value::as_u64).unwrap_or(0),
        text("head_sha").chars().take(7).collect::<String>()
    ));
    found.labels.push(("workflow".into(), text("name")));
    found.link = Some(text("html_url")).filter(|l| !l.is_empty());
    found
}
