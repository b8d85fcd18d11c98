//! The owner card: who owns it, how to reach them, who else is on the team.

use super::OwnerPage;
use crate::catalog::owners::{owner_card, Contact, Person};
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn person_line(p: &Person, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("  {}", p.name), theme.text())];
    if !p.email.is_empty() {
        spans.push(Span::styled(format!("  <{}>", p.email), theme.link()));
    }
    Line::from(spans)
}

fn contact_lines(contacts: &[Contact], theme: &Theme) -> Vec<Line<'static>> {
    contacts
        .iter()
        .map(|c| {
            let label = if c.label.is_empty() || c.label == c.value { String::new() } else { format!("  {}", c.label) };
            Line::from(vec![
                Span::styled(format!("  {:<10}", c.kind), theme.key()),
                Span::styled(c.value.clone(), if c.value.contains("://") { theme.link() } else { theme.text() }),
                Span::styled(label, theme.muted()),
            ])
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, page: &OwnerPage, theme: &Theme) {
    let lines = card_lines(state, &page.key, theme);
    frame.render_widget(Paragraph::new(lines).scroll((page.scroll as u16, 0)), area);
}

/// Every line of the card, drawn or counted (for the scroll limit).
pub fn card_lines(state: &State, key: &str, theme: &Theme) -> Vec<Line<'static>> {
    let raw_of = |k: &str| state.details.get(k).map(|d| d.raw.clone());
    let card = owner_card(&state.catalog, key, &raw_of);
    let mut lines = vec![Line::from(vec![
        Span::styled("Owner of ", theme.muted()),
        Span::styled(state.catalog.label_of(key), theme.title()),
    ])];
    match &card.owner {
        None => {
            let why = if card.resolution.stated.is_empty() {
                "No owner is stated, and neither its system nor its domain has one.".to_string()
            } else {
                format!(
                    "The stated owner {} is not in the catalog, and no system or domain owner was found.",
                    card.resolution.stated
                )
            };
            lines.push(Line::styled(why, theme.crit()));
        }
        Some(owner) => {
            let mut head = vec![
                Span::styled(owner.name.clone(), theme.heading()),
                Span::styled(format!("  {} {}", card.owner_kind.to_lowercase(), owner.key), theme.muted()),
            ];
            if !owner.email.is_empty() {
                head.push(Span::styled(format!("  <{}>", owner.email), theme.link()));
            }
            lines.push(Line::from(head));
            if let Some(from) = &card.resolution.inherited_from {
                let stated = if card.resolution.stated.is_empty() {
                    "no owner is stated".to_string()
                } else {
                    format!("the stated owner {} is not in the catalog", card.resolution.stated)
                };
                lines.push(Line::styled(format!("inherited from {from}: {stated}"), theme.warn()));
            }
        }
    }
    lines.push(Line::raw(""));
    if !state.details.contains_key(key) {
        lines.push(Line::styled("loading contacts…", theme.muted()));
    }
    if !card.contacts.is_empty() {
        lines.push(Line::styled("Reach the team", theme.heading()));
        lines.extend(contact_lines(&card.contacts, theme));
    }
    if !card.entity_contacts.is_empty() {
        lines.push(Line::styled("This entity's own on-call", theme.heading()));
        lines.extend(contact_lines(&card.entity_contacts, theme));
    }
    if !card.members.is_empty() {
        lines.push(Line::styled(format!("Members ({})", card.members.len()), theme.heading()));
        lines.extend(card.members.iter().map(|m| person_line(m, theme)));
    }
    if !card.parents.is_empty() {
        let chain: Vec<String> = card.parents.iter().map(|p| p.name.clone()).collect();
        lines.push(Line::styled("Part of", theme.heading()));
        lines.push(Line::raw(format!("  {}", chain.join(" › "))));
    }
    if let Some(s) = &card.system_owner {
        lines.push(Line::styled("System owner", theme.heading()));
        lines.push(person_line(s, theme));
    }
    lines
}
