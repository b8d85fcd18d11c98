//! Drawing the action menu and the prompts.

use super::prompt::{Prompt, PromptStep};
use super::ActionMenu;
use crate::actions::{self, Remote};
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

pub fn render_menu(frame: &mut Frame, area: Rect, state: &State, menu: &ActionMenu, theme: &Theme) {
    let title = format!(" Actions: {} ", state.catalog.label_of(&menu.key));
    let block =
        Block::default().borders(Borders::ALL).border_style(theme.border()).title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if !state.details.contains_key(&menu.key) {
        frame.render_widget(Paragraph::new(Line::styled("Loading the entity…", theme.muted())), inner);
        return;
    }
    let rows = actions::menu(state, &menu.key);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let mut group = None;
    for (i, row) in rows.iter().enumerate() {
        if group != Some(row.group) {
            if group.is_some() {
                lines.push(Line::raw(""));
            }
            group = Some(row.group);
            lines.push(Line::styled(row.group.title(), theme.heading()));
        }
        let style = if i == menu.selected {
            selected_line = lines.len();
            theme.selection()
        } else if row.disabled.is_some() {
            theme.muted()
        } else {
            theme.text()
        };
        let key = row.key.clone().unwrap_or_default();
        let mark = row.mark.map_or(String::new(), |m| format!(" [{m}]"));
        let detail = match &row.disabled {
            Some(why) => format!("  (disabled: {why})"),
            None if row.description.is_empty() => String::new(),
            None => format!("  {}", row.description),
        };
        let text = format!("  {key:>6}  {}{mark}", row.label);
        let rest = width.saturating_sub(text.chars().count());
        lines.push(Line::from(vec![
            Span::styled(text, style),
            Span::styled(truncate(&detail, rest), if i == menu.selected { style } else { theme.muted() }),
        ]));
    }
    if state.docs.server.is_some() {
        match &state.actions.remote {
            Remote::Loading => lines.push(Line::styled("Asking Backstage for its actions…", theme.muted())),
            Remote::Ready { actions, problems } if actions.is_empty() && !problems.is_empty() => {
                lines.push(Line::styled(format!("Backstage actions: {}", problems.join("; ")), theme.warn()))
            }
            _ => {}
        }
    }
    let scroll = selected_line.saturating_sub(inner.height.saturating_sub(2) as usize);
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

pub fn render_prompt(frame: &mut Frame, area: Rect, state: &State, prompt: &Prompt, theme: &Theme) {
    let block = Block::default().borders(Borders::ALL).border_style(theme.border());
    let inner = block.inner(area);
    let mut head: Vec<Line> = Vec::new();
    let entity = state.catalog.label_of(&prompt.key);
    match &prompt.step {
        PromptStep::Inputs { index, specs, values, input } => {
            let action = &state.actions.configured[*index];
            let spec = &specs[values.len()];
            let block = block.title(Span::styled(format!(" {} on {entity} ", action.name), theme.title()));
            frame.render_widget(block, area);
            let ask = spec.prompt.clone().unwrap_or_else(|| spec.name.clone());
            let kind = format!("{:?}", spec.kind).to_lowercase();
            let choices =
                if spec.options.is_empty() { String::new() } else { format!(": {}", spec.options.join(", ")) };
            head.push(Line::styled(
                format!("{ask} ({kind}{choices})  [{}/{}]", values.len() + 1, specs.len()),
                theme.heading(),
            ));
            push_error(&mut head, prompt, theme);
            let rows = head.len() as u16;
            frame.render_widget(Paragraph::new(head), Rect { height: rows.min(inner.height), ..inner });
            let field = Rect { y: inner.y + rows + 1, height: 1, ..inner };
            if field.bottom() <= inner.bottom() {
                input.render(frame, field, theme.text(), true);
            }
        }
        PromptStep::Confirm { index, argv } => {
            let action = &state.actions.configured[*index];
            let block = block.title(Span::styled(format!(" Run {}? ", action.name), theme.title()));
            frame.render_widget(block, area);
            head.push(Line::styled(format!("On {entity}, run ({:?}):", action.mode).to_lowercase(), theme.heading()));
            head.push(Line::raw(""));
            head.push(Line::styled(super::shown_argv(argv), theme.code()));
            head.push(Line::raw(""));
            head.push(Line::styled("One argument per word shown; no shell. enter runs, esc cancels.", theme.muted()));
            frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), inner);
        }
        PromptStep::Location { input } => {
            frame.render_widget(block.title(Span::styled(" Register a location ", theme.title())), area);
            head.push(Line::styled("Address of a catalog file (url:https://… or file:/…):", theme.heading()));
            head.push(Line::styled(
                "enter: a dry run lists what it would add; nothing is registered yet.",
                theme.muted(),
            ));
            push_error(&mut head, prompt, theme);
            let rows = head.len() as u16;
            frame.render_widget(Paragraph::new(head), Rect { height: rows.min(inner.height), ..inner });
            let field = Rect { y: inner.y + rows + 1, height: 1, ..inner };
            if field.bottom() <= inner.bottom() {
                input.render(frame, field, theme.text(), true);
            }
        }
        PromptStep::Register { target, found } => {
            frame.render_widget(block.title(Span::styled(" Register this location? ", theme.title())), area);
            head.push(Line::styled(crate::sanitize::clean_line(target), theme.heading()));
            if found.exists {
                head.push(Line::styled("It is registered already. enter or esc closes.", theme.warn()));
            } else {
                head.push(Line::raw(format!("The dry run read {} entities:", found.entities.len())));
                head.extend(
                    found
                        .entities
                        .iter()
                        .map(|e| Line::styled(format!("  {}", crate::sanitize::clean_line(e)), theme.text())),
                );
                head.push(Line::raw(""));
                head.push(Line::styled("enter registers it, esc cancels.", theme.muted()));
            }
            frame.render_widget(Paragraph::new(head), inner);
        }
        PromptStep::Payload { url, event } => {
            let block = block.title(Span::styled(" Trigger a PagerDuty incident? ", theme.title()));
            frame.render_widget(block, area);
            head.push(Line::styled(format!("POST {}", crate::sanitize::clean_line(url)), theme.heading()));
            head.push(Line::raw(""));
            // Exactly what is sent, but for the routing key (a secret): only its end is shown.
            let mut shown = event.clone();
            if let Some(key) = shown.get_mut("routing_key") {
                let text = key.as_str().unwrap_or("").to_string();
                let tail: String = text.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                *key = serde_json::Value::String(format!("••••{tail} (from pagerduty.com/integration-key)"));
            }
            let json = serde_json::to_string_pretty(&shown).unwrap_or_default();
            head.extend(json.lines().map(|l| Line::styled(crate::sanitize::clean_line(l), theme.code())));
            head.push(Line::raw(""));
            head.push(Line::styled("enter sends it, esc cancels.", theme.muted()));
            frame.render_widget(Paragraph::new(head), inner);
        }
        PromptStep::Form { action, form, confirming } => {
            let title = format!(" {}{} on {entity} ", crate::sanitize::clean_line(&action.title), mark_of(action));
            frame.render_widget(block.title(Span::styled(title, theme.title())), area);
            head.push(Line::styled(
                format!("{}: pre-filled from the entity. ctrl-s runs, ctrl-e edits the JSON, esc cancels.", action.id),
                theme.muted(),
            ));
            if *confirming {
                head.push(Line::styled("Destructive: press ctrl-s again to run it.", theme.crit()));
            }
            push_error(&mut head, prompt, theme);
            let rows = head.len() as u16;
            frame.render_widget(Paragraph::new(head), Rect { height: rows.min(inner.height), ..inner });
            let field = Rect { y: inner.y + rows, height: inner.height.saturating_sub(rows), ..inner };
            form.render(frame, field, &crate::form::FormStyles::from_theme(theme), &NoEntities);
        }
        PromptStep::Json { action, input, confirming } => {
            let mark = if action.attributes.destructive {
                " [destructive]"
            } else if action.attributes.read_only {
                " [read-only]"
            } else {
                ""
            };
            let title = format!(" {}{mark} on {entity} ", crate::sanitize::clean_line(&action.title));
            frame.render_widget(block.title(Span::styled(title, theme.title())), area);
            head.push(Line::styled(
                format!("Input for {} (JSON, pre-filled from the entity). ctrl-s runs, esc cancels.", action.id),
                theme.muted(),
            ));
            if *confirming {
                head.push(Line::styled("Destructive: press ctrl-s again to run it.", theme.crit()));
            }
            push_error(&mut head, prompt, theme);
            let rows = head.len() as u16;
            frame.render_widget(Paragraph::new(head), Rect { height: rows.min(inner.height), ..inner });
            let field = Rect { y: inner.y + rows, height: inner.height.saturating_sub(rows), ..inner };
            input.render(frame, field, theme.text(), true);
        }
    }
}

fn mark_of(action: &crate::backstage::actions::RemoteAction) -> &'static str {
    if action.attributes.destructive {
        " [destructive]"
    } else if action.attributes.read_only {
        " [read-only]"
    } else {
        ""
    }
}

/// Backstage's action inputs are plain JSON Schema: no entity pickers to fill.
struct NoEntities;

impl crate::form::PickerSource for NoEntities {
    fn entities(&self, _: &crate::form::CatalogFilter, _: &str, _: usize) -> Vec<crate::form::Choice> {
        Vec::new()
    }
    fn tags(&self, _: &[String], _: &str, _: usize) -> Vec<crate::form::Choice> {
        Vec::new()
    }
    fn my_groups(&self, _: &str, _: usize) -> Vec<crate::form::Choice> {
        Vec::new()
    }
}

fn push_error(lines: &mut Vec<Line>, prompt: &Prompt, theme: &Theme) {
    if let Some(error) = &prompt.error {
        lines.push(Line::styled(crate::sanitize::clean_line(error), theme.crit()));
    }
}
