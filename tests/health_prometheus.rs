//! The prometheus probe against Debian's real `prometheus` and
//! `prometheus-pushgateway` on loopback: metric values are pushed through the
//! pushgateway, a rules file with a 1 s evaluation interval fires one alert,
//! keeps one pending, leaves one inactive.

use callboard::health::{probes_for, run_all, HealthConfig, ProbeResult, Runner, State};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_ready(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(out) = Command::new("curl").args(["-fsS", "-o", "/dev/null", url]).output() {
            if out.status.success() {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{url} never became ready");
}

fn push(gateway: &str, body: &str) {
    let out = Command::new("curl")
        .args(["-fsS", "--data-binary", "@-", &format!("{gateway}/metrics/job/callboard-test")])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(body.as_bytes())?;
            c.wait()
        })
        .unwrap();
    assert!(out.success(), "push to the pushgateway failed");
}

const RULES: &str = r#"groups:
  - name: callboard-test
    interval: 1s
    rules:
      - alert: PaymentsErrorRateHigh
        expr: payments_error_ratio > 0.05
        labels: {severity: page}
      - alert: PaymentsLatencyHigh
        expr: payments_latency_seconds > 1
        for: 1h
      - alert: LedgerLagHigh
        expr: ledger_lag_seconds > 60
"#;

fn entity(name: &str, annotations: Value) -> Value {
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
           "metadata": {"name": name, "annotations": annotations}, "spec": {"type": "service"}})
}

