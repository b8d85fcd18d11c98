//! Trees: one row per visible node, indented, with kind, owner and
//! lifecycle; the blast radius adds its summary and teams to notify.

use super::TreePage;
use crate::catalog::graph::TreeMode;
use crate::catalog::EntityRef;
use crate::search::rank::ref_name;
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &State, tree: &TreePage, theme: &Theme) {
    let summary = summary_lines(state, tree, theme, area.height);
    let [head, body] = Layout::vertical([Constraint::Length(summary.len() as u16), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(summary), head);
    let height = body.height as usize;
    let offset = tree.selected.saturating_sub(height.saturating_sub(1));
    let width = area.width as usize;
    let below = below_rollups(state, tree);
    let lines: Vec<Line> = tree
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, row)| {
            let marker = if row.cycle {
                "↻ "
            } else if !row.has_children {
                "  "
            } else if row.expanded {
                "▾ "
            } else {
                "▸ "
            };
            let name = EntityRef::parse_full(&row.key).map(|r| r.humanize(None)).unwrap_or_else(|_| row.key.clone());
            let rel = if row.rel.is_empty() { String::new() } else { format!("{} ", row.rel) };
            let detail = match state.catalog.get(&row.key) {
                None => "  missing: not in the catalog".to_string(),
                Some(s) => {
                    let mut facts = vec![s.kind.clone()];
                    if !s.owner.is_empty() {
                        facts.push(ref_name(&s.owner).to_string());
                    }
                    if !s.lifecycle.is_empty() {
                        facts.push(s.lifecycle.clone());
                    }
                    format!("  {}", facts.join(" · "))
                }
            };
            let cycle = if row.cycle { "  (cycle: shown once, not followed)" } else { "" };
            let selected = i == tree.selected;
            let style = if selected {
                theme.selection()
            } else if row.missing {
                theme.crit()
            } else {
                theme.text()
            };
            let indent = "  ".repeat(row.depth.min(30));
            // Health: the node's own symbol and word, and what its visible
            // subtree holds ("2 crit below"), worst first.
            let (node, under) = (state.health.worst_of(&row.key, state.now), below.get(i).and_then(|b| b.as_ref()));
            let mut health = String::new();
            if let Some(h) = &node {
                health = format!("{} {} ", h.symbol(), h.word());
            }
            let head = format!("{indent}{marker}");
            let left = format!("{rel}{name}");
            let under_text = under.map(|r| format!("  {} below", r.summary())).unwrap_or_default();
            let used =
                head.chars().count() + health.chars().count() + left.chars().count() + under_text.chars().count();
            let right = truncate(&format!("{detail}{cycle}"), width.saturating_sub(used));
            let mut spans = vec![Span::styled(head, style)];
            if let Some(h) = &node {
                spans.push(Span::styled(
                    health,
                    if selected { style } else { crate::screens::health::view::style(h, theme) },
                ));
            }
            spans.push(Span::styled(left, style));
            if let Some(r) = under {
                let worst = r.worst().unwrap_or(crate::health::State::Ok);
                spans.push(Span::styled(under_text, crate::screens::health::view::style(&worst, theme)));
            }
            spans.push(Span::styled(right, if selected { style } else { theme.muted() }));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// For each row, the rollup of the health of the visible rows below it
/// that are not ok (None when all are ok or unknown to health). Empty when
/// no node has probes, so trees without health look as before.
fn below_rollups(state: &State, tree: &TreePage) -> Vec<Option<crate::health::Rollup>> {
    use crate::health::Rollup;
    let own: Vec<Option<Rollup>> = tree.rows.iter().map(|r| state.health.rollup_of(&r.key, state.now)).collect();
    if own.iter().all(Option::is_none) {
        return Vec::new();
    }
    // One pass from the bottom: a node's subtree is the rows after it that
    // are deeper; a stack of open subtrees collects them.
    let mut below: Vec<Rollup> = vec![Rollup::default(); tree.rows.len()];
    let mut stack: Vec<(usize, Rollup)> = Vec::new();
    for i in (0..tree.rows.len()).rev() {
        let depth = tree.rows[i].depth;
        let mut mine = Rollup::default();
        while let Some((d, _)) = stack.last() {
            if *d <= depth {
                break;
            }
            let (_, child) = stack.pop().unwrap_or_default();
            mine.merge(&child);
        }
        below[i] = mine.clone();
        let worst = own[i].as_ref().and_then(Rollup::worst);
        let mut with_self = mine;
        if let Some(w) = worst {
            with_self.add(&w);
        }
        stack.push((depth, with_self));
    }
    below.into_iter().map(|r| (r.crit + r.warn + r.unknown + r.stale > 0).then_some(r)).collect()
}

fn summary_lines(state: &State, tree: &TreePage, theme: &Theme, height: u16) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(tree.mode.title().to_string(), theme.heading()),
        Span::styled(format!(" of {}", state.catalog.label_of(&tree.root)), theme.title()),
        Span::styled(format!("   {} rows shown", tree.rows.len()), theme.muted()),
    ])];
    if tree.mode == TreeMode::BlastRadius && tree.blast.is_none() {
        lines.push(Line::styled("counting what is affected…", theme.muted()));
    }
    if let Some(blast) = &tree.blast {
        lines.push(Line::from(Span::styled(
            format!(
                "{} affected, {} to notify",
                crate::plural::count(blast.entities.len(), "entity", "entities"),
                crate::plural::count(blast.teams.len(), "team", "teams")
            ),
            theme.warn(),
        )));
        // Nobody to tell is the one thing a blast radius must not hide. On
        // small terminals most of the screen is left to the tree; a tall one
        // gives the summary a third of its rows.
        let budget = if height < 30 { 6 } else { (height as usize / 3).max(16) };
        let unowned = blast.unowned_lines();
        let cap = if height < 30 { 3 } else { budget / 2 };
        let hidden = unowned.len().saturating_sub(cap);
        let width = (state.width as usize).max(20);
        let mut used = 0;
        for line in unowned.into_iter().take(cap) {
            // Wrapped, never cut: the reason is the point of the line.
            for (i, part) in crate::ui::widgets::text::wrap(&line, width - 4, 5).into_iter().enumerate() {
                let indent = if i == 0 { "" } else { "    " };
                lines.push(Line::styled(format!("{indent}{part}"), theme.crit()));
            }
            used += 1;
        }
        if hidden > 0 {
            lines.push(Line::styled(format!("  … and {hidden} more without an owner"), theme.crit()));
        }
        let room = if height < 30 { 3 } else { budget.saturating_sub(used) };
        for (team, n) in blast.teams.iter().take(room) {
            let email = state.catalog.get(team).map(|s| s.email.clone()).unwrap_or_default();
            let email = if email.is_empty() { String::new() } else { format!(" <{email}>") };
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", ref_name(team)), theme.text()),
                Span::styled(format!("{email}  {n} affected"), theme.muted()),
            ]));
        }
        if blast.teams.len() > room {
            lines.push(Line::styled(
                format!(
                    "  … and {} more (c copies them all; callboard deps --reverse lists all)",
                    blast.teams.len() - room
                ),
                theme.muted(),
            ));
        }
    }
    lines
}
