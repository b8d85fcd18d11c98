//! Command-line interface: global flags shared by the TUI and every
//! subcommand, and the scriptable subcommands.

mod create;
mod deps;
pub mod docs;
mod get;
mod search;
mod sync;
mod who;

use crate::source::{open_current, unix_now, Source, SourceChoice};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "callboard",
    version,
    about = "A terminal UI for the Backstage catalog: owners, dependencies, runbooks, in under a second."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Use the bundled demo catalog.
    #[arg(long, global = true, conflicts_with_all = ["catalog_dir", "instance"])]
    pub demo: bool,
    /// Use a folder (or file) of catalog YAML as the source.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "instance")]
    pub catalog_dir: Option<PathBuf>,
    /// Use a Backstage instance from the config.
    #[arg(long, global = true, value_name = "NAME")]
    pub instance: Option<String>,
    /// Config file (default: the XDG config dir's callboard/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

impl GlobalArgs {
    pub fn choice(&self) -> SourceChoice {
        SourceChoice { demo: self.demo, catalog_dir: self.catalog_dir.clone(), instance: self.instance.clone() }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print one entity as YAML or JSON.
    Get {
        /// Entity ref (`component:default/payments-api`) or a unique name.
        entity: String,
        #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
        output: get::Format,
    },
    /// Search the catalog with the TUI's query syntax; best match first.
    Search {
        /// Words and field terms: kind:api owner:team-a -lifecycle:deprecated pay
        query: Vec<String>,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// At most this many results.
        #[arg(long)]
        limit: Option<usize>,
        /// Ask Backstage's search (catalog and TechDocs) instead of the local cache.
        #[arg(long)]
        server: bool,
    },
    /// Runbooks and TechDocs: `docs prefetch` fills the offline cache.
    Docs {
        #[command(subcommand)]
        command: docs::DocsCommand,
    },
    /// Bring the cache up to date from the source (incremental unless --full).
    /// Who owns an entity and how to reach them (owner, members, chat, on-call).
    Who {
        /// An entity ref, a name, or words to search for.
        query: Vec<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// What an entity depends on, or with --reverse what depends on it.
    Deps {
        /// Entity ref or unique name.
        entity: String,
        /// The blast radius: who depends on it, with the teams to notify.
        #[arg(long)]
        reverse: bool,
        /// Levels to walk (default: all; each entity is expanded once).
        #[arg(long)]
        depth: Option<usize>,
        #[arg(long, value_enum, default_value = "tree")]
        format: deps::Format,
    },
    Sync {
        /// Fetch everything instead of only what changed.
        #[arg(long)]
        full: bool,
    },
    /// Run a software template: its form filled from flags, validated as the web form does.
    Create {
        /// The template (`name`, `namespace/name` or `template:namespace/name`).
        template: String,
        /// A field value, `key=value` (JSON when it parses as JSON); repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// A YAML or JSON file of field values (`--set` wins).
        #[arg(long, value_name = "FILE")]
        values: Option<PathBuf>,
        /// Print the task's id, status and output as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// What a subcommand failed with, and the exit code it should produce.
#[derive(Debug)]
pub struct Exit {
    pub code: i32,
    pub message: String,
}

impl Exit {
    pub fn new(code: i32, message: impl Into<String>) -> Exit {
        Exit { code, message: message.into() }
    }
}

impl From<anyhow::Error> for Exit {
    fn from(err: anyhow::Error) -> Exit {
        Exit::new(1, format!("{err:#}"))
    }
}

/// Run a subcommand against the cache of the chosen source.
pub fn run_subcommand(command: Command, source: &Source) -> Result<(), Exit> {
    run_with_config(command, source, &crate::config::Config::default())
}

/// [`run_subcommand`] with the loaded config (runbook annotations, `me`).
pub fn run_with_config(command: Command, source: &Source, config: &crate::config::Config) -> Result<(), Exit> {
    if let Command::Sync { full } = command {
        return sync::run(source, full);
    }
    if let Command::Create { template, set, values, json } = &command {
        return create::run(source, template, set, values.as_deref(), *json);
    }
    let (cache, refresh) = open_current(source, unix_now())?;
    report_problems(source, &refresh);
    warn_if_stale(source, &cache);
    let mut out = std::io::stdout().lock();
    // `who` reads only the handful of rows it needs: no catalog load.
    if let Command::Who { query, json } = &command {
        return who::run(&cache, &query.join(" "), *json, &mut out);
    }
    let (catalog, _) = crate::source::load_catalog(&cache).map_err(anyhow::Error::from)?;
    match command {
        Command::Who { .. } => unreachable!("handled above"),
        Command::Deps { entity, reverse, depth, format } => {
            deps::run(&catalog, &entity, reverse, depth, format, &mut out)
        }
        Command::Get { entity, output } => get::run(&catalog, &cache, &entity, output, &mut out),
        Command::Search { query, json, limit, server: true } => {
            docs::server_search(source, &catalog, &query.join(" "), json, limit, &mut out)
        }
        Command::Search { query, json, limit, server: false } => {
            search::run(&catalog, &query.join(" "), json, limit, &mut out)
        }
        Command::Docs { command } => docs::run(command, source, config, &catalog, &mut out),
        Command::Sync { .. } | Command::Create { .. } => unreachable!("handled before the cache is opened"),
    }
}

/// A folder that was just re-read may have had broken documents: say where.
fn report_problems(source: &Source, refresh: &crate::source::FilesRefresh) {
    if !refresh.reloaded || refresh.problems.is_empty() {
        return;
    }
    eprintln!(
        "callboard: {} problem(s) reading {}; those documents were skipped:",
        refresh.problems.len(),
        source.label()
    );
    for p in refresh.problems.iter().take(20) {
        eprintln!("  {p}");
    }
}

/// Subcommands read the cache only; say so when it may be out of date.
fn warn_if_stale(source: &Source, cache: &crate::catalog::cache::Cache) {
    if !matches!(source, Source::Instance(_)) {
        return;
    }
    match cache.meta(crate::source::META_SYNCED_AT).and_then(|t| t.parse::<i64>().ok()) {
        None => eprintln!("callboard: the cache of `{}` is empty; run `callboard sync` first", source.label()),
        Some(t) if unix_now() - t > 3600 => {
            eprintln!("callboard: from the cache of `{}`, synced {} ago", source.label(), crate::ui::age(unix_now(), t))
        }
        Some(_) => {}
    }
}

/// Resolve user text to one entity: exact ref, then a unique name, for `get`.
pub fn resolve_exact<'a>(
    catalog: &'a crate::catalog::Catalog,
    text: &str,
) -> Result<&'a crate::catalog::Summary, Exit> {
    if text.contains(':') {
        if let Some(s) = catalog.get(text) {
            return Ok(s);
        }
    }
    let lower = text.to_lowercase();
    let by_name: Vec<_> = catalog
        .all()
        .iter()
        .filter(|s| s.name.to_lowercase() == lower || format!("{}/{}", s.namespace, s.name.to_lowercase()) == lower)
        .collect();
    match by_name.as_slice() {
        [one] => Ok(one),
        [] => Err(Exit::new(1, format!("no entity named `{text}` (try `callboard search {text}`)"))),
        many => Err(Exit::new(
            2,
            format!(
                "`{text}` is ambiguous; use a full ref: {}",
                many.iter().map(|s| s.entity_ref().to_string()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}
