//! The doc screens: a page (header, text, TOC pane, search line), the
//! runbook picker, and Backstage search results. Text arrives laid out and
//! sanitised; here it only gets theme styles, matches and the selection.

use super::state::{DocPage, DocScreen, Focus, PageStatus, Picker, Results};
use crate::docs::effects::Origin;
use crate::docs::model::{DocSpan, Marks, Role};
use crate::docs::target::DocTarget;
use crate::layout::{TOC_SIDE_MIN, TOC_WIDTH};
use crate::state::State;
use crate::ui::age;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::{highlighted, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, state: &State, screen: &DocScreen, theme: &Theme) {
    match screen {
        DocScreen::Page(page) => render_page(frame, area, state, page, theme),
        DocScreen::Picker(picker) => render_picker(frame, area, state, picker, theme),
        DocScreen::Results(results) => render_results(frame, area, results, theme),
    }
}

fn origin_badge(state: &State, page: &DocPage, theme: &Theme) -> Span<'static> {
    match &page.origin {
        Some(Origin::Cached { fetched_at, reason }) => {
            let a = age(state.now, *fetched_at);
            let when = if a == "just now" { a } else { format!("{a} ago") };
            if reason.is_empty() {
                Span::styled(format!(" cached {when} · refreshing… "), theme.muted())
            } else {
                Span::styled(format!(" offline · cached {when} "), theme.warn().add_modifier(Modifier::REVERSED))
            }
        }
        Some(Origin::Local) => Span::styled(" local file ", theme.muted()),
        Some(Origin::Live) => Span::styled(" live ", theme.ok()),
        None => Span::raw(""),
    }
}

fn render_page(frame: &mut Frame, area: Rect, state: &State, page: &DocPage, theme: &Theme) {
    let [head, body, foot] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let total = page.page.as_ref().map_or(0, |p| p.lines.len());
    let rows = body.height as usize;
    let position = if total > rows {
        format!(" {}% ", ((page.scroll + rows).min(total) * 100) / total.max(1))
    } else {
        String::new()
    };
    let header = Line::from(vec![
        Span::styled(page.title.clone(), theme.title()),
        Span::styled(format!("  {}  ", page.target.label()), theme.muted()),
        origin_badge(state, page, theme),
        Span::styled(position, theme.muted()),
    ]);
    frame.render_widget(Paragraph::new(header), head);

    let (toc_area, text_area) = if page.toc_visible && state.width >= TOC_SIDE_MIN {
        let [toc, _, text] =
            Layout::horizontal([Constraint::Length(TOC_WIDTH), Constraint::Length(1), Constraint::Min(1)]).areas(body);
        (Some(toc), text)
    } else if page.toc_visible {
        (Some(body), Rect::default())
    } else {
        (None, body)
    };
    match &page.status {
        PageStatus::Loading => {
            frame.render_widget(Paragraph::new(Span::styled("Loading…", theme.muted())), text_area);
        }
        PageStatus::Failed(error) => {
            let lines = vec![
                Line::styled("This page could not be loaded, and there is no cached copy.", theme.crit()),
                Line::raw(""),
                Line::raw(error.clone()),
                Line::raw(""),
                Line::from(vec![
                    Span::styled("Address: ", theme.muted()),
                    Span::styled(page.target.browser_url(state.docs.server.as_deref()), theme.link()),
                ]),
                Line::styled(
                    "o opens it in the browser (over SSH: shows and copies it); r tries again.",
                    theme.muted(),
                ),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
        }
        PageStatus::Ready => render_text(frame, text_area, page, theme),
    }
    if let Some(toc) = toc_area {
        render_toc(frame, toc, page, theme);
    }
    frame.render_widget(Paragraph::new(footer_line(state, page, theme)), foot);
}

fn span_style(theme: &Theme, marks: Marks) -> Style {
    let mut style = match marks.role {
        Role::Text => theme.text(),
        Role::Heading(1) => theme.title(),
        Role::Heading(_) => theme.heading(),
        Role::Marker | Role::Muted => theme.muted(),
        Role::Code | Role::CodeBlock => theme.code(),
    };
    if marks.bold {
        style = style.add_modifier(Modifier::BOLD);
    }
    if marks.italic {
        style = style.add_modifier(Modifier::ITALIC);
    }
    if marks.strike {
        style = style.add_modifier(Modifier::CROSSED_OUT);
    }
    if marks.link.is_some() && !matches!(marks.role, Role::Marker | Role::Muted) {
        style = style.patch(theme.link());
    }
    style
}

fn is_focused(marks: Marks, focus: Option<Focus>) -> bool {
    match focus {
        Some(Focus::Link(i)) => marks.link == Some(i as u32),
        // The frame of a selected code block lights up; its text stays readable.
        Some(Focus::Code(i)) => marks.code_block == Some(i as u32) && marks.role == Role::Marker,
        None => false,
    }
}

/// One line with theme styles, the selection and search matches applied.
fn styled_line(spans: &[DocSpan], line: usize, page: &DocPage, theme: &Theme) -> Line<'static> {
    let mut cells: Vec<(char, Style)> = Vec::new();
    for span in spans {
        let mut style = span_style(theme, span.marks);
        if is_focused(span.marks, page.focus) {
            style = style.patch(theme.selection());
        }
        cells.extend(span.text.chars().map(|c| (c, style)));
    }
    for (i, m) in page.search.matches.iter().enumerate().filter(|(_, m)| m.line == line) {
        let current = i == page.search.current;
        let mark = if current { theme.selection() } else { theme.matched().add_modifier(Modifier::REVERSED) };
        for cell in cells.iter_mut().skip(m.start).take(m.len) {
            cell.1 = cell.1.patch(mark);
        }
    }
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Style> = None;
    for (c, style) in cells {
        if current.is_some_and(|s| s != style) {
            out.push(Span::styled(std::mem::take(&mut text), current.unwrap_or_default()));
        }
        current = Some(style);
        text.push(c);
    }
    if !text.is_empty() {
        out.push(Span::styled(text, current.unwrap_or_default()));
    }
    Line::from(out)
}

