//! Drawing the form: a header with the step indicator, the page's fields
//! (scrolled to keep the focused one in view), a picker popup, a footer.
//! Works at any size: what does not fit is left out, never a panic.

use super::model::Widget;
use super::picker::PickerSource;
use super::value::{FieldState, REPO_PARTS};
use super::view::POPUP_ROWS;
use super::Form;
use crate::sanitize::clean_line;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// The roles the form draws with (from the app theme, or plain).
#[derive(Debug, Clone, Copy)]
pub struct FormStyles {
    pub text: Style,
    pub title: Style,
    pub muted: Style,
    pub focus: Style,
    pub error: Style,
    pub ok: Style,
    pub input: Style,
}

impl Default for FormStyles {
    fn default() -> Self {
        FormStyles::from_theme(&Theme::new(true))
    }
}

impl FormStyles {
    pub fn from_theme(theme: &Theme) -> FormStyles {
        FormStyles {
            text: theme.text(),
            title: theme.title(),
            muted: theme.muted(),
            focus: theme.selection(),
            error: theme.crit(),
            ok: theme.ok(),
            input: Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }
}

/// One drawn line of the field list: either text, or a slot an input draws into.
enum Row<'a> {
    Text(Line<'a>),
    /// (field index, repo part or 0, indent, lines) — an input drawn in place;
    /// a multi-line one is followed by `lines - 1` `Below` rows.
    Input(usize, usize, u16, u16),
    Below,
}

impl Form {
    /// Draw the form into `area`; `source` fills an open picker popup.
    pub fn render(&self, frame: &mut Frame, area: Rect, styles: &FormStyles, source: &dyn PickerSource) {
        let area = area.intersection(frame.area());
        if area.width < 4 || area.height < 3 {
            return;
        }
        frame.render_widget(Clear, area);
        let header = Rect { height: 1, ..area };
        frame.render_widget(Paragraph::new(self.header_line(styles)), header);
        let footer = Rect { y: area.bottom() - 1, height: 1, ..area };
        frame.render_widget(Paragraph::new(Line::styled(self.footer_text(), styles.muted)), footer);
        let body = Rect { y: area.y + 1, height: area.height - 2, ..area };
        if self.on_review() {
            self.render_review(frame, body, styles);
            return;
        }
        let (rows, focus_span) = self.rows(styles);
        // Scroll so the focused field (label to error) is in view.
        let height = body.height as usize;
        let mut top = self.view.scroll.get();
        if focus_span.1 > top + height {
            top = focus_span.1.saturating_sub(height);
        }
        if focus_span.0 < top {
            top = focus_span.0;
        }
        top = top.min(rows.len().saturating_sub(1));
        self.view.scroll.set(top);
        let mut input_rect = None;
        for (i, row) in rows.iter().skip(top).take(height).enumerate() {
            let rect = Rect { y: body.y + i as u16, height: 1, ..body };
            match row {
                Row::Text(line) => frame.render_widget(Paragraph::new(line.clone()), rect),
                Row::Below => {}
                Row::Input(index, part, indent, lines) => {
                    let height = (*lines).min(body.bottom() - rect.y);
                    let rect = Rect { x: rect.x + indent, width: rect.width.saturating_sub(*indent), height, ..rect };
                    let focused = *index == self.focus;
                    self.render_input(frame, rect, styles, *index, *part, focused);
                    if focused {
                        input_rect = Some(rect);
                    }
                }
            }
        }
        if let Some(rect) = input_rect {
            self.render_popup(frame, body, rect, styles, source);
        }
    }

    fn header_line(&self, styles: &FormStyles) -> Line<'static> {
        let steps = self.spec.steps.len();
        let mut spans = vec![Span::styled(
            if self.spec.title.is_empty() { "Form".to_string() } else { self.spec.title.clone() },
            styles.title,
        )];
        spans.push(Span::raw("  "));
        for (i, step) in self.spec.steps.iter().enumerate() {
            let mark = if i < self.page {
                "✓"
            } else if i == self.page {
                "●"
            } else {
                "○"
            };
            let style = if i == self.page { styles.title } else { styles.muted };
            spans.push(Span::styled(format!("{mark} {} ", step.title), style));
        }
        let review_style = if self.on_review() { styles.title } else { styles.muted };
        spans.push(Span::styled(if self.on_review() { "● Review" } else { "○ Review" }, review_style));
        spans.push(Span::styled(format!("  ({}/{})", (self.page + 1).min(steps + 1), steps + 1), styles.muted));
        Line::from(spans)
    }

