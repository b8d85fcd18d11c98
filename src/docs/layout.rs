//! Lays a [`ParsedDoc`] out at a width: word wrap with the block's prefixes,
//! framed code blocks, box-drawn tables. The result maps every heading, link
//! and code block to its screen line, for the TOC, search and copying.

use super::model::*;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A laid-out page: lines of spans, plus where things landed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub width: u16,
    pub lines: Vec<Vec<DocSpan>>,
    /// First line of each block.
    pub block_lines: Vec<usize>,
    /// First line showing each link.
    pub link_lines: Vec<usize>,
    /// Lines `[start, end)` of each code block, frame included.
    pub code_lines: Vec<(usize, usize)>,
}

impl Page {
    /// The plain text of a line, for search.
    pub fn line_text(&self, line: usize) -> String {
        self.lines.get(line).map_or_else(String::new, |spans| spans.iter().map(|s| s.text.as_str()).collect())
    }

    /// The line a heading starts on.
    pub fn heading_line(&self, doc: &ParsedDoc, heading: usize) -> usize {
        doc.headings.get(heading).and_then(|h| self.block_lines.get(h.block)).copied().unwrap_or(0)
    }
}

/// Columns below which nothing is wrapped any further (tiny terminals).
const MIN_WIDTH: usize = 20;

pub fn layout(doc: &ParsedDoc, width: u16) -> Page {
    let width_cols = (width as usize).max(MIN_WIDTH);
    let mut page = Page {
        width,
        link_lines: vec![usize::MAX; doc.links.len()],
        code_lines: vec![(0, 0); doc.code_blocks.len()],
        ..Page::default()
    };
    for block in &doc.blocks {
        if block.space_before {
            page.lines.push(Vec::new());
        }
        page.block_lines.push(page.lines.len());
        match &block.kind {
            BlockKind::Paragraph => {
                page.lines.extend(wrap(&block.spans, &block.first_prefix, &block.rest_prefix, width_cols));
            }
            BlockKind::Heading(level) => {
                let marks = Marks { bold: true, ..Marks::role(Role::Heading(*level)) };
                let spans: Vec<DocSpan> = block
                    .spans
                    .iter()
                    .map(|s| {
                        DocSpan::new(s.text.clone(), Marks { link: s.marks.link, italic: s.marks.italic, ..marks })
                    })
                    .collect();
                let lines = wrap(&spans, &block.first_prefix, &block.rest_prefix, width_cols);
                let underline = match level {
                    1 => Some('━'),
                    2 => Some('─'),
                    _ => None,
                };
                let text_width = lines.iter().map(|l| spans_width(l)).max().unwrap_or(0);
                page.lines.extend(lines);
                if let Some(c) = underline {
                    let mut line = block.rest_prefix.clone();
                    let used = spans_width(&line);
                    line.push(DocSpan::new(
                        c.to_string().repeat(text_width.saturating_sub(used).max(3)),
                        Marks::role(Role::Heading(*level)),
                    ));
                    page.lines.push(line);
                }
            }
            BlockKind::Code(index) => {
                let start = page.lines.len();
                code_block(&mut page, doc, block, *index, width_cols);
                if let Some(slot) = page.code_lines.get_mut(*index as usize) {
                    *slot = (start, page.lines.len());
                }
            }
            BlockKind::Rule => {
                let mut line = block.first_prefix.clone();
                let used = spans_width(&line);
                line.push(DocSpan::new("─".repeat(width_cols.saturating_sub(used).min(72)), Marks::role(Role::Marker)));
                page.lines.push(line);
            }
            BlockKind::Table(rows) => table(&mut page, rows, block, width_cols),
        }
    }
    for (i, line) in page.lines.iter().enumerate() {
        for span in line {
            if let Some(link) = span.marks.link {
                if let Some(slot) = page.link_lines.get_mut(link as usize) {
                    if *slot == usize::MAX {
                        *slot = i;
                    }
                }
            }
        }
    }
    page
}

pub fn spans_width(spans: &[DocSpan]) -> usize {
    spans.iter().map(|s| s.text.width()).sum()
}

