//! `f`: pick a field, then a value with its count among the current results.

use super::facet_fields;
use crate::search::{facets::facet_counts, Field};
use crate::state::State;
use crate::ui::centered;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, state: &State, field: Option<Field>, selected: usize, theme: &Theme) {
    let area = centered(frame.area(), 50, 20);
    let (title, lines): (String, Vec<Line>) = match field {
        None => (
            " Filter by ".to_string(),
            facet_fields()
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let distinct = facet_counts(&state.catalog, &state.list.hits, *f).len();
                    let style = if i == selected { theme.selection() } else { theme.text() };
                    Line::styled(format!("{:<12} {distinct} values", f.name()), style)
                })
                .collect(),
        ),
        Some(f) => (
            format!(" {} ", f.name()),
            facet_counts(&state.catalog, &state.list.hits, f)
                .into_iter()
                .enumerate()
                .map(|(i, (value, count))| {
                    let style = if i == selected { theme.selection() } else { theme.text() };
                    Line::from(vec![
                        Span::styled(format!("{:>6}  ", count), if i == selected { style } else { theme.muted() }),
                        Span::styled(truncate(&value, 38), style),
                    ])
                })
                .collect(),
        ),
    };
    let inner_height = area.height.saturating_sub(2) as usize;
    let offset = selected.saturating_sub(inner_height.saturating_sub(1));
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border()).title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((offset as u16, 0)), area);
}
