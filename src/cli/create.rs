//! `callboard create TEMPLATE [--set key=value]... [--values FILE] [--json]`:
//! the template's form filled from flags with the same defaults and
//! validation as the TUI, run as a task whose log streams to stderr.

use super::Exit;
use crate::backstage::Client;
use crate::catalog::entity_ref::EntityRef;
use crate::form::{Form, FormSpec};
use crate::source::Source;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::Path;

pub fn run(
    source: &Source,
    template: &str,
    sets: &[String],
    values_file: Option<&Path>,
    as_json: bool,
) -> Result<(), Exit> {
    let Source::Instance(instance) = source else {
        return Err(Exit::new(2, "`create` runs templates on a Backstage instance: pass --instance NAME"));
    };
    let template = EntityRef::parse(template, Some("template"), crate::catalog::entity_ref::DEFAULT_NAMESPACE)
        .map_err(|e| Exit::new(2, e.to_string()))?;
    let initial = initial_values(sets, values_file)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(anyhow::Error::from)?;
    let client = Client::new(instance).map_err(|e| Exit::new(1, e.to_string()))?;
    let schema = runtime.block_on(client.parameter_schema(&template)).map_err(|e| Exit::new(1, e.to_string()))?;
    let spec = FormSpec::from_parameter_node(&schema).map_err(|e| Exit::new(1, format!("{template}: {e}")))?;
    let form = checked_form(spec, &initial, &template)?;
    let (values, secrets) = (form.values(), form.secrets());
    for key in initial.keys().filter(|k| !values.contains_key(*k) && !secrets.contains_key(*k)) {
        // Never silently: a mistyped key, or a field a condition hides.
        eprintln!("callboard: `{key}` is not a field the template shows for these values; not sent");
    }
    let id =
        runtime.block_on(client.create_task(&template, &values, &secrets)).map_err(|e| Exit::new(1, e.to_string()))?;
    eprintln!("callboard: task {id} started");
    let output = follow(&runtime, &client, &id)?;
    let task = runtime.block_on(client.task(&id)).map_err(|e| Exit::new(1, e.to_string()))?;
    let status = task.get("status").and_then(Value::as_str).unwrap_or("unknown").to_string();
    let mut out = std::io::stdout().lock();
    let written = if as_json {
        writeln!(out, "{}", json!({"id": id, "status": status, "output": output}))
    } else {
        write_output(&mut out, &status, &output)
    };
    written.map_err(|e| Exit::from(anyhow::Error::from(e)))?;
    if status == "completed" {
        Ok(())
    } else {
        Err(Exit::new(1, format!("task {id} ended {status}")))
    }
}

/// The form filled from the flags, defaults for the rest; exit 2 naming
/// every invalid field of the first bad page.
pub(super) fn checked_form(spec: FormSpec, initial: &Map<String, Value>, template: &EntityRef) -> Result<Form, Exit> {
    let mut form = Form::with_values(spec, initial);
    if !form.check_all() {
        let mut message = format!("{template}: the values are not valid (page {}):", form.page() + 1);
        for (label, problem) in form.problems() {
            message.push_str(&format!("\n  {label}: {problem}"));
        }
        return Err(Exit::new(2, message));
    }
    Ok(form)
}

/// `--values FILE` (YAML or JSON object), then each `--set key=value` (the
/// value read as JSON when it is JSON: numbers, booleans, lists; else text).
pub(super) fn initial_values(sets: &[String], values_file: Option<&Path>) -> Result<Map<String, Value>, Exit> {
    let mut values = Map::new();
    if let Some(path) = values_file {
        let text = std::fs::read_to_string(path).map_err(|e| Exit::new(2, format!("{}: {e}", path.display())))?;
        let parsed: Value =
            serde_yaml::from_str(&text).map_err(|e| Exit::new(2, format!("{}: {e}", path.display())))?;
        match parsed {
            Value::Object(map) => values = map,
            _ => return Err(Exit::new(2, format!("{}: expected a mapping of field names to values", path.display()))),
        }
    }
    for set in sets {
        let (key, raw) = set.split_once('=').ok_or_else(|| Exit::new(2, format!("--set {set}: expected key=value")))?;
        let value = serde_json::from_str::<Value>(raw)
            .ok()
            .filter(|v| !v.is_string())
            .unwrap_or_else(|| Value::String(raw.to_string()));
        values.insert(key.trim().to_string(), value);
    }
    Ok(values)
}

/// Follow the task (event stream, else long-polling: `Client::follow_task`),
/// printing the log to stderr as it arrives; gives the completion's output.
fn follow(runtime: &tokio::runtime::Runtime, client: &Client, id: &str) -> Result<Value, Exit> {
    let mut output = Value::Null;
    let mut stderr = std::io::stderr().lock();
    let followed = runtime.block_on(client.follow_task(id, None, crate::exec::scaffolder::STREAM_IDLE, |events| {
        for event in events {
            if !event.message.is_empty() {
                let step = event.step_id.as_deref().map(|s| format!("[{}] ", crate::sanitize::clean_line(s)));
                let _ = writeln!(stderr, "{}{}", step.unwrap_or_default(), event.message);
            }
            if event.is_final() {
                output = event.output.unwrap_or(Value::Null);
            }
        }
    }));
    let followed = followed.map_err(|e| Exit::new(1, format!("task {id}: {e}")))?;
    if let Some(why) = &followed.fell_back {
        tracing::info!(task = id, why = why.as_str(), "the event stream gave way to long-polling");
    }
    Ok(output)
}

fn write_output(out: &mut impl Write, status: &str, output: &Value) -> std::io::Result<()> {
    writeln!(out, "status: {status}")?;
    let clean = |v: &Value| v.as_str().map(crate::sanitize::clean_line).unwrap_or_default();
    for link in output.get("links").and_then(Value::as_array).into_iter().flatten() {
        let target = link.get("entityRef").or_else(|| link.get("url")).map(clean).unwrap_or_default();
        writeln!(out, "link: {}  {target}", clean(link.get("title").unwrap_or(&Value::Null)))?;
    }
    for text in output.get("text").and_then(Value::as_array).into_iter().flatten() {
        writeln!(out, "{}:", clean(text.get("title").unwrap_or(&Value::Null)))?;
        let content = text.get("content").and_then(Value::as_str).unwrap_or("");
        writeln!(out, "{}", crate::sanitize::clean_multiline(content))?;
    }
    Ok(())
}