fn push_merged(line: &mut Vec<DocSpan>, text: &str, marks: Marks) {
    match line.last_mut() {
        Some(last) if last.marks == marks => last.text.push_str(text),
        _ => line.push(DocSpan::new(text, marks)),
    }
}

enum Atom<'a> {
    Space(Marks),
    Break,
    Word(Vec<(&'a str, Marks)>),
}

/// Split spans into words (which may cross span boundaries), spaces and breaks.
fn atoms(spans: &[DocSpan]) -> Vec<Atom<'_>> {
    let mut out = Vec::new();
    let mut word: Vec<(&str, Marks)> = Vec::new();
    for span in spans {
        let mut rest = span.text.as_str();
        while !rest.is_empty() {
            let boundary = rest.find([' ', '\n']).unwrap_or(rest.len());
            if boundary > 0 {
                word.push((&rest[..boundary], span.marks));
                rest = &rest[boundary..];
                continue;
            }
            if !word.is_empty() {
                out.push(Atom::Word(std::mem::take(&mut word)));
            }
            out.push(if rest.starts_with('\n') { Atom::Break } else { Atom::Space(span.marks) });
            rest = &rest[1..];
        }
    }
    if !word.is_empty() {
        out.push(Atom::Word(word));
    }
    out
}

/// Greedy word wrap; words wider than a line are cut by columns.
pub fn wrap(spans: &[DocSpan], first: &[DocSpan], rest: &[DocSpan], width: usize) -> Vec<Vec<DocSpan>> {
    let mut lines = Vec::new();
    let mut line = first.to_vec();
    let mut used = spans_width(first);
    let mut has_text = false;
    let rest_width = spans_width(rest);
    let new_line = |lines: &mut Vec<Vec<DocSpan>>, line: &mut Vec<DocSpan>, used: &mut usize| {
        lines.push(std::mem::replace(line, rest.to_vec()));
        *used = rest_width;
    };
    let mut pending_space: Option<Marks> = None;
    for atom in atoms(spans) {
        match atom {
            Atom::Break => {
                new_line(&mut lines, &mut line, &mut used);
                has_text = false;
                pending_space = None;
            }
            Atom::Space(marks) => {
                if has_text {
                    pending_space = Some(marks);
                }
            }
            Atom::Word(parts) => {
                let word_width: usize = parts.iter().map(|(t, _)| t.width()).sum();
                let space = usize::from(pending_space.is_some());
                if has_text && used + space + word_width > width {
                    new_line(&mut lines, &mut line, &mut used);
                    pending_space = None;
                } else if let Some(marks) = pending_space.take() {
                    push_merged(&mut line, " ", marks);
                    used += 1;
                }
                for (text, marks) in parts {
                    if used + text.width() <= width {
                        push_merged(&mut line, text, marks);
                        used += text.width();
                        continue;
                    }
                    for c in text.chars() {
                        let w = c.width().unwrap_or(0);
                        if used + w > width && used > rest_width {
                            new_line(&mut lines, &mut line, &mut used);
                        }
                        let mut buf = [0u8; 4];
                        push_merged(&mut line, c.encode_utf8(&mut buf), marks);
                        used += w;
                    }
                }
                has_text = true;
            }
        }
    }
    lines.push(line);
    lines
}

