//! Title bar (breadcrumb), status bar, footer hints and toasts.

use super::text::truncate;
use crate::msg::Level;
use crate::state::{State, SyncStatus};
use crate::ui::{age, theme::Theme};

fn ago(now: i64, then: i64) -> String {
    let a = age(now, then);
    if a == "just now" {
        a
    } else {
        format!("{a} ago")
    }
}
use crate::screens::focus_context;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn title_bar(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let mut crumbs = vec!["Catalog".to_string()];
    crumbs.extend(state.screens.iter().map(|screen| screen.crumb(state)));
    let mut path = crumbs.join(" › ");
    let budget = (area.width as usize).saturating_sub(13);
    // Keep the end of a long path: where you are matters more than where you began.
    while unicode_width::UnicodeWidthStr::width(path.as_str()) > budget && path.contains(" › ") {
        let cut = path.find(" › ").map_or(path.len(), |i| i + " › ".len());
        path = format!("…{}", &path[cut..]);
        if path.starts_with("……") {
            path.remove(0);
        }
    }
    let line = Line::from(vec![
        Span::styled(" callboard ", theme.title()),
        Span::styled(truncate(&path, budget), theme.text()),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.bar()), area);
}

pub fn status_bar(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let mut spans = vec![Span::styled(format!(" {} ", state.source_label), theme.key())];
    // First, so no width ever cuts it off: this source's answers may not be its own.
    if state.tls_unverified {
        spans.push(Span::styled("· TLS UNVERIFIED ", theme.crit()));
    }
    spans.push(Span::raw(format!("· {} ", crate::plural::count(state.catalog.len(), "entity", "entities"))));
    if !state.list.applied_query.is_empty() {
        let n = state.list.hits.len();
        spans.push(Span::raw(format!("· {n} {} ", if n == 1 { "match" } else { "matches" })));
    }
    match &state.sync {
        SyncStatus::Running { fetched, total } => {
            let progress = match total {
                Some(t) => format!("· syncing {fetched}/{t} "),
                None => format!("· syncing {fetched} "),
            };
            spans.push(Span::styled(progress, theme.warn()));
        }
        SyncStatus::Offline { .. } => {
            let cache_age = match state.info.synced_at {
                None => "never synced".to_string(),
                Some(t) if state.now - t < 60 => "under a minute old".to_string(),
                Some(t) => format!("{} old", age(state.now, t)),
            };
            let cache = if state.info.synced_at.is_none() { cache_age } else { format!("cache {cache_age}") };
            spans.push(Span::styled(format!("· offline · {cache} "), theme.crit()));
        }
        SyncStatus::Idle => match state.info.synced_at {
            Some(t) => spans.push(Span::styled(format!("· synced {} ", ago(state.now, t)), theme.muted())),
            None => spans.push(Span::styled("· never synced ", theme.warn())),
        },
    }
    if state.list.mine {
        spans.push(Span::styled("· mine ", theme.key()));
    }
    if state.list.searching {
        spans.push(Span::styled("· searching… ", theme.muted()));
    }
    if !state.info.problems.is_empty() {
        spans.push(Span::styled(format!("· {} problems (:problems) ", state.info.problems.len()), theme.warn()));
    }
    // Last, as it can be long: a failed sync (a missing token, a refused request) stays until one succeeds.
    if let Some(error) = &state.sync_error {
        spans.push(Span::styled(format!("· sync failed: {error} (:messages) "), theme.crit()));
    }
    // A long error ends with `…` (`:messages` has it whole), never cut silently.
    let line = super::text::fit_line(Line::from(spans), area.width as usize);
    frame.render_widget(Paragraph::new(line).style(theme.bar()), area);
}

pub fn footer(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, description) in state.keymap.hints(focus_context(state)) {
        let piece = key.chars().count() + description.chars().count() + 3;
        if used + piece > area.width as usize {
            break;
        }
        used += piece;
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::styled(format!(" {description} "), theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn toasts(frame: &mut Frame, state: &State, theme: &Theme) {
    let area = frame.area();
    let mut y = 1;
    // Long notices wrap (up to a few lines, then `…`): nothing is cut silently,
    // and `:messages` keeps the whole text.
    let widest = area.width.saturating_sub(2).clamp(10, 100);
    for toast in state.toasts.iter().rev() {
        let text_width = widest.saturating_sub(2) as usize;
        let lines = super::text::wrap(&toast.text, text_width, MAX_TOAST_LINES);
        let longest = lines.iter().map(|l| unicode_width::UnicodeWidthStr::width(l.as_str())).max().unwrap_or(0);
        let width = (longest as u16 + 4).min(widest).max(10);
        let height = lines.len() as u16 + 2;
        if y + height > area.height {
            break;
        }
        let rect = Rect::new(area.width.saturating_sub(width + 1), y, width, height).intersection(area);
        let style = match toast.level {
            Level::Info => theme.ok(),
            Level::Warn => theme.warn(),
            Level::Error => theme.crit(),
        };
        frame.render_widget(Clear, rect);
        let text: Vec<Line> = lines.into_iter().map(Line::raw).collect();
        frame.render_widget(
            Paragraph::new(text).block(Block::default().borders(Borders::ALL).border_style(style)),
            rect,
        );
        y += height;
    }
}

const MAX_TOAST_LINES: usize = 4;
