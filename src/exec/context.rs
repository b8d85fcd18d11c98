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
    pub web: reqwest::Client,
    /// Health probes' runner: its limits and in-flight set are shared by every
    /// probe job of this source. None where health is not wanted (tests, CLI).
    pub health: Option<crate::health::Runner>,
}

impl JobContext {
    pub fn new(source: Arc<Source>) -> JobContext {
        let backstage = match &*source {
            Source::Instance(instance) => Client::new(instance).map_err(|e| e.to_string()),
            _ => Err("not a Backstage source".to_string()),
        };
        let web = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(15))
            .user_agent(concat!("callboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        JobContext { source, backstage, web, health: None }
    }

    /// With a health runner built from `[health]` (inside the tokio runtime).
    pub fn with_health(source: Arc<Source>, health: Arc<crate::health::HealthConfig>) -> JobContext {
        let http = crate::health::Runner::client(&health);
        JobContext { health: Some(crate::health::Runner::new(health, http)), ..JobContext::new(source) }
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
