//! Rendering: a pure function of `&State`. Nothing here mutates or fetches.

pub mod theme;
mod views;
mod widgets;

use crate::state::{Overlay, Screen, State};
use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;
use theme::Theme;

pub fn render(frame: &mut Frame, state: &State) {
    let theme = Theme::new(state.monochrome);
    let [title, body, status, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(frame.area());
    widgets::bars::title_bar(frame, title, state, &theme);
    match state.screens.last() {
        None => views::list::render(frame, body, state, &theme),
        Some(Screen::Entity(page)) => views::entity::render(frame, body, state, page, &theme),
        Some(Screen::Owner(page)) => views::owner::render(frame, body, state, page, &theme),
        Some(Screen::Tree(tree)) => views::tree::render(frame, body, state, tree, &theme),
        Some(Screen::Doc(doc)) => views::doc::render(frame, body, state, doc, &theme),
    }
    widgets::bars::status_bar(frame, status, state, &theme);
    widgets::bars::footer(frame, footer, state, &theme);
    match &state.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => views::help::render(frame, state, *scroll, &theme),
        Some(Overlay::Problems { scroll }) => views::help::render_problems(frame, state, *scroll, &theme),
        Some(Overlay::Palette { input, selected }) => views::palette::render(frame, input, *selected, &theme),
        Some(Overlay::Facets { field, selected }) => views::facets::render(frame, state, *field, *selected, &theme),
    }
    widgets::bars::toasts(frame, state, &theme);
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
