//! How health looks wherever it shows: a state is a symbol and a word
//! (never colour alone), in the theme's ok / warn / crit roles.

use crate::health::{ProbeResult, State as Health};
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub fn style(health: &Health, theme: &Theme) -> Style {
    match health {
        Health::Ok => theme.ok(),
        Health::Warn => theme.warn(),
        Health::Crit => theme.crit(),
        Health::Unknown(_) | Health::Stale => theme.muted(),
    }
}

/// "✗ crit", padded so columns line up.
pub fn badge(health: &Health, theme: &Theme) -> Span<'static> {
    Span::styled(format!("{} {:<7}", health.symbol(), health.word()), style(health, theme))
}

/// Just the symbol, for the list's narrow column and tree nodes.
pub fn symbol(health: &Health, theme: &Theme) -> Span<'static> {
    Span::styled(health.symbol().to_string(), style(health, theme))
}

/// The entity page's health section: a heading with the rollup, then per
/// probe its state, what was probed, value, latency and age, with the error
/// and the dashboard link below. Empty when the entity has no probe.
pub fn section(state: &State, entity: &str, theme: &Theme, max_lines: usize) -> Vec<Line<'static>> {
    let results = state.health.results_of(entity);
    if results.is_empty() || max_lines == 0 {
        return Vec::new();
    }
    let now = state.now;
    let rollup = crate::health::Rollup::of_results(results.iter(), now, state.health.ttl);
    let worst = rollup.worst().unwrap_or_else(|| Health::unknown("no probes"));
    let mut lines = vec![Line::from(vec![
        Span::styled("Health ", theme.heading()),
        badge(&worst, theme),
        Span::styled(rollup.summary(), theme.text()),
    ])];
    let width = state.width as usize;
    for result in &results {
        lines.extend(probe_lines(state, result, theme, width));
    }
    if lines.len() > max_lines {
        let hidden = lines.len() - max_lines + 1;
        lines.truncate(max_lines - 1);
        lines.push(Line::styled(format!("  … {hidden} more lines (callboard health for all)"), theme.muted()));
    }
    lines
}

/// One probe: its line, then its error, first details and link.
pub fn probe_lines(state: &State, result: &ProbeResult, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let health = super::shown(state, result);
    let mut facts = Vec::new();
    if let Some(value) = &result.value {
        facts.push(value.clone());
    }
    if result.checked_at > 0 {
        facts.push(format!("{} ms", result.latency_ms));
        facts.push(format!("checked {}", result.age_text(state.now)));
    } else if let Health::Unknown(reason) = &result.state {
        facts.push(reason.clone());
    }
    let head = format!("{:<10} {}", result.kind, result.label);
    let head = truncate(&head, width.saturating_sub(14).clamp(10, 60));
    let rest = truncate(&format!("  {}", facts.join(" · ")), width.saturating_sub(head.chars().count() + 12));
    let mut lines = vec![Line::from(vec![
        Span::raw("  "),
        badge(&health, theme),
        Span::raw(head),
        Span::styled(rest, theme.muted()),
    ])];
    let indent = "            ";
    let room = width.saturating_sub(indent.len() + 8);
    let error = result.error.as_deref().filter(|e| !e.is_empty() && Some(*e) != result.value.as_deref());
    let reason = match &result.state {
        Health::Unknown(reason) if result.checked_at > 0 && !reason.is_empty() && Some(reason.as_str()) != error => {
            Some(reason.as_str())
        }
        _ => None,
    };
    for text in error.into_iter().chain(reason) {
        lines.push(Line::styled(format!("{indent}error: {}", truncate(text, room)), style(&health, theme)));
    }
    for detail in result.details.iter().take(2) {
        lines.push(Line::styled(format!("{indent}{}", truncate(detail, room)), theme.text()));
    }
    if let Some(link) = &result.link {
        lines.push(Line::styled(format!("{indent}↗ {}", truncate(link, room)), theme.link()));
    }
    lines
}
