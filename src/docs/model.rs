//! The rendered form of a doc page, shared by the markdown and HTML readers:
//! a list of blocks with semantic marks. Layout to a width happens later
//! (see `layout`), so a resize never needs the source again.

/// What a piece of text is; the view maps it to a theme role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Text,
    Heading(u8),
    /// Bullets, numbers, quote bars, table borders, link numbers.
    Marker,
    /// Inline `code`.
    Code,
    /// A line of a code block.
    CodeBlock,
    Muted,
}

/// Role plus the modifiers that combine freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    pub role: Role,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    /// Index into [`ParsedDoc::links`] when this text belongs to a link.
    pub link: Option<u32>,
    /// Index into [`ParsedDoc::code_blocks`] for code block text and frame.
    pub code_block: Option<u32>,
}

impl Marks {
    pub fn role(role: Role) -> Marks {
        Marks { role, ..Marks::default() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocSpan {
    pub text: String,
    pub marks: Marks,
}

impl DocSpan {
    pub fn new(text: impl Into<String>, marks: Marks) -> DocSpan {
        DocSpan { text: text.into(), marks }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    /// Index into [`ParsedDoc::code_blocks`].
    Code(u32),
    Rule,
    Table(Vec<TableRow>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub header: bool,
    pub cells: Vec<Vec<DocSpan>>,
}

/// One block with the prefixes its container nesting gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// Quote bars and the list marker, for the first line.
    pub first_prefix: Vec<DocSpan>,
    /// Quote bars and indentation, for the lines after the first.
    pub rest_prefix: Vec<DocSpan>,
    pub spans: Vec<DocSpan>,
    /// A blank line goes before this block.
    pub space_before: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocLink {
    pub text: String,
    /// As written in the page (sanitised); resolved only when followed.
    pub href: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The id a `#fragment` link uses.
    pub anchor: String,
    /// Index of its block.
    pub block: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    pub lang: String,
    /// Verbatim (sanitised) text, what a copy puts on the clipboard.
    pub text: String,
    pub block: usize,
}

/// A page read from markdown or HTML, ready for layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedDoc {
    pub title: String,
    pub blocks: Vec<Block>,
    pub links: Vec<DocLink>,
    pub headings: Vec<Heading>,
    pub code_blocks: Vec<CodeBlock>,
    /// True when the page was cut short by a size limit.
    pub truncated: bool,
}

/// mkdocs' default slug for a heading: lowercase words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_like_mkdocs() {
        assert_eq!(slugify("1. Triage"), "1-triage");
        assert_eq!(slugify("Alerts and first actions"), "alerts-and-first-actions");
        assert_eq!(slugify("  Rollback a bad deploy! "), "rollback-a-bad-deploy");
    }
}
