//! Jobs for actions: commands run without a shell, their output streamed
//! back in batches (capture) or only their exit reported (background), and
//! calls to Backstage's Actions Registry.

use super::context::{JobContext, Outbox};
use crate::actions::{ActionEffect, ActionMsg};
use crate::msg::Msg;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::mpsc;

/// Lines are sent at most this often, so 100k lines are a few hundred
/// messages and the screen is redrawn a few dozen times a second, not per line.
const FLUSH_EVERY: Duration = Duration::from_millis(33);
/// …or as soon as this many are waiting.
const BATCH_LINES: usize = 4096;

pub async fn run(effect: ActionEffect, cx: &JobContext, out: &Outbox) {
    let send = |msg: ActionMsg| out.send(Msg::Action(msg));
    match effect {
        ActionEffect::Capture { run, argv } => capture(run, &argv, out).await,
        // The executor aborts the capture's job; this only reports it.
        ActionEffect::Cancel { run } => send(ActionMsg::Exited { run, status: Err("cancelled".into()) }),
        ActionEffect::Background { name, argv } => {
            let status = match command(&argv, Stdio::null(), Stdio::null()) {
                Ok(mut cmd) => cmd.status().await.map(exit_code).map_err(|e| start_error(&argv, &e)),
                Err(e) => Err(e),
            };
            send(ActionMsg::BackgroundDone { name, status });
        }
        ActionEffect::ListRemote { plugins } => {
            let (mut actions, mut problems) = (Vec::new(), Vec::new());
            match cx.backstage_with(crate::backstage::RetryPolicy::default()) {
                Ok(client) => {
                    for plugin in plugins {
                        match client.list_actions(&plugin).await {
                            Ok(listed) => actions.extend(listed),
                            Err(e) => problems.push(format!("{plugin}: {e}")),
                        }
                    }
                }
                Err(e) => problems.push(e),
            }
            send(ActionMsg::RemoteListed { actions, problems });
        }
        ActionEffect::Invoke { run, plugin, id, input } => {
            // No retries: an action may not be idempotent.
            let result =
                match cx.backstage_with(crate::backstage::RetryPolicy { max_attempts: 1, ..Default::default() }) {
                    Ok(client) => client.invoke_action(&plugin, &id, &input).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
            send(ActionMsg::Invoked { run, result });
        }
        ActionEffect::Register { target, dry_run } => {
            let result =
                match cx.backstage_with(crate::backstage::RetryPolicy { max_attempts: 1, ..Default::default() }) {
                    Ok(client) => client.register_location(&target, dry_run).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
            send(ActionMsg::Registered { target, dry_run, result });
        }
        ActionEffect::PagerDuty { url, event } => {
            let entity_ref = event.pointer("/payload/source").and_then(|v| v.as_str()).unwrap_or("").to_string();
            let result = pagerduty(cx.web(), &url, &event).await;
            send(ActionMsg::PagerDuty { entity_ref, result });
        }
        ActionEffect::Refresh { entity_ref } => {
            let result = match cx.backstage_with(crate::backstage::RetryPolicy::default()) {
                Ok(client) => client.refresh_entity(&entity_ref).await.map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            send(ActionMsg::Refreshed { entity_ref, result });
        }
    }
}

/// Enqueue an event; PagerDuty answers 202 with a dedup key, or 4xx with
/// `{status, message, errors}`. The routing key never appears in the error.
async fn pagerduty(web: &reqwest::Client, url: &str, event: &serde_json::Value) -> Result<String, String> {
    let response = web.post(url).json(event).send().await.map_err(|e| format!("cannot reach PagerDuty: {e}"))?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let text = |p: &str| body.pointer(p).and_then(|v| v.as_str()).unwrap_or("").to_string();
    if status.is_success() {
        return Ok(text("/dedup_key"));
    }
    let errors: Vec<String> = body
        .get("errors")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect();
    Err(format!("PagerDuty answered {}: {} {}", status.as_u16(), text("/message"), errors.join("; "))
        .trim()
        .to_string())
}

/// The argv as a process: the first word is the program, the rest are its
/// arguments, each passed as it is.
fn command(argv: &[String], stdout: Stdio, stderr: Stdio) -> Result<tokio::process::Command, String> {
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(stdout).stderr(stderr).kill_on_drop(true);
    Ok(cmd)
}

fn start_error(argv: &[String], err: &std::io::Error) -> String {
    let program = argv.first().map_or(String::new(), |p| crate::sanitize::clean_line(p));
    format!("cannot run `{program}`: {err}")
}

fn exit_code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return -signal;
        }
    }
    status.code().unwrap_or(-1)
}

/// Run the command with stdout and stderr piped, sending their lines as
/// they come. Dropping this future (the job aborted) kills the command.
async fn capture(run: u64, argv: &[String], out: &Outbox) {
    let exited = |status| out.send(Msg::Action(ActionMsg::Exited { run, status }));
    let mut child = match command(argv, Stdio::piped(), Stdio::piped())
        .and_then(|mut c| c.spawn().map_err(|e| start_error(argv, &e)))
    {
        Ok(child) => child,
        Err(why) => return exited(Err(why)),
    };
    let (tx, mut rx) = mpsc::channel::<String>(BATCH_LINES);
    if let Some(stdout) = child.stdout.take() {
        tokio::spawn(read_lines(stdout, tx.clone()));
    }
    if let Some(stderr) = child.stderr.take() {
        tokio::spawn(read_lines(stderr, tx.clone()));
    }
    drop(tx);
    let mut batch = Vec::new();
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    let flush = |batch: &mut Vec<String>| {
        if !batch.is_empty() {
            out.send(Msg::Action(ActionMsg::Lines { run, lines: std::mem::take(batch) }));
        }
    };
    loop {
        tokio::select! {
            line = rx.recv() => match line {
                Some(line) => {
                    batch.push(line);
                    if batch.len() >= BATCH_LINES {
                        flush(&mut batch);
                    }
                }
                None => break,
            },
            _ = tick.tick() => flush(&mut batch),
        }
    }
    flush(&mut batch);
    exited(child.wait().await.map(exit_code).map_err(|e| e.to_string()));
}

/// Lines of one pipe, cleaned of escape sequences (colour codes included)
/// and control characters; bytes that are not UTF-8 are replaced.
async fn read_lines(pipe: impl AsyncRead + Unpin, tx: mpsc::Sender<String>) {
    let mut reader = BufReader::new(pipe);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text = String::from_utf8_lossy(&buf);
                let line = crate::sanitize::clean_line(text.trim_end_matches(['\n', '\r']));
                if tx.send(line).await.is_err() {
                    return;
                }
            }
        }
    }
}
