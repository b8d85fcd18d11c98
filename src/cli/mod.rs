//! Command-line interface: global flags shared by the TUI and every
//! subcommand, and the scriptable subcommands.

mod action;
mod create;
mod create_dry_run;
mod deps;
pub mod docs;
mod docs_show;
mod get;
mod health;
mod open;
pub use open::entity_page_url as open_entity_page_url;
pub mod resolve;
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
    about = "A terminal UI for the Backstage catalog: owners, dependencies, runbooks, in under a second.",
    subcommand_precedence_over_arg = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Open the TUI on this entity's page (a ref, name or title; several
    /// matches: the list of them).
    #[arg(value_name = "REF|NAME")]
    pub entity: Option<String>,
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
    /// Hide dangerous actions and Backstage's destructive ones (as `read_only = true`).
    #[arg(long, global = true)]
    pub read_only: bool,
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
        // `-lifecycle:production` reaches here through [`search_args`].
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
    /// Runbooks and TechDocs: `docs show` prints a runbook, `docs prefetch` fills the offline cache.
    Docs {
        #[command(subcommand)]
        command: docs::DocsCommand,
    },
    /// Open an entity's page in Backstage (prints the address over SSH or with no display).
    Open {
        /// Entity ref, name or title.
        entity: String,
    },
    /// Who owns an entity and how to reach them (owner, members, chat, on-call);
    /// for a group or user, its own card.
    Who {
        /// An entity ref, a name, a title, or words to search for.
        #[arg(required = true)]
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
    /// Run the health probes of an entity, a system, an owner's or my entities;
    /// exit 0 ok, 1 warn, 2 crit, 3 unknown.
    Health(health::HealthArgs),
    /// Run one of the configured `[[action]]`s on an entity (no shell; each
    /// placeholder stays one argument). The command's exit code is callboard's.
    Action {
        /// The action's `name` in the config.
        name: String,
        /// Entity ref or unique name.
        entity: String,
        /// A value for one of its inputs: `--set lines=100` (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Run an action that asks for confirmation without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Bring the cache up to date from the source (incremental unless --full).
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
        /// Print the task's id, status and output as JSON (with --dry-run: the whole result).
        #[arg(long)]
        json: bool,
        /// Run the steps as a dry-run: nothing is created; the log, the files they would
        /// produce and the output are shown. Exit 0 if every step completed.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run from a folder source: the instance to run it on
        /// (default: `default_instance`, else the only instance).
        #[arg(long, value_name = "INSTANCE", requires = "dry_run")]
        on: Option<String>,
    },
}

/// The command line with `search`'s negated terms (`-lifecycle:production`,
/// `-legacy`) moved after a `--`, where clap takes them as query words
/// rather than unknown flags. clap's own `allow_hyphen_values` would also
/// swallow every flag after the first such word (`--json`, `--limit 5`).
/// Terms are ANDed, so their order does not matter.
pub fn search_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const VALUED: [&str; 3] = ["--catalog-dir", "--instance", "--config"];
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    // Find the subcommand: the first word that is neither a flag nor a flag's value.
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if VALUED.contains(&a.as_ref()) {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    if args.get(i).is_none_or(|a| a != "search") {
        return args;
    }
    let rest = args.split_off(i + 1);
    let (mut negated, mut kept) = (Vec::new(), Vec::new());
    let mut after_dashes = false;
    for a in rest {
        let text = a.to_string_lossy();
        let is_term = text.len() > 1 && text.starts_with('-') && !text.starts_with("--") && text != "-h";
        after_dashes |= text == "--";
        if is_term && !after_dashes {
            negated.push(a);
        } else {
            kept.push(a);
        }
    }
    args.extend(kept);
    if !negated.is_empty() {
        if !after_dashes {
            args.push("--".into());
        }
        args.extend(negated);
    }
    args
}

/// Exit codes, documented in README's Scripting section.
/// Nothing matches, or the command failed.
pub const EXIT_NOT_FOUND: i32 = 1;
/// The command line is wrong (clap uses 2 for its own usage errors too).
pub const EXIT_USAGE: i32 = 2;
/// The server could not be reached (`sync`).
pub const EXIT_UNREACHABLE: i32 = 3;
/// A name matches more than one entity; the candidates are listed.
pub const EXIT_AMBIGUOUS: i32 = 4;

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
    if let Command::Create { template, set, values, json, dry_run: true, on } = &command {
        let args = create_dry_run::DryRunArgs {
            template,
            sets: set,
            values_file: values.as_deref(),
            as_json: *json,
            on: on.as_deref(),
        };
        return create_dry_run::run(source, config, args);
    }
    if let Command::Create { template, set, values, json, .. } = &command {
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
        Command::Open { entity } => open::run(source, &catalog, &entity, &mut out),
        Command::Health(args) => health::run(args, &catalog, &cache, config, &mut out),
        Command::Action { name, entity, set, yes } => {
            drop(out);
            let request = action::Request { name: &name, entity: &entity, set: &set, yes, read_only: false };
            action::run(config, &catalog, &cache, request)
        }
        Command::Sync { .. } | Command::Create { .. } => unreachable!("handled before the cache is opened"),
    }
}

/// Broken documents of a folder source, every time a subcommand reads it:
/// an answer from a catalog with holes in it must say so.
fn report_problems(source: &Source, refresh: &crate::source::FilesRefresh) {
    print_problems(source, &refresh.problems);
}

/// The problems met reading a source, with file and line, on stderr.
pub(crate) fn print_problems(source: &Source, problems: &[String]) {
    if problems.is_empty() {
        return;
    }
    eprintln!(
        "callboard: {} reading {}; those documents were skipped:",
        crate::plural::count(problems.len(), "problem", "problems"),
        source.label()
    );
    const SHOWN: usize = 20;
    for p in problems.iter().take(SHOWN) {
        eprintln!("  {}", crate::sanitize::clean_line(p));
    }
    if problems.len() > SHOWN {
        eprintln!("  … and {} more", problems.len() - SHOWN);
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

/// Resolve user text to one entity: exact ref, name or title ([`resolve::resolve`]).
pub fn resolve_exact<'a>(
    catalog: &'a crate::catalog::Catalog,
    text: &str,
) -> Result<&'a crate::catalog::Summary, Exit> {
    resolve::resolve(catalog, text)
}

#[cfg(test)]
mod tests {
    use super::search_args;

    fn args(text: &str) -> Vec<String> {
        search_args(text.split(' ').map(std::ffi::OsString::from)).iter().map(|a| a.to_string_lossy().into()).collect()
    }

    #[test]
    fn negated_search_terms_move_after_dashes() {
        assert_eq!(
            args("cb --demo search kind:api -lifecycle:production --json --limit 2 -legacy"),
            vec![
                "cb",
                "--demo",
                "search",
                "kind:api",
                "--json",
                "--limit",
                "2",
                "--",
                "-lifecycle:production",
                "-legacy"
            ]
        );
        assert_eq!(
            args("cb --catalog-dir search search -x"),
            vec!["cb", "--catalog-dir", "search", "search", "--", "-x"]
        );
        assert_eq!(args("cb who -x"), vec!["cb", "who", "-x"]);
        assert_eq!(args("cb search a -- -b -c"), vec!["cb", "search", "a", "--", "-b", "-c"]);
        assert_eq!(args("cb search -h"), vec!["cb", "search", "-h"]);
    }
}
