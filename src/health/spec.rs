//! Which probes an entity has, from the annotations Backstage's plugins
//! already read (keys and formats as each plugin documents them):
//!
//! - `prometheus.io/rule`: comma list of `query` or `query|label` (Roadie's
//!   Prometheus plugin; `,` and `|` cannot appear inside a query);
//!   `prometheus.io/alert`: comma list of alert names, or `all`;
//!   `prometheus.io/labels`: `k=v,k2=v2` filters the alerts;
//!   `prometheus.io/service-name` picks a configured server.
//! - `pagerduty.com/service-id`, or `pagerduty.com/integration-key` (the
//!   service is found by `GET /services?query=KEY`, as the PagerDuty plugin does).
//! - `opsgenie.com/component-selector`: an Opsgenie alert search query.
//! - `backstage.io/kubernetes-id` (label `backstage.io/kubernetes-id=ID`) or
//!   `backstage.io/kubernetes-label-selector`, `backstage.io/kubernetes-namespace`.
//! - `argocd/app-name` or `argocd/app-selector` (Roadie's Argo CD plugin).
//! - `github.com/project-slug`: `owner/repo`.
//! - http: a link whose type (or title) is a configured one, or a configured annotation.
//! - command: every `[[health.command]]` whose annotations the entity has.

use super::config::{CommandProbe, HealthConfig};
use serde_json::Value;

/// The probe kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    Prometheus,
    PagerDuty,
    Opsgenie,
    Kubernetes,
    ArgoCd,
    GithubActions,
    Http,
    Command,
}

impl ProbeKind {
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Prometheus => "prometheus",
            ProbeKind::PagerDuty => "pagerduty",
            ProbeKind::Opsgenie => "opsgenie",
            ProbeKind::Kubernetes => "kubernetes",
            ProbeKind::ArgoCd => "argocd",
            ProbeKind::GithubActions => "github-actions",
            ProbeKind::Http => "http",
            ProbeKind::Command => "command",
        }
    }
}

/// What exactly to ask, per kind. Values come from the catalog: untrusted.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    PrometheusQuery {
        server: Option<String>,
        query: String,
        label: Option<String>,
    },
    /// Empty `alerts` means all of them.
    PrometheusAlerts {
        server: Option<String>,
        alerts: Vec<String>,
        labels: Vec<(String, String)>,
    },
    PagerDuty {
        service_id: Option<String>,
        integration_key: Option<String>,
    },
    Opsgenie {
        selector: String,
    },
    Kubernetes {
        selector: String,
        namespace: Option<String>,
    },
    ArgoCd {
        app_name: Option<String>,
        selector: Option<String>,
    },
    GithubActions {
        slug: String,
    },
    Http {
        url: String,
    },
    /// The argv with placeholders already substituted, one value per argument.
    Command {
        name: String,
        argv: Vec<String>,
    },
}

/// One probe of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSpec {
    /// Entity key (`component:default/payments-api`).
    pub entity: String,
    /// Stable within the entity (`prometheus/alert`, `http/https://…`).
    pub id: String,
    pub kind: ProbeKind,
    pub target: Target,
    /// A short heading (sanitised).
    pub label: String,
}

impl ProbeSpec {
    /// Entity key + probe id: the executor runs one probe per key at a time.
    pub fn key(&self) -> String {
        format!("{}#{}", self.entity, self.id)
    }
}

fn annotation<'a>(entity: &'a Value, key: &str) -> Option<&'a str> {
    entity
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn comma_list(text: &str) -> Vec<String> {
    split_top(text, ',').into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Split at `sep` outside brackets and quotes. The plugin's own format
/// forbids `,` and `|` inside a query; catalogs write them anyway
/// (`{service="a",status=~"5.."}`), and a top-level split reads those as meant
/// while reading every query the plugin accepts the same way it does.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let (mut depth, mut quote, mut start, mut out) = (0i32, None::<char>, 0, Vec::new());
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, c) if c == sep && depth <= 0 => {
                out.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        escaped = false;
    }
    out.push(&text[start..]);
    out
}

