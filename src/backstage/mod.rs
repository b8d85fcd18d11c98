//! The Backstage HTTP client: auth, retries, typed errors, transfer counts.
//! One request path ([`Client::request_json`]) that every endpoint goes
//! through, so every call gets the same retry, auth and redirect rules.

pub mod actions;
pub mod auth;
pub mod budget;
pub mod catalog;
pub mod dry_run;
pub mod error;
pub mod retry;
pub mod scaffolder;
pub mod sse;
pub mod tasks;
pub mod techdocs;

pub use auth::{Token, TokenSource};
pub use budget::SyncLimits;
pub use catalog::{EntityBrief, EntityPage, LIST_FIELDS};
pub use error::BackstageError;
pub use retry::RetryPolicy;

use auth::Auth;
use error::{root_cause, server_message};
use reqwest::header::{
    HeaderMap, ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, LOCATION, RETRY_AFTER,
};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A client for one Backstage instance.
pub struct Client {
    http: reqwest::Client,
    /// Base URL, always ending in `/` so endpoint paths join under it.
    base: Url,
    /// Shared with the clients made by [`Client::sharing`]: one token read.
    auth: std::sync::Arc<Auth>,
    retry: RetryPolicy,
    request_timeout: Duration,
    counters: Counters,
    budget: budget::Budget,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("token", &self.auth.source.describe())
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    bytes_wire: AtomicU64,
    bytes_decoded: AtomicU64,
}

/// What a client has sent and received so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferStats {
    /// HTTP requests sent, retries and re-authentication included.
    pub requests: u64,
    /// Response body bytes as they came over the wire (compressed).
    pub bytes_wire: u64,
    /// The same bodies after decompression.
    pub bytes_decoded: u64,
}

/// Why one attempt failed, with what the retry loop needs to know.
struct Failure {
    error: BackstageError,
    retry_after: Option<Duration>,
}

impl From<BackstageError> for Failure {
    fn from(error: BackstageError) -> Self {
        Failure { error, retry_after: None }
    }
}

const MAX_REDIRECTS: usize = 5;

