//! kubernetes: the Deployments a selector matches, through
//! `kubectl get --raw` (one request, no discovery), judged the way
//! `kubectl rollout status` judges a Deployment.

use super::Found;
use crate::health::config::HealthConfig;
use crate::health::state::State;
use serde_json::Value;
use std::process::Stdio;

/// kubectl rollout status's verdict on one Deployment: state and message.
pub fn judge_deployment(d: &Value) -> (State, String) {
    let int = |p: &str| d.pointer(p).and_then(Value::as_i64);
    let name = d.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
    let generation = int("/metadata/generation").unwrap_or(0);
    let observed = int("/status/observedGeneration").unwrap_or(0);
    if generation > observed {
        return (State::Warn, format!("{name}: waiting for the deployment spec update to be observed"));
    }
    let progress_deadline = d.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().any(|c| {
        c.get("type").and_then(Value::as_str) == Some("Progressing")
            && c.get("reason").and_then(Value::as_str) == Some("ProgressDeadlineExceeded")
    });
    if progress_deadline {
        return (State::Crit, format!("{name}: exceeded its progress deadline"));
    }
    let replicas = int("/status/replicas").unwrap_or(0);
    let updated = int("/status/updatedReplicas").unwrap_or(0);
    let available = int("/status/availableReplicas").unwrap_or(0);
    if let Some(wanted) = int("/spec/replicas") {
        if updated < wanted {
            return (State::Warn, format!("{name}: {updated} of {wanted} new replicas updated"));
        }
    }
    if replicas > updated {
        return (State::Warn, format!("{name}: {} old replicas pending termination", replicas - updated));
    }
    if available < updated {
        return (State::Warn, format!("{name}: {available} of {updated} updated replicas available"));
    }
    let ready = int("/status/readyReplicas").unwrap_or(0);
    (State::Ok, format!("{name}: rolled out, {ready}/{} ready", int("/spec/replicas").unwrap_or(replicas)))
}

pub async fn rollout(
    config: &HealthConfig,
    http: &reqwest::Client,
    entity: &str,
    selector: &str,
    namespace: Option<&str>,
) -> Found {
    let Some(k8s) = &config.kubernetes else { return Found::unknown("no [health.kubernetes] in the config") };
    if let Some(base) = &k8s.backstage_url {
        return match through_backstage(http, base, k8s.token_env.as_deref(), entity).await {
            Ok(items) => judge_all(&items, selector),
            Err(e) => Found::unknown(e),
        };
    }
    let mut path = match namespace {
        Some(ns) => {
            let mut u = reqwest::Url::parse("http://x/apis/apps/v1/namespaces/").expect("static URL");
            u.path_segments_mut()
                .map(|mut p| {
                    p.pop_if_empty().push(ns).push("deployments");
                })
                .ok();
            u
        }
        None => reqwest::Url::parse("http://x/apis/apps/v1/deployments").expect("static URL"),
    };
    path.query_pairs_mut().append_pair("labelSelector", selector);
    let raw_path = format!("{}?{}", path.path(), path.query().unwrap_or(""));
    let mut cmd = tokio::process::Command::new(&k8s.kubectl);
    if let Some(kubeconfig) = &k8s.kubeconfig {
        cmd.arg("--kubeconfig").arg(kubeconfig);
    }
    if let Some(context) = &k8s.context {
        cmd.arg("--context").arg(context);
    }
    // The selector reaches kubectl inside one URL argument, percent-encoded.
    cmd.args(["get", "--raw", &raw_path]).stdin(Stdio::null()).kill_on_drop(true);
    let output = match cmd.output().await {
        Ok(o) => o,
        Err(e) => return Found::unknown(format!("cannot run {}: {e}", k8s.kubectl)),
    };
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Found::unknown(format!("kubectl failed: {first}"));
    }
    let list: Value = match serde_json::from_slice(&output.stdout) {
        Ok(v) => v,
        Err(e) => return Found::unknown(format!("kubectl printed something other than JSON: {e}")),
    };
    let items = list.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
    judge_all(&items, selector)
}

