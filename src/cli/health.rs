//! `callboard health REF | --system S | --owner G | --mine [--json] [--watch]`:
//! run the probes of the chosen entities now, print them, keep them in the
//! cache, and exit with the worst state (0 ok, 1 warn, 2 crit, 3 unknown).

use super::{resolve_exact, Exit};
use crate::catalog::cache::Cache;
use crate::catalog::{Catalog, EntityRef};
use crate::config::Config;
use crate::health::{probes_for, run_all, state_at, ProbeResult, Rollup, Runner, State};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;

#[derive(Debug, Clone, clap::Args)]
pub struct HealthArgs {
    /// Entity ref or unique name.
    #[arg(conflicts_with_all = ["system", "owner", "mine"])]
    pub entity: Option<String>,
    /// Every entity of this system.
    #[arg(long, value_name = "SYSTEM", conflicts_with_all = ["owner", "mine"])]
    pub system: Option<String>,
    /// Every entity this group (or user) owns.
    #[arg(long, value_name = "GROUP", conflicts_with = "mine")]
    pub owner: Option<String>,
    /// Every entity owned by me or my groups (config `me`).
    #[arg(long)]
    pub mine: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Run again every `health.ttl` seconds until interrupted.
    #[arg(long)]
    pub watch: bool,
}

/// Entity keys the arguments select.
fn selection(catalog: &Catalog, config: &Config, args: &HealthArgs) -> Result<Vec<String>, Exit> {
    let owned_by = |owners: &std::collections::HashSet<String>| -> Vec<String> {
        catalog.all().iter().filter(|s| owners.contains(&s.owner)).map(|s| s.key.clone()).collect()
    };
    if let Some(entity) = &args.entity {
        // Not found or ambiguous is "cannot tell" (3), never a warn or crit code.
        let found = resolve_exact(catalog, entity).map_err(|e| Exit::new(3, e.message))?;
        return Ok(vec![found.key.clone()]);
    }
    if let Some(system) = &args.system {
        let key = EntityRef::parse(system, Some("system"), "default")
            .map(|r| r.key())
            .map_err(|e| Exit::new(3, format!("--system {system}: {e}")))?;
        if catalog.get(&key).is_none() {
            return Err(Exit::new(3, format!("no system `{system}` in the catalog")));
        }
        return Ok(catalog.all().iter().filter(|s| s.system == key).map(|s| s.key.clone()).collect());
    }
    if let Some(owner) = &args.owner {
        let key = EntityRef::parse(owner, Some("group"), "default")
            .map(|r| r.key())
            .map_err(|e| Exit::new(3, format!("--owner {owner}: {e}")))?;
        // An owner missing from the catalog still owns what names it.
        let owned = owned_by(&std::collections::HashSet::from([key.clone()]));
        if owned.is_empty() && catalog.get(&key).is_none() {
            return Err(Exit::new(3, format!("no owner `{owner}` in the catalog")));
        }
        return Ok(owned);
    }
    if args.mine {
        let me = config
            .me
            .as_deref()
            .ok_or_else(|| Exit::new(3, "--mine needs `me = \"user:default/you\"` in the config".to_string()))?;
        let me = EntityRef::parse(me, Some("user"), "default").map_err(|e| Exit::new(3, format!("config me: {e}")))?;
        return Ok(owned_by(&crate::catalog::graph::my_owners(catalog, &me.key())));
    }
    Err(Exit::new(3, "give an entity, --system, --owner or --mine".to_string()))
}

