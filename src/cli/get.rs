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
    // Escaped so that no control or bidi character reaches stdout raw.
    let text = match format {
        Format::Json => crate::safe_output::json_pretty(&raw),
        Format::Yaml => crate::safe_output::yaml(&raw),
    };
    writeln!(out, "{}", text.trim_end()).map_err(anyhow::Error::from)?;
    Ok(())
}
