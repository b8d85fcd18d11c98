//! `callboard get REF [-o yaml|json]`

use super::{resolve_exact, Exit};
use crate::catalog::{cache::Cache, Catalog};
use std::io::Write;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

pub fn run(catalog: &Catalog, cache: &Cache, entity: &str, format: Format, out: &mut impl Write) -> Result<(), Exit> {
    let summary = resolve_exact(catalog, entity)?;
    let raw = cache
        .raw(&summary.key)
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| Exit::new(1, format!("{} vanished from the cache", summary.key)))?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&raw).map_err(anyhow::Error::from)?,
        Format::Yaml => serde_yaml::to_string(&raw).map_err(anyhow::Error::from)?,
    };
    // JSON/YAML escape control characters in strings, so this is terminal-safe.
    writeln!(out, "{}", text.trim_end()).map_err(anyhow::Error::from)?;
    Ok(())
}
