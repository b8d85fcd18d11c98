//! `POST /api/scaffolder/v2/dry-run`: run a template's steps without doing
//! anything for real, giving the log, the files the workspace would hold and
//! the output. The body is what the web's template editor sends: the whole
//! template entity, the values, the secrets, and the template's own files.

use super::{BackstageError, Client};
use crate::catalog::entity_ref::EntityRef;
use crate::sanitize::clean_line;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Map, Value};

/// A file sent with the template (`./skeleton/...`), relative to the template's folder.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateFile {
    pub path: String,
    pub content: Vec<u8>,
}

/// One line of the dry-run's log.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRunLine {
    pub step_id: Option<String>,
    /// A step's status on the lines that change it (`processing`, `completed`, `failed`, `skipped`).
    pub status: Option<String>,
    /// Escape sequences and controls stripped: logs carry ANSI colours.
    pub message: String,
}

/// A step as the server ran it (ids and names filled in as it does).
#[derive(Debug, Clone, PartialEq)]
pub struct DryRunStep {
    pub id: String,
    pub name: String,
    pub action: String,
}

/// A file the steps left in the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducedFile {
    /// As the server gave it: untrusted, sanitise before showing.
    pub path: String,
    pub content: Vec<u8>,
    pub executable: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DryRunResult {
    pub steps: Vec<DryRunStep>,
    pub log: Vec<DryRunLine>,
    pub files: Vec<ProducedFile>,
    /// The template's `output` rendered with the values (`links`, `text`, …).
    pub output: Value,
}

impl DryRunResult {
    /// The last status each step reached in the log (`open` when it never started).
    pub fn step_status(&self, id: &str) -> &str {
        self.log
            .iter()
            .rev()
            .find_map(|l| (l.step_id.as_deref() == Some(id)).then_some(l.status.as_deref()).flatten())
            .unwrap_or("open")
    }

    /// Did every step that ran complete (skipped ones are fine)?
    pub fn succeeded(&self) -> bool {
        self.steps.iter().all(|s| matches!(self.step_status(&s.id), "completed" | "skipped"))
    }