    fn footer_text(&self) -> String {
        if self.on_review() {
            return self.review_hint.clone().unwrap_or_else(|| "enter create · ctrl-p back · esc leave".into());
        }
        let last = self.page + 1 == self.spec.steps.len();
        format!(
            "tab/shift-tab field · F8 next error · ctrl-n {} · ctrl-p back · esc leave",
            if last { "review" } else { "next page" }
        )
    }

    /// Every line of the page, and the first and last line of the focused field.
    fn rows(&self, styles: &FormStyles) -> (Vec<Row<'_>>, (usize, usize)) {
        let mut rows = Vec::new();
        let step = &self.spec.steps[self.page];
        if let Some(d) = &step.description {
            rows.push(Row::Text(Line::styled(d.clone(), styles.muted)));
        }
        for problem in &self.page_errors {
            rows.push(Row::Text(Line::styled(format!("✗ {problem}"), styles.error)));
        }
        let mut span = (0, 0);
        for (index, field) in self.fields.iter().enumerate() {
            if matches!(field.widget, Widget::Hidden | Widget::Const(_)) {
                continue;
            }
            let start = rows.len();
            let focused = index == self.focus;
            let indent = (field.depth * 2) as u16;
            let pad = " ".repeat(indent as usize);
            let marker = if focused { "› " } else { "  " };
            let mut label = vec![
                Span::raw(pad.clone()),
                Span::styled(marker, styles.title),
                Span::styled(field.label.clone(), if focused { styles.title } else { styles.text }),
            ];
            if field.required {
                label.push(Span::styled(" *", styles.error));
            }
            if field.readonly {
                label.push(Span::styled(" (read-only)", styles.muted));
            }
            if let Widget::Heading = field.widget {
                rows.push(Row::Text(Line::from(label).style(Style::new().add_modifier(Modifier::BOLD))));
                continue;
            }
            rows.push(Row::Text(Line::from(label)));
            let state = self.states.get(&field.pointer()).map(|(_, s)| s);
            let inner = indent + 4;
            let inner_pad = " ".repeat(inner as usize);
            match (state, &field.widget) {
                (Some(FieldState::Bool(v)), _) => {
                    let mark = if v.unwrap_or(false) { "[x] yes" } else { "[ ] no" };
                    let style = if focused { styles.focus } else { styles.text };
                    rows.push(Row::Text(Line::from(vec![Span::raw(inner_pad.clone()), Span::styled(mark, style)])));
                }
                (Some(FieldState::Select { chosen, cursor }), Widget::Select { options, radio }) => {
                    if focused || *radio {
                        for (i, (_, name)) in window(options.len(), *cursor, 6).map(|i| (i, &options[i])) {
                            let mark = if *chosen == Some(i) { "(•) " } else { "( ) " };
                            let style = if focused && i == *cursor { styles.focus } else { styles.text };
                            rows.push(Row::Text(Line::from(vec![
                                Span::raw(inner_pad.clone()),
                                Span::styled(format!("{mark}{}", name), style),
                            ])));
                        }
                    } else {
                        let shown = chosen.and_then(|i| options.get(i)).map(|o| o.1.clone());
                        rows.push(Row::Text(value_line(&inner_pad, shown, styles)));
                    }
                }
                (Some(FieldState::Multi { chosen, cursor }), Widget::MultiSelect { options }) => {
                    for i in window(options.len(), *cursor, 6) {
                        let mark = if chosen.get(i).copied().unwrap_or(false) { "[x] " } else { "[ ] " };
                        let style = if focused && i == *cursor { styles.focus } else { styles.text };
                        rows.push(Row::Text(Line::from(vec![
                            Span::raw(inner_pad.clone()),
                            Span::styled(format!("{mark}{}", options[i].1), style),
                        ])));
                    }
                }
                (Some(FieldState::Picker { picked, .. }), _) => {
                    if !picked.is_empty() {
                        let chips: Vec<String> = picked.iter().map(|p| format!("[{}]", clean_line(p))).collect();
                        rows.push(Row::Text(Line::from(vec![
                            Span::raw(inner_pad.clone()),
                            Span::styled(chips.join(" "), styles.ok),
                        ])));
                    }
                    rows.push(Row::Input(index, 0, inner, 1));
                }
                (Some(FieldState::Repo { .. }), _) => {
                    for part in 0..REPO_PARTS.len() {
                        rows.push(Row::Input(index, part, inner, 1));
                    }
                }
                (Some(FieldState::Text(input)), widget) => {
                    if let Widget::Raw { note } = widget {
                        rows.push(Row::Text(Line::styled(format!("{inner_pad}{note}"), styles.muted)));
                    }
                    let lines = if input.is_multi_line() { 3 } else { 1 };
                    rows.push(Row::Input(index, 0, inner, lines));
                    for _ in 1..lines {
                        rows.push(Row::Below);
                    }
                }
                _ => {}
            }
            for note in [&field.help, &field.description].into_iter().flatten() {
                rows.push(Row::Text(Line::styled(format!("{inner_pad}{note}"), styles.muted)));
            }
            if let Some(problem) = self.shown_error(field) {
                rows.push(Row::Text(Line::styled(format!("{inner_pad}✗ {}: {problem}", field.label), styles.error)));
            }
            if focused {
                span = (start, rows.len());
            }
        }
        (rows, span)
    }

