//! Runbooks and TechDocs in the terminal: finding an entity's runbooks,
//! loading pages (local files, a Backstage server, the offline cache),
//! reading markdown and HTML into one model and laying it out as text.

pub mod builder;
pub mod clipboard;
pub mod discover;
pub mod effects;
pub mod find;
pub mod html;
pub mod layout;
pub mod local_search;
pub mod markdown;
pub mod model;
pub mod runtime;
pub mod search;
pub mod target;

pub use layout::{layout, Page};
pub use model::ParsedDoc;

/// How a page's bytes are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Text,
}

impl Format {
    /// From a content type (`text/html; charset=utf-8`) or a file name.
    pub fn guess(content_type: &str, name: &str) -> Format {
        let ct = content_type.to_ascii_lowercase();
        let name = name.to_ascii_lowercase();
        if ct.contains("markdown") || name.ends_with(".md") || name.ends_with(".markdown") {
            Format::Markdown
        } else if ct.contains("html") || name.ends_with(".html") || name.ends_with(".htm") || name.ends_with('/') {
            Format::Html
        } else {
            Format::Text
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown",
            Format::Html => "text/html",
            Format::Text => "text/plain",
        }
    }
}

/// Read a page of any format into the common model.
pub fn parse(format: Format, bytes: &[u8]) -> ParsedDoc {
    let text = String::from_utf8_lossy(bytes);
    match format {
        Format::Markdown => markdown::parse(&text),
        Format::Html => html::parse(&text),
        Format::Text => {
            let mut b = builder::Builder::new();
            b.code_block("", &text);
            b.finish()
        }
    }
}

/// A laid-out page as plain text with light markup, for snapshots and
/// `--plain` output: headings, code and links stay recognisable.
pub fn plain_text(page: &Page) -> String {
    let mut out = String::new();
    for line in &page.lines {
        let text: String = line.iter().map(|s| s.text.as_str()).collect();
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}
