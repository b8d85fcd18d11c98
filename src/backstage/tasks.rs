//! Following a scaffolder task live, and the task list and retry.
//!
//! Following: `GET /v2/tasks/{id}/eventstream` (SSE; each event is `event:
//! <type>` and `data: <the event as JSON>`, the server closes it after a
//! completion unless the task is recoverable); when it cannot be opened, goes
//! quiet, or drops before the end, long-polling `/events?after=N` from the
//! last id seen takes over. Event ids are global across tasks and grow, so
//! "id > last seen" dedupes (the server re-sends a completion on every poll).

use super::sse::SseParser;
use super::{BackstageError, Client};
use crate::backstage::scaffolder::TaskEvent;
use crate::sanitize::clean_line;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How a follow went: which transport carried the events, where it ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Followed {
    /// Events that came over the event stream.
    pub streamed: usize,
    /// Events that came from long-polling.
    pub polled: usize,
    /// Why the stream was left for long-polling, if it was.
    pub fell_back: Option<String>,
    /// The last event id seen.
    pub last: Option<u64>,
}

/// One row of `GET /v2/tasks`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSummary {
    pub id: String,
    pub status: String,
    /// ISO time as the server gives it.
    pub created_at: String,
    /// The user ref; empty when a service (static token) created it.
    pub created_by: String,
    pub template_ref: String,
    pub template_title: String,
}

impl TaskSummary {
    fn from_json(v: &Value) -> Option<TaskSummary> {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(clean_line).unwrap_or_default();
        let id = s("/id");
        (!id.is_empty()).then(|| TaskSummary {
            id,
            status: s("/status"),
            created_at: s("/createdAt"),
            created_by: s("/createdBy"),
            template_ref: s("/spec/templateInfo/entityRef"),
            template_title: s("/spec/templateInfo/entity/metadata/title"),
        })
    }
}

/// Keep the events newer than the last seen, advancing it.
fn fresh(events: Vec<TaskEvent>, last: &mut Option<u64>) -> Vec<TaskEvent> {
    let mut out = Vec::new();
    for e in events {
        if last.is_none_or(|l| e.id > l) {
            *last = Some(e.id);
            out.push(e);
        }
    }
    out
}

/// How long to wait for the completion after a `cancelled` event before
/// giving up on it (a server that never completes a cancelled task).
const CANCEL_GRACE: Duration = Duration::from_secs(20);

/// When a `cancelled` event came, to stop waiting for the completion after it.
fn note_cancel(events: &[TaskEvent], since: &mut Option<Instant>) {
    if since.is_none() && events.iter().any(|e| e.kind == "cancelled") {
        *since = Some(Instant::now());
    }
}

fn grace_over(since: Option<Instant>) -> bool {
    since.is_some_and(|t| t.elapsed() >= CANCEL_GRACE)
}

/// How the stream part ended.
enum StreamEnd {
    Final,
    Closed,
}

impl Client {
    /// `GET /api/scaffolder/v2/tasks?order=desc:created_at&limit=N`, newest first.
    pub async fn list_tasks(&self, limit: usize) -> Result<Vec<TaskSummary>, BackstageError> {
        let query = [("order", "desc:created_at".to_string()), ("limit", limit.to_string())];
        let reply: Value = self.request_json(Method::GET, "api/scaffolder/v2/tasks", &query, None).await?;
        let tasks = reply.get("tasks").and_then(Value::as_array).ok_or_else(|| BackstageError::NotCatalog {
            url: "api/scaffolder/v2/tasks".into(),
            detail: "no `tasks` list in the answer".into(),
        })?;
        Ok(tasks.iter().filter_map(TaskSummary::from_json).collect())
    }

    /// `POST /api/scaffolder/v2/tasks/{id}/retry`: the server runs it again
    /// (a failed, cancelled or completed task); secrets are not kept by us, so none are sent.
    pub async fn retry_task(&self, id: &str) -> Result<(), BackstageError> {
        let path = format!("api/scaffolder/v2/tasks/{}/retry", super::scaffolder::segment(id));
        let _: Value = self.request_json(Method::POST, &path, &[], Some(&json!({"secrets": {}}))).await?;
        Ok(())
    }

