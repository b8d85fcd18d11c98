//! The owner card: who owns it, how to reach them, who else is on the team.
//! Every contact, member and group on it is a selectable [`Value`].

use super::OwnerPage;
use crate::catalog::owners::{card, Contact, Person};
use crate::screens::values::Value;
use crate::state::State;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The card's lines and its selectable values (with the line each is on).
pub struct Card {
    pub lines: Vec<Line<'static>>,
    pub values: Vec<(usize, Value)>,
}

impl Card {
    fn push(&mut self, line: Line<'static>) {
        self.lines.push(line);
    }

    fn push_value(&mut self, line: Line<'static>, value: Value) {
        self.values.push((self.lines.len(), value));
        self.lines.push(line);
    }

    /// Where the cursor starts: the first email (what an on-call engineer
    /// wants first), else the first value.
    pub fn first_choice(&self) -> usize {
        self.values
            .iter()
            .position(|(_, v)| matches!(&v.target, crate::screens::values::Target::Url(u) if u.starts_with("mailto:")))
            .unwrap_or(0)
    }
}

fn person_line(p: &Person, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("  {}", p.name), theme.text())];
    if !p.email.is_empty() {
        spans.push(Span::styled(format!("  <{}>", p.email), theme.link()));
    }
    Line::from(spans)
}

fn contact_value(c: &Contact, state: &State) -> Value {
    if c.kind == "email" {
        Value::email(&c.value)
    } else {
        Value::guess(&c.value, &state.catalog)
    }
}

fn push_contacts(out: &mut Card, contacts: &[Contact], state: &State, theme: &Theme) {
    for c in contacts {
        let label = if c.label.is_empty() || c.label == c.value { String::new() } else { format!("  {}", c.label) };
        let line = Line::from(vec![
            Span::styled(format!("  {:<10}", c.kind), theme.key()),
            Span::styled(c.value.clone(), if c.value.contains("://") { theme.link() } else { theme.text() }),
            Span::styled(label, theme.muted()),
        ]);
        out.push_value(line, contact_value(c, state));
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, page: &OwnerPage, theme: &Theme) {
    let mut card = card_lines(state, &page.key, theme);
    let selected = if page.pristine { card.first_choice() } else { page.selected };
    let cursor = card.values.get(selected).map(|(line, _)| *line);
    if let Some(line) = cursor {
        let selected = std::mem::take(&mut card.lines[line]);
        card.lines[line] = selected.patch_style(theme.selection());
    }
    let height = area.height as usize;
    // The selection stays in view; with nothing to select the card scrolls.
    let offset = match cursor {
        Some(line) => line.saturating_sub(height.saturating_sub(2)),
        None => page.scroll,
    };
    frame.render_widget(Paragraph::new(card.lines).scroll((offset as u16, 0)), area);
}

/// Every line of the card, drawn or counted (for the scroll limit). A group
/// or user gets its own card; anything else its owner's.
pub fn card_lines(state: &State, key: &str, theme: &Theme) -> Card {
    let raw_of = |k: &str| state.details.get(k).map(|d| d.raw.clone());
    let card = card(&state.catalog, key, &raw_of);
    let mut out = Card { lines: Vec::new(), values: Vec::new() };
    let title = if card.is_self { format!("{} ", card.owner_kind) } else { "Owner of ".to_string() };
    out.push(Line::from(vec![
        Span::styled(title, theme.muted()),
        Span::styled(state.catalog.label_of(key), theme.title()),
    ]));
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
            out.push(Line::styled(why, theme.crit()));
        }
        Some(owner) => {
            let mut head = vec![
                Span::styled(owner.name.clone(), theme.heading()),
                Span::styled(format!("  {} {}", card.owner_kind.to_lowercase(), owner.key), theme.muted()),
            ];
            if !owner.email.is_empty() {
                head.push(Span::styled(format!("  <{}>", owner.email), theme.link()));
            }
            out.push_value(Line::from(head), Value::entity(&owner.key));
            if let Some(from) = &card.resolution.inherited_from {
                let stated = if card.resolution.stated.is_empty() {
                    "no owner is stated".to_string()
                } else {
                    format!("the stated owner {} is not in the catalog", card.resolution.stated)
                };
                out.push(Line::styled(format!("inherited from {from}: {stated}"), theme.warn()));
            }
        }
    }
    out.push(Line::raw(""));
    if !state.details.contains_key(key) {
        out.push(Line::styled("loading contacts…", theme.muted()));
    }
    if !card.contacts.is_empty() {
        out.push(Line::styled(if card.is_self { "Reach them" } else { "Reach the team" }, theme.heading()));
        push_contacts(&mut out, &card.contacts, state, theme);
    }
    if !card.entity_contacts.is_empty() {
        out.push(Line::styled("This entity's own on-call", theme.heading()));
        push_contacts(&mut out, &card.entity_contacts, state, theme);
    }
    if !card.members.is_empty() {
        out.push(Line::styled(format!("Members ({})", card.members.len()), theme.heading()));
        for m in &card.members {
            out.push_value(person_line(m, theme), Value::person(&m.key, &m.email));
        }
    }
    if !card.parents.is_empty() {
        let user = card.is_self && card.owner_kind.eq_ignore_ascii_case("user");
        out.push(Line::styled(if user { "Member of" } else { "Part of" }, theme.heading()));
        for p in &card.parents {
            out.push_value(person_line(p, theme), Value::person(&p.key, &p.email));
        }
    }
    if let Some(s) = &card.system_owner {
        out.push(Line::styled("System owner", theme.heading()));
        out.push_value(person_line(s, theme), Value::person(&s.key, &s.email));
    }
    out
}
