//! `callboard health REF | --system S | --domain D | --owner G | --mine [--json] [--watch]`:
//! run the probes of the chosen entities now, print them, keep them in the
//! cache, and exit with the worst state (0 ok, 1 warn, 2 crit, 3 unknown).

use super::{resolve_exact, Exit};
use crate::catalog::cache::Cache;
use crate::catalog::{Catalog, EntityRef};
use crate::config::Config;
use crate::health::board::{select, Board, Scope};
use crate::health::{probes_for, run_all, state_at, ProbeResult, Runner, State};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;

#[derive(Debug, Clone, clap::Args)]
pub struct HealthArgs {
    /// Entity ref or unique name.
    #[arg(conflicts_with_all = ["system", "domain", "owner", "mine"])]
    pub entity: Option<String>,
    /// Every entity of this system.
    #[arg(long, value_name = "SYSTEM", conflicts_with_all = ["owner", "mine"])]
    pub system: Option<String>,
    /// Every entity of this domain's systems.
    #[arg(long, value_name = "DOMAIN", conflicts_with_all = ["owner", "mine", "system"])]
    pub domain: Option<String>,
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

/// The board scope the arguments name.
fn scope(catalog: &Catalog, config: &Config, args: &HealthArgs) -> Result<Scope, Exit> {
    let key = |text: &str, kind: &str, flag: &str| {
        EntityRef::parse(text, Some(kind), "default")
            .map(|r| r.key())
            .map_err(|e| Exit::new(3, format!("{flag} {text}: {e}")))
    };
    let must_exist = |key: String, what: &str, text: &str| {
        if catalog.get(&key).is_some() {
            Ok(key)
        } else {
            Err(Exit::new(3, format!("no {what} `{text}` in the catalog")))
        }
    };
    if let Some(entity) = &args.entity {
        // Not found or ambiguous is "cannot tell" (3), never a warn or crit code.
        let found = resolve_exact(catalog, entity).map_err(|e| Exit::new(3, e.message))?;
        return Ok(Scope::Entity(found.key.clone()));
    }
    if let Some(system) = &args.system {
        return Ok(Scope::System(must_exist(key(system, "system", "--system")?, "system", system)?));
    }
    if let Some(domain) = &args.domain {
        return Ok(Scope::Domain(must_exist(key(domain, "domain", "--domain")?, "domain", domain)?));
    }
    if let Some(owner) = &args.owner {
        // An owner missing from the catalog still owns what names it.
        let owner_key = key(owner, "group", "--owner")?;
        let scope = Scope::Owner(owner_key.clone());
        if catalog.get(&owner_key).is_none() && select(catalog, &scope).is_empty() {
            return Err(Exit::new(3, format!("no owner `{owner}` in the catalog")));
        }
        return Ok(scope);
    }
    if args.mine {
        let me = config
            .me
            .as_deref()
            .ok_or_else(|| Exit::new(3, "--mine needs `me = \"user:default/you\"` in the config".to_string()))?;
        return Ok(Scope::Mine(key(me, "user", "config me")?));
    }
    Err(Exit::new(3, "give an entity, --system, --domain, --owner or --mine".to_string()))
}

pub fn run(
    args: HealthArgs,
    catalog: &Catalog,
    cache: &Cache,
    config: &Config,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let keys = select(catalog, &scope(catalog, config, &args)?);
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

/// Print the board (entities worst first) and return its worst state.
fn print(
    catalog: &Catalog,
    keys: &[String],
    specs: &[crate::health::ProbeSpec],
    results: Vec<ProbeResult>,
    ttl: u64,
    as_json: bool,
    out: &mut impl Write,
) -> std::io::Result<State> {
    let now = crate::source::unix_now();
    let order: Vec<String> = specs.iter().map(|s| s.key()).collect();
    let board = Board::build(keys, &results, &order, now, ttl);
    let worst = board.worst();
    if as_json {
        let value = json!({
            "state": worst.word(),
            "summary": board.entities.summary(),
            "probes_summary": board.probes.summary(),
            "entities": board.rows.iter().map(|row| json!({
                "ref": display(&row.entity),
                "title": catalog.get(&row.entity).map(|s| s.label().to_string()),
                "state": row.worst.word(),
                "summary": row.rollup.summary(),
                "probes": row.results.iter().map(|p| p.to_json(now, ttl)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default())?;
        return Ok(worst);
    }
    let probes = board.probes.summary().replace(" · ", ", ");
    writeln!(out, "{} {}  {} ({probes} probes)", worst.symbol(), worst.word(), board.entities.summary())?;
    for row in &board.rows {
        writeln!(
            out,
            "\n{} {:<7} {}  {}",
            row.worst.symbol(),
            row.worst.word(),
            display(&row.entity),
            row.rollup.summary()
        )?;
        for r in &row.results {
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