fn by_probe<'a>(results: &'a [ProbeResult], entity: &str, probe: &str) -> &'a ProbeResult {
    results
        .iter()
        .find(|r| r.entity == format!("component:default/{entity}") && r.probe == probe)
        .unwrap_or_else(|| panic!("no result for {entity} {probe}: {results:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_and_queries_from_a_real_prometheus() {
    let dir = tempfile::tempdir().unwrap();
    let (prom_port, gw_port) = (free_port(), free_port());
    let gateway = format!("http://127.0.0.1:{gw_port}");
    let _gw = Killed(
        Command::new("prometheus-pushgateway")
            .arg(format!("--web.listen-address=127.0.0.1:{gw_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus-pushgateway (apt-get install prometheus-pushgateway; scripts/test.sh does)"),
    );
    std::fs::write(dir.path().join("rules.yml"), RULES).unwrap();
    std::fs::write(
        dir.path().join("prometheus.yml"),
        format!(
            "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\nrule_files: [rules.yml]\n\
             scrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    \
             static_configs: [{{targets: ['127.0.0.1:{gw_port}']}}]\n"
        ),
    )
    .unwrap();
    let _prom = Killed(
        Command::new("prometheus")
            .arg(format!("--config.file={}", dir.path().join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus (apt-get install prometheus; scripts/test.sh does)"),
    );
    wait_ready(&format!("{gateway}/-/ready"));
    wait_ready(&format!("http://127.0.0.1:{prom_port}/-/ready"));
    push(
        &gateway,
        "payments_error_ratio{service=\"payments-api\"} 0.2\npayments_latency_seconds{service=\"payments-api\"} 2.5\n\
         ledger_lag_seconds{service=\"ledger\"} 3\n",
    );

    let config: HealthConfig = toml::from_str(&format!(
        "timeout = 5\n[[prometheus]]\nurl = \"http://127.0.0.1:{prom_port}\"\n\
         [[prometheus]]\nname = \"gone\"\nurl = \"http://127.0.0.1:{}\"\n\
         [[prometheus_threshold]]\nquery = \"payments_error_ratio\"\nwarn_above = 0.05\ncrit_above = 0.1\n",
        free_port()
    ))
    .unwrap();
    config.check().unwrap();
    let entities = [
        entity(
            "payments-api",
            json!({
            "prometheus.io/alert": "PaymentsErrorRateHigh,PaymentsLatencyHigh",
            "prometheus.io/rule": "payments_error_ratio|service,nothing_here"}),
        ),
        entity("payments-slow", json!({"prometheus.io/alert": "PaymentsLatencyHigh"})),
        entity(
            "ledger",
            json!({"prometheus.io/alert": "all", "prometheus.io/labels": "service=ledger",
                                "prometheus.io/rule": "ledger_lag_seconds"}),
        ),
        entity("typo", json!({"prometheus.io/alert": "NoSuchAlert"})),
        entity("elsewhere", json!({"prometheus.io/alert": "all", "prometheus.io/service-name": "gone"})),
        entity("unnamed", json!({"prometheus.io/alert": "all", "prometheus.io/service-name": "nope"})),
    ];
    let specs: Vec<_> = entities.iter().flat_map(|e| probes_for(e, &config)).collect();
    assert_eq!(specs.len(), 9);
    let config = Arc::new(config);
    let http = Runner::client(&config);

    // Rules evaluate every second; wait for the first evaluation after the scrape.
    let deadline = Instant::now() + Duration::from_secs(45);
    let results = loop {
        let results = run_all(specs.clone(), config.clone(), http.clone(), None).await;
        let alert = by_probe(&results, "payments-api", "prometheus/alert");
        if alert.state == State::Crit || Instant::now() > deadline {
            break results;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };

    let firing = by_probe(&results, "payments-api", "prometheus/alert");
    assert_eq!(firing.state, State::Crit, "{firing:#?}");
    assert_eq!(firing.value.as_deref(), Some("1 firing, 1 pending"));
    assert!(
        firing
            .details
            .iter()
            .any(|d| d.starts_with("firing PaymentsErrorRateHigh = 0.2") && d.contains("service=payments-api")),
        "{firing:#?}"
    );
    assert!(firing.labels.contains(&("severity".into(), "page".into())));
    assert_eq!(firing.link.as_deref(), Some(format!("http://127.0.0.1:{prom_port}/alerts").as_str()));

    let pending = by_probe(&results, "payments-slow", "prometheus/alert");
    assert_eq!(pending.state, State::Warn, "{pending:#?}");

    let ratio = by_probe(&results, "payments-api", "prometheus/rule/payments_error_ratio");
    assert_eq!((ratio.state.clone(), ratio.value.as_deref()), (State::Crit, Some("0.2")), "{ratio:#?}");
    assert!(ratio.labels.contains(&("service".into(), "payments-api".into())));
    let no_data = by_probe(&results, "payments-api", "prometheus/rule/nothing_here");
    assert!(matches!(&no_data.state, State::Unknown(r) if r.contains("no data")), "{no_data:#?}");

    let ledger = by_probe(&results, "ledger", "prometheus/alert");
    assert_eq!(ledger.state, State::Ok, "the payments alerts are filtered out by label: {ledger:#?}");
    let lag = by_probe(&results, "ledger", "prometheus/rule/ledger_lag_seconds");
    assert_eq!((lag.state.clone(), lag.value.as_deref()), (State::Ok, Some("3")));

    let typo = by_probe(&results, "typo", "prometheus/alert");
    assert!(matches!(&typo.state, State::Unknown(r) if r.contains("no alerting rule named NoSuchAlert")), "{typo:#?}");
    let gone = by_probe(&results, "elsewhere", "prometheus/alert");
    assert!(matches!(&gone.state, State::Unknown(r) if r.contains("cannot reach")), "{gone:#?}");
    let unnamed = by_probe(&results, "unnamed", "prometheus/alert");
    assert!(matches!(&unnamed.state, State::Unknown(r) if r.contains("`nope`")), "{unnamed:#?}");

    // The service recovers: the alert resolves on the next evaluations.
    push(
        &gateway,
        "payments_error_ratio{service=\"payments-api\"} 0.01\npayments_latency_seconds{service=\"payments-api\"} 0.2\n",
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let results = run_all(specs[..3].to_vec(), config.clone(), http.clone(), None).await;
        let alert = by_probe(&results, "payments-api", "prometheus/alert");
        let ratio = by_probe(&results, "payments-api", "prometheus/rule/payments_error_ratio");
        if alert.state == State::Ok && ratio.state == State::Ok {
            assert_eq!(ratio.value.as_deref(), Some("0.01"));
            break;
        }
        assert!(Instant::now() < deadline, "never recovered: {alert:#?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
