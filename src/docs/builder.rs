//! Builds a [`ParsedDoc`] from a stream of semantic calls. The markdown and
//! HTML readers both drive it, so both render alike and share the limits:
//! nesting deeper than [`MAX_DEPTH`] is flattened and text past [`MAX_CHARS`]
//! is dropped, so a hostile page costs bounded time and memory.

use super::model::*;
use crate::sanitize::{clean_line, clean_multiline};

mod table;

/// Containers (quotes, lists, items) that still indent; deeper ones flatten.
pub const MAX_DEPTH: usize = 12;
/// Text kept per page; a 1 MB page fits several times over.
pub const MAX_CHARS: usize = 4_000_000;

const BULLETS: [&str; 4] = ["• ", "◦ ", "▪ ", "‣ "];

#[derive(Debug)]
enum Container {
    Quote,
    List { ordered: bool, next: u64, depth: usize },
    Item { marker: String, used: bool },
}

#[derive(Default)]
struct TableBuild {
    rows: Vec<TableRow>,
    row: Option<TableRow>,
    cell: Option<Vec<DocSpan>>,
    /// Tables inside a cell are flattened into the cell's text.
    nested: usize,
}

#[derive(Default)]
pub struct Builder {
    doc: ParsedDoc,
    containers: Vec<Container>,
    /// Containers opened past MAX_DEPTH, closed before any real one.
    overflow: usize,
    inline: Vec<DocSpan>,
    heading: Option<(u8, Option<String>)>,
    bold: u32,
    italic: u32,
    strike: u32,
    code: u32,
    links: Vec<u32>,
    table: Option<TableBuild>,
    space_pending: bool,
    /// A space is owed before the next word (whitespace collapsing).
    pending_space: bool,
    chars: usize,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    pub fn set_title(&mut self, title: &str) {
        if self.doc.title.is_empty() {
            self.doc.title = clean_line(title).trim().to_string();
        }
    }

    fn budget(&mut self, n: usize) -> bool {
        if self.chars + n > MAX_CHARS {
            self.doc.truncated = true;
            return false;
        }
        self.chars += n;
        true
    }

    fn marks(&self) -> Marks {
        Marks {
            role: if self.code > 0 { Role::Code } else { Role::Text },
            bold: self.bold > 0 || self.heading.is_some(),
            italic: self.italic > 0,
            strike: self.strike > 0,
            link: self.links.last().copied(),
            code_block: None,
        }
    }

