//! `:` command palette: type a command; matching commands listed below.

use super::palette_matches;
use crate::input::TextInput;
use crate::ui::centered;
use crate::ui::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, input: &TextInput, selected: usize, theme: &Theme) {
    let full = frame.area();
    let outer = centered(full, 76, 16);
    // Near the top, where the eye is; clipped to the screen on tiny terminals.
    let area = Rect::new(outer.x, full.y + 1, outer.width, outer.height).intersection(full);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" : command ", theme.title()));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input_area, list_area] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    input.render(frame, input_area, theme.text(), true);
    let typed = input.text();
    let lines: Vec<Line> = palette_matches(&typed)
        .into_iter()
        .enumerate()
        .map(|(i, (name, description))| {
            let style = if i == selected { theme.selection() } else { theme.text() };
            Line::from(vec![
                Span::styled(format!("{name:<20}"), if i == selected { style } else { theme.key() }),
                Span::styled(description.to_string(), style),
            ])
        })
        .collect();
    let offset = selected.saturating_sub(list_area.height.saturating_sub(1) as usize);
    frame.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), list_area);
}
