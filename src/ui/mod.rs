//! Rendering: a pure function of `&State`. Nothing here mutates or fetches.

pub mod theme;
pub mod widgets;

use crate::state::State;
use ratatui::layout::Rect;
use ratatui::Frame;
use theme::Theme;

/// Draw the frame: the bars, the screen on top (the list when the stack is
/// empty), any overlay, then toasts.
pub fn render(frame: &mut Frame, state: &State) {
    let theme = Theme::new(state.monochrome);
    let areas = crate::layout::frame_areas(frame.area());
    widgets::bars::title_bar(frame, areas.title, state, &theme);
    match state.screens.last() {
        None => crate::screens::list::view::render(frame, areas.body, state, &theme),
        Some(screen) => screen.render(frame, areas.body, state, &theme),
    }
    widgets::bars::status_bar(frame, areas.status, state, &theme);
    widgets::bars::footer(frame, areas.footer, state, &theme);
    if let Some(overlay) = &state.overlay {
        crate::screens::overlays::render(frame, state, overlay, &theme);
    }
    widgets::bars::toasts(frame, state, &theme);
}

/// A centred rectangle of at most the given size, inside `area` (a margin
/// of one cell when there is room; never larger than `area`).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2)).max(1).min(area.width);
    let h = height.min(area.height.saturating_sub(2)).max(1).min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// Human age of a moment, from the state's clock: "just now", "3 min", "2 h", "4 d".
pub fn age(now: i64, then: i64) -> String {
    let secs = (now - then).max(0);
    match secs {
        0..=59 => "just now".to_string(),
        60..=3599 => format!("{} min", secs / 60),
        3600..=172_799 => format!("{} h", secs / 3600),
        _ => format!("{} d", secs / 86_400),
    }
}