    pub fn from_json(reply: &Value) -> Result<DryRunResult, String> {
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let steps = reply
            .get("steps")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| DryRunStep {
                id: clean_line(&text(s, "id").unwrap_or_default()),
                name: clean_line(&text(s, "name").or_else(|| text(s, "action")).unwrap_or_default()),
                action: clean_line(&text(s, "action").unwrap_or_default()),
            })
            .collect();
        let log = reply
            .get("log")
            .and_then(Value::as_array)
            .ok_or("the reply has no `log`")?
            .iter()
            .map(|l| {
                let body = l.get("body").unwrap_or(&Value::Null);
                DryRunLine {
                    step_id: text(body, "stepId").map(|s| clean_line(&s)),
                    status: text(body, "status").map(|s| clean_line(&s)),
                    message: clean_line(&text(body, "message").unwrap_or_default()),
                }
            })
            .collect();
        let engine = base64::engine::general_purpose::STANDARD;
        let mut files = Vec::new();
        for f in
            reply.get("directoryContents").and_then(Value::as_array).ok_or("the reply has no `directoryContents`")?
        {
            let path = text(f, "path").ok_or("a produced file has no path")?;
            let encoded = text(f, "base64Content").or_else(|| text(f, "content")).unwrap_or_default();
            let content = engine.decode(encoded.as_bytes()).map_err(|e| format!("{}: {e}", clean_line(&path)))?;
            files.push(ProducedFile {
                path,
                content,
                executable: f.get("executable").and_then(Value::as_bool).unwrap_or(false),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(DryRunResult { steps, log, files, output: reply.get("output").cloned().unwrap_or(Value::Null) })
    }
}

/// The request body, as the router reads it.
pub fn request_body(
    template: &Value,
    values: &Map<String, Value>,
    secrets: &Map<String, Value>,
    files: &[TemplateFile],
) -> Value {
    let engine = base64::engine::general_purpose::STANDARD;
    let contents: Vec<Value> =
        files.iter().map(|f| json!({"path": f.path, "base64Content": engine.encode(&f.content)})).collect();
    json!({"template": template, "values": values, "secrets": secrets, "directoryContents": contents})
}

impl Client {
    /// `POST /api/scaffolder/v2/dry-run`. A 400 names the invalid values the way a create's does.
    pub async fn dry_run(
        &self,
        template: &Value,
        values: &Map<String, Value>,
        secrets: &Map<String, Value>,
        files: &[TemplateFile],
    ) -> Result<DryRunResult, BackstageError> {
        let path = "api/scaffolder/v2/dry-run";
        let body = request_body(template, values, secrets, files);
        // A failed step is a 500 that would fail the same way again.
        let once = self.sharing(super::RetryPolicy { max_attempts: 1, ..Default::default() });
        let reply: Value = once.request_json(Method::POST, path, &[], Some(&body)).await?;
        DryRunResult::from_json(&reply).map_err(|detail| BackstageError::NotCatalog { url: path.into(), detail })
    }

    /// `GET /api/catalog/entities/by-name/{kind}/{namespace}/{name}`: the whole entity.
    pub async fn entity_by_ref(&self, r: &EntityRef) -> Result<Value, BackstageError> {
        let path = format!(
            "api/catalog/entities/by-name/{}/{}/{}",
            super::scaffolder::segment(&r.kind),
            super::scaffolder::segment(&r.namespace),
            super::scaffolder::segment(&r.name)
        );
        self.request_json(Method::GET, &path, &[], None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_read_with_its_files_decoded_and_its_log_sanitised() {
        let reply = json!({
            "steps": [{"id": "fetch", "name": "Fetch", "action": "fetch:template"}, {"id": "log", "action": "debug:log"}],
            "log": [
                {"body": {"stepId": "fetch", "status": "processing", "message": "Beginning step Fetch"}},
                {"body": {"stepId": "fetch", "message": "\u{1b}[32minfo\u{1b}[39m: fetched"}},
                {"body": {"stepId": "fetch", "status": "completed", "message": "Finished step Fetch"}},
                {"body": {"stepId": "log", "status": "failed", "message": "boom"}}
            ],
            "directoryContents": [
                {"path": "z.sh", "base64Content": "ZWNobyBoaQo=", "executable": true},
                {"path": "a.txt", "base64Content": "aGk="}
            ],
            "output": {"links": []}
        });
        let result = DryRunResult::from_json(&reply).unwrap();
        assert_eq!(result.steps[1].name, "debug:log", "a step without a name is called by its action");
        assert_eq!(result.log[1].message, "info: fetched");
        assert_eq!(result.files[0].path, "a.txt", "sorted by path");
        assert_eq!(result.files[1].content, b"echo hi\n");
        assert!(result.files[1].executable);
        assert_eq!(result.step_status("fetch"), "completed");
        assert_eq!(result.step_status("log"), "failed");
        assert!(!result.succeeded());
        let bad = json!({"log": [], "directoryContents": [{"path": "x", "base64Content": "!!"}]});
        assert!(DryRunResult::from_json(&bad).unwrap_err().starts_with("x: "));
    }

    #[test]
    fn the_body_carries_the_template_values_secrets_and_files() {
        let mut values = Map::new();
        values.insert("name".into(), json!("svc"));
        let files = [TemplateFile { path: "skeleton/a.txt".into(), content: b"hi".to_vec() }];
        let body = request_body(&json!({"kind": "Template"}), &values, &Map::new(), &files);
        assert_eq!(
            body,
            json!({"template": {"kind": "Template"}, "values": {"name": "svc"}, "secrets": {},
                   "directoryContents": [{"path": "skeleton/a.txt", "base64Content": "aGk="}]})
        );
    }
}
