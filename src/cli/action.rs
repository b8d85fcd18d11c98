//! `callboard action NAME REF [--set k=v] [--yes]`: run one of the
//! configured actions from a script, with the same argv rules as the TUI
//! (each placeholder inside one argument, no shell). The command inherits
//! stdin, stdout and stderr; its exit code becomes callboard's.

use super::{resolve_exact, Exit, EXIT_NOT_FOUND, EXIT_USAGE};
use crate::actions::{expand_argv, menu::in_scope, Facts};
use crate::catalog::{cache::Cache, Catalog};
use crate::config::Config;
use std::collections::BTreeMap;

pub struct Request<'a> {
    pub name: &'a str,
    pub entity: &'a str,
    pub set: &'a [String],
    pub yes: bool,
    pub read_only: bool,
}

pub fn run(config: &Config, catalog: &Catalog, cache: &Cache, request: Request) -> Result<(), Exit> {
    let Some(action) = config.actions.iter().find(|a| a.name == request.name) else {
        let names: Vec<&str> = config.actions.iter().map(|a| a.name.as_str()).collect();
        let known = if names.is_empty() { "none is configured".to_string() } else { names.join(", ") };
        return Err(Exit::new(EXIT_USAGE, format!("no action named `{}` (configured: {known})", request.name)));
    };
    if action.dangerous && (request.read_only || config.read_only) {
        return Err(Exit::new(EXIT_USAGE, format!("`{}` is dangerous and callboard is read-only", action.name)));
    }
    let summary = resolve_exact(catalog, request.entity)?;
    let raw = cache
        .raw(&summary.key)
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| Exit::new(EXIT_NOT_FOUND, format!("{} vanished from the cache", summary.key)))?;
    let facts = Facts::from_raw(&raw);
    if !in_scope(action, &facts) {
        return Err(Exit::new(
            EXIT_USAGE,
            format!("`{}` does not apply to {} (see its scopes)", action.name, summary.key),
        ));
    }
    let mut given = BTreeMap::new();
    for pair in request.set {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(Exit::new(EXIT_USAGE, format!("--set `{pair}`: write it as name=value")));
        };
        if !action.inputs.iter().any(|i| i.name == k) {
            return Err(Exit::new(EXIT_USAGE, format!("--set `{k}`: `{}` has no input of that name", action.name)));
        }
        given.insert(k.to_string(), v.to_string());
    }
    let mut inputs = BTreeMap::new();
    for spec in &action.inputs {
        let Some(text) = given.get(&spec.name).or(spec.default.as_ref()) else {
            return Err(Exit::new(EXIT_USAGE, format!("`{}` needs --set {}=…", action.name, spec.name)));
        };
        let value =
            spec.accept(text, catalog).map_err(|why| Exit::new(EXIT_USAGE, format!("--set {}: {why}", spec.name)))?;
        inputs.insert(spec.name.clone(), value);
    }
    let argv = expand_argv(&action.command, &facts, &inputs)
        .map_err(|why| Exit::new(EXIT_NOT_FOUND, format!("`{}` cannot run on {}: {why}", action.name, summary.key)))?;
    if action.confirm && !request.yes {
        return Err(Exit::new(
            EXIT_USAGE,
            format!(
                "`{}` asks for confirmation; it would run: {}\nadd --yes to run it",
                action.name,
                crate::screens::actions::shown_argv(&argv)
            ),
        ));
    }
    let status = std::process::Command::new(&argv[0]).args(&argv[1..]).status().map_err(|e| {
        Exit::new(EXIT_NOT_FOUND, format!("cannot run `{}`: {e}", crate::sanitize::clean_line(&argv[0])))
    })?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(Exit::new(code, format!("`{}` exited with code {code}", action.name))),
        None => Err(Exit::new(1, format!("`{}` was killed by a signal", action.name))),
    }
}