/// Every probe the entity's annotations and links call for under this config.
/// Kinds that need a server or a token run only when their section is configured.
pub fn probes_for(entity: &Value, config: &HealthConfig) -> Vec<ProbeSpec> {
    let Ok(eref) = crate::catalog::entity::validate(entity) else { return Vec::new() };
    let key = eref.key();
    let mut out = Vec::new();
    let mut push = |id: String, kind: ProbeKind, target: Target, label: String| {
        out.push(ProbeSpec { entity: key.clone(), id, kind, target, label: crate::sanitize::clean_line(&label) });
    };
    let server = annotation(entity, "prometheus.io/service-name").map(str::to_string);
    if !config.prometheus.is_empty() || server.is_some() {
        if let Some(rules) = annotation(entity, "prometheus.io/rule") {
            for rule in comma_list(rules) {
                let parts = split_top(&rule, '|');
                let (query, label) = match parts.as_slice() {
                    [q, l] => (q.trim().to_string(), Some(l.trim().to_string()).filter(|l| !l.is_empty())),
                    _ => (rule.clone(), None),
                };
                let target = Target::PrometheusQuery { server: server.clone(), query: query.clone(), label };
                push(format!("prometheus/rule/{query}"), ProbeKind::Prometheus, target, query);
            }
        }
        if let Some(alerts) = annotation(entity, "prometheus.io/alert") {
            let alerts = if alerts.eq_ignore_ascii_case("all") { Vec::new() } else { comma_list(alerts) };
            let labels = annotation(entity, "prometheus.io/labels")
                .map(|l| {
                    comma_list(l)
                        .into_iter()
                        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
                        .collect()
                })
                .unwrap_or_default();
            let label =
                if alerts.is_empty() { "alerts: all".to_string() } else { format!("alerts: {}", alerts.join(", ")) };
            let target = Target::PrometheusAlerts { server: server.clone(), alerts, labels };
            push("prometheus/alert".into(), ProbeKind::Prometheus, target, label);
        }
    }
    if config.pagerduty.is_some() {
        let service_id = annotation(entity, "pagerduty.com/service-id").map(str::to_string);
        let integration_key = annotation(entity, "pagerduty.com/integration-key").map(str::to_string);
        if service_id.is_some() || integration_key.is_some() {
            let label = match &service_id {
                Some(id) => format!("incidents of service {id}"),
                None => "incidents of the integration's service".to_string(),
            };
            push("pagerduty".into(), ProbeKind::PagerDuty, Target::PagerDuty { service_id, integration_key }, label);
        }
    }
    if config.opsgenie.is_some() {
        if let Some(selector) = annotation(entity, "opsgenie.com/component-selector") {
            let target = Target::Opsgenie { selector: selector.to_string() };
            push("opsgenie".into(), ProbeKind::Opsgenie, target, format!("open alerts: {selector}"));
        }
    }
    if config.kubernetes.is_some() {
        let selector = annotation(entity, "backstage.io/kubernetes-label-selector").map(str::to_string).or_else(|| {
            annotation(entity, "backstage.io/kubernetes-id").map(|id| format!("backstage.io/kubernetes-id={id}"))
        });
        if let Some(selector) = selector {
            let namespace = annotation(entity, "backstage.io/kubernetes-namespace").map(str::to_string);
            let label =
                format!("rollout {selector}{}", namespace.as_deref().map(|n| format!(" in {n}")).unwrap_or_default());
            push("kubernetes".into(), ProbeKind::Kubernetes, Target::Kubernetes { selector, namespace }, label);
        }
    }
    if config.argocd.is_some() {
        let app_name = annotation(entity, "argocd/app-name").map(str::to_string);
        let selector = annotation(entity, "argocd/app-selector").map(str::to_string);
        if app_name.is_some() || selector.is_some() {
            let label = format!("app {}", app_name.as_deref().or(selector.as_deref()).unwrap_or(""));
            push("argocd".into(), ProbeKind::ArgoCd, Target::ArgoCd { app_name, selector }, label);
        }
    }
    if config.github.is_some() {
        if let Some(slug) = annotation(entity, "github.com/project-slug").filter(|s| s.contains('/')) {
            let target = Target::GithubActions { slug: slug.to_string() };
            push("github-actions".into(), ProbeKind::GithubActions, target, format!("latest run of {slug}"));
        }
    }
    for url in http_urls(entity, config) {
        push(format!("http/{url}"), ProbeKind::Http, Target::Http { url: url.clone() }, format!("GET {url}"));
    }
    for probe in &config.command {
        if let Some(argv) = command_argv(entity, &eref, probe) {
            let target = Target::Command { name: probe.name.clone(), argv };
            push(format!("command/{}", probe.name), ProbeKind::Command, target, probe.name.clone());
        }
    }
    out
}

/// Health URLs: configured annotations, then links of a configured type or title.
fn http_urls(entity: &Value, config: &HealthConfig) -> Vec<String> {
    let mut urls: Vec<String> =
        config.http.annotations.iter().filter_map(|a| annotation(entity, a)).map(str::to_string).collect();
    let types: Vec<String> = config.http.link_types.iter().map(|t| t.to_lowercase()).collect();
    for link in entity.pointer("/metadata/links").and_then(Value::as_array).into_iter().flatten() {
        let field = |k: &str| link.get(k).and_then(Value::as_str).unwrap_or("").trim().to_lowercase();
        if types.contains(&field("type")) || types.contains(&field("title")) {
            if let Some(url) = link.get("url").and_then(Value::as_str) {
                urls.push(url.trim().to_string());
            }
        }
    }
    urls.retain(|u| u.starts_with("http://") || u.starts_with("https://"));
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    urls
}