pub fn run(
    args: HealthArgs,
    catalog: &Catalog,
    cache: &Cache,
    config: &Config,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let keys = selection(catalog, config, &args)?;
    let health = Arc::new(config.health.clone());
    let mut specs = Vec::new();
    for key in &keys {
        if let Ok(Some(raw)) = cache.raw(key) {
            specs.extend(probes_for(&raw, &health));
        }
    }
    if specs.is_empty() {
        return Err(Exit::new(
            3,
            format!(
                "none of the {} selected entities has a probe under this config (see [health] in config.example.toml)",
                keys.len()
            ),
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)?;
    let http = Runner::client(&health);
    loop {
        let results = runtime.block_on(run_all(specs.clone(), health.clone(), http.clone(), None));
        if let Err(e) = cache.save_health(&results) {
            tracing::warn!(error = %e, "health results not kept");
        }
        let worst = print(catalog, &keys, &specs, results, health.ttl, args.json, out)
            .map_err(|e| Exit::from(anyhow::Error::from(e)))?;
        if !args.watch {
            return match worst.exit_code() {
                0 => Ok(()),
                code => Err(Exit::new(code, String::new())),
            };
        }
        std::thread::sleep(std::time::Duration::from_secs(health.ttl.max(5)));
        writeln!(out).map_err(|e| Exit::from(anyhow::Error::from(e)))?;
    }
}

/// Print per entity (worst first, then by name) and return the worst state.
fn print(
    catalog: &Catalog,
    keys: &[String],
    specs: &[crate::health::ProbeSpec],
    mut results: Vec<ProbeResult>,
    ttl: u64,
    as_json: bool,
    out: &mut impl Write,
) -> std::io::Result<State> {
    let now = crate::source::unix_now();
    // Results in the order the probes were listed, whatever order they ended in.
    let order: std::collections::HashMap<String, usize> = specs.iter().enumerate().map(|(i, s)| (s.key(), i)).collect();
    results.sort_by_key(|r| order.get(&r.key).copied().unwrap_or(usize::MAX));
    let mut entities: Vec<(&String, Vec<&ProbeResult>, Rollup)> = keys
        .iter()
        .map(|k| {
            let mine: Vec<&ProbeResult> = results.iter().filter(|r| &r.entity == k).collect();
            let rollup = Rollup::of_results(mine.iter().copied(), now, ttl);
            (k, mine, rollup)
        })
        .filter(|(_, r, _)| !r.is_empty())
        .collect();
    let severity = |r: &Rollup| r.worst().map_or(0, |s| s.severity());
    entities.sort_by(|a, b| severity(&b.2).cmp(&severity(&a.2)).then_with(|| a.0.cmp(b.0)));
    // The overall rollup counts entities by their worst state, like the board.
    let board = Rollup::from_states(&entities.iter().filter_map(|e| e.2.worst()).collect::<Vec<_>>());
    let probes = Rollup::of_results(results.iter(), now, ttl);
    let worst = board.worst().unwrap_or_else(|| State::unknown("no probes"));
    if as_json {
        let value = json!({
            "state": worst.word(),
            "summary": board.summary(),
            "probes_summary": probes.summary(),
            "entities": entities.iter().map(|(k, rs, r)| json!({
                "ref": display(k),
                "title": catalog.get(k).map(|s| s.label().to_string()),
                "state": r.worst().map(|s| s.word()).unwrap_or("unknown"),
                "summary": r.summary(),
                "probes": rs.iter().map(|p| p.to_json(now, ttl)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default())?;
        return Ok(worst);
    }
    writeln!(
        out,
        "{} {}  {} ({})",
        worst.symbol(),
        worst.word(),
        board.summary(),
        probes.summary().replace(" · ", ", ") + " probes"
    )?;
    for (key, rs, rollup) in &entities {
        let state = rollup.worst().unwrap_or(State::Ok);
        writeln!(out, "\n{} {:<7} {}  {}", state.symbol(), state.word(), display(key), rollup.summary())?;
        for r in rs {
            let s = state_at(r, now, ttl);
            let value = r.value.as_deref().unwrap_or("");
            writeln!(
                out,
                "  {} {:<7} {:<14} {}  {}  ({} ms)",
                s.symbol(),
                s.word(),
                r.kind,
                r.label,
                value,
                r.latency_ms
            )?;
            if let Some(e) = r.error.as_deref().filter(|e| Some(*e) != r.value.as_deref()) {
                writeln!(out, "      error: {e}")?;
            }
            for d in r.details.iter().take(5) {
                writeln!(out, "      {d}")?;
            }
            if let Some(link) = &r.link {
                writeln!(out, "      {link}")?;
            }
        }
    }
    Ok(worst)
}

fn display(key: &str) -> String {
    EntityRef::parse_full(key).map(|r| r.to_string()).unwrap_or_else(|_| key.to_string())
}