impl Client {
    /// A client for the instance; reads the CA file now, the token on first use.
    pub fn new(instance: &crate::config::Instance) -> Result<Client, BackstageError> {
        let mut text = instance.url.trim().to_string();
        if !text.ends_with('/') {
            text.push('/');
        }
        let base = Url::parse(&text)
            .map_err(|e| BackstageError::BadUrl { url: instance.url.clone(), detail: e.to_string() })?;
        let origin = base.origin();
        // Same-origin redirects are followed; any other stops, and the 3xx
        // becomes an error, so the Authorization header never goes elsewhere.
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if attempt.url().origin() == origin {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(concat!("callboard/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(instance.connect_timeout.max(1)))
            .timeout(Duration::from_secs(instance.request_timeout.max(1)))
            .redirect(redirects)
            // Bodies are decompressed here rather than by reqwest, so that the
            // bytes on the wire can be counted.
            .no_gzip();
        if instance.insecure_skip_tls_verify {
            builder = builder.danger_accept_invalid_certs(true);
        }
        if let Some(path) = &instance.ca_file {
            let ca_err = |detail: String| BackstageError::CaFile { path: path.display().to_string(), detail };
            let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_err(root_cause(&e)))?;
            if certs.is_empty() {
                return Err(ca_err("no certificate found".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| BackstageError::Setup(root_cause(&e)))?;
        Ok(Client {
            http,
            base,
            auth: std::sync::Arc::new(Auth::new(TokenSource::from_instance(instance))),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(instance.request_timeout.max(1)),
            counters: Counters::default(),
            budget: budget::Budget::new(Some(SyncLimits::from_instance(instance))),
        })
    }

    /// Replace the retry limits (tests use short ones).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Client {
        self.retry = retry;
        self
    }

    /// A client on the same connection pool and token, with its own retry
    /// policy and transfer counters: every job of an instance reuses the
    /// connections of the first.
    pub fn sharing(&self, retry: RetryPolicy) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            auth: self.auth.clone(),
            retry,
            request_timeout: self.request_timeout,
            counters: Counters::default(),
            // Its own window: a docs job never counts against a sync's limits.
            budget: budget::Budget::new(self.budget.limits()),
        }
    }

    /// Replace the per-sync limits (tests use small ones).
    pub fn with_sync_limits(mut self, limits: SyncLimits) -> Client {
        self.budget = budget::Budget::new(Some(limits));
        self
    }

    /// The limits one sync with this client must keep.
    pub fn sync_limits(&self) -> Option<SyncLimits> {
        self.budget.limits()
    }

    /// Start a sync's window: from now, requests and time count against its limits.
    pub fn begin_sync(&self) {
        self.budget.open(self.counters.requests.load(Ordering::Relaxed));
    }

    /// End the sync's window; requests outside one are not limited.
    pub fn end_sync(&self) {
        self.budget.close();
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    pub fn stats(&self) -> TransferStats {
        TransferStats {
            requests: self.counters.requests.load(Ordering::Relaxed),
            bytes_wire: self.counters.bytes_wire.load(Ordering::Relaxed),
            bytes_decoded: self.counters.bytes_decoded.load(Ordering::Relaxed),
        }
    }

    /// Send one logical request (retried as the policy allows) and parse the
    /// JSON answer. `path` is relative to the base URL, without a leading `/`.
    pub async fn request_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, BackstageError> {
        self.request_with(method, path, query, body, |bytes, shown| parse_json::<T>(bytes, shown)).await
    }

    /// Like [`Client::request_json`] for answers that are not JSON (TechDocs pages).
    pub async fn request_bytes(&self, path: &str, query: &[(&str, String)]) -> Result<Vec<u8>, BackstageError> {
        self.request_with(Method::GET, path, query, None, |bytes, _| Ok(bytes.to_vec())).await
    }

    /// The one request loop: auth, retries, then `parse` on a 2xx body (a
    /// cut-off body fails the parse and is retried like a dropped connection).
    async fn request_with<T>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        parse: impl Fn(&[u8], &str) -> Result<T, BackstageError>,
    ) -> Result<T, BackstageError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| BackstageError::BadUrl { url: format!("{}{path}", self.base), detail: e.to_string() })?;
        let shown = url.as_str().to_string();
        let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let (mut attempt, mut waited, mut reauthed) = (0u32, Duration::ZERO, false);
        loop {
            attempt += 1;
            self.budget.check_request(self.counters.requests.load(Ordering::Relaxed))?;
            let token = self.auth.token().await?;
            let result = self
                .send_once(&method, &url, &shown, query, body.as_deref(), &token)
                .await
                .and_then(|bytes| parse(&bytes, &shown).map_err(Failure::from));
            let failure = match result {
                Ok(value) => return Ok(value),
                Err(f) => f,
            };
            if let BackstageError::Unauthorized { .. } = failure.error {
                // A rejected token is read again once (a token_command mints a
                // fresh one); that retry is not counted against the policy.
                if !reauthed && self.auth.refresh(&token).await? {
                    reauthed = true;
                    attempt -= 1;
                    tracing::info!(url = %shown, "token rejected; read it again and retrying");
                    continue;
                }
                return Err(failure.error);
            }
            if !failure.error.is_transient() || attempt >= self.retry.max_attempts {
                return Err(with_attempts(failure.error, attempt));
            }
            let delay = failure.retry_after.unwrap_or_else(|| self.retry.backoff(attempt));
            if waited + delay > self.retry.max_total_wait {
                return Err(match (failure.retry_after, &failure.error) {
                    (Some(wait), BackstageError::Status { status: 429, .. }) => {
                        BackstageError::RateLimited { url: shown, wait }
                    }
                    _ => with_attempts(failure.error, attempt),
                });
            }
            self.budget.check_wait(delay)?;
            tracing::warn!(url = %shown, attempt, delay_ms = delay.as_millis() as u64, error = %failure.error, "retrying");
            tokio::time::sleep(delay).await;
            waited += delay;
        }
    }

