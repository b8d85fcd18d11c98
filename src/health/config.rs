//! `[health]` in the config: where each probe kind's server is, its token
//! variable, timeouts, TTLs and limits. Everything has a default, so one
//! `[[health.prometheus]] url = …` (plus `token_env` where the server wants
//! one) is a working setup.

use serde::Deserialize;

/// The whole `[health]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthConfig {
    /// Seconds a result counts as current; older ones show as stale and run again.
    #[serde(default = "default_ttl")]
    pub ttl: u64,
    /// Seconds one probe may take before it ends as a timeout.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Probes running at once, overall.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Probes running at once against one host (or one command).
    #[serde(default = "default_per_host")]
    pub per_host: usize,
    #[serde(default)]
    pub prometheus: Vec<PrometheusServer>,
    /// Thresholds for `prometheus.io/rule` queries (without one a query is informational).
    #[serde(default)]
    pub prometheus_threshold: Vec<Threshold>,
    #[serde(default)]
    pub pagerduty: Option<ApiServer>,
    #[serde(default)]
    pub opsgenie: Option<ApiServer>,
    #[serde(default)]
    pub argocd: Option<ApiServer>,
    #[serde(default)]
    pub github: Option<ApiServer>,
    #[serde(default)]
    pub kubernetes: Option<Kubernetes>,
    #[serde(default)]
    pub http: HttpProbes,
    #[serde(default)]
    pub command: Vec<CommandProbe>,
}

impl Default for HealthConfig {
    fn default() -> Self {
        // The serde defaults, so `HealthConfig::default()` equals an empty `[health]`.
        toml::from_str("").expect("the empty health config parses")
    }
}

/// One Prometheus server; `prometheus.io/service-name` picks one by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusServer {
    #[serde(default = "default_name")]
    pub name: String,
    pub url: String,
    /// Environment variable with a bearer token, when the server needs one.
    #[serde(default)]
    pub token_env: Option<String>,
    /// Base of the dashboard links (default: `url`).
    #[serde(default)]
    pub dashboard_url: Option<String>,
}

/// A threshold on a `prometheus.io/rule` query, matched by its exact text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub query: String,
    #[serde(default)]
    pub warn_above: Option<f64>,
    #[serde(default)]
    pub crit_above: Option<f64>,
    #[serde(default)]
    pub warn_below: Option<f64>,
    #[serde(default)]
    pub crit_below: Option<f64>,
}

/// A REST API with a token (PagerDuty, Opsgenie, Argo CD, GitHub).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiServer {
    /// API base URL (defaults: api.pagerduty.com, api.opsgenie.com, api.github.com; Argo CD has none).
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub token_env: Option<String>,
    /// Base of the dashboard links (PagerDuty: `https://YOURS.pagerduty.com`).
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(default)]
    pub timeout: Option<u64>,
}

/// Kubernetes through kubectl.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// kubectl context (default: kubectl's current context).
    #[serde(default)]
    pub context: Option<String>,
    /// kubeconfig file (default: kubectl's own).
    #[serde(default)]
    pub kubeconfig: Option<std::path::PathBuf>,
    #[serde(default = "default_kubectl")]
    pub kubectl: String,
    /// Ask this Backstage's kubernetes backend instead of kubectl
    /// (`POST /api/kubernetes/resources/workloads/query`).
    #[serde(default)]
    pub backstage_url: Option<String>,
    /// Token variable for `backstage_url` (sent as a bearer token).
    #[serde(default)]
    pub token_env: Option<String>,
    #[serde(default)]
    pub timeout: Option<u64>,
}

