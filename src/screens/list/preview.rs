//! The preview pane beside the list on wide terminals: the selected entity's
//! essentials (what it is, who to call, what it touches) without opening it.
//! Everything comes from the in-memory summaries, already sanitised at load;
//! nothing is read from disk here.

use super::view::LIST_WIDTH;
use crate::catalog::graph::resolve_owner;
use crate::catalog::owners::person;
use crate::catalog::relations::*;
use crate::catalog::Summary;
use crate::keymap::{Command, Context, ON_SELECTION};
use crate::layout::PREVIEW_MIN_WIDTH;
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::{truncate, wrap};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// Gap, border and margin between the list and the pane's text.
const PANE_CHROME: u16 = 3;
/// The narrowest pane text the threshold allows (see [`PREVIEW_MIN_WIDTH`]).
const MIN_TEXT: u16 = 52;
const _: () = assert!(LIST_WIDTH + PANE_CHROME + MIN_TEXT == PREVIEW_MIN_WIDTH);
/// Description lines at most: a paragraph, and a huge one costs no more.
const DESCRIPTION_LINES: usize = 8;
/// Width of the field labels (`Owner`, `System`, `Tags`).
const LABEL: usize = 8;

/// Whether the list at this width shows the pane (else the Description column).
pub fn shown(state: &State, width: u16) -> bool {
    state.list.preview && width >= PREVIEW_MIN_WIDTH
}

/// The list's rows area split into the list and the pane.
pub fn split(area: Rect) -> (Rect, Rect) {
    let [list, _gap, pane] =
        Layout::horizontal([Constraint::Length(LIST_WIDTH), Constraint::Length(1), Constraint::Min(1)]).areas(area);
    (list, pane)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let block = Block::default().borders(Borders::LEFT).border_style(theme.border()).padding(Padding::left(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // No selection (empty catalog, nothing matches, first search running):
    // the list says why; the pane stays empty.
    let Some(entity) = state.list.hits.get(state.list.selected).map(|h| state.catalog.at(h.idx)) else {
        return;
    };
    let width = inner.width as usize;
    let hint = hint_lines(state, width, theme);
    let relations = relation_lines(entity, width);
    let mut lines = head_lines(state, entity, width, theme);
    // What is left for the description once everything else has its rows.
    let fixed = lines.len() + 1 + relations.len() + usize::from(!relations.is_empty()) + hint.len();
    let room = (inner.height as usize).saturating_sub(fixed).clamp(1, DESCRIPTION_LINES);
    if entity.description.is_empty() {
        lines.push(Line::styled("(no description)", theme.muted()));
    } else {
        lines.extend(wrap(&entity.description, width, room).into_iter().map(|l| Line::styled(l, theme.text())));
    }
    if !relations.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(relations.into_iter().map(|l| Line::styled(l, theme.text())));
    }
    let [body, keys] = Layout::vertical([Constraint::Min(0), Constraint::Length(hint.len() as u16)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), body);
    frame.render_widget(Paragraph::new(hint), keys);
}

/// Label, ref, `Kind · type · lifecycle`, then owner, system and tags.
fn head_lines(state: &State, entity: &Summary, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(truncate(entity.label(), width), theme.title()),
        Line::styled(truncate(&entity.entity_ref().humanize(None), width), theme.muted()),
    ];
    let mut facts = vec![Span::styled(entity.kind.clone(), theme.key())];
    if !entity.spec_type.is_empty() {
        facts.push(Span::raw(format!(" · {}", entity.spec_type)));
    }
    if !entity.lifecycle.is_empty() {
        facts.push(Span::raw(" · "));
        facts.push(Span::styled(entity.lifecycle.clone(), theme.lifecycle(&entity.lifecycle)));
    }
    lines.push(Line::from(facts));
    lines.push(Line::raw(""));
    let value_width = width.saturating_sub(LABEL);
    let field = |name: &str, value: String, style| {
        Line::from(vec![
            Span::styled(format!("{name:<LABEL$}"), theme.muted()),
            Span::styled(truncate(&value, value_width), style),
        ])
    };
    // The owner to call: stated, else inherited from the system or domain.
    let owner = resolve_owner(&state.catalog, &entity.key);
    match &owner.resolved {
        Some(key) => {
            let who = person(&state.catalog, key);
            if owner.inherited_from.is_some() {
                lines.push(field("Owner", format!("{} (inherited)", who.name), theme.warn()));
            } else {
                lines.push(field("Owner", who.name, theme.heading()));
            }
            if !who.email.is_empty() {
                lines.push(field("", who.email, theme.link()));
            }
        }
        None if !owner.stated.is_empty() => {
            let name = person(&state.catalog, &owner.stated).name;
            lines.push(field("Owner", format!("{name} (missing)"), theme.crit()));
        }
        None => lines.push(field("Owner", "none".to_string(), theme.crit())),
    }
    if !entity.system.is_empty() {
        lines.push(field("System", state.catalog.label_of(&entity.system), theme.text()));
    }
    if !entity.tags.is_empty() {
        let tags = entity.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ");
        lines.push(field("Tags", tags, theme.muted()));
    }
    lines.push(Line::raw(""));
    lines
}

