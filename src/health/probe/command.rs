//! command: run a program with an argv (never a shell); the exit code and an
//! optional rule on stdout decide. The child is killed when the probe times out.

use super::Found;
use crate::health::config::HealthConfig;
use crate::health::state::State;
use std::process::Stdio;
use std::time::Duration;

pub async fn probe(config: &HealthConfig, name: &str, argv: &[String], limit: Duration) -> Found {
    let Some(def) = config.command.iter().find(|c| c.name == name) else {
        return Found::unknown(format!("no [[health.command]] named {name}"));
    };
    let Some((program, args)) = argv.split_first() else { return Found::unknown("empty argv") };
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => return Found::unknown(format!("cannot run {program}: {e}")),
    };
    // The outer timeout drops this future, and kill_on_drop ends the child;
    // this inner one only makes the message name the command.
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return Found::unknown(format!("{program}: {e}")),
        Err(_) => {
            let reason = format!("timed out after {} s", limit.as_secs());
            return Found {
                state: Some(State::Crit),
                value: Some(reason.clone()),
                error: Some(reason),
                ..Default::default()
            };
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let code = output.status.code();
    let mut state = match (def.exit_codes.as_str(), code) {
        (_, Some(0)) => State::Ok,
        ("nagios", Some(1)) => State::Warn,
        ("nagios", Some(2)) => State::Crit,
        ("nagios", Some(c)) => State::unknown(format!("exit code {c}")),
        (_, Some(_)) => State::Crit,
        (_, None) => State::unknown("killed by a signal"),
    };
    let mut found = Found::default();
    if let Some(rule) = &def.rule {
        let (s, seen) = super::rule::judge(rule, &stdout);
        if let Some(seen) = seen {
            found.labels.push((rule.pointer.clone().unwrap_or_else(|| "output".into()), seen));
        }
        state = state.worst(s);
    }
    found.value = stdout.lines().find(|l| !l.trim().is_empty()).map(str::to_string);
    found.details = stdout.lines().skip(1).filter(|l| !l.trim().is_empty()).take(10).map(str::to_string).collect();
    if code != Some(0) {
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        found.error = Some(match code {
            Some(c) => format!("exit code {c}{}", if first.is_empty() { String::new() } else { format!(": {first}") }),
            None => "killed by a signal".to_string(),
        });
    }
    if let State::Unknown(reason) = &state {
        found.error.get_or_insert_with(|| reason.clone());
    }
    found.state = Some(state);
    found
}
