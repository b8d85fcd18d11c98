//! The scaffolder API: a template's parameter schema (read order-preserving,
//! so the form shows fields as the template wrote them), tasks, their events.

use super::{BackstageError, Client};
use crate::catalog::entity_ref::EntityRef;
use crate::form::Node;
use crate::sanitize::clean_line;
use reqwest::Method;
use serde_json::{json, Map, Value};

/// One task event (`log`, `completion`, `cancelled`, `recovered`); ids are global across tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskEvent {
    pub id: u64,
    pub kind: String,
    pub step_id: Option<String>,
    /// The log line with escape sequences stripped: logs carry ANSI colours.
    pub message: String,
    /// A step's status on its log events (`processing`, `completed`, `failed`); the
    /// task's final status is on the task itself.
    pub status: Option<String>,
    /// `completion`'s task output (`links`, `text`, ...), rendered by the server.
    pub output: Option<Value>,
}

impl TaskEvent {
    fn from_json(v: &Value) -> Option<TaskEvent> {
        let id = v.get("id").and_then(|i| i.as_u64().or_else(|| i.as_str().and_then(|s| s.parse().ok())))?;
        let body = v.get("body").unwrap_or(&Value::Null);
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
        Some(TaskEvent {
            id,
            kind: v.get("type").and_then(Value::as_str).unwrap_or("").to_string(),
            step_id: text("stepId"),
            message: text("message").map(|m| clean_line(&m)).unwrap_or_default(),
            status: text("status"),
            output: body.get("output").cloned(),
        })
    }

    /// Does this event end the task's stream?
    pub fn is_final(&self) -> bool {
        matches!(self.kind.as_str(), "completion" | "cancelled")
    }
}

pub(crate) fn segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Client {
    /// `GET /api/scaffolder/v2/templates/{ns}/{kind}/{name}/parameter-schema`.
    pub async fn parameter_schema(&self, template: &EntityRef) -> Result<Node, BackstageError> {
        let path = format!(
            "api/scaffolder/v2/templates/{}/{}/{}/parameter-schema",
            segment(&template.namespace),
            segment(&template.kind),
            segment(&template.name)
        );
        self.request_json::<Node>(Method::GET, &path, &[], None).await
    }

    /// `POST /api/scaffolder/v2/tasks`: start a task, giving its id.
    pub async fn create_task(
        &self,
        template: &EntityRef,
        values: &Map<String, Value>,
        secrets: &Map<String, Value>,
    ) -> Result<String, BackstageError> {
        let body = json!({"templateRef": template.key(), "values": values, "secrets": secrets});
        let reply: Value = self.request_json(Method::POST, "api/scaffolder/v2/tasks", &[], Some(&body)).await?;
        reply.get("id").and_then(Value::as_str).map(str::to_string).ok_or_else(|| BackstageError::NotCatalog {
            url: "api/scaffolder/v2/tasks".into(),
            detail: format!("no task id in {}", clean_line(&reply.to_string())),
        })
    }

    /// `GET /api/scaffolder/v2/tasks/{id}`: spec, status, output.
    pub async fn task(&self, id: &str) -> Result<Value, BackstageError> {
        self.request_json(Method::GET, &format!("api/scaffolder/v2/tasks/{}", segment(id)), &[], None).await
    }

    /// `GET /api/scaffolder/v2/tasks/{id}/events?after=N`: events after the last id seen.
    pub async fn task_events(&self, id: &str, after: Option<u64>) -> Result<Vec<TaskEvent>, BackstageError> {
        let query: Vec<(&str, String)> = after.map(|a| ("after", a.to_string())).into_iter().collect();
        let path = format!("api/scaffolder/v2/tasks/{}/events", segment(id));
        let events: Vec<Value> = self.request_json(Method::GET, &path, &query, None).await?;
        Ok(events.iter().filter_map(TaskEvent::from_json).collect())
    }

    /// `POST /api/scaffolder/v2/tasks/{id}/cancel`.
    pub async fn cancel_task(&self, id: &str) -> Result<Value, BackstageError> {
        let path = format!("api/scaffolder/v2/tasks/{}/cancel", segment(id));
        self.request_json(Method::POST, &path, &[], None).await
    }
}
