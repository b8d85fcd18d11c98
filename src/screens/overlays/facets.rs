//! `f`: pick a field, then a value with its count among the current results.

use super::facet_rows;
use crate::search::Field;
use crate::state::State;
use crate::ui::centered;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, state: &State, field: Option<Field>, selected: usize, filter: &str, theme: &Theme) {
    let area = centered(frame.area(), 50, 20);
    let rows = facet_rows(state, field, filter);
    let lines: Vec<Line> = if rows.is_empty() {
        vec![Line::styled(format!("nothing contains `{filter}` (esc clears)"), theme.muted())]
    } else {
        rows.into_iter()
            .enumerate()
            .map(|(i, (value, count))| {
                let style = if i == selected { theme.selection() } else { theme.text() };
                match field {
                    None => Line::styled(format!("{value:<12} {count} values"), style),
                    Some(_) => Line::from(vec![
                        Span::styled(format!("{:>6}  ", count), if i == selected { style } else { theme.muted() }),
                        Span::styled(truncate(&value, 38), style),
                    ]),
                }
            })
            .collect()
    };
    let name = field.map_or("Filter by", |f| f.name());
    let title = if filter.is_empty() { format!(" {name} ") } else { format!(" {name} · {filter} ") };
    let inner_height = area.height.saturating_sub(2) as usize;
    let offset = selected.saturating_sub(inner_height.saturating_sub(1));
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border()).title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((offset as u16, 0)), area);
}
