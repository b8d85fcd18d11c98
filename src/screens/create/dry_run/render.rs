//! Drawing the dry-run: a summary, then steps, files and output on the left
//! and the log on the right; or one file's content.

use super::{DryRunPhase, DryRunView};
use crate::backstage::dry_run::{DryRunResult, ProducedFile};
use crate::exec::dry_run::DryRunReport;
use crate::sanitize::{clean_line, clean_multiline};
use crate::sync::backstage::human_bytes;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use serde_json::Value;

pub fn render(view: &DryRunView, frame: &mut Frame, area: Rect, theme: &Theme) {
    let head = Line::from(vec![
        Span::styled("Dry-run: ", theme.muted()),
        Span::styled(view.title.clone(), theme.title()),
        Span::styled("  (nothing is created)", theme.muted()),
    ]);
    let report = match &view.phase {
        DryRunPhase::Running => {
            let lines = vec![head, Line::styled("Running the template's steps on the server…", theme.warn())];
            return frame.render_widget(Paragraph::new(lines), area);
        }
        DryRunPhase::Failed(e) => {
            let lines = vec![
                head,
                Line::styled("The dry-run failed:", theme.crit()),
                Line::raw(e.clone()),
                Line::styled("esc goes back to the form (fields the server refused show its message)", theme.muted()),
            ];
            return frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        }
        DryRunPhase::Done(report) => report,
    };
    if let Some(file) = view.viewing.and_then(|i| report.result.files.get(i)) {
        return render_file(file, view.scroll, frame, area, theme);
    }
    let mut top = vec![head, summary(report, theme)];
    top.extend(report.notes.iter().map(|n| Line::styled(format!("note: {}", clean_line(n)), theme.warn())));
    let [top_area, body] = Layout::vertical([Constraint::Length(top.len() as u16), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), top_area);
    let left_width = (body.width * 2 / 5).clamp(24.min(body.width), 60);
    let [left, right] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(1)]).areas(body);
    render_left(view, &report.result, frame, left, theme);
    render_log(view, &report.result, frame, right, theme);
}

fn summary(report: &DryRunReport, theme: &Theme) -> Line<'static> {
    let result = &report.result;
    let (word, style) = if result.succeeded() { ("succeeded", theme.ok()) } else { ("failed", theme.crit()) };
    Line::from(vec![
        Span::styled(word, style),
        Span::styled(
            format!(
                "  · {} step(s) · {} file(s) produced · {} of the template's file(s) sent",
                result.steps.len(),
                result.files.len(),
                report.sent_files
            ),
            theme.muted(),
        ),
    ])
}

fn render_left(view: &DryRunView, result: &DryRunResult, frame: &mut Frame, area: Rect, theme: &Theme) {
    let width = area.width as usize;
    let mut lines = vec![Line::styled("Steps", theme.heading())];
    for step in &result.steps {
        let status = result.step_status(&step.id);
        let (mark, style) = match status {
            "completed" => ("✓", theme.ok()),
            "failed" => ("✗", theme.crit()),
            "skipped" => ("-", theme.muted()),
            _ => ("·", theme.muted()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} "), style),
            Span::styled(truncate(&step.name, width.saturating_sub(16)), theme.text()),
            Span::styled(format!("  {status}"), theme.muted()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(format!("Files ({})", result.files.len()), theme.heading()));
    if result.files.is_empty() {
        lines.push(Line::styled(" none", theme.muted()));
    }
    let mut shown_dirs: Vec<String> = Vec::new();
    for (i, file) in result.files.iter().enumerate() {
        // Sanitised whole first: an escape sequence may hold a `/` of its own.
        let parts: Vec<String> = clean_line(&file.path).split('/').map(str::to_string).collect();
        let (name, dirs) = parts.split_last().map(|(n, d)| (n.clone(), d.to_vec())).unwrap_or_default();
        // The folders this file is in that the previous one was not.
        let common = shown_dirs.iter().zip(&dirs).take_while(|(a, b)| a == b).count();
        for (depth, dir) in dirs.iter().enumerate().skip(common) {
            lines.push(Line::styled(format!(" {}{dir}/", "  ".repeat(depth)), theme.muted()));
        }
        shown_dirs = dirs.clone();
        let (style, mark) = if i == view.selected { (theme.selection(), "▸") } else { (theme.text(), " ") };
        let size =
            format!("  {}{}", human_bytes(file.content.len() as u64), if file.executable { " exec" } else { "" });
        let indent = "  ".repeat(dirs.len());
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark}{indent}{}", truncate(&name, width.saturating_sub(indent.len() + size.len() + 1))),
                style,
            ),
            Span::styled(size, theme.muted()),
        ]));
    }
    let output = output_lines(&result.output);
    if !output.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Output", theme.heading()));
        lines.extend(output.into_iter().map(|l| Line::raw(format!(" {}", truncate(&l, width.saturating_sub(1))))));
    }
    // Keep the selected file in sight.
    let selected_row =
        lines.iter().position(|l| l.spans.first().is_some_and(|s| s.style == theme.selection())).unwrap_or(0);
    let skip = (selected_row + 1).saturating_sub(area.height as usize);
    frame.render_widget(Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()), area);
}

