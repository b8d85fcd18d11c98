//! HTML (TechDocs pages) to a [`ParsedDoc`], from html5gum's tokens.
//!
//! A tokenizer is enough: the page is read once, top to bottom, with a
//! small stack of the elements that matter. Scripts, styles and navigation
//! are dropped; when the page has an `<article>` (mkdocs-material puts the
//! content there) or a `<main>`, only that is shown, so the site chrome
//! does not bury the runbook.

use super::builder::Builder;
use super::model::ParsedDoc;
use html5gum::{DefaultEmitter, Token, Tokenizer};
use std::collections::BTreeMap;

/// Elements kept open at once; deeper ones are read as plain text.
const MAX_OPEN: usize = 2000;

const SKIPPED: &[&str] = &[
    "script", "style", "template", "noscript", "nav", "svg", "math", "iframe", "object", "button", "select",
    "textarea", "head",
];
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];
const FLUSH: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "summary",
    "address",
    "center",
    "fieldset",
    "form",
    "legend",
    "caption",
    "body",
];

/// The kinds of open element whose end changes the builder's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Quote,
    List,
    Item,
    Table,
    Row,
    Cell,
    Strong,
    Emphasis,
    Strike,
    Code,
    Link,
    /// Pushed only to keep end tags balanced.
    Plain,
}

struct Reader {
    b: Builder,
    stack: Vec<(String, Open)>,
    /// Element names opened past MAX_OPEN, so their end tags are ignored too.
    ignored: Vec<String>,
    skip: Option<(String, usize)>,
    scope: Option<&'static str>,
    scope_depth: usize,
    pre: Option<(String, String, usize)>,
    title: Option<String>,
    in_thead: bool,
}

pub fn parse(source: &str) -> ParsedDoc {
    // Escape sequences are dropped whole before tokenizing, which would
    // otherwise split them at tags; what entities spell is cleaned per token.
    let cleaned = crate::sanitize::clean_multiline(source);
    let source = cleaned.as_str();
    let lower = source.get(..source.len().min(4_000_000)).unwrap_or(source).to_ascii_lowercase();
    let scope = if lower.contains("<article") {
        Some("article")
    } else if lower.contains("<main") {
        Some("main")
    } else {
        None
    };
    let mut emitter = DefaultEmitter::default();
    // Script and style bodies must be read as raw text, or a `<` inside a
    // script would open a tag; the naive switch does what a tree builder would.
    emitter.naively_switch_states(true);
    let mut reader = Reader {
        b: Builder::new(),
        stack: Vec::new(),
        ignored: Vec::new(),
        skip: None,
        scope,
        scope_depth: 0,
        pre: None,
        title: None,
        in_thead: false,
    };
    for token in Tokenizer::new_with_emitter(source, emitter) {
        let Ok(token) = token;
        reader.token(token);
    }
    while let Some((_, open)) = reader.stack.pop() {
        reader.close(open);
    }
    if let Some((lang, text, _)) = reader.pre.take() {
        reader.b.code_block(&lang, &text);
    }
    reader.b.finish()
}

fn name_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

fn attr(
    attributes: &BTreeMap<html5gum::HtmlString, html5gum::Spanned<html5gum::HtmlString, ()>>,
    key: &str,
) -> Option<String> {
    attributes
        .iter()
        .find(|(k, _)| k.as_slice() == key.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(v.as_slice()).into_owned())
}

fn language(class: Option<String>) -> Option<String> {
    class?
        .split_whitespace()
        .find_map(|c| c.strip_prefix("language-").or_else(|| c.strip_prefix("lang-")).map(str::to_string))
}

impl Reader {
    fn emitting(&self) -> bool {
        self.skip.is_none() && (self.scope.is_none() || self.scope_depth > 0)
    }

