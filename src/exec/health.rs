//! The probe job: read the entities' documents from the cache, work out their
//! probes, hand them to the source's runner and forward each result as it
//! ends. Many messages per job; the runner keeps one probe in flight per key.

use super::context::{JobContext, Outbox};
use super::jobs::cpu;
use crate::catalog::cache::Cache;
use crate::health::{config_problem, probes_for, ProbeSpec};
use crate::msg::Msg;
use std::collections::HashSet;

pub async fn probe(keys: Vec<String>, skip: Vec<String>, cx: &JobContext, out: &Outbox) {
    // The runner (and its TLS client, ≈ 5 MB and a few ms) is built only once
    // some entity on screen has a probe: a catalog without any never pays.
    let Some(config) = cx.health_config().cloned() else { return };
    let path = cx.source.cache_path();
    let planner = config.clone();
    let planned = cpu(move || -> Vec<(String, Vec<ProbeSpec>)> {
        // An unreadable cache plans nothing; the next plan asks again.
        let Ok(cache) = Cache::open(&path) else { return Vec::new() };
        keys.into_iter()
            .map(|key| {
                let specs = match cache.raw(&key) {
                    Ok(Some(raw)) => probes_for(&raw, &planner),
                    _ => Vec::new(),
                };
                (key, specs)
            })
            .collect()
    })
    .await
    .unwrap_or_default();
    let skip: HashSet<String> = skip.into_iter().collect();
    let mut to_run = Vec::new();
    let mut problems = Vec::new();
    for spec in planned.iter().flat_map(|(_, specs)| specs) {
        if let Some(problem) = config_problem(spec, &config) {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        if !skip.contains(&spec.key()) {
            to_run.push(spec.clone());
        }
    }
    out.send(Msg::ProbesPlanned(planned));
    for problem in problems {
        out.send(Msg::HealthProblem(problem));
    }
    if to_run.is_empty() {
        return;
    }
    let Some(runner) = cx.health() else { return };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    runner.submit(to_run, tx);
    // Forwarding runs on a task of its own: when a newer job for the same
    // scope replaces this one (the list scrolled), the probes already started
    // still report. It ends when the last of them has.
    let out = out.clone();
    let forward = tokio::spawn(async move {
        while let Some(result) = rx.recv().await {
            out.send(Msg::ProbeDone(Box::new(result)));
        }
    });
    let _ = forward.await;
}
