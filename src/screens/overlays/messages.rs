//! `:messages`: every notice and error of the session with its time, so a
//! toast that went by too fast can still be read.

use crate::msg::Level;
use crate::state::State;
use crate::ui::centered;
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// `HH:MM:SS` UTC of a unix time (the clock the state is given).
pub fn clock(at: i64) -> String {
    let s = at.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

pub fn render(frame: &mut Frame, state: &State, scroll: usize, theme: &Theme) {
    let area = centered(frame.area(), 140, 40);
    let lines: Vec<Line> = if state.messages.is_empty() {
        vec![Line::styled("No messages yet.", theme.muted())]
    } else {
        // Newest first: the one just missed is at the top.
        state
            .messages
            .iter()
            .rev()
            .map(|m| {
                let (label, style) = match m.level {
                    Level::Info => ("info ", theme.ok()),
                    Level::Warn => ("warn ", theme.warn()),
                    Level::Error => ("error", theme.crit()),
                };
                Line::from(vec![
                    Span::styled(format!("{} ", clock(m.at)), theme.muted()),
                    Span::styled(format!("{label} "), style),
                    Span::raw(m.text.clone()),
                ])
            })
            .collect()
    };
    let title = format!(" {} messages, newest first, times UTC (esc closes) ", state.messages.len());
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border()).title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll as u16, 0)), area);
}