    fn token(&mut self, token: Token<()>) {
        match token {
            Token::StartTag(tag) => {
                let name = name_of(&tag.name);
                if let Some((skipped, depth)) = self.skip.as_mut() {
                    if *skipped == name && !tag.self_closing {
                        *depth += 1;
                    }
                    if name == "title" && self.title.is_none() {
                        self.title = Some(String::new());
                    }
                    return;
                }
                if self.scope == Some(name.as_str()) {
                    self.scope_depth += 1;
                }
                if name == "title" && self.title.is_none() {
                    self.title = Some(String::new());
                    return;
                }
                let class = attr(&tag.attributes, "class").unwrap_or_default();
                let headerlink = name == "a" && class.split_whitespace().any(|c| c == "headerlink");
                let line_numbers = class.split_whitespace().any(|c| c == "linenos" || c == "linenodiv");
                if (SKIPPED.contains(&name.as_str()) || headerlink || line_numbers) && !tag.self_closing {
                    self.skip = Some((name, 1));
                    return;
                }
                if !self.emitting() {
                    return;
                }
                if let Some((lang, _, depth)) = self.pre.as_mut() {
                    if name == "pre" {
                        *depth += 1;
                    }
                    if name == "code" && lang.is_empty() {
                        *lang = language(Some(class)).unwrap_or_default();
                    }
                    return;
                }
                self.start(&name, &tag.attributes, &class, tag.self_closing);
            }
            Token::EndTag(tag) => {
                let name = name_of(&tag.name);
                if self.skip.is_some() && name == "title" {
                    self.finish_title();
                }
                if let Some((skipped, depth)) = self.skip.as_mut() {
                    if *skipped == name {
                        *depth -= 1;
                        if *depth == 0 {
                            self.skip = None;
                        }
                    }
                    return;
                }
                if name == "title" {
                    self.finish_title();
                    return;
                }
                let was_emitting = self.emitting();
                if self.scope == Some(name.as_str()) {
                    self.scope_depth = self.scope_depth.saturating_sub(1);
                }
                if !was_emitting {
                    return;
                }
                if let Some((lang, text, depth)) = self.pre.as_mut() {
                    if name == "pre" {
                        *depth -= 1;
                        if *depth == 0 {
                            let (lang, text) = (std::mem::take(lang), std::mem::take(text));
                            self.pre = None;
                            self.b.code_block(&lang, &text);
                        }
                    }
                    return;
                }
                self.end(&name);
            }
            Token::String(text) => {
                let text = String::from_utf8_lossy(&text.value);
                if let Some(title) = self.title.as_mut() {
                    if title.len() < 1000 {
                        title.push_str(&text);
                    }
                    return;
                }
                if !self.emitting() {
                    return;
                }
                match self.pre.as_mut() {
                    Some((_, pre, _)) => pre.push_str(&text),
                    None => self.b.text(&text),
                }
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }

    fn finish_title(&mut self) {
        if let Some(title) = self.title.take() {
            self.b.set_title(&title);
            // A title seen once is enough; later `<title>`s (in SVG) are text.
            self.title = None;
        }
    }

    fn push(&mut self, name: &str, open: Open) -> bool {
        if self.stack.len() >= MAX_OPEN {
            self.ignored.push(name.to_string());
            return false;
        }
        self.stack.push((name.to_string(), open));
        true
    }

    fn start(
        &mut self,
        name: &str,
        attributes: &BTreeMap<html5gum::HtmlString, html5gum::Spanned<html5gum::HtmlString, ()>>,
        class: &str,
        self_closing: bool,
    ) {
        let void = VOID.contains(&name) || self_closing;
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                self.b.start_heading(level, attr(attributes, "id").as_deref());
            }
            "br" => self.b.line_break(),
            "hr" => self.b.rule(),
            "img" => self.b.image(&attr(attributes, "alt").unwrap_or_default()),
            "input" if attr(attributes, "type").as_deref() == Some("checkbox") => {
                self.b.task(attr(attributes, "checked").is_some());
            }
            "pre" if !void => {
                let lang = language(Some(class.to_string())).unwrap_or_default();
                self.pre = Some((lang, String::new(), 1));
            }
            _ if void => {}
            "blockquote" | "aside" | "details" => self.open(name, Open::Quote),
            "div" if class.split_whitespace().any(|c| c == "admonition") => self.open(name, Open::Quote),
            "ul" | "ol" | "menu" => {
                let start = attr(attributes, "start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
                if self.push(name, Open::List) {
                    self.b.start_list(name == "ol", start);
                }
            }
            "li" => {
                if self.stack.last().is_some_and(|(_, o)| *o == Open::Item) {
                    self.end("li");
                }
                self.open(name, Open::Item);
            }
            "table" => self.open(name, Open::Table),
            "thead" => self.in_thead = true,
            "tbody" | "tfoot" => self.in_thead = false,
            "tr" => {
                self.close_to(&[Open::Row, Open::Table], Open::Row);
                if self.push(name, Open::Row) {
                    self.b.start_row(self.in_thead);
                }
            }
            "td" | "th" => {
                self.close_to(&[Open::Cell, Open::Row, Open::Table], Open::Cell);
                if self.push(name, Open::Cell) {
                    if name == "th" {
                        self.b.header_cell();
                    }
                    self.b.start_cell();
                }
            }
            "strong" | "b" => self.open(name, Open::Strong),
            "em" | "i" | "cite" | "var" | "dfn" => self.open(name, Open::Emphasis),
            "del" | "s" | "strike" => self.open(name, Open::Strike),
            "code" | "kbd" | "samp" | "tt" => self.open(name, Open::Code),
            "a" => match attr(attributes, "href") {
                Some(href) if !href.trim().is_empty() => {
                    if self.push(name, Open::Link) {
                        self.b.start_link(&href);
                    }
                }
                _ => {
                    self.push(name, Open::Plain);
                }
            },
            _ if FLUSH.contains(&name) => self.b.start_paragraph(),
            _ => {}
        }
    }

    fn open(&mut self, name: &str, open: Open) {
        if self.push(name, open) {
            match open {
                Open::Quote => self.b.start_quote(),
                Open::Item => self.b.start_item(),
                Open::Table => self.b.start_table(),
                Open::Strong => self.b.start_strong(),
                Open::Emphasis => self.b.start_emphasis(),
                Open::Strike => self.b.start_strike(),
                Open::Code => self.b.start_code(),
                _ => {}
            }
        }
    }

    /// A new row or cell implicitly ends the open row or cell of the same
    /// table (tag soup: `<tr><td>a<td>b<tr>`).
    fn close_to(&mut self, boundary: &[Open], implied: Open) {
        let floor = self.stack.iter().rposition(|(_, o)| boundary[1..].contains(o)).map_or(0, |i| i + 1);
        if let Some(i) = self.stack[floor..].iter().position(|(_, o)| *o == implied) {
            while self.stack.len() > floor + i {
                if let Some((_, open)) = self.stack.pop() {
                    self.close(open);
                }
            }
        }
    }

    fn close(&mut self, open: Open) {
        match open {
            Open::Quote => self.b.end_quote(),
            Open::List => self.b.end_list(),
            Open::Item => self.b.end_item(),
            Open::Table => self.b.end_table(),
            Open::Row => self.b.end_row(),
            Open::Cell => self.b.end_cell(),
            Open::Strong => self.b.end_strong(),
            Open::Emphasis => self.b.end_emphasis(),
            Open::Strike => self.b.end_strike(),
            Open::Code => self.b.end_code(),
            Open::Link => self.b.end_link(),
            Open::Plain => {}
        }
    }

    fn end(&mut self, name: &str) {
        if let Some(i) = self.ignored.iter().rposition(|n| n == name) {
            self.ignored.remove(i);
            return;
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => return self.b.end_heading(),
            "thead" => return self.in_thead = false,
            _ if FLUSH.contains(&name) && !self.stack.iter().any(|(n, _)| n == name) => {
                return self.b.end_paragraph();
            }
            _ => {}
        }
        let Some(i) = self.stack.iter().rposition(|(n, _)| n == name) else {
            return;
        };
        while self.stack.len() > i {
            if let Some((_, open)) = self.stack.pop() {
                self.close(open);
            }
        }
    }
}
