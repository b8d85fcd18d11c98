//! What jobs run against: the source, one Backstage client per instance (so
//! every job reuses its connections) and one plain web client.

use crate::backstage::Client;
use crate::msg::Msg;
use crate::source::Source;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

pub struct JobContext {
    pub source: Arc<Source>,
    /// None for a folder source, or when the instance's client cannot be
    /// built (a bad URL or CA file): jobs then report that error.
    pub backstage: Result<Client, String>,
    /// For web pages (runbook links): never carries the Backstage token.
    /// Built on first use: a TLS client costs start-up time a folder source
    /// may never need.
    web: std::sync::OnceLock<reqwest::Client>,
    /// `[health]` where health is wanted (not in tests or the CLI).
    health_config: Option<Arc<crate::health::HealthConfig>>,
    /// Health probes' runner, built on first use: its limits and in-flight
    /// set are shared by every probe job of this source.
    health: std::sync::OnceLock<crate::health::Runner>,
}

impl JobContext {
    pub fn new(source: Arc<Source>) -> JobContext {
        let backstage = match &*source {
            Source::Instance(instance) => Client::new(instance).map_err(|e| e.to_string()),
            _ => Err("not a Backstage source".to_string()),
        };
        JobContext { source, backstage, web: Default::default(), health_config: None, health: Default::default() }
    }

    /// With health probes from `[health]` (the runner starts on first use, inside the tokio runtime).
    pub fn with_health(source: Arc<Source>, health: Arc<crate::health::HealthConfig>) -> JobContext {
        JobContext { health_config: Some(health), ..JobContext::new(source) }
    }

    /// The plain web client (no Backstage token), made on first use.
    pub fn web(&self) -> &reqwest::Client {
        self.web.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .timeout(std::time::Duration::from_secs(15))
                .user_agent(concat!("callboard/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default()
        })
    }

    /// `[health]`, where health is wanted: enough to work out which probes an
    /// entity has without building the runner.
    pub fn health_config(&self) -> Option<&Arc<crate::health::HealthConfig>> {
        self.health_config.as_ref()
    }

    /// The health runner, made on first use; None where health is not wanted.
    pub fn health(&self) -> Option<&crate::health::Runner> {
        let config = self.health_config.as_ref()?;
        Some(
            self.health
                .get_or_init(|| crate::health::Runner::new(config.clone(), crate::health::Runner::client(config))),
        )
    }

    /// The instance's client with another retry policy, on the same pool.
    pub fn backstage_with(&self, retry: crate::backstage::RetryPolicy) -> Result<Client, String> {
        self.backstage.as_ref().map(|c| c.sharing(retry)).map_err(Clone::clone)
    }

    /// The Backstage base URL (no trailing slash) when the source is a server.
    pub fn server_url(&self) -> Option<String> {
        match &*self.source {
            Source::Instance(i) => Some(i.url.trim_end_matches('/').to_string()),
            _ => None,
        }
    }
}

/// Where a job's messages go. It goes quiet once the source it was made for
/// is switched away, so a late result never lands on another catalog.
#[derive(Clone)]
pub struct Outbox {
    tx: UnboundedSender<Msg>,
    made_for: u64,
    current: Arc<AtomicU64>,
}

impl Outbox {
    pub fn new(tx: UnboundedSender<Msg>, current: Arc<AtomicU64>) -> Outbox {
        Outbox { made_for: current.load(Ordering::SeqCst), tx, current }
    }

    pub fn send(&self, msg: Msg) {
        if self.current.load(Ordering::SeqCst) == self.made_for {
            let _ = self.tx.send(msg);
        }
    }

    /// The raw sender, for code that reports through a channel of its own.
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }
}