/// The argv with placeholders filled in, or None when the probe does not
/// apply (wrong kind, or an annotation it needs is missing). A value is only
/// ever pasted inside the argument that names it: no splitting, no shell.
fn command_argv(entity: &Value, eref: &crate::catalog::EntityRef, probe: &CommandProbe) -> Option<Vec<String>> {
    if !probe.kinds.iter().any(|k| k.eq_ignore_ascii_case(&eref.kind)) {
        return None;
    }
    if let Some(required) = &probe.annotation {
        annotation(entity, required)?;
    }
    let display = eref.to_string();
    let mut argv = Vec::with_capacity(probe.argv.len());
    for arg in &probe.argv {
        let mut out = String::new();
        let mut rest = arg.as_str();
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            let value = match name {
                "name" => eref.name.clone(),
                "namespace" => eref.namespace.clone(),
                "kind" => eref.kind.clone(),
                "ref" => display.clone(),
                _ => match name.strip_prefix("annotation:") {
                    // Raw value, untrimmed: what the catalog says, byte for byte.
                    Some(key) => entity
                        .pointer("/metadata/annotations")
                        .and_then(|a| a.get(key))
                        .and_then(Value::as_str)?
                        .to_string(),
                    None => format!("{{{name}}}"),
                },
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        argv.push(out);
    }
    Some(argv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entity(annotations: Value, links: Value) -> Value {
        json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
               "metadata": {"name": "pay", "annotations": annotations, "links": links}})
    }

    fn config(text: &str) -> HealthConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn plugin_annotations_become_probes_with_stable_keys() {
        let c = config(
            "[[prometheus]]\nurl='http://p'\n[pagerduty]\ntoken_env='T'\n[opsgenie]\n[kubernetes]\n[argocd]\nurl='http://a'\n[github]\n",
        );
        let e = entity(
            json!({
                "prometheus.io/rule": "memUsage|component, node_memory_active_bytes|instance,sum by (instance) (x)",
                "prometheus.io/alert": "all",
                "pagerduty.com/integration-key": "abc",
                "opsgenie.com/component-selector": "tag:\"service:pay\"",
                "backstage.io/kubernetes-id": "pay",
                "argocd/app-name": "pay-prod",
                "github.com/project-slug": "acme/pay",
            }),
            json!([{"url": "https://pay/health", "type": "health"}, {"url": "https://pay/docs", "type": "docs"}]),
        );
        let specs = probes_for(&e, &c);
        let ids: Vec<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "prometheus/rule/memUsage",
                "prometheus/rule/node_memory_active_bytes",
                "prometheus/rule/sum by (instance) (x)",
                "prometheus/alert",
                "pagerduty",
                "opsgenie",
                "kubernetes",
                "argocd",
                "github-actions",
                "http/https://pay/health"
            ]
        );
        assert_eq!(specs[0].key(), "component:default/pay#prometheus/rule/memUsage");
        assert_eq!(
            specs[0].target,
            Target::PrometheusQuery { server: None, query: "memUsage".into(), label: Some("component".into()) }
        );
        assert!(matches!(&specs[3].target, Target::PrometheusAlerts { alerts, .. } if alerts.is_empty()));
        assert_eq!(
            specs[6].target,
            Target::Kubernetes { selector: "backstage.io/kubernetes-id=pay".into(), namespace: None }
        );
    }

    #[test]
    fn queries_with_commas_and_pipes_inside_brackets_or_quotes_stay_whole() {
        let c = config("[[prometheus]]\nurl='http://p'");
        let rule = r#"sum(rate(x{service="a",status=~"5..|4.."}[5m]))|service, up{job="a,b"}"#;
        let specs = probes_for(&entity(json!({"prometheus.io/rule": rule}), json!([])), &c);
        let targets: Vec<_> = specs.iter().map(|s| s.target.clone()).collect();
        assert_eq!(
            targets,
            [
                Target::PrometheusQuery {
                    server: None,
                    query: r#"sum(rate(x{service="a",status=~"5..|4.."}[5m]))"#.into(),
                    label: Some("service".into())
                },
                Target::PrometheusQuery { server: None, query: r#"up{job="a,b"}"#.into(), label: None },
            ]
        );
    }

    #[test]
    fn unconfigured_kinds_stay_quiet() {
        let e = entity(json!({"pagerduty.com/service-id": "P1", "prometheus.io/alert": "X"}), json!([]));
        assert!(probes_for(&e, &HealthConfig::default()).is_empty());
    }

    #[test]
    fn placeholders_fill_single_arguments_and_missing_annotations_skip() {
        let c = config("[[command]]\nname='smoke'\nargv=['check', '--svc={annotation:x/svc}', '{ref}', '{nope}']");
        let hostile = "; rm -rf ~ $(reboot) `id`";
        let e = entity(json!({"x/svc": hostile}), json!([]));
        let specs = probes_for(&e, &c);
        assert_eq!(
            specs[0].target,
            Target::Command {
                name: "smoke".into(),
                argv: vec!["check".into(), format!("--svc={hostile}"), "component:default/pay".into(), "{nope}".into()]
            }
        );
        assert!(probes_for(&entity(json!({}), json!([])), &c).is_empty());
    }
}