    /// One HTTP exchange: the decoded body of a 2xx, or a typed failure.
    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        shown: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
        token: &Option<Token>,
    ) -> Result<Vec<u8>, Failure> {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .query(query)
            .header(ACCEPT, "application/json")
            .header(ACCEPT_ENCODING, "gzip");
        if let Some(token) = token {
            let value = token.header_value().map_err(|()| BackstageError::Token {
                source_desc: self.auth.source.describe(),
                problem: "the token has characters an HTTP header cannot carry".into(),
            })?;
            request = request.header(AUTHORIZATION, value);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.to_vec());
        }
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let started = std::time::Instant::now();
        let mut response = request.send().await.map_err(|e| self.transport_error(&e, shown))?;
        let status = response.status();
        let headers = response.headers().clone();
        let gzipped = headers.get(CONTENT_ENCODING).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        // Gunzipped chunk by chunk as it arrives, so decoding overlaps the transfer.
        let mut body = Body::new(gzipped);
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_error(&e, shown))? {
            body.push(&chunk);
        }
        let wire = body.wire;
        self.counters.bytes_wire.fetch_add(wire, Ordering::Relaxed);
        let decoded = body.finish();
        tracing::debug!(%method, url = %shown, status = status.as_u16(), bytes = wire,
            ms = started.elapsed().as_millis() as u64, "backstage request");
        if status.is_success() {
            let decoded = decoded.map_err(|e| BackstageError::Truncated {
                url: shown.to_string(),
                detail: format!("bad gzip stream: {e}"),
            })?;
            self.counters.bytes_decoded.fetch_add(decoded.len() as u64, Ordering::Relaxed);
            return Ok(decoded);
        }
        let redact = |text: String| match token {
            Some(token) => token.redact(text),
            None => text,
        };
        let detail = redact(server_message(&decoded.unwrap_or_default()));
        let url = shown.to_string();
        let error = match status.as_u16() {
            401 => BackstageError::Unauthorized { url, source_desc: self.auth.source.describe() },
            403 => BackstageError::Forbidden { url, detail },
            404 => BackstageError::NotFound { url },
            300..=399 => BackstageError::Redirect {
                url,
                location: redact(header_text(&headers, LOCATION).unwrap_or_else(|| "an unnamed place".into())),
            },
            code => BackstageError::Status { status: code, url, detail, after: String::new() },
        };
        let retry_after =
            header_text(&headers, RETRY_AFTER).and_then(|v| retry::parse_retry_after(&v, crate::source::unix_now()));
        Err(Failure { error, retry_after })
    }

    fn transport_error(&self, err: &reqwest::Error, shown: &str) -> Failure {
        let url = shown.to_string();
        let detail = root_cause(err);
        // rustls says "invalid peer certificate: UnknownIssuer / NotValidForName / Expired …".
        let error = if err.is_connect() && detail.contains("certificate") {
            BackstageError::Certificate { url, detail }
        } else if err.is_connect() {
            BackstageError::Connect { url, detail }
        } else if err.is_timeout() {
            BackstageError::Timeout { url, secs: self.request_timeout.as_secs() }
        } else if err.is_redirect() {
            BackstageError::Redirect { url, location: format!("too many places ({detail})") }
        } else {
            BackstageError::Truncated { url, detail }
        };
        error.into()
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8], shown: &str) -> Result<T, BackstageError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            BackstageError::Truncated { url: shown.to_string(), detail: format!("the JSON ends early ({e})") }
        } else {
            BackstageError::NotCatalog { url: shown.to_string(), detail: e.to_string() }
        }
    })
}

/// A response body being received: counted, and gunzipped when it is gzip.
struct Body {
    wire: u64,
    plain: Vec<u8>,
    gzip: Option<flate2::write::MultiGzDecoder<Vec<u8>>>,
    error: Option<std::io::Error>,
}

impl Body {
    fn new(gzipped: bool) -> Body {
        let gzip = gzipped.then(|| flate2::write::MultiGzDecoder::new(Vec::with_capacity(1 << 20)));
        Body { wire: 0, plain: Vec::new(), gzip, error: None }
    }

    fn push(&mut self, chunk: &[u8]) {
        use std::io::Write;
        self.wire += chunk.len() as u64;
        match self.gzip.as_mut() {
            None => self.plain.extend_from_slice(chunk),
            Some(decoder) if self.error.is_none() => self.error = decoder.write_all(chunk).err(),
            Some(_) => {}
        }
    }

    /// The decoded body; an error for a bad or cut-off gzip stream.
    fn finish(self) -> std::io::Result<Vec<u8>> {
        match (self.gzip, self.error) {
            (None, _) => Ok(self.plain),
            (Some(_), Some(error)) => Err(error),
            (Some(decoder), None) => decoder.finish(),
        }
    }
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(crate::sanitize::clean_line)
}

/// Note spent retries on errors that allow them.
fn with_attempts(error: BackstageError, attempts: u32) -> BackstageError {
    match error {
        BackstageError::Status { status, url, detail, .. } if attempts > 1 => {
            BackstageError::Status { status, url, detail, after: format!(" after {attempts} attempts") }
        }
        other => other,
    }
}