/// http probes: which links and annotations hold a health URL, and the thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpProbes {
    /// Link `type`s (or titles) that name a health endpoint.
    #[serde(default = "default_link_types")]
    pub link_types: Vec<String>,
    /// Annotations whose value is a health URL.
    #[serde(default = "default_http_annotations")]
    pub annotations: Vec<String>,
    /// Slower than this is warn.
    #[serde(default = "default_warn_ms")]
    pub warn_ms: u64,
    /// Slower than this is crit.
    #[serde(default = "default_crit_ms")]
    pub crit_ms: u64,
    /// Optional rule on a JSON body (`pointer = "/status"`, `ok = ["UP"]`).
    #[serde(default)]
    pub json: Option<ValueRule>,
    #[serde(default)]
    pub timeout: Option<u64>,
}

impl Default for HttpProbes {
    fn default() -> Self {
        HttpProbes {
            link_types: default_link_types(),
            annotations: default_http_annotations(),
            warn_ms: default_warn_ms(),
            crit_ms: default_crit_ms(),
            json: None,
            timeout: None,
        }
    }
}

/// Decides a state from output: a JSON pointer's value or regexes on the text.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ValueRule {
    /// JSON pointer into the output (`/status`); without it the regexes see the whole text.
    #[serde(default)]
    pub pointer: Option<String>,
    /// Values (exact) that mean ok / warn; anything else is crit.
    #[serde(default)]
    pub ok: Vec<String>,
    #[serde(default)]
    pub warn: Vec<String>,
    /// Regexes tried in order crit, warn, ok; the first that matches decides.
    #[serde(default)]
    pub crit_regex: Option<String>,
    #[serde(default)]
    pub warn_regex: Option<String>,
    #[serde(default)]
    pub ok_regex: Option<String>,
}

/// A command probe: an argv (never a shell) with placeholders.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandProbe {
    pub name: String,
    /// Program and arguments. Placeholders inside an argument: `{name}`,
    /// `{namespace}`, `{kind}`, `{ref}`, `{annotation:KEY}`; each value stays
    /// inside its one argument.
    pub argv: Vec<String>,
    /// Run only for entities with this annotation (besides those the argv names).
    #[serde(default)]
    pub annotation: Option<String>,
    /// Entity kinds it applies to (default: component).
    #[serde(default = "default_kinds")]
    pub kinds: Vec<String>,
    /// `nagios` (0 ok, 1 warn, 2 crit, else unknown) or `zero` (0 ok, else crit).
    #[serde(default = "default_exit_codes")]
    pub exit_codes: String,
    /// Optional rule on stdout, combined worst-of with the exit code.
    #[serde(default)]
    pub rule: Option<ValueRule>,
    #[serde(default)]
    pub timeout: Option<u64>,
}

fn default_ttl() -> u64 {
    60
}
fn default_timeout() -> u64 {
    10
}
fn default_concurrency() -> usize {
    16
}
fn default_per_host() -> usize {
    4
}
fn default_name() -> String {
    "default".into()
}
fn default_kubectl() -> String {
    "kubectl".into()
}
fn default_link_types() -> Vec<String> {
    vec!["health".into(), "status".into(), "healthcheck".into()]
}
fn default_http_annotations() -> Vec<String> {
    vec!["callboard/health-url".into()]
}
fn default_warn_ms() -> u64 {
    1000
}
fn default_crit_ms() -> u64 {
    5000
}
fn default_kinds() -> Vec<String> {
    vec!["component".into()]
}
fn default_exit_codes() -> String {
    "nagios".into()
}

