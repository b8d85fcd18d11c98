//! Markdown (CommonMark plus tables, strikethrough and task lists) to a
//! [`ParsedDoc`], through pulldown-cmark's event stream.

use super::builder::Builder;
use super::model::ParsedDoc;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, TextMergeStream};

pub fn parse(source: &str) -> ParsedDoc {
    // Cleaned whole before parsing: the parser splits text at `[`, `]` and
    // other markup characters, so `ESC [ 2 J` would reach the builder as
    // "ESC" and "[2J", and cleaning each piece would leave "[2J" on screen.
    let cleaned = crate::sanitize::clean_multiline(source);
    let source = cleaned.as_str();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut b = Builder::new();
    // Code block text arrives in pieces; gathered here and emitted whole.
    let mut code: Option<(String, String)> = None;
    let mut in_head = false;
    let mut image_depth = 0usize;
    let mut image_alt = String::new();
    // Merged runs of text, so a sequence spelled with entities (`&#27;[2J`) is
    // one piece when the builder cleans it.
    for event in TextMergeStream::new(Parser::new_ext(source, options)) {
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    b.code_block(&lang, &text);
                }
                _ => {}
            }
            continue;
        }
        if image_depth > 0 {
            match event {
                Event::Start(Tag::Image { .. }) => image_depth += 1,
                Event::End(TagEnd::Image) => {
                    image_depth -= 1;
                    if image_depth == 0 {
                        b.image(&std::mem::take(&mut image_alt));
                    }
                }
                Event::Text(t) | Event::Code(t) => image_alt.push_str(&t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => b.start_paragraph(),
                Tag::Heading { level, id, .. } => b.start_heading(level as u8, id.as_deref()),
                Tag::BlockQuote(_) => b.start_quote(),
                Tag::CodeBlock(kind) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Tag::List(start) => b.start_list(start.is_some(), start.unwrap_or(1)),
                Tag::Item => b.start_item(),
                Tag::Table(_) => b.start_table(),
                Tag::TableHead => {
                    in_head = true;
                    b.start_row(true);
                }
                Tag::TableRow => b.start_row(in_head),
                Tag::TableCell => b.start_cell(),
                Tag::Emphasis => b.start_emphasis(),
                Tag::Strong => b.start_strong(),
                Tag::Strikethrough => b.start_strike(),
                Tag::Link { dest_url, .. } => b.start_link(&dest_url),
                Tag::Image { .. } => image_depth = 1,
                Tag::DefinitionListTitle | Tag::DefinitionListDefinition | Tag::FootnoteDefinition(_) => {
                    b.start_paragraph()
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph => b.end_paragraph(),
                TagEnd::Heading(_) => b.end_heading(),
                TagEnd::BlockQuote(_) => b.end_quote(),
                TagEnd::List(_) => b.end_list(),
                TagEnd::Item => b.end_item(),
                TagEnd::Table => b.end_table(),
                TagEnd::TableHead => {
                    b.end_row();
                    in_head = false;
                }
                TagEnd::TableRow => b.end_row(),
                TagEnd::TableCell => b.end_cell(),
                TagEnd::Emphasis => b.end_emphasis(),
                TagEnd::Strong => b.end_strong(),
                TagEnd::Strikethrough => b.end_strike(),
                TagEnd::Link => b.end_link(),
                TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition | TagEnd::FootnoteDefinition => {
                    b.end_paragraph()
                }
                _ => {}
            },
            Event::Text(t) => b.text(&t),
            Event::Code(t) => b.code_span(&t),
            Event::InlineMath(t) | Event::DisplayMath(t) => b.code_span(&t),
            // Raw HTML in markdown: tags are dropped and the text kept, which
            // is what matters in a runbook and needs no second parser here.
            Event::Html(t) => b.text(&strip_tags(&t)),
            Event::InlineHtml(_) => {}
            Event::FootnoteReference(t) => b.text(&format!("[^{t}]")),
            Event::SoftBreak => b.text(" "),
            Event::HardBreak => b.line_break(),
            Event::Rule => b.rule(),
            Event::TaskListMarker(done) => b.task(done),
        }
    }
    if let Some((lang, text)) = code.take() {
        b.code_block(&lang, &text);
    }
    b.finish()
}

/// Text of an HTML fragment with its tags and comments removed.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