fn code_block(page: &mut Page, doc: &ParsedDoc, block: &Block, index: u32, width: usize) {
    let Some(code) = doc.code_blocks.get(index as usize) else { return };
    let frame = Marks { code_block: Some(index), ..Marks::role(Role::Marker) };
    let text = Marks { code_block: Some(index), ..Marks::role(Role::CodeBlock) };
    let mut top = block.first_prefix.clone();
    top.push(DocSpan::new("┌─", frame));
    if !code.lang.is_empty() {
        top.push(DocSpan::new(
            format!(" {} ", code.lang),
            Marks { code_block: Some(index), ..Marks::role(Role::Muted) },
        ));
    }
    page.lines.push(top);
    let inner = width.saturating_sub(spans_width(&block.rest_prefix) + 2).max(8);
    for source_line in code.text.split('\n') {
        // Long lines are folded, not cut: the fold mark shows it is one line.
        let mut bar = "│ ";
        let mut chunk = String::new();
        let mut used = 0;
        for c in source_line.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > inner {
                push_code_line(page, &block.rest_prefix, bar, std::mem::take(&mut chunk), frame, text);
                bar = "┆ ";
                used = 0;
            }
            chunk.push(c);
            used += w;
        }
        push_code_line(page, &block.rest_prefix, bar, chunk, frame, text);
    }
    let mut bottom = block.rest_prefix.clone();
    bottom.push(DocSpan::new("└─", frame));
    page.lines.push(bottom);
}

fn push_code_line(page: &mut Page, prefix: &[DocSpan], bar: &str, chunk: String, frame: Marks, text: Marks) {
    let mut line = prefix.to_vec();
    line.push(DocSpan::new(bar, frame));
    if !chunk.is_empty() {
        line.push(DocSpan::new(chunk, text));
    }
    page.lines.push(line);
}

/// Column widths that fit `available`: natural widths, the widest shrunk first.
fn column_widths(natural: &[usize], available: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = natural.iter().map(|w| (*w).max(1)).collect();
    let floor = 6;
    while widths.iter().sum::<usize>() > available {
        let (i, widest) = widths.iter().enumerate().max_by_key(|(_, w)| **w).map(|(i, w)| (i, *w)).unwrap_or((0, 0));
        if widest <= floor {
            break;
        }
        widths[i] = widest - 1;
    }
    widths
}

/// Columns shown at most; wider tables are cut (a runbook table is never that wide).
const MAX_COLUMNS: usize = 24;

fn table(page: &mut Page, rows: &[TableRow], block: &Block, width: usize) {
    let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).min(MAX_COLUMNS);
    if columns == 0 {
        return;
    }
    let mut natural = vec![0usize; columns];
    for row in rows {
        for (i, cell) in row.cells.iter().take(columns).enumerate() {
            natural[i] = natural[i].max(spans_width(cell).min(width));
        }
    }
    let prefix_width = spans_width(&block.rest_prefix);
    let borders = 3 * columns + 1;
    let widths = column_widths(&natural, width.saturating_sub(prefix_width + borders).max(columns));
    let border = Marks::role(Role::Marker);
    let rule = |left: &str, mid: &str, right: &str, first: bool| {
        let mut line = if first { block.first_prefix.clone() } else { block.rest_prefix.clone() };
        let mut text = left.to_string();
        for (i, w) in widths.iter().enumerate() {
            text.push_str(&"─".repeat(w + 2));
            text.push_str(if i + 1 == widths.len() { right } else { mid });
        }
        line.push(DocSpan::new(text, border));
        line
    };
    page.lines.push(rule("┌", "┬", "┐", true));
    for (r, row) in rows.iter().enumerate() {
        let cells: Vec<Vec<Vec<DocSpan>>> = (0..columns)
            .map(|i| {
                let spans: Vec<DocSpan> = row
                    .cells
                    .get(i)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| DocSpan { marks: Marks { bold: s.marks.bold || row.header, ..s.marks }, ..s })
                    .collect();
                wrap(&spans, &[], &[], widths[i])
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for y in 0..height {
            let mut line = block.rest_prefix.clone();
            line.push(DocSpan::new("│ ", border));
            for (i, cell) in cells.iter().enumerate() {
                let content = cell.get(y).cloned().unwrap_or_default();
                let pad = widths[i].saturating_sub(spans_width(&content));
                line.extend(content);
                line.push(DocSpan::new(" ".repeat(pad), Marks::default()));
                line.push(DocSpan::new(if i + 1 == columns { " │" } else { " │ " }, border));
            }
            page.lines.push(line);
        }
        if row.header && r + 1 < rows.len() {
            page.lines.push(rule("├", "┼", "┤", false));
        }
    }
    page.lines.push(rule("└", "┴", "┘", false));
}