/// `depends on 3 · provides 1 API · …`: the non-zero counts, packed into lines.
fn relation_lines(entity: &Summary, width: usize) -> Vec<String> {
    const SHOWN: [&str; 9] = [
        DEPENDS_ON,
        DEPENDENCY_OF,
        PROVIDES_API,
        CONSUMES_API,
        API_PROVIDED_BY,
        API_CONSUMED_BY,
        HAS_PART,
        OWNER_OF,
        HAS_MEMBER,
    ];
    let mut counts = [0usize; SHOWN.len()];
    for r in entity.relations.iter() {
        if let Some(i) = SHOWN.iter().position(|t| *t == r.rel_type) {
            counts[i] += 1;
        }
    }
    let plural = |n: usize, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
    let pieces = SHOWN.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(t, n)| match *t {
        DEPENDS_ON => format!("depends on {n}"),
        DEPENDENCY_OF => format!("dependency of {n}"),
        PROVIDES_API => format!("provides {n} {}", plural(n, "API", "APIs")),
        CONSUMES_API => format!("consumes {n} {}", plural(n, "API", "APIs")),
        API_PROVIDED_BY => format!("provided by {n}"),
        API_CONSUMED_BY => format!("consumed by {n}"),
        HAS_PART => format!("has {n} {}", plural(n, "part", "parts")),
        OWNER_OF => format!("owns {n}"),
        _ => format!("{n} {}", plural(n, "member", "members")),
    });
    pack(pieces, width, 2)
}

/// The keys that act on the selection, from the keymap (overrides included).
fn hint_lines(state: &State, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let commands = ON_SELECTION.iter().copied().chain([Command::TogglePreview]).collect::<Vec<_>>();
    let pieces = state.keymap.brief_hints(Context::List, &commands).into_iter().map(|(k, name)| format!("{k} {name}"));
    pack(pieces, width, 2).into_iter().map(|l| Line::styled(l, theme.muted())).collect()
}

/// Pieces joined by ` · ` into at most `max_lines` lines of `width` columns;
/// pieces that do not fit are left out (the first ones matter most).
fn pack(pieces: impl Iterator<Item = String>, width: usize, max_lines: usize) -> Vec<String> {
    const SEP: &str = " · ";
    let mut lines: Vec<String> = Vec::new();
    for piece in pieces {
        let piece = truncate(&piece, width);
        let full = lines.len() == max_lines;
        match lines.last_mut() {
            Some(line) if line.width() + SEP.width() + piece.width() <= width => {
                line.push_str(SEP);
                line.push_str(&piece);
            }
            _ if full => break,
            _ => lines.push(piece),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_fills_lines_and_drops_what_does_not_fit() {
        let pieces = || ["enter open", "o owner", "d deps", "D blast"].into_iter().map(String::from);
        assert_eq!(pack(pieces(), 40, 2), vec!["enter open · o owner · d deps · D blast"]);
        assert_eq!(pack(pieces(), 20, 2), vec!["enter open · o owner", "d deps · D blast"]);
        assert_eq!(pack(pieces(), 12, 2), vec!["enter open", "o owner"]);
    }
}
