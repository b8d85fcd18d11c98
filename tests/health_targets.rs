//! http, command and kubernetes probes against real things on loopback: a
//! python3 http.server (healthy, slow, 500, hung), a script that records its
//! argv, kubectl talking to a small stand-in API server; and the runner's
//! limits against servers that count their open connections.

#[path = "common/fake_http.rs"]
mod fake_http;

use callboard::health::{probes_for, run_all, run_probe, HealthConfig, ProbeResult, Runner, State};
use fake_http::{FakeServer, Reply};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn script(name: &str) -> String {
    format!("{}/tests/health/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Start tests/health/http_target.py; returns the guard and its base URL.
fn http_target() -> (Killed, String) {
    let mut child = Command::new("python3").arg(script("http_target.py")).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (Killed(child), format!("http://127.0.0.1:{}", line.trim()))
}

fn entity(name: &str, annotations: Value, links: Value) -> Value {
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
           "metadata": {"name": name, "annotations": annotations, "links": links}, "spec": {"type": "service"}})
}

fn find<'a>(results: &'a [ProbeResult], entity: &str) -> &'a ProbeResult {
    results
        .iter()
        .find(|r| r.entity == format!("component:default/{entity}"))
        .unwrap_or_else(|| panic!("{entity}: {results:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_probes_healthy_slow_500_hung_and_json_rule() {
    let (_server, base) = http_target();
    let config: HealthConfig =
        toml::from_str("timeout = 3\n[http]\nwarn_ms = 1000\njson = { pointer = \"/status\", ok = [\"UP\"] }").unwrap();
    let link = |path: &str, kind: &str| json!([{"url": format!("{base}{path}"), "type": kind}]);
    let entities = [
        entity("healthy", json!({}), link("/healthy", "health")),
        entity("slow", json!({}), link("/slow", "status")),
        entity("broken", json!({}), link("/error", "health")),
        entity("hung", json!({}), link("/hung", "health")),
        entity("down", json!({"callboard/health-url": format!("{base}/down")}), json!([])),
        entity("docs-only", json!({}), link("/healthy", "docs")),
    ];
    let specs: Vec<_> = entities.iter().flat_map(|e| probes_for(e, &config)).collect();
    assert_eq!(specs.len(), 5, "a docs link is not a health endpoint");
    let started = Instant::now();
    let results = run_all(specs, Arc::new(config.clone()), Runner::client(&config), None).await;
    let elapsed = started.elapsed();

    let ok = find(&results, "healthy");
    assert_eq!(ok.state, State::Ok, "{ok:#?}");
    assert!(ok.value.as_deref().unwrap().starts_with("HTTP 200 in "));
    assert_eq!(ok.labels, [("/status".to_string(), "UP".to_string())]);
    assert_eq!(ok.link.as_deref(), Some(format!("{base}/healthy").as_str()));
    let slow = find(&results, "slow");
    assert_eq!(slow.state, State::Warn, "{slow:#?}");
    assert!(slow.latency_ms >= 1500 && slow.value.as_deref().unwrap().contains("over 1000 ms"));
    let broken = find(&results, "broken");
    assert_eq!((broken.state.clone(), broken.error.as_deref()), (State::Crit, Some("HTTP 500")));
    let hung = find(&results, "hung");
    assert_eq!((hung.state.clone(), hung.error.as_deref()), (State::Crit, Some("timed out after 3 s")), "{hung:#?}");
    let down = find(&results, "down");
    assert_eq!(down.state, State::Crit, "the JSON rule sees DOWN: {down:#?}");
    assert!(elapsed < Duration::from_secs(6), "probes ran in parallel and the hung one was cut at 3 s: {elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_probe_gets_hostile_values_as_single_literal_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("argv.json");
    let hostile = ["; rm -rf ~", "$(reboot)", "`reboot`", "-rf", "a b\tc", "' \" \\"];
    let config: HealthConfig = toml::from_str(&format!(
        "[[command]]\nname = \"record\"\nannotation = \"acme.io/check\"\n\
         argv = [\"python3\", \"{}\", \"{}\", \"{{annotation:acme.io/a}}\", \"{{annotation:acme.io/b}}\",\n\
                 \"{{annotation:acme.io/c}}\", \"{{annotation:acme.io/d}}\", \"--svc={{annotation:acme.io/e}}\",\n\
                 \"{{annotation:acme.io/f}}\", \"{{name}}\", \"{{annotation:acme.io/check}}\"]\n\
         rule = {{ pointer = \"/status\", ok = [\"UP\"], warn = [\"DEGRADED\"] }}\n",
        script("record_argv.py"),
        out.display()
    ))
    .unwrap();
    config.check().unwrap();
    let annotations = json!({"acme.io/a": hostile[0], "acme.io/b": hostile[1], "acme.io/c": hostile[2],
        "acme.io/d": hostile[3], "acme.io/e": hostile[4], "acme.io/f": hostile[5], "acme.io/check": "--exit=0"});
    let specs = probes_for(&entity("pay", annotations.clone(), json!([])), &config);
    assert_eq!(specs.len(), 1);
    let result = run_probe(&specs[0], &config, &Runner::client(&config)).await;
    assert_eq!(result.state, State::Ok, "{result:#?}");
    let argv: Vec<String> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        argv,
        [
            hostile[0],
            hostile[1],
            hostile[2],
            hostile[3],
            &format!("--svc={}", hostile[4]),
            hostile[5],
            "pay",
            "--exit=0"
        ],
        "every value arrives as one literal argument"
    );

    // Exit code 1 (nagios warn) and the rule seeing DEGRADED: warn.
    let mut warn = annotations.clone();
    warn["acme.io/check"] = json!("--exit=1");
    let specs = probes_for(&entity("pay", warn, json!([])), &config);
    let result = run_probe(&specs[0], &config, &Runner::client(&config)).await;
    assert_eq!(result.state, State::Warn, "{result:#?}");
    assert_eq!(result.error.as_deref(), Some("exit code 1"));
    // Without the annotation the probe does not apply.
    assert!(probes_for(&entity("pay", json!({"acme.io/a": "x"}), json!([])), &config).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_command_is_killed_at_its_timeout() {
    let config: HealthConfig =
        toml::from_str("[[command]]\nname = \"hang\"\nargv = [\"sleep\", \"30\"]\ntimeout = 1\n").unwrap();
    let specs = probes_for(&entity("pay", json!({}), json!([])), &config);
    let started = Instant::now();
    let result = run_probe(&specs[0], &config, &Runner::client(&config)).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!((result.state, result.error.as_deref()), (State::Crit, Some("timed out after 1 s")));
}

fn deployment(
    name: &str,
    generation: i64,
    observed: i64,
    spec: i64,
    updated: i64,
    available: i64,
    reason: &str,
) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": "shop", "generation": generation,
                        "labels": {"backstage.io/kubernetes-id": name}},
           "spec": {"replicas": spec},
           "status": {"observedGeneration": observed, "replicas": spec, "updatedReplicas": updated,
                      "readyReplicas": available, "availableReplicas": available,
                      "conditions": [{"type": "Available", "status": "True"},
                                     {"type": "Progressing", "status": if reason == "ProgressDeadlineExceeded" {"False"} else {"True"}, "reason": reason}]}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_rollout_state_from_a_stand_in_api_server() {
    // Answers GET /apis/apps/v1/namespaces/shop/deployments?labelSelector=… with a DeploymentList.
    let api = FakeServer::start(|_, seen| {
        if seen.target.starts_with("/version") {
            // Some kubectl builds ask for the server version first.
            return Reply::Json(200, vec![], json!({"major": "1", "minor": "30", "gitVersion": "v1.30.0"}).to_string());
        }
        let selector = seen.target.split("labelSelector=").nth(1).unwrap_or("").to_string();
        let items = match selector.as_str() {
            "backstage.io%2Fkubernetes-id%3Dweb" => vec![deployment("web", 4, 4, 3, 3, 3, "NewReplicaSetAvailable")],
            "backstage.io%2Fkubernetes-id%3Dapi" => vec![deployment("api", 5, 5, 3, 1, 1, "ProgressDeadlineExceeded")],
            "app%3Dworker%2Ctier%3Dbackend" => vec![
                deployment("worker-a", 2, 2, 2, 2, 2, "NewReplicaSetAvailable"),
                deployment("worker-b", 3, 3, 4, 2, 2, "ReplicaSetUpdated"),
            ],
            _ => vec![],
        };
        let body = json!({"apiVersion": "apps/v1", "kind": "DeploymentList", "items": items});
        Reply::Json(200, vec![], body.to_string())
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: standin\n  cluster:\n    server: {}\n\
             users:\n- name: tester\n  user: {{}}\ncontexts:\n- name: standin\n  context: {{cluster: standin, user: tester}}\n\
             current-context: other\n",
            api.url()
        ),
    )
    .unwrap();
    let config: HealthConfig =
        toml::from_str(&format!("[kubernetes]\ncontext = \"standin\"\nkubeconfig = \"{}\"\n", kubeconfig.display()))
            .unwrap();
    let ns = |id: &str| json!({"backstage.io/kubernetes-id": id, "backstage.io/kubernetes-namespace": "shop"});
    let entities = [
        entity("web", ns("web"), json!([])),
        entity("api", ns("api"), json!([])),
        entity(
            "worker",
            json!({"backstage.io/kubernetes-label-selector": "app=worker,tier=backend",
                                "backstage.io/kubernetes-namespace": "shop"}),
            json!([]),
        ),
        entity("ghost", ns("ghost"), json!([])),
    ];
    let specs: Vec<_> = entities.iter().flat_map(|e| probes_for(e, &config)).collect();
    let results = run_all(specs, Arc::new(config.clone()), Runner::client(&config), None).await;
    let web = find(&results, "web");
    assert_eq!((web.state.clone(), web.value.as_deref()), (State::Ok, Some("web: rolled out, 3/3 ready")), "{web:#?}");
    let api_result = find(&results, "api");
    assert_eq!(api_result.state, State::Crit, "{api_result:#?}");
    assert_eq!(api_result.value.as_deref(), Some("api: exceeded its progress deadline"));
    let worker = find(&results, "worker");
    assert_eq!((worker.state.clone(), worker.value.as_deref()), (State::Warn, Some("1 of 2 deployments rolled out")));
    assert!(worker.details.contains(&"worker-b: 2 of 4 new replicas updated".to_string()), "{worker:#?}");
    let ghost = find(&results, "ghost");
    assert!(matches!(&ghost.state, State::Unknown(r) if r.contains("no Deployment matches")), "{ghost:#?}");
    let seen: Vec<String> = api.seen().iter().map(|s| s.target.clone()).collect();
    let deployments = seen.iter().filter(|t| !t.starts_with("/version")).collect::<Vec<_>>();
    assert_eq!(deployments.len(), 4, "{seen:?}");
    assert!(deployments.iter().all(|t| t.starts_with("/apis/apps/v1/namespaces/shop/deployments?")), "{seen:?}");
}

/// A loopback HTTP server on `ip` that answers after 200 ms and records the
/// most connections it ever had open at once (shared across servers).
fn counting_server(ip: &str, now: Arc<AtomicUsize>, peak: Arc<AtomicUsize>) -> String {
    let listener = std::net::TcpListener::bind(format!("{ip}:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (now, peak) = (now.clone(), peak.clone());
            std::thread::spawn(move || {
                let open = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(open, Ordering::SeqCst);
                let mut reader = std::io::BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                std::thread::sleep(Duration::from_millis(200));
                now.fetch_sub(1, Ordering::SeqCst);
                let _ = (&stream).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_hold_per_host_and_overall_and_one_probe_runs_per_key() {
    let entities = |bases: &[String], n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| {
                let url = format!("{}/health/{i}", bases[i % bases.len()]);
                entity(&format!("svc-{i}"), json!({}), json!([{"url": url, "type": "health"}]))
            })
            .collect()
    };
    // One host: never more than per_host at once.
    let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let one = vec![counting_server("127.0.0.1", now.clone(), peak.clone())];
    let config: HealthConfig = toml::from_str("concurrency = 16\nper_host = 3").unwrap();
    let specs: Vec<_> = entities(&one, 12).iter().flat_map(|e| probes_for(e, &config)).collect();
    let results = run_all(specs, Arc::new(config.clone()), Runner::client(&config), None).await;
    assert_eq!(results.len(), 12);
    assert!(results.iter().all(|r| r.state == State::Ok), "{results:#?}");
    assert_eq!(peak.load(Ordering::SeqCst), 3, "per-host limit");

    // Two hosts, 3 each allowed, 4 overall: never more than 4 at once.
    let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let two = vec![
        counting_server("127.0.0.1", now.clone(), peak.clone()),
        counting_server("127.0.0.2", now.clone(), peak.clone()),
    ];
    let config: HealthConfig = toml::from_str("concurrency = 4\nper_host = 3").unwrap();
    let specs: Vec<_> = entities(&two, 16).iter().flat_map(|e| probes_for(e, &config)).collect();
    let results = run_all(specs.clone(), Arc::new(config.clone()), Runner::client(&config), None).await;
    assert!(results.iter().all(|r| r.state == State::Ok), "{results:#?}");
    assert_eq!(peak.load(Ordering::SeqCst), 4, "overall limit");

    // A key already in flight is not started again; results stream as they end.
    let runner = Runner::new(Arc::new(config.clone()), Runner::client(&config));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    assert_eq!(runner.submit(specs[..2].to_vec(), tx.clone()), 2);
    assert!(runner.is_running(&specs[0].key()));
    assert_eq!(runner.submit(specs[..3].to_vec(), tx), 1, "only the third was not in flight");
    let mut keys = Vec::new();
    for _ in 0..3 {
        keys.push(rx.recv().await.unwrap().key);
    }
    keys.sort();
    let mut want: Vec<String> = specs[..3].iter().map(|s| s.key()).collect();
    want.sort();
    assert_eq!(keys, want);
    assert!(!runner.is_running(&specs[0].key()));
}