    fn target(&mut self) -> &mut Vec<DocSpan> {
        match self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            Some(cell) => cell,
            None => &mut self.inline,
        }
    }

    fn push(&mut self, text: &str, marks: Marks) {
        let spans = self.target();
        match spans.last_mut() {
            Some(last) if last.marks == marks => last.text.push_str(text),
            _ => spans.push(DocSpan::new(text, marks)),
        }
    }

    /// Running text: whitespace collapses to single spaces, as in HTML.
    pub fn text(&mut self, raw: &str) {
        let text = clean_line(raw);
        if !self.budget(text.len()) {
            return;
        }
        let marks = self.marks();
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.pending_space && !self.target().is_empty() {
                let space_marks = Marks { link: marks.link, ..Marks::default() };
                self.push(" ", space_marks);
            }
            self.pending_space = false;
            self.push(word, marks);
        }
    }

    /// Inline code: spaces kept as written.
    pub fn code_span(&mut self, raw: &str) {
        let text = clean_line(raw);
        if text.is_empty() || !self.budget(text.len()) {
            return;
        }
        if self.pending_space && !self.target().is_empty() {
            self.push(" ", Marks::default());
        }
        self.pending_space = false;
        let marks = Marks { role: Role::Code, ..self.marks() };
        self.push(&text, marks);
    }

    pub fn line_break(&mut self) {
        self.pending_space = false;
        self.push("\n", Marks::default());
    }

    pub fn start_strong(&mut self) {
        self.bold += 1;
    }
    pub fn end_strong(&mut self) {
        self.bold = self.bold.saturating_sub(1);
    }
    pub fn start_emphasis(&mut self) {
        self.italic += 1;
    }
    pub fn end_emphasis(&mut self) {
        self.italic = self.italic.saturating_sub(1);
    }
    pub fn start_strike(&mut self) {
        self.strike += 1;
    }
    pub fn end_strike(&mut self) {
        self.strike = self.strike.saturating_sub(1);
    }
    pub fn start_code(&mut self) {
        self.code += 1;
    }
    pub fn end_code(&mut self) {
        self.code = self.code.saturating_sub(1);
    }

    pub fn start_link(&mut self, href: &str) {
        let href = clean_line(href).trim().to_string();
        let index = self.doc.links.len() as u32;
        self.doc.links.push(DocLink { text: String::new(), href });
        self.links.push(index);
    }

    /// Close a link: its number follows the text, `text[3]`.
    pub fn end_link(&mut self) {
        let Some(index) = self.links.pop() else { return };
        let text: String =
            self.target().iter().filter(|s| s.marks.link == Some(index)).map(|s| s.text.as_str()).collect();
        let link = &mut self.doc.links[index as usize];
        link.text = text.trim().to_string();
        if link.text.is_empty() {
            link.text = link.href.clone();
            let href = link.href.clone();
            self.push(&href, Marks { link: Some(index), ..Marks::default() });
        }
        let marks = Marks { link: Some(index), ..Marks::role(Role::Marker) };
        self.push(&format!("[{}]", index + 1), marks);
    }

    pub fn image(&mut self, alt: &str) {
        let alt = clean_line(alt);
        let label = if alt.trim().is_empty() { "[image]".to_string() } else { format!("[image: {}]", alt.trim()) };
        if self.pending_space && !self.target().is_empty() {
            self.push(" ", Marks::default());
        }
        self.pending_space = false;
        self.push(&label, Marks::role(Role::Muted));
    }

    fn in_cell(&self) -> bool {
        self.table.as_ref().is_some_and(|t| t.cell.is_some())
    }

    /// Quote bars and list markers for a new block; uses up an item's marker.
    fn prefixes(&mut self) -> (Vec<DocSpan>, Vec<DocSpan>) {
        let mut first = Vec::new();
        let mut rest = Vec::new();
        let marker = Marks::role(Role::Marker);
        for container in &mut self.containers {
            match container {
                Container::Quote => {
                    first.push(DocSpan::new("│ ", marker));
                    rest.push(DocSpan::new("│ ", marker));
                }
                Container::List { .. } => {}
                Container::Item { marker: text, used } => {
                    let pad = " ".repeat(unicode_width::UnicodeWidthStr::width(text.as_str()));
                    if *used {
                        first.push(DocSpan::new(pad.clone(), Marks::default()));
                    } else {
                        first.push(DocSpan::new(text.clone(), marker));
                        *used = true;
                    }
                    rest.push(DocSpan::new(pad, Marks::default()));
                }
            }
        }
        (first, rest)
    }

    fn in_item(&self) -> bool {
        self.containers.iter().any(|c| matches!(c, Container::Item { .. }))
    }

    fn push_block(&mut self, kind: BlockKind, spans: Vec<DocSpan>) -> usize {
        let (first_prefix, rest_prefix) = self.prefixes();
        let heading = matches!(kind, BlockKind::Heading(_));
        let space_before = !self.doc.blocks.is_empty() && (self.space_pending || heading);
        let paragraph_in_item = matches!(kind, BlockKind::Paragraph) && self.in_item();
        self.space_pending = !paragraph_in_item;
        self.doc.blocks.push(Block { kind, first_prefix, rest_prefix, spans, space_before });
        self.doc.blocks.len() - 1
    }

    /// End the running paragraph or heading, if it has any text.
    pub fn flush(&mut self) {
        self.pending_space = false;
        if self.in_cell() {
            return;
        }
        let mut spans = std::mem::take(&mut self.inline);
        while spans.last().is_some_and(|s| s.text.trim().is_empty() && s.marks.link.is_none()) {
            spans.pop();
        }
        let heading = self.heading.take();
        if spans.is_empty() {
            return;
        }
        match heading {
            Some((level, id)) => {
                let text: String = spans
                    .iter()
                    .filter(|s| s.marks.role != Role::Marker)
                    .map(|s| s.text.as_str())
                    .collect::<String>()
                    .trim()
                    .to_string();
                let anchor = id.filter(|i| !i.is_empty()).unwrap_or_else(|| slugify(&text));
                let block = self.push_block(BlockKind::Heading(level), spans);
                self.doc.headings.push(Heading { level, text, anchor, block });
            }
            None => {
                self.push_block(BlockKind::Paragraph, spans);
            }
        }
    }

    /// A block boundary inside a table cell is just a space.
    fn cell_break(&mut self) -> bool {
        if self.in_cell() {
            self.pending_space = true;
            return true;
        }
        false
    }

    pub fn start_paragraph(&mut self) {
        if !self.cell_break() {
            self.flush();
        }
    }

    pub fn end_paragraph(&mut self) {
        self.start_paragraph();
    }

    pub fn start_heading(&mut self, level: u8, id: Option<&str>) {
        if self.cell_break() {
            return;
        }
        self.flush();
        self.heading = Some((level.clamp(1, 6), id.map(|i| clean_line(i).trim().to_string())));
    }

    pub fn end_heading(&mut self) {
        if !self.cell_break() {
            self.flush();
        }
        self.heading = None;
    }

    pub fn code_block(&mut self, lang: &str, raw: &str) {
        let text = clean_multiline(raw);
        let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
        if !self.budget(text.len()) {
            return;
        }
        if self.in_cell() {
            self.code_span(&text.replace('\n', " "));
            return;
        }
        self.flush();
        let index = self.doc.code_blocks.len() as u32;
        let block = self.push_block(BlockKind::Code(index), Vec::new());
        self.space_pending = true;
        self.doc.code_blocks.push(CodeBlock { lang: clean_line(lang).trim().to_string(), text, block });
    }

    pub fn rule(&mut self) {
        if self.cell_break() {
            return;
        }
        self.flush();
        self.push_block(BlockKind::Rule, Vec::new());
        self.space_pending = true;
    }

    fn open(&mut self, container: Container) {
        if self.cell_break() || self.overflow > 0 || self.containers.len() >= MAX_DEPTH {
            self.overflow += 1;
            return;
        }
        self.flush();
        self.containers.push(container);
    }

    /// Close the innermost container; returns it unless it was past the cap.
    fn close(&mut self) -> Option<Container> {
        if self.overflow > 0 {
            self.overflow -= 1;
            return None;
        }
        self.flush();
        self.containers.pop()
    }

    pub fn start_quote(&mut self) {
        self.open(Container::Quote);
    }

    pub fn end_quote(&mut self) {
        if self.close().is_some() {
            self.space_pending = true;
        }
    }

    pub fn start_list(&mut self, ordered: bool, start: u64) {
        let depth = self.containers.iter().filter(|c| matches!(c, Container::List { .. })).count();
        self.open(Container::List { ordered, next: start, depth });
    }

    pub fn end_list(&mut self) {
        if self.close().is_some() && !self.in_item() {
            self.space_pending = true;
        }
    }

    pub fn start_item(&mut self) {
        let marker = match self.containers.last_mut() {
            Some(Container::List { ordered: true, next, .. }) => {
                let m = format!("{next}. ");
                *next += 1;
                m
            }
            Some(Container::List { depth, .. }) => BULLETS[*depth % BULLETS.len()].to_string(),
            _ => BULLETS[0].to_string(),
        };
        self.open(Container::Item { marker, used: false });
    }

    pub fn end_item(&mut self) {
        if self.overflow == 0 && !self.in_cell() {
            self.flush();
            // An empty item still shows its marker.
            if let Some(Container::Item { used: false, .. }) = self.containers.last() {
                self.push_block(BlockKind::Paragraph, Vec::new());
            }
        }
        self.close();
    }

    /// `[x]` / `[ ]` of a task list item.
    pub fn task(&mut self, done: bool) {
        self.push(if done { "[x] " } else { "[ ] " }, Marks::role(Role::Marker));
    }

    /// Close everything still open and list the links at the end, so their
    /// addresses are readable where no browser is.
    pub fn finish(mut self) -> ParsedDoc {
        if self.table.is_some() {
            if let Some(t) = self.table.as_mut() {
                t.nested = 0;
            }
            self.end_table();
        }
        self.flush();
        self.containers.clear();
        self.overflow = 0;
        if !self.doc.links.is_empty() {
            self.space_pending = true;
            let title = vec![DocSpan::new("Links", Marks { bold: true, ..Marks::role(Role::Muted) })];
            self.push_block(BlockKind::Paragraph, title);
            for i in 0..self.doc.links.len() {
                let href = self.doc.links[i].href.clone();
                let spans = vec![
                    DocSpan::new(format!("[{}] ", i + 1), Marks { link: Some(i as u32), ..Marks::role(Role::Marker) }),
                    DocSpan::new(href, Marks { link: Some(i as u32), ..Marks::role(Role::Muted) }),
                ];
                self.space_pending = false;
                self.push_block(BlockKind::Paragraph, spans);
            }
        }
        if self.doc.title.is_empty() {
            if let Some(h) = self.doc.headings.first() {
                self.doc.title = h.text.clone();
            }
        }
        self.doc
    }
}
