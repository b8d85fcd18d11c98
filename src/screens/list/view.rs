//! The catalog list: search line and a table that renders only visible rows,
//! so 100k entities scroll as smoothly as 100.

use super::preview;
use crate::layout::list_rows;
use crate::search::{highlight, rank::ref_name, Query};
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::{highlighted, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let [search, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    render_search_line(frame, search, state, theme);
    // Wide: the selected entity's preview replaces the Description column.
    // The split depends on the width and the toggle only, never on the rows,
    // so the pane does not come and go while results change.
    if preview::shown(state, area.width) {
        let (table, pane) = preview::split(table);
        render_table(frame, table, state, Columns::Wide, theme);
        preview::render(frame, pane, state, theme);
    } else if area.width >= 100 {
        render_table(frame, table, state, Columns::WithDescription, theme);
    } else {
        render_table(frame, table, state, Columns::Narrow, theme);
    }
}

/// Widths of Name, Kind, Type, Owner and Lifecycle at 100 columns or more, and below.
const WIDE: [u16; 5] = [30, 10, 9, 20, 12];
const NARROW: [u16; 5] = [26, 10, 9, 16, 12];

/// The wide columns with their spacing: the list's width when the preview
/// pane takes the rest.
pub const LIST_WIDTH: u16 = WIDE[0] + WIDE[1] + WIDE[2] + WIDE[3] + WIDE[4] + 4;

fn render_search_line(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let list = &state.list;
    if list.typing {
        let [prompt, input] = Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        frame.render_widget(Span::styled("/ ", theme.key()), prompt);
        list.input.render(frame, input, theme.text(), true);
    } else if !list.applied_query.is_empty() {
        let line = Line::from(vec![
            Span::styled("/ ", theme.key()),
            Span::raw(list.applied_query.clone()),
            Span::styled(format!("   {} of {}", list.hits.len(), state.catalog.len()), theme.muted()),
            Span::styled(
                query_problems(state)
                    .first()
                    .map(|p| format!("   {}", p.split(" (").next().unwrap_or(p)))
                    .unwrap_or_default(),
                theme.warn(),
            ),
        ]);
        frame.render_widget(Paragraph::new(line), area);
    } else {
        let line = Line::from(vec![Span::styled(
            "Press / to search (kind:api owner:team-a tag:java -lifecycle:deprecated text), f for filters",
            theme.muted(),
        )]);
        frame.render_widget(Paragraph::new(line), area);
    }
}

/// What is wrong with the query being typed or shown (unknown fields).
fn query_problems(state: &State) -> Vec<String> {
    let text = if state.list.typing { state.list.query_text() } else { state.list.applied_query.clone() };
    Query::parse(&text).problems(&state.catalog)
}

#[derive(Clone, Copy, PartialEq)]
enum Columns {
    /// Below 100 columns: narrower Name and Owner.
    Narrow,
    /// Beside the preview pane: [`LIST_WIDTH`] columns.
    Wide,
    /// Wide, and Description takes the rest of the line.
    WithDescription,
}

fn render_table(frame: &mut Frame, area: Rect, state: &State, columns: Columns, theme: &Theme) {
    let list = &state.list;
    if list.hits.is_empty() {
        // A typo in a field name is said, not hidden behind "nothing matches".
        let problems = query_problems(state);
        let (text, style) = if state.catalog.is_empty() {
            (
                "The catalog is empty. Sync with r, or run with --demo to try the bundled catalog.".to_string(),
                theme.muted(),
            )
        } else if list.searching {
            ("Searching…".to_string(), theme.muted())
        } else if !problems.is_empty() {
            (format!("{}. Esc clears the search.", problems.join("; ")), theme.warn())
        } else {
            ("Nothing matches. Esc clears the search.".to_string(), theme.muted())
        };
        frame
            .render_widget(Paragraph::new(Span::styled(text, style)).wrap(ratatui::widgets::Wrap { trim: true }), area);
        return;
    }
    let fixed = if columns == Columns::Narrow { NARROW } else { WIDE };
    let description = columns == Columns::WithDescription;
    let name_width = fixed[0];
    let mut widths: Vec<Constraint> = fixed.iter().map(|w| Constraint::Length(*w)).collect();
    if description {
        widths.push(Constraint::Min(10));
    }
    let mut header = vec!["Name", "Kind", "Type", "Owner", "Lifecycle"];
    if description {
        header.push("Description");
    }
    // Health of the visible rows, as a symbol (its word is on the entity page
    // and the board); only once some entity is known to have probes.
    let health = state.health.any_probes();
    if health {
        widths.insert(0, Constraint::Length(1));
        header.insert(0, "");
    }
    let query = Query::parse(&list.applied_query);
    let rows_visible = list_rows(state.height).min(area.height.saturating_sub(1) as usize);
    let rows: Vec<Row> = list
        .hits
        .iter()
        .enumerate()
        .skip(list.offset)
        .take(rows_visible)
        .map(|(i, hit)| {
            let s = state.catalog.at(hit.idx);
            let name = truncate(s.label(), name_width as usize - 1);
            let positions = if query.words.is_empty() { Vec::new() } else { highlight(&name, &query) };
            let selected = i == list.selected;
            let base = if selected { theme.selection() } else { theme.text() };
            let mut cells = vec![
                Cell::from(highlighted(&name, &positions, base, theme.matched())),
                Cell::from(Span::styled(s.kind.clone(), theme.muted())),
                Cell::from(s.spec_type.clone()),
                Cell::from(ref_name(&s.owner).to_string()),
                Cell::from(Span::styled(s.lifecycle.clone(), theme.lifecycle(&s.lifecycle))),
            ];
            if description {
                cells.push(Cell::from(Span::styled(s.description.clone(), theme.muted())));
            }
            if health {
                let symbol = match state.health.worst_of(&s.key, state.now) {
                    Some(h) => crate::screens::health::view::symbol(&h, theme),
                    None => Span::raw(" "),
                };
                cells.insert(0, Cell::from(symbol));
            }
            let row = Row::new(cells);
            if selected {
                row.style(theme.selection())
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.heading())).column_spacing(1);
    frame.render_widget(table, area);
}
