//! The entity page: header, tabs, and the tab's content.

use super::{EntityPage, EntityTab};
use crate::catalog::graph::{grouped_relations, relation_title};
use crate::catalog::EntityRef;
use crate::search::rank::ref_name;
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &State, page: &EntityPage, theme: &Theme) {
    let Some(entity) = state.catalog.get(&page.key) else {
        let text = format!("{} is no longer in the catalog. Esc goes back.", page.key);
        frame.render_widget(Paragraph::new(Span::styled(text, theme.warn())), area);
        return;
    };
    let mut header = vec![Line::from(vec![
        Span::styled(entity.label().to_string(), theme.title()),
        Span::styled(format!("  {}", entity.entity_ref().humanize(None)), theme.muted()),
    ])];
    let mut facts = vec![Span::styled(entity.kind.clone(), theme.key())];
    if !entity.spec_type.is_empty() {
        facts.push(Span::raw(format!(" · {}", entity.spec_type)));
    }
    if !entity.lifecycle.is_empty() {
        facts.push(Span::raw(" · "));
        facts.push(Span::styled(entity.lifecycle.clone(), theme.lifecycle(&entity.lifecycle)));
    }
    if !entity.owner.is_empty() {
        let missing = state.catalog.get(&entity.owner).is_none();
        facts.push(Span::raw(" · owner "));
        facts.push(Span::styled(
            format!("{}{}", ref_name(&entity.owner), if missing { " (missing)" } else { "" }),
            if missing { theme.crit() } else { theme.text() },
        ));
    }
    if !entity.system.is_empty() {
        facts.push(Span::raw(format!(" · system {}", ref_name(&entity.system))));
    }
    if !entity.email.is_empty() {
        facts.push(Span::raw(format!(" · {}", entity.email)));
    }
    header.push(Line::from(facts));
    header.push(owner_panel(state, &page.key, theme));
    if !entity.tags.is_empty() {
        header.push(Line::from(Span::styled(
            entity.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "),
            theme.muted(),
        )));
    }
    let description =
        if entity.description.is_empty() { "(no description)".to_string() } else { entity.description.clone() };
    let desc_lines = if area.height < 20 { 1 } else { 3 };
    // Health takes at most a third of the page; the tabs keep the rest.
    let health = crate::screens::health::view::section(state, &page.key, theme, (area.height / 3) as usize);
    let [head, desc, health_area, tabs, body] = Layout::vertical([
        Constraint::Length(header.len() as u16),
        Constraint::Length(desc_lines),
        Constraint::Length(health.len() as u16),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    // Header lines end with `…` when they do not fit, never cut silently.
    let header: Vec<Line> =
        header.into_iter().map(|l| crate::ui::widgets::text::fit_line(l, head.width as usize)).collect();
    frame.render_widget(Paragraph::new(header), head);
    frame.render_widget(Paragraph::new(health), health_area);
    // A description longer than its box ends with `…` there and is shown
    // whole at the top of the overview, which scrolls.
    let full = wrap_text(&description, desc.width as usize);
    let overflow = full.len() > desc.height as usize;
    if overflow {
        let mut shown: Vec<Line> = full.iter().take(desc.height as usize).map(|l| Line::raw(l.clone())).collect();
        if let Some(last) = shown.last_mut() {
            let text = format!("{} …", full[desc.height as usize - 1]);
            *last = Line::raw(truncate(&text, desc.width as usize));
        }
        frame.render_widget(Paragraph::new(shown).style(theme.text()), desc);
    } else {
        frame.render_widget(Paragraph::new(description).wrap(Wrap { trim: true }).style(theme.text()), desc);
    }
    let titles: Vec<&str> = EntityTab::ALL.iter().map(|t| t.title()).collect();
    let selected = EntityTab::ALL.iter().position(|t| *t == page.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles).select(selected).highlight_style(theme.selection()).style(theme.muted()),
        tabs,
    );
    let detail = state.details.get(&page.key);
    let mut lines: Vec<Line> = match page.tab {
        EntityTab::Overview if overflow => {
            let mut lines = vec![Line::styled("Description", theme.heading())];
            lines.extend(full.iter().map(|l| Line::raw(l.clone())));
            lines.push(Line::raw(""));
            lines.extend(relation_lines(state, entity, page.selected, theme));
            lines
        }
        EntityTab::Overview => relation_lines(state, entity, page.selected, theme),
        EntityTab::Annotations => match detail {
            None => vec![loading(theme)],
            Some(d) if d.annotations.is_empty() => {
                vec![Line::styled("(no annotations)", theme.muted())]
            }
            Some(d) => d
                .annotations
                .iter()
                .map(|(k, v)| Line::from(vec![Span::styled(format!("{k}: "), theme.key()), Span::raw(v.clone())]))
                .collect(),
        },
        EntityTab::Links => match detail {
            None => vec![loading(theme)],
            Some(d) if d.links.is_empty() => vec![Line::styled("(no links)", theme.muted())],
            Some(d) => d
                .links
                .iter()
                .map(|l| {
                    let title = if l.title.is_empty() { l.url.clone() } else { l.title.clone() };
                    let kind = if l.link_type.is_empty() { String::new() } else { format!(" [{}]", l.link_type) };
                    Line::from(vec![
                        Span::styled(title, theme.text()),
                        Span::styled(kind, theme.muted()),
                        Span::raw("  "),
                        Span::styled(l.url.clone(), theme.link()),
                    ])
                })
                .collect(),
        },
        EntityTab::Raw => match detail {
            None => vec![loading(theme)],
            Some(d) => d.yaml.iter().map(|l| Line::raw(l.clone())).collect(),
        },
    };
    // Links and annotations are values to act on: the scroll row is their cursor.
    let has_cursor = matches!(page.tab, EntityTab::Links | EntityTab::Annotations) && page.value(state).is_some();
    if has_cursor {
        if let Some(line) = lines.get_mut(page.scroll) {
            *line = std::mem::take(line).patch_style(theme.selection());
        }
    }
    let above = if overflow { full.len() + 2 } else { 0 };
    let cursor = if page.tab == EntityTab::Overview { above + cursor_line(entity, page.selected) } else { page.scroll };
    let height = body.height as usize;
    let offset = if page.tab == EntityTab::Overview || has_cursor {
        cursor.saturating_sub(height.saturating_sub(2))
    } else {
        page.scroll.min(lines.len().saturating_sub(height))
    };
    frame.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), body);
}

