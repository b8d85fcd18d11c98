//! `callboard create TEMPLATE --dry-run [--on INSTANCE]`: the form filled
//! from flags and checked as for a real run, then `POST /v2/dry-run`. The
//! log goes to stderr; the produced files (with sizes) and the output to
//! stdout, or everything as one JSON object with `--json`. Exit 0 when
//! every step completed, 1 when one failed, 2 for bad values.
//!
//! A folder source sends the template's own files (its folder) and runs on
//! `--on`, else `default_instance`, else the only instance; an instance
//! source runs on itself and cannot send the files.

use super::create::{checked_form, initial_values};
use super::Exit;
use crate::backstage::dry_run::DryRunResult;
use crate::backstage::Client;
use crate::catalog::entity_ref::EntityRef;
use crate::config::Config;
use crate::exec::dry_run::{folder_template, DryRunReport, TemplateFiles};
use crate::form::{FormSpec, Node};
use crate::sanitize::clean_line;
use crate::source::Source;
use base64::Engine;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

pub struct DryRunArgs<'a> {
    pub template: &'a str,
    pub sets: &'a [String],
    pub values_file: Option<&'a Path>,
    pub as_json: bool,
    pub on: Option<&'a str>,
}

pub fn run(source: &Source, config: &Config, args: DryRunArgs) -> Result<(), Exit> {
    let template = EntityRef::parse(args.template, Some("template"), crate::catalog::entity_ref::DEFAULT_NAMESPACE)
        .map_err(|e| Exit::new(2, e.to_string()))?;
    let server = match (source, args.on) {
        (Source::Instance(_), Some(_)) => {
            return Err(Exit::new(2, "--on is for folder sources; an instance's templates dry-run on it"))
        }
        (Source::Instance(instance), None) => instance.clone(),
        (_, Some(name)) => {
            config.instance(name).cloned().ok_or_else(|| Exit::new(2, format!("--on {name}: no such instance")))?
        }
        (_, None) => crate::exec::dry_run::server_for_folder(config).ok_or_else(|| {
            Exit::new(2, "a dry-run runs on a Backstage instance: pass --on NAME or set default_instance")
        })?,
    };
    let initial = initial_values(args.sets, args.values_file)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(anyhow::Error::from)?;
    let client = Client::new(&server).map_err(|e| Exit::new(1, e.to_string()))?;
    let (spec, entity, files) = match source {
        Source::Instance(_) => {
            let schema =
                runtime.block_on(client.parameter_schema(&template)).map_err(|e| Exit::new(1, e.to_string()))?;
            let spec = FormSpec::from_parameter_node(&schema).map_err(|e| Exit::new(1, format!("{template}: {e}")))?;
            let (entity, files) = runtime
                .block_on(crate::exec::dry_run::template_and_files(source, &client, &template.key()))
                .map_err(|e| Exit::new(1, e))?;
            (spec, entity, files)
        }
        Source::Dir(root) | Source::Demo(root) => folder_form(source, root, &template)?,
    };
    let form = checked_form(spec, &initial, &template)?;
    let (values, secrets) = (form.values(), form.secrets());
    for note in &files.notes {
        eprintln!("callboard: note: {}", clean_line(note));
    }
    let result = runtime
        .block_on(client.dry_run(&entity, &values, &secrets, &files.files))
        .map_err(|e| Exit::new(1, format!("the dry-run of {template} on {}: {e}", server.name)))?;
    let report = DryRunReport { result, sent_files: files.files.len(), notes: files.notes };
    print_report(&report, args.as_json).map_err(|e| Exit::from(anyhow::Error::from(e)))?;
    if report.result.succeeded() {
        Ok(())
    } else {
        Err(Exit::new(1, format!("the dry-run of {template} failed")))
    }
}

/// A folder's template: the cache brought up to date, its form from `spec.parameters`.
fn folder_form(source: &Source, root: &Path, template: &EntityRef) -> Result<(FormSpec, Value, TemplateFiles), Exit> {
    let (_, refresh) = crate::source::open_current(source, crate::source::unix_now())?;
    super::print_problems(source, &refresh.problems);
    let (entity, files) = folder_template(&source.cache_path(), root, &template.key()).map_err(|e| Exit::new(2, e))?;
    let title = entity.pointer("/metadata/title").and_then(Value::as_str);
    let parameters = Node::from_json(entity.pointer("/spec/parameters").unwrap_or(&Value::Null));
    let spec = FormSpec::from_parameters(title, &parameters).map_err(|e| Exit::new(1, format!("{template}: {e}")))?;
    Ok((spec, entity, files))
}

fn print_report(report: &DryRunReport, as_json: bool) -> std::io::Result<()> {
    let result = &report.result;
    let mut stderr = std::io::stderr().lock();
    for line in &result.log {
        let step = line.step_id.as_deref().map(|s| format!("[{s}] ")).unwrap_or_default();
        writeln!(stderr, "{step}{}", line.message)?;
    }
    let mut out = std::io::stdout().lock();
    if as_json {
        let text = serde_json::to_string(&as_json_value(report)).unwrap_or_default();
        return writeln!(out, "{}", crate::safe_output::escape_json_text(text));
    }
    writeln!(out, "dry-run: {}", if result.succeeded() { "succeeded" } else { "failed" })?;
    for step in &result.steps {
        writeln!(out, "step: {}  {}", step.name, result.step_status(&step.id))?;
    }
    for file in &result.files {
        let x = if file.executable { "  executable" } else { "" };
        writeln!(out, "file: {}  {} bytes{x}", clean_line(&file.path), file.content.len())?;
    }
    for line in crate::screens::create::dry_run::output_lines(&result.output) {
        writeln!(out, "output: {line}")?;
    }
    Ok(())
}

/// Everything, for scripts: files carry their content as text when it is
/// text, and always as base64.
pub fn as_json_value(report: &DryRunReport) -> Value {
    let result: &DryRunResult = &report.result;
    let engine = base64::engine::general_purpose::STANDARD;
    json!({
        "status": if result.succeeded() { "succeeded" } else { "failed" },
        "steps": result.steps.iter().map(|s| json!({
            "id": s.id, "name": s.name, "action": s.action, "status": result.step_status(&s.id),
        })).collect::<Vec<_>>(),
        "log": result.log.iter().map(|l| json!({
            "stepId": l.step_id, "status": l.status, "message": l.message,
        })).collect::<Vec<_>>(),
        "files": result.files.iter().map(|f| json!({
            "path": f.path,
            "size": f.content.len(),
            "executable": f.executable,
            "text": std::str::from_utf8(&f.content).ok(),
            "base64Content": engine.encode(&f.content),
        })).collect::<Vec<_>>(),
        "output": result.output,
        "sentFiles": report.sent_files,
        "notes": report.notes,
    })
}