    /// Follow task `id` from after event `after` until a completion or
    /// cancellation, giving events to `on_events` as they arrive. `idle`: how
    /// long the stream may stay silent before long-polling takes over (a
    /// buffering proxy looks like silence).
    pub async fn follow_task(
        &self,
        id: &str,
        after: Option<u64>,
        idle: Duration,
        mut on_events: impl FnMut(Vec<TaskEvent>),
    ) -> Result<Followed, String> {
        let mut f = Followed { last: after, ..Followed::default() };
        let mut cancelled = None;
        match self.stream_task(id, idle, &mut f, &mut cancelled, &mut on_events).await {
            Ok(StreamEnd::Final) => return Ok(f),
            Ok(StreamEnd::Closed) => f.fell_back = Some("the event stream closed before the task ended".into()),
            Err(e) => f.fell_back = Some(e),
        }
        tracing::info!(task = id, why = f.fell_back.as_deref().unwrap_or(""), after = ?f.last, "long-polling task events");
        let mut failures = 0;
        loop {
            match self.task_events(id, f.last).await {
                Ok(events) => {
                    failures = 0;
                    // Even an old completion ends it: the server re-sends its completion
                    // on every poll of an ended task, so nothing newer will come.
                    let ended = events.iter().any(TaskEvent::is_final);
                    let events = fresh(events, &mut f.last);
                    note_cancel(&events, &mut cancelled);
                    let done = ended || grace_over(cancelled);
                    f.polled += events.len();
                    if !events.is_empty() {
                        on_events(events);
                    }
                    if done {
                        return Ok(f);
                    }
                }
                Err(e) => {
                    failures += 1;
                    if failures >= 5 {
                        let why = f.fell_back.as_deref().unwrap_or("");
                        return Err(format!("{e} (long-polling, after the event stream failed: {why})"));
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    async fn stream_task(
        &self,
        id: &str,
        idle: Duration,
        f: &mut Followed,
        cancelled: &mut Option<Instant>,
        on_events: &mut impl FnMut(Vec<TaskEvent>),
    ) -> Result<StreamEnd, String> {
        let path = format!("api/scaffolder/v2/tasks/{}/eventstream", super::scaffolder::segment(id));
        let url = self.base.join(&path).map_err(|e| e.to_string())?;
        let shown = url.to_string();
        let mut request = self
            .http
            .get(url)
            .query(&f.last.map(|a| ("after", a.to_string())).into_iter().collect::<Vec<_>>())
            .header(ACCEPT, "text/event-stream")
            // The client's whole-request timeout would cut a long task; silence is timed below instead.
            .timeout(Duration::from_secs(24 * 3600));
        if let Some(token) = self.auth.token().await.map_err(|e| e.to_string())? {
            let value = token.header_value().map_err(|()| "the token cannot be sent in a header".to_string())?;
            request = request.header(AUTHORIZATION, value);
        }
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let opened = tokio::time::timeout(idle, request.send()).await;
        let mut response = match opened {
            Err(_) => return Err(format!("{shown} did not answer within {}s", idle.as_secs())),
            Ok(Err(e)) => return Err(format!("cannot open {shown}: {}", super::error::root_cause(&e))),
            Ok(Ok(r)) => r,
        };
        let status = response.status();
        let kind = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        if !status.is_success() {
            return Err(format!("{status} from {shown}"));
        }
        if !kind.starts_with("text/event-stream") {
            return Err(format!("{shown} is not an event stream (content-type `{}`)", clean_line(&kind)));
        }
        let mut parser = SseParser::new();
        loop {
            let wait = match cancelled {
                Some(t) => idle.min(CANCEL_GRACE.saturating_sub(t.elapsed())),
                None => idle,
            };
            let chunk = match tokio::time::timeout(wait, response.chunk()).await {
                Err(_) if grace_over(*cancelled) => return Ok(StreamEnd::Final),
                Err(_) => return Err(format!("no event from {shown} for {}s", idle.as_secs())),
                Ok(Err(e)) => return Err(format!("the event stream broke: {}", super::error::root_cause(&e))),
                Ok(Ok(None)) if parser.has_partial() => return Err("the event stream was cut mid-event".into()),
                Ok(Ok(None)) => return Ok(StreamEnd::Closed),
                Ok(Ok(Some(chunk))) => chunk,
            };
            self.counters.bytes_wire.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            let mut events = Vec::new();
            for sse in parser.push(&chunk)? {
                let value: Value = serde_json::from_str(&sse.data).map_err(|e| {
                    format!("a `{}` event that is not JSON ({e}): {}", excerpt(&sse.event), excerpt(&sse.data))
                })?;
                let event = TaskEvent::from_json(&value)
                    .ok_or_else(|| format!("a `{}` event with no id: {}", excerpt(&sse.event), excerpt(&sse.data)))?;
                events.push(event);
            }
            let ended = events.iter().any(TaskEvent::is_final);
            let events = fresh(events, &mut f.last);
            note_cancel(&events, cancelled);
            f.streamed += events.len();
            if !events.is_empty() {
                on_events(events);
            }
            if ended {
                return Ok(StreamEnd::Final);
            }
        }
    }
}

/// An event's data in an error message: sanitised, and short (it may be a whole page).
fn excerpt(data: &str) -> String {
    let line = clean_line(data);
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: u64, kind: &str) -> TaskEvent {
        TaskEvent { id, kind: kind.into(), step_id: None, message: String::new(), status: None, output: None }
    }

    #[test]
    fn fresh_drops_what_was_seen_and_the_resent_completion() {
        let mut last = None;
        assert_eq!(fresh(vec![ev(3, "log"), ev(5, "log")], &mut last).len(), 2);
        assert_eq!(last, Some(5));
        let got = fresh(vec![ev(5, "log"), ev(4, "completion"), ev(9, "log")], &mut last);
        assert_eq!(got, vec![ev(9, "log")]);
        assert_eq!(last, Some(9));
    }

    #[test]
    fn summary_of_a_service_task() {
        let v = json!({"id": "t1", "status": "failed", "createdAt": "2026-11-30T10:00:00Z", "createdBy": "",
            "spec": {"templateInfo": {"entityRef": "template:default/x", "entity": {"metadata": {"title": "X\u{1b}[31m"}}}}});
        let s = TaskSummary::from_json(&v).unwrap();
        assert_eq!((s.created_by.as_str(), s.template_title.as_str()), ("", "X"));
        assert!(TaskSummary::from_json(&json!({"status": "x"})).is_none());
    }
}
