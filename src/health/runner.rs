//! Running many probes: a semaphore overall and one per host, results sent
//! as each probe ends, and one probe in flight per key.

use super::config::HealthConfig;
use super::probe::{host_of, run_probe};
use super::spec::ProbeSpec;
use super::state::ProbeResult;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Semaphore};

/// A long-lived runner for the TUI: limits shared across every submit.
#[derive(Clone)]
pub struct Runner {
    config: Arc<HealthConfig>,
    http: reqwest::Client,
    overall: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    in_flight: Arc<Mutex<HashSet<String>>>,
}

impl Runner {
    pub fn new(config: Arc<HealthConfig>, http: reqwest::Client) -> Runner {
        let overall = Arc::new(Semaphore::new(config.concurrency.max(1)));
        Runner { config, http, overall, hosts: Arc::default(), in_flight: Arc::default() }
    }

    /// An http client for probes: its own timeouts, no cookies, at most 5 redirects.
    pub fn client(config: &HealthConfig) -> reqwest::Client {
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(config.timeout.clamp(1, 10)))
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("callboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    }

    pub fn config(&self) -> &HealthConfig {
        &self.config
    }

    /// True while a probe with this key runs.
    pub fn is_running(&self, key: &str) -> bool {
        self.in_flight.lock().map(|s| s.contains(key)).unwrap_or(false)
    }

    /// Start every probe not already in flight; each result goes to `tx` as
    /// it ends. Returns how many were started. Never blocks.
    pub fn submit(&self, specs: Vec<ProbeSpec>, tx: mpsc::UnboundedSender<ProbeResult>) -> usize {
        let mut started = 0;
        for spec in specs {
            let key = spec.key();
            {
                let Ok(mut running) = self.in_flight.lock() else { continue };
                if !running.insert(key.clone()) {
                    continue;
                }
            }
            started += 1;
            let host = self.host_semaphore(&host_of(&spec, &self.config));
            let (overall, config, http, in_flight, tx) =
                (self.overall.clone(), self.config.clone(), self.http.clone(), self.in_flight.clone(), tx.clone());
            tokio::spawn(async move {
                // Host first: probes queued behind a slow host must not hold
                // overall permits the other hosts could use.
                let _host = host.acquire_owned().await;
                let _all = overall.acquire_owned().await;
                let result = run_probe(&spec, &config, &http).await;
                if let Ok(mut running) = in_flight.lock() {
                    running.remove(&key);
                }
                let _ = tx.send(result);
            });
        }
        started
    }

    fn host_semaphore(&self, host: &str) -> Arc<Semaphore> {
        let per_host = self.config.per_host.max(1);
        match self.hosts.lock() {
            Ok(mut hosts) => {
                hosts.entry(host.to_string()).or_insert_with(|| Arc::new(Semaphore::new(per_host))).clone()
            }
            Err(_) => Arc::new(Semaphore::new(per_host)),
        }
    }
}

/// Run every probe under the limits and wait for all of them; each result
/// also goes to `tx` (when given) as soon as it ends. Results come back in
/// the order they finished.
pub async fn run_all(
    specs: Vec<ProbeSpec>,
    config: Arc<HealthConfig>,
    http: reqwest::Client,
    tx: Option<mpsc::UnboundedSender<ProbeResult>>,
) -> Vec<ProbeResult> {
    let runner = Runner::new(config, http);
    let (inner_tx, mut rx) = mpsc::unbounded_channel();
    let expected = runner.submit(specs, inner_tx);
    let mut out = Vec::with_capacity(expected);
    while out.len() < expected {
        let Some(result) = rx.recv().await else { break };
        if let Some(tx) = &tx {
            let _ = tx.send(result.clone());
        }
        out.push(result);
    }
    out
}
