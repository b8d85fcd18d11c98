//! `callboard docs show REF`: the runbook an alert handler wants, as plain
//! text on stdout. The same discovery and rendering as `b` in the TUI: the
//! one runbook page of the entity's docs (or its only candidate), live, or
//! from the offline cache when the server or file is gone.

use super::{resolve::resolve, Exit, EXIT_NOT_FOUND};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::docs::discover::direct_pick;
use crate::docs::effects::Origin;
use crate::docs::runtime::{block_on, find_runbooks, load};
use crate::docs::target::DocTarget;
use crate::source::{unix_now, Source};
use std::io::{IsTerminal, Write};

pub fn run(
    source: &Source,
    config: &Config,
    catalog: &Catalog,
    text: &str,
    width: Option<u16>,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let entity = resolve(catalog, text)?;
    let cx = crate::exec::JobContext::new(std::sync::Arc::new(source.clone()));
    let (runbooks, note) = block_on(find_runbooks(&cx, &entity.key, None, &config.runbooks.annotations));
    if let Some(note) = &note {
        eprintln!("callboard: {}", crate::sanitize::clean_line(note));
    }
    // The page `b` would open; else the best one readable here.
    let chosen = direct_pick(&runbooks)
        .filter(|&i| runbooks[i].in_terminal())
        .or_else(|| runbooks.iter().position(|r| r.in_terminal()));
    let Some(runbook) = chosen.map(|i| &runbooks[i]) else {
        let web: Vec<&str> = runbooks
            .iter()
            .filter_map(|r| match &r.target {
                DocTarget::Url(u) => Some(u.as_str()),
                _ => None,
            })
            .collect();
        let message = if web.is_empty() {
            format!("{} has no runbook or docs", entity.entity_ref())
        } else {
            format!("{}'s runbook is a web page: {}", entity.entity_ref(), web.join(", "))
        };
        return Err(Exit::new(EXIT_NOT_FOUND, crate::sanitize::clean_line(&message)));
    };
    let width = width.unwrap_or_else(|| {
        let terminal = std::io::stdout().is_terminal().then(crossterm::terminal::size).and_then(Result::ok);
        terminal.map_or(100, |(w, _)| w.max(40))
    });
    let loaded = block_on(load(&cx, &runbook.target, width)).map_err(|e| {
        Exit::new(EXIT_NOT_FOUND, crate::sanitize::clean_line(&format!("{}: {e}", runbook.target.label())))
    })?;
    let from = match &loaded.origin {
        Origin::Cached { fetched_at, .. } => {
            format!(", offline: cached {} ago", crate::ui::age(unix_now(), *fetched_at))
        }
        _ => String::new(),
    };
    // The label can be an address from the entity: sanitised like the page.
    eprintln!(
        "callboard: {}",
        crate::sanitize::clean_line(&format!("{} ({}{from})", runbook.title, loaded.target.label()))
    );
    // Doc text is sanitised when it is parsed; once more at the boundary costs nothing.
    let text = crate::sanitize::clean_multiline(&crate::docs::plain_text(&loaded.page));
    out.write_all(text.as_bytes()).map_err(|e| Exit::from(anyhow::Error::from(e)))
}