/// Backstage's kubernetes backend: the Deployments of every cluster it
/// finds for the entity (it applies the entity's annotations itself).
async fn through_backstage(
    http: &reqwest::Client,
    base: &str,
    token_env: Option<&str>,
    entity: &str,
) -> Result<Vec<Value>, String> {
    let url = super::api::url(base.trim_end_matches('/'), "/api/kubernetes/resources/workloads/query")?;
    let mut request = http.post(url.clone()).json(&serde_json::json!({"entityRef": entity, "auth": {}}));
    if let Some(token) = super::api::token(token_env)? {
        request = request.bearer_auth(token);
    }
    let shown = format!("{}{}", url.origin().ascii_serialization(), url.path());
    let response = request.send().await.map_err(|e| super::api::describe(&e, &shown))?;
    let status = response.status();
    if !status.is_success() {
        let hint = if matches!(status.as_u16(), 401 | 403) { "; check health.kubernetes.token_env" } else { "" };
        return Err(format!("HTTP {} from {shown}{hint}", status.as_u16()));
    }
    let body: Value = response.json().await.map_err(|e| format!("{shown}: not the JSON expected ({e})"))?;
    let mut out = Vec::new();
    for cluster in body.get("items").and_then(Value::as_array).into_iter().flatten() {
        let name = cluster.pointer("/cluster/name").and_then(Value::as_str).unwrap_or("?");
        if let Some(err) = cluster.pointer("/errors/0") {
            let kind = err.get("errorType").and_then(Value::as_str).unwrap_or("error");
            return Err(format!("cluster {name}: {kind}"));
        }
        for group in cluster.get("resources").and_then(Value::as_array).into_iter().flatten() {
            if group.get("type").and_then(Value::as_str) != Some("deployments") {
                continue;
            }
            for d in group.get("resources").and_then(Value::as_array).into_iter().flatten() {
                let mut d = d.clone();
                // Name the cluster in the message when there are several.
                if let Some(n) = d.pointer_mut("/metadata/name") {
                    *n = Value::from(format!("{name}/{}", n.as_str().unwrap_or("?")));
                }
                out.push(d);
            }
        }
    }
    Ok(out)
}

fn judge_all(items: &[Value], selector: &str) -> Found {
    if items.is_empty() {
        return Found::unknown(format!("no Deployment matches {selector}"));
    }
    let mut found = Found::default();
    let mut state = State::Ok;
    for d in items {
        let (s, message) = judge_deployment(d);
        state = state.worst(s);
        found.details.push(message);
    }
    found.value = Some(if items.len() == 1 {
        found.details[0].clone()
    } else {
        let ok = found.details.iter().filter(|m| m.contains("rolled out")).count();
        format!("{ok} of {} deployments rolled out", items.len())
    });
    found.state = Some(state);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dep(
        generation: i64,
        observed: i64,
        spec: i64,
        updated: i64,
        replicas: i64,
        available: i64,
        reason: &str,
    ) -> Value {
        json!({"metadata": {"name": "web", "generation": generation},
               "spec": {"replicas": spec},
               "status": {"observedGeneration": observed, "replicas": replicas, "updatedReplicas": updated,
                          "availableReplicas": available, "readyReplicas": available,
                          "conditions": [{"type": "Progressing", "reason": reason}]}})
    }

    #[test]
    fn judged_like_kubectl_rollout_status() {
        assert_eq!(judge_deployment(&dep(2, 2, 3, 3, 3, 3, "NewReplicaSetAvailable")).0, State::Ok);
        assert_eq!(judge_deployment(&dep(3, 2, 3, 3, 3, 3, "NewReplicaSetAvailable")).0, State::Warn);
        assert_eq!(judge_deployment(&dep(2, 2, 3, 1, 3, 3, "ReplicaSetUpdated")).0, State::Warn);
        assert_eq!(judge_deployment(&dep(2, 2, 3, 3, 4, 3, "ReplicaSetUpdated")).0, State::Warn);
        assert_eq!(judge_deployment(&dep(2, 2, 3, 3, 3, 1, "ReplicaSetUpdated")).0, State::Warn);
        let (s, m) = judge_deployment(&dep(2, 2, 3, 1, 3, 1, "ProgressDeadlineExceeded"));
        assert_eq!((s, m.as_str()), (State::Crit, "web: exceeded its progress deadline"));
    }
}