impl HealthConfig {
    /// Rules serde cannot express; the message names the key.
    pub fn check(&self) -> Result<(), String> {
        if self.concurrency == 0 || self.per_host == 0 {
            return Err("health.concurrency and health.per_host must be at least 1".into());
        }
        if self.timeout == 0 {
            return Err("health.timeout must be at least 1 second".into());
        }
        let mut names = std::collections::HashSet::new();
        for p in &self.prometheus {
            if !names.insert(p.name.as_str()) {
                return Err(format!("health.prometheus: `{}` is defined twice", p.name));
            }
            check_url(&format!("health.prometheus `{}` url", p.name), &p.url)?;
        }
        for (key, api) in [
            ("pagerduty", &self.pagerduty),
            ("opsgenie", &self.opsgenie),
            ("argocd", &self.argocd),
            ("github", &self.github),
        ] {
            if let Some(url) = api.as_ref().and_then(|a| a.url.as_deref()) {
                check_url(&format!("health.{key}.url"), url)?;
            }
        }
        if let Some(url) = self.kubernetes.as_ref().and_then(|k| k.backstage_url.as_deref()) {
            check_url("health.kubernetes.backstage_url", url)?;
        }
        if self.argocd.as_ref().is_some_and(|a| a.url.is_none()) {
            return Err("health.argocd: url is required (your Argo CD server)".into());
        }
        for c in &self.command {
            if c.argv.is_empty() || c.argv[0].is_empty() {
                return Err(format!("health.command `{}`: argv needs at least the program", c.name));
            }
            // The catalog may fill arguments, never choose the program.
            if c.argv[0].contains('{') {
                return Err(format!("health.command `{}`: the program (argv[0]) cannot hold a placeholder", c.name));
            }
            if c.exit_codes != "nagios" && c.exit_codes != "zero" {
                return Err(format!(
                    "health.command `{}`: exit_codes must be \"nagios\" or \"zero\", got `{}`",
                    c.name, c.exit_codes
                ));
            }
            if let Some(rule) = &c.rule {
                check_rule(&format!("health.command `{}` rule", c.name), rule)?;
            }
        }
        if let Some(rule) = &self.http.json {
            check_rule("health.http.json", rule)?;
        }
        Ok(())
    }

    /// The Prometheus server a `prometheus.io/service-name` picks (or the first).
    pub fn prometheus_server(&self, name: Option<&str>) -> Option<&PrometheusServer> {
        match name {
            Some(n) => self.prometheus.iter().find(|p| p.name == n),
            None => self.prometheus.iter().find(|p| p.name == "default").or(self.prometheus.first()),
        }
    }
}

fn check_url(key: &str, url: &str) -> Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(()),
        _ => Err(format!("{key}: `{url}` is not an http:// or https:// URL")),
    }
}

fn check_rule(key: &str, rule: &ValueRule) -> Result<(), String> {
    for re in [&rule.crit_regex, &rule.warn_regex, &rule.ok_regex].into_iter().flatten() {
        regex::Regex::new(re).map_err(|e| format!("{key}: bad regex `{re}`: {e}"))?;
    }
    if let Some(p) = &rule.pointer {
        if !p.is_empty() && !p.starts_with('/') {
            return Err(format!("{key}: pointer `{p}` must start with `/` (a JSON pointer)"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_alone_is_a_working_config() {
        let c: HealthConfig = toml::from_str("[[prometheus]]\nurl = \"http://127.0.0.1:9090\"").unwrap();
        c.check().unwrap();
        assert_eq!(c.prometheus_server(None).unwrap().name, "default");
        assert_eq!((c.ttl, c.timeout, c.concurrency, c.per_host), (60, 10, 16, 4));
        assert_eq!(c.http.link_types, ["health", "status", "healthcheck"]);
    }

    #[test]
    fn bad_values_name_their_key() {
        let bad = |text: &str| toml::from_str::<HealthConfig>(text).unwrap().check().unwrap_err();
        assert!(bad("[[prometheus]]\nurl = \"ftp://x\"").contains("health.prometheus `default` url"));
        assert!(bad("[[command]]\nname = \"x\"\nargv = []").contains("argv"));
        assert!(bad("[[command]]\nname = \"x\"\nargv = [\"a\"]\nrule = { crit_regex = \"(\" }").contains("bad regex"));
        assert!(bad("concurrency = 0").contains("concurrency"));
        assert!(bad("[[command]]\nname = \"x\"\nargv = [\"{annotation:a}\"]").contains("argv[0]"));
        assert!(bad("[argocd]\ntoken_env = \"T\"").contains("argocd"));
    }
}