fn render_text(frame: &mut Frame, area: Rect, page: &DocPage, theme: &Theme) {
    let Some(laid) = &page.page else { return };
    let area = Rect { x: area.x + 1, width: area.width.saturating_sub(1), ..area };
    let lines: Vec<Line> = laid
        .lines
        .iter()
        .enumerate()
        .skip(page.scroll)
        .take(area.height as usize)
        .map(|(i, spans)| styled_line(spans, i, page, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_toc(frame: &mut Frame, area: Rect, page: &DocPage, theme: &Theme) {
    let Some(doc) = &page.doc else { return };
    let here = page.current_heading();
    let height = area.height.saturating_sub(1) as usize;
    let offset = page.toc_selected.saturating_sub(height.saturating_sub(2));
    let mut lines =
        vec![Line::styled(if page.toc_focus { "Contents (enter jumps)" } else { "Contents (t)" }, theme.heading())];
    for (i, h) in doc.headings.iter().enumerate().skip(offset).take(height) {
        let indent = "  ".repeat(h.level.saturating_sub(1).min(4) as usize);
        let marker = if i == here { "▸ " } else { "  " };
        let text = truncate(&format!("{marker}{indent}{}", h.text), area.width.saturating_sub(1) as usize);
        let style = if page.toc_focus && i == page.toc_selected {
            theme.selection()
        } else if i == here {
            theme.key()
        } else {
            theme.text()
        };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}

fn footer_line(state: &State, page: &DocPage, theme: &Theme) -> Line<'static> {
    let search = &page.search;
    if search.typing {
        let count =
            if search.input.is_empty() { String::new() } else { format!("   {} matches", search.matches.len()) };
        return Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(search.input.text()),
            Span::styled("█", theme.muted()),
            Span::styled(count, theme.muted()),
        ]);
    }
    if !search.query.is_empty() {
        let n = search.matches.len();
        let at = if n == 0 { "no match".to_string() } else { format!("match {} of {n}", search.current + 1) };
        return Line::from(vec![
            Span::styled(format!("/{}", search.query), theme.key()),
            Span::styled(format!("   {at}   n next · N previous · esc clears"), theme.muted()),
        ]);
    }
    let doc = page.doc.as_deref();
    match page.focus {
        Some(Focus::Link(i)) => {
            let href = doc.and_then(|d| d.links.get(i)).map(|l| l.href.clone()).unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("[{}] ", i + 1), theme.key()),
                Span::styled(truncate(&href, (state.width as usize).saturating_sub(45)), theme.link()),
                Span::styled("   enter follows · y copies · o browser", theme.muted()),
            ])
        }
        Some(Focus::Code(i)) => {
            let code = doc.and_then(|d| d.code_blocks.get(i));
            let lines = code.map_or(0, |c| c.text.lines().count());
            let lang = code.map(|c| c.lang.clone()).filter(|l| !l.is_empty()).unwrap_or_else(|| "code".into());
            Line::from(vec![
                Span::styled(format!("{lang} block, {lines} lines"), theme.key()),
                Span::styled("   y copies it (OSC 52) · tab next", theme.muted()),
            ])
        }
        None => {
            let truncated = doc.is_some_and(|d| d.truncated);
            let counts = doc.map_or(String::new(), |d| {
                let n = |count: usize, what: &str| format!("{count} {what}{}", if count == 1 { "" } else { "s" });
                let (h, l, c) =
                    (n(d.headings.len(), "heading"), n(d.links.len(), "link"), n(d.code_blocks.len(), "code block"));
                format!("{h} · {l} · {c}")
            });
            let mut spans = vec![Span::styled(counts, theme.muted())];
            if truncated {
                spans.push(Span::styled("  (page cut at the size limit)", theme.warn()));
            }
            Line::from(spans)
        }
    }
}