/// The description in lines of `width`, paragraphs kept.
fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.lines() {
        if paragraph.trim().is_empty() {
            if out.last().is_some_and(|l: &String| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        out.extend(crate::ui::widgets::text::wrap(paragraph, width, usize::MAX));
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn loading(theme: &Theme) -> Line<'static> {
    Line::styled("loading…", theme.muted())
}

/// Line index of the selected relation row, counting group headings.
fn cursor_line(entity: &crate::catalog::Summary, selected: usize) -> usize {
    let mut line = 0;
    let mut row = 0;
    for (_, targets) in grouped_relations(entity) {
        line += 1;
        for _ in targets {
            if row == selected {
                return line;
            }
            row += 1;
            line += 1;
        }
    }
    line
}

fn relation_lines(
    state: &State,
    entity: &crate::catalog::Summary,
    selected: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let groups = grouped_relations(entity);
    if groups.is_empty() {
        return vec![Line::styled("(no relations)", theme.muted())];
    }
    let mut lines = Vec::new();
    let mut row = 0;
    let width = state.width as usize;
    for (rel_type, targets) in groups {
        lines.push(Line::styled(format!("{} ({})", relation_title(rel_type), targets.len()), theme.heading()));
        for key in targets {
            let target = state.catalog.get(key);
            let label = match target {
                Some(t) => t.entity_ref().humanize(None),
                None => EntityRef::parse_full(key).map(|r| r.humanize(None)).unwrap_or_else(|_| key.to_string()),
            };
            let detail = match target {
                Some(t) if !t.owner.is_empty() => {
                    format!("  {} · {}", ref_name(&t.owner), t.description)
                }
                Some(t) => format!("  {}", t.description),
                None => "  missing: not in the catalog".to_string(),
            };
            let is_selected = row == selected;
            let base = if is_selected {
                theme.selection()
            } else if target.is_none() {
                theme.crit()
            } else {
                theme.text()
            };
            let label = truncate(&label, 40);
            let rest = truncate(&detail, width.saturating_sub(label.chars().count() + 4));
            lines.push(Line::from(vec![
                Span::styled(format!("  {label}"), base),
                Span::styled(rest, if is_selected { theme.selection() } else { theme.muted() }),
            ]));
            row += 1;
        }
    }
    lines
}

/// One line on the page: the owner to call and the fastest ways to reach them
/// (`o` opens the full card).
fn owner_panel(state: &State, key: &str, theme: &Theme) -> Line<'static> {
    let raw_of = |k: &str| state.details.get(k).map(|d| d.raw.clone());
    // A group or user is someone to reach: its own contacts, not an owner's.
    let card = crate::catalog::owners::card(&state.catalog, key, &raw_of);
    let Some(owner) = &card.owner else {
        return Line::styled("Owner: none found (o for details)", theme.crit());
    };
    let mut spans = if card.is_self {
        let members = crate::plural::count(card.members.len(), "member", "members");
        let mut spans = vec![Span::styled("Reach: ", theme.muted()), Span::styled(owner.name.clone(), theme.heading())];
        if card.owner_kind.eq_ignore_ascii_case("group") {
            spans.push(Span::styled(format!(" ({members})"), theme.muted()));
        }
        spans
    } else {
        vec![Span::styled("Owner: ", theme.muted()), Span::styled(owner.name.clone(), theme.heading())]
    };
    if card.resolution.inherited_from.is_some() {
        spans.push(Span::styled(" (inherited)", theme.warn()));
    }
    let mut reach: Vec<String> = Vec::new();
    if !owner.email.is_empty() {
        reach.push(owner.email.clone());
    }
    for c in card.contacts.iter().chain(card.entity_contacts.iter()) {
        let text = match c.kind.as_str() {
            "chat" if !c.label.is_empty() => c.label.clone(),
            "pagerduty" => format!("PagerDuty {}", c.value),
            "oncall" => "on-call schedule".to_string(),
            "email" => continue,
            _ => continue,
        };
        if !reach.contains(&text) {
            reach.push(text);
        }
    }
    if !reach.is_empty() {
        spans.push(Span::styled(format!(" · {}", reach.join(" · ")), theme.text()));
    }
    spans.push(Span::styled("  (o: card)", theme.muted()));
    Line::from(spans)
}
