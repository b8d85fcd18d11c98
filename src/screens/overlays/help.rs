//! `?`: every key, generated from the keymap table.

use crate::keymap::{Context, BINDINGS};
use crate::state::State;
use crate::ui::centered;
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, state: &State, scroll: usize, filter: &str, theme: &Theme) {
    let area = centered(frame.area(), 90, 60);
    let mut lines = Vec::new();
    let contexts = [
        Context::Global,
        Context::List,
        Context::SearchInput,
        Context::Entity,
        Context::Owner,
        Context::Tree,
        Context::Doc,
        Context::DocList,
        Context::Templates,
        Context::Form,
        Context::DryRun,
        Context::Task,
        Context::Tasks,
        Context::Health,
        Context::Actions,
        Context::ActionPrompt,
        Context::Output,
        Context::Overlay,
    ];
    for context in contexts {
        let wanted = filter.to_lowercase();
        let rows: Vec<_> = BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.context == context)
            .filter(|(i, b)| {
                wanted.is_empty()
                    || b.description.to_lowercase().contains(&wanted)
                    || b.name.contains(&wanted)
                    || state.keymap.keys_of(*i).iter().any(|k| k.to_lowercase() == wanted)
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        lines.push(Line::styled(context.title(), theme.heading()));
        for (i, binding) in rows {
            let keys = state.keymap.keys_of(i).join(" ");
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), theme.key()),
                Span::raw(binding.description),
                Span::styled(format!("  :{}", binding.name), theme.muted()),
            ]));
        }
        lines.push(Line::raw(""));
        if context == Context::Entity {
            your_actions(&mut lines, state, theme);
        }
    }
    if filter.is_empty() {
        lines.push(Line::styled("Search syntax", theme.heading()));
        lines.push(Line::raw("  words are fuzzy-matched on name and title; all must match"));
        lines.push(Line::raw("  kind: type: owner: lifecycle: tag: namespace: system: name:   filter a field"));
        lines.push(Line::raw("  -field:value or -word excludes; a partial value matches as a prefix"));
    } else if lines.is_empty() {
        lines.push(Line::styled(format!("No key does `{filter}`."), theme.muted()));
    }
    let title = if filter.is_empty() {
        " Keys (type to filter, esc closes) ".to_string()
    } else {
        format!(" Keys for `{filter}` (esc closes) ")
    };
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border()).title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, area);
    // Long descriptions wrap rather than run off the box's edge.
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: false }).scroll((scroll as u16, 0)),
        area,
    );
}

/// Keys bound to the user's own actions (config `[[action]] key`), which
/// work on the list and the entity page.
fn your_actions(lines: &mut Vec<Line>, state: &State, theme: &Theme) {
    let bound: Vec<_> = state.actions.configured.iter().filter(|a| a.key.is_some()).collect();
    if !bound.is_empty() {
        lines.push(Line::styled("Your actions (list and entity page; config [[action]])", theme.heading()));
        for action in bound {
            let keys = action.key.clone().unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), theme.key()),
                Span::raw(crate::sanitize::clean_line(&action.name)),
                Span::styled(format!("  {}", crate::sanitize::clean_line(&action.description)), theme.muted()),
            ]));
        }
        lines.push(Line::raw(""));
    }
}

/// `:problems`: what could not be read, with file and line, so it can be fixed.
pub fn render_problems(frame: &mut Frame, state: &State, scroll: usize, theme: &Theme) {
    let area = centered(frame.area(), 140, 40);
    let lines: Vec<Line> = if state.info.problems.is_empty() {
        vec![Line::styled("No problems: every document was read.", theme.ok())]
    } else {
        state.info.problems.iter().map(|p| Line::raw(crate::sanitize::clean_line(p))).collect()
    };
    let title = format!(" {} problems reading {} (esc closes) ", state.info.problems.len(), state.source_label);
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border()).title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: false }).scroll((scroll as u16, 0)),
        area,
    );
}
