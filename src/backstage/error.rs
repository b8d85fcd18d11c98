//! What can go wrong talking to Backstage, each in words that say what to do.
//! URLs here never carry a query string (cursors are long and say nothing)
//! and no variant ever holds the token.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum BackstageError {
    #[error("instance url `{url}` is not a valid URL: {detail}")]
    BadUrl { url: String, detail: String },

    #[error("ca_file {path}: {detail}; it must be a PEM bundle of CA certificates")]
    CaFile { path: String, detail: String },

    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),

    #[error("{source_desc}: {problem}")]
    Token { source_desc: String, problem: String },

    #[error("401 from {url}: the token was rejected; check {source_desc}")]
    Unauthorized { url: String, source_desc: String },

    #[error(
        "403 from {url}: the token is valid but may not read the catalog{detail}; ask for catalog read permission"
    )]
    Forbidden { url: String, detail: String },

    #[error("404 from {url}: no catalog API there; check that the instance url is the Backstage backend's base URL")]
    NotFound { url: String },

    #[error("{url} redirected to {location}; set the instance url to the final address (callboard follows no redirect to another host, so the token stays with the configured one)")]
    Redirect { url: String, location: String },

    #[error("{status} from {url}{detail}{after}")]
    Status {
        status: u16,
        url: String,
        detail: String,
        /// " after N attempts" when retries were spent.
        after: String,
    },

    #[error("429 from {url}: rate limited; the server asked to wait {}s, more than callboard waits (try again later)", .wait.as_secs())]
    RateLimited { url: String, wait: Duration },

    #[error("cannot connect to {url}: {detail}; check that the server is up and the url is right")]
    Connect { url: String, detail: String },

    /// Retrying cannot help, and "is the server up?" would mislead.
    #[error("the server at {url} sent a certificate callboard does not trust ({detail}); if a private CA signed it, name the CA's PEM file in the instance's `ca_file`")]
    Certificate { url: String, detail: String },

    #[error("no answer from {url} within {secs}s; the server may be overloaded (raise request_timeout in the config if it is just slow)")]
    Timeout { url: String, secs: u64 },

    #[error("the answer from {url} was cut off: {detail}")]
    Truncated { url: String, detail: String },

    #[error("the answer from {url} is not what the Backstage catalog API sends ({detail}); check the instance url")]
    NotCatalog { url: String, detail: String },

    /// The server broke the paging contract; following it would never end.
    #[error("the server at {url} is at fault: {detail}; the sync stopped and the cache is unchanged (report this to the server's operators)")]
    ServerFault { url: String, detail: String },

    /// The sync spent its request or time limit.
    #[error("the sync stopped: {detail}; the cache is unchanged (raise {key} for this instance if the catalog is really this large or slow)")]
    OverLimit { detail: String, key: &'static str },
}

impl BackstageError {
    /// True when the server could not be reached at all: the UI says "offline"
    /// and keeps working from the cache.
    pub fn is_offline(&self) -> bool {
        matches!(self, BackstageError::Connect { .. } | BackstageError::Timeout { .. })
    }

    /// Worth trying the same request again after a pause.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            BackstageError::Connect { .. } | BackstageError::Truncated { .. } => true,
            BackstageError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// The innermost cause of an error chain, without reqwest's "error sending
/// request for url (...)" wrapping: "Connection refused (os error 111)".
pub(crate) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    // "Connection refused (os error 111)": the number helps nobody.
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// The `message` of a Backstage error body (`{"error":{"message":...}}`),
/// cleaned and shortened for one line, as ": message" or "".
pub(crate) fn server_message(body: &[u8]) -> String {
    let json = serde_json::from_slice::<serde_json::Value>(body).ok();
    let message = json
        .as_ref()
        .and_then(|v| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_string))
        .or_else(|| json.as_ref().and_then(field_errors))
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    let clean = crate::sanitize::clean_line(&message);
    let clean = clean.trim();
    if clean.is_empty() {
        return String::new();
    }
    let short: String = clean.chars().take(200).collect();
    let ellipsis = if clean.chars().count() > 200 { "…" } else { "" };
    format!(": {short}{ellipsis}")
}

/// The scaffolder's 400 on invalid values: `{errors: [{property:
/// "instance.name", message}]}` becomes `name: message; port: message`, so
/// the form can put each on its field.
fn field_errors(body: &serde_json::Value) -> Option<String> {
    let errors = body.get("errors")?.as_array()?;
    let parts: Vec<String> = errors
        .iter()
        .filter_map(|e| {
            let message = e.get("message")?.as_str()?;
            let property = e.get("property").and_then(|p| p.as_str()).unwrap_or("instance");
            let field = property.strip_prefix("instance").unwrap_or(property).trim_start_matches('.');
            Some(if field.is_empty() { message.to_string() } else { format!("{field}: {message}") })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaffolder_field_errors_name_their_fields() {
        let body = br#"{"errors":[{"path":["name"],"property":"instance.name","message":"does not match pattern \"^[a-z]+$\""},{"property":"instance","message":"requires property \"owner\""}]}"#;
        assert_eq!(server_message(body), r#": name: does not match pattern "^[a-z]+$"; requires property "owner""#);
    }

    #[test]
    fn messages_say_what_to_do() {
        let err = BackstageError::Unauthorized {
            url: "http://127.0.0.1:7007/api/catalog/entities/by-query".into(),
            source_desc: "token_env BACKSTAGE_TOKEN".into(),
        };
        assert_eq!(
            err.to_string(),
            "401 from http://127.0.0.1:7007/api/catalog/entities/by-query: the token was rejected; check token_env BACKSTAGE_TOKEN"
        );
        let err = BackstageError::Status {
            status: 503,
            url: "http://h/x".into(),
            detail: ": busy".into(),
            after: " after 5 attempts".into(),
        };
        assert_eq!(err.to_string(), "503 from http://h/x: busy after 5 attempts");
        assert!(err.is_transient() && !err.is_offline());
    }

    #[test]
    fn server_message_prefers_the_error_field() {
        let body = br#"{"error":{"name":"InputError","message":"bad\nlimit"}}"#;
        assert_eq!(server_message(body), ": bad limit");
        assert_eq!(server_message(b""), "");
        assert!(server_message("x".repeat(500).as_bytes()).ends_with('…'));
    }
}