    /// One slot of an input: a multi-line input takes its three slots as one area.
    fn render_input(
        &self,
        frame: &mut Frame,
        rect: Rect,
        styles: &FormStyles,
        index: usize,
        part: usize,
        focused: bool,
    ) {
        let Some(field) = self.fields.get(index) else { return };
        let Some((_, state)) = self.states.get(&field.pointer()) else { return };
        match state {
            FieldState::Text(input) | FieldState::Picker { query: input, .. } => {
                input.render(frame, rect, styles.input, focused && !field.readonly);
            }
            FieldState::Repo { parts, part: current } => {
                let label = format!("{:<13}", format!("{}:", REPO_PARTS[part]));
                let label_width = (label.chars().count() as u16).min(rect.width);
                frame.render_widget(
                    Paragraph::new(Span::styled(label, styles.muted)),
                    Rect { width: label_width, ..rect },
                );
                let area = Rect { x: rect.x + label_width, width: rect.width - label_width, ..rect };
                parts[part].render(frame, area, styles.input, focused && part == *current);
            }
            _ => {}
        }
    }

    fn render_popup(&self, frame: &mut Frame, body: Rect, input: Rect, styles: &FormStyles, source: &dyn PickerSource) {
        let Some(field) = self.fields.get(self.focus) else { return };
        let Some((_, FieldState::Picker { query, open: true, highlight, .. })) = self.states.get(&field.pointer())
        else {
            return;
        };
        let Widget::Picker(spec) = &field.widget else { return };
        if !spec.has_popup() {
            return;
        }
        let text = query.text();
        let key = field.pointer();
        let mut cache = self.view.popup.borrow_mut();
        let fresh = cache.as_ref().is_some_and(|(k, q, _)| *k == key && *q == text);
        if !fresh {
            *cache = Some((key, text.clone(), spec.choices(source, &text, POPUP_ROWS)));
        }
        let rows = &cache.as_ref().expect("just filled").2;
        // Below the input when it fits, else above it.
        let want = (rows.len().max(1) as u16 + 2).min(POPUP_ROWS as u16 + 2);
        let below = body.bottom().saturating_sub(input.y + 1);
        let above = input.y.saturating_sub(body.y);
        let (y, height) = if below >= want || below >= above {
            (input.y + 1, want.min(below))
        } else {
            (input.y - want.min(above), want.min(above))
        };
        if height < 3 {
            return;
        }
        let area = Rect { x: input.x, y, width: input.width.min(body.right() - input.x).min(64), height };
        frame.render_widget(Clear, area);
        let block = ratatui::widgets::Block::bordered().border_style(styles.muted);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let lines: Vec<Line> = if rows.is_empty() {
            vec![Line::styled(
                if spec.allow_arbitrary { "no match: enter keeps the text" } else { "no match" },
                styles.muted,
            )]
        } else {
            rows.iter()
                .enumerate()
                .map(|(i, choice)| {
                    let style = if i == *highlight { styles.focus } else { styles.text };
                    Line::from(vec![
                        Span::styled(clean_line(&choice.label), style),
                        Span::raw("  "),
                        Span::styled(clean_line(&choice.detail), styles.muted),
                    ])
                })
                .collect()
        };
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn render_review(&self, frame: &mut Frame, body: Rect, styles: &FormStyles) {
        let entries = self.review();
        let width = entries.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0).min(30);
        let mut lines = vec![Line::styled("Review", styles.title)];
        for (label, value) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!("{label:<width$}  "), styles.muted),
                Span::styled(value, styles.text),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), body);
    }
}

fn value_line(pad: &str, shown: Option<String>, styles: &FormStyles) -> Line<'static> {
    match shown {
        Some(text) => Line::from(vec![Span::raw(pad.to_string()), Span::styled(text, styles.text)]),
        None => Line::from(vec![Span::raw(pad.to_string()), Span::styled("(none)", styles.muted)]),
    }
}

/// The indices to show of a long list: `size` of them around `cursor`.
fn window(len: usize, cursor: usize, size: usize) -> std::ops::Range<usize> {
    let start = cursor.saturating_sub(size / 2).min(len.saturating_sub(size));
    start..(start + size).min(len)
}