/// The output's links (`title → target`) and texts, sanitised.
pub fn output_lines(output: &Value) -> Vec<String> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(clean_line);
    let mut lines = Vec::new();
    for link in output.get("links").and_then(Value::as_array).into_iter().flatten() {
        let target = text(link, "entityRef").or_else(|| text(link, "url")).unwrap_or_default();
        lines.push(format!("↗ {}  {target}", text(link, "title").unwrap_or_default()));
    }
    for t in output.get("text").and_then(Value::as_array).into_iter().flatten() {
        lines.push(format!("{}:", text(t, "title").unwrap_or_default()));
        let content = t.get("content").and_then(Value::as_str).unwrap_or("");
        lines.extend(clean_multiline(content).lines().map(|l| format!("  {l}")));
    }
    if let Some(map) = output.as_object() {
        for (key, value) in map.iter().filter(|(k, _)| *k != "links" && *k != "text") {
            let shown = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
            lines.push(format!("{}: {}", clean_line(key), clean_line(&shown)));
        }
    }
    lines
}

fn render_log(view: &DryRunView, result: &DryRunResult, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(Line::styled("Log", theme.heading())), title);
    let rows = body.height as usize;
    let start = view.log_scroll.unwrap_or(result.log.len().saturating_sub(rows));
    let width = body.width as usize;
    let lines: Vec<Line> = result
        .log
        .iter()
        .skip(start)
        .take(rows)
        .map(|line| {
            let step = line.step_id.as_deref().unwrap_or("");
            Line::from(vec![
                Span::styled(format!("{:<10} ", truncate(step, 10)), theme.muted()),
                Span::raw(truncate(&line.message, width.saturating_sub(11))),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

/// A file's lines as shown: text sanitised, or one line saying it is binary.
pub fn content_lines(file: &ProducedFile) -> Vec<String> {
    match std::str::from_utf8(&file.content) {
        Ok(text) if !text.contains('\0') => clean_multiline(text).lines().map(str::to_string).collect(),
        _ => vec![format!("(binary file, {} bytes: not shown)", file.content.len())],
    }
}

fn render_file(file: &ProducedFile, scroll: usize, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(clean_line(&file.path), theme.title()),
            Span::styled(
                format!(
                    "  {}{}  (esc: back to the files)",
                    human_bytes(file.content.len() as u64),
                    if file.executable { ", executable" } else { "" }
                ),
                theme.muted(),
            ),
        ])),
        head,
    );
    let lines: Vec<Line> =
        content_lines(file).into_iter().skip(scroll).take(body.height as usize).map(Line::raw).collect();
    frame.render_widget(Paragraph::new(lines), body);
}