fn origin_label(target: &DocTarget) -> &'static str {
    match target {
        DocTarget::Local { .. } => "docs",
        DocTarget::TechDocs { .. } => "TechDocs",
        DocTarget::Url(_) => "web",
    }
}

fn render_picker(frame: &mut Frame, area: Rect, state: &State, picker: &Picker, theme: &Theme) {
    let mut lines = vec![Line::styled(picker.title.clone(), theme.title())];
    if let Some(note) = &picker.note {
        lines.push(Line::styled(note.clone(), theme.warn()));
    }
    lines.push(Line::raw(""));
    if picker.loading {
        lines.push(Line::styled("Finding runbooks…", theme.muted()));
    }
    let width = area.width as usize;
    for (i, r) in picker.runbooks.iter().enumerate() {
        let selected = i == picker.selected;
        let base = if selected { theme.selection() } else { theme.text() };
        let kind = match r.rank {
            0 => "runbook",
            1 => "runbook",
            2 => "on-call",
            _ => "doc",
        };
        let address = match &r.target {
            DocTarget::Local { .. } => r.target.label(),
            other => other.browser_url(state.docs.server.as_deref()),
        };
        let where_ = format!("{} · {} · {}", kind, origin_label(&r.target), address);
        lines.push(Line::from(vec![
            Span::styled(format!("{} {:<32}", if selected { "▶" } else { " " }, truncate(&r.title, 32)), base),
            Span::styled(
                format!(" {}", truncate(&where_, width.saturating_sub(36))),
                if selected { base } else { theme.muted() },
            ),
        ]));
    }
    let offset = (picker.selected + 4).saturating_sub(area.height as usize);
    frame.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), area);
}

fn render_results(frame: &mut Frame, area: Rect, results: &Results, theme: &Theme) {
    let total = results.total.map_or_else(|| results.results.len().to_string(), |t| t.to_string());
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("Search “{}”", results.query), theme.title()),
        Span::styled(format!("  {total} results · catalog and TechDocs"), theme.muted()),
    ])];
    if let Some(error) = &results.error {
        lines.push(Line::styled(error.clone(), theme.crit()));
    }
    if results.loading {
        lines.push(Line::styled("Searching…", theme.muted()));
    } else if results.results.is_empty() && results.error.is_none() {
        lines.push(Line::styled("Nothing found.", theme.muted()));
    }
    lines.push(Line::raw(""));
    let width = area.width as usize;
    let mut selected_line = 0;
    for (i, r) in results.results.iter().enumerate() {
        let selected = i == results.selected;
        if selected {
            selected_line = lines.len();
        }
        let base = if selected { theme.selection() } else { theme.text() };
        let badge = match r.kind.as_str() {
            "software-catalog" => "catalog ",
            "techdocs" => "docs    ",
            _ => "other   ",
        };
        let title = truncate(&r.title, width.saturating_sub(12));
        let mut first = vec![Span::styled(format!("{} {badge}", if selected { "▶" } else { " " }), theme.key())];
        first.extend(highlighted(&title, &expand(&r.title_marks), base, theme.matched()).spans);
        first.push(Span::styled(format!("  {}", r.location), theme.muted()));
        lines.push(Line::from(first));
        let text = truncate(&r.text, width.saturating_sub(12));
        let mut second = vec![Span::raw("           ")];
        second.extend(highlighted(&text, &expand(&r.text_marks), theme.muted(), theme.matched()).spans);
        lines.push(Line::from(second));
    }
    if results.next_cursor.is_some() {
        let selected = results.selected == results.results.len();
        if selected {
            selected_line = lines.len();
        }
        let style = if selected { theme.selection() } else { theme.key() };
        lines.push(Line::styled("  … more results (enter loads them)", style));
    }
    let offset = (selected_line + 3).saturating_sub(area.height as usize);
    frame.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), area);
}

/// Char ranges to the sorted char positions `highlighted` wants.
fn expand(marks: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<usize> = marks.iter().flat_map(|(s, n)| *s..s + n).collect();
    out.sort_unstable();
    out.dedup();
    out
}
