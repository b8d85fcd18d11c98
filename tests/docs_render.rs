//! Rendering of markdown and HTML doc pages to terminal text: snapshots of
//! fixtures, and hostile input (escape sequences, scripts, 1 MB pages,
//! 500-deep nesting) that must stay bounded and clean.

use callboard::docs::{self, Format};
use std::path::Path;
use std::time::Instant;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs").join(name)).unwrap()
}

fn render(format: Format, bytes: &[u8], width: u16) -> String {
    let doc = docs::parse(format, bytes);
    docs::plain_text(&docs::layout(&doc, width))
}

fn snap(name: &str, text: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn markdown_sample_80() {
    snap("docs_markdown_sample_80", render(Format::Markdown, &fixture("sample.md"), 80));
}

#[test]
fn markdown_sample_narrow() {
    snap("docs_markdown_sample_40", render(Format::Markdown, &fixture("sample.md"), 40));
}

#[test]
fn demo_runbook_markdown() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/components/payments-api/docs/runbook.md"),
    )
    .unwrap();
    snap("docs_demo_payments_runbook_100", render(Format::Markdown, &bytes, 100));
}

#[test]
fn techdocs_html_page() {
    snap("docs_techdocs_runbook_80", render(Format::Html, &fixture("techdocs_runbook.html"), 80));
}

#[test]
fn hostile_html_is_clean() {
    let text = render(Format::Html, &fixture("hostile.html"), 80);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "control chars left: {text:?}");
    for gone in
        ["site nav", "injected", "color: red", "not this", "enable js", "frame text", "svg text", "¶", "\u{202e}"]
    {
        assert!(!text.contains(gone), "`{gone}` should not render:\n{text}");
    }
    snap("docs_hostile_html_80", text);
}

#[test]
fn megabyte_page_renders_quickly_and_bounded() {
    let mut html = String::from("<html><body><article><h1>Big</h1>");
    let mut n = 0;
    while html.len() < 1_100_000 {
        html.push_str(&format!(
            "<p>Paragraph {n} with <b>bold</b>, <a href=\"#p{n}\">a link</a> and <code>code</code>.</p>\n"
        ));
        n += 1;
    }
    html.push_str("</article></body></html>");
    let started = Instant::now();
    let doc = docs::parse(Format::Html, html.as_bytes());
    let parsed = started.elapsed();
    let page = docs::layout(&doc, 100);
    let elapsed = started.elapsed();
    eprintln!("parse {parsed:?}");
    assert!(page.lines.len() > n, "every paragraph is laid out");
    assert_eq!(doc.links.len(), n);
    eprintln!("1 MB page: {} lines, {} links in {elapsed:?}", page.lines.len(), doc.links.len());
}

#[test]
fn deeply_nested_lists_are_capped() {
    let mut html = String::new();
    for i in 0..500 {
        html.push_str(&format!("<ul><li>level {i}"));
    }
    for _ in 0..500 {
        html.push_str("</li></ul>");
    }
    let page = docs::layout(&docs::parse(Format::Html, html.as_bytes()), 80);
    let widest = page.lines.iter().map(|l| docs::layout::spans_width(l)).max().unwrap_or(0);
    assert!(widest <= 80, "indentation is capped, widest line {widest}");
    let text = docs::plain_text(&page);
    assert!(text.contains("level 0") && text.contains("level 499"), "all text kept");

    let mut md = String::new();
    for i in 0..500 {
        md.push_str(&"  ".repeat(i));
        md.push_str(&format!("- level {i}\n"));
    }
    let page = docs::layout(&docs::parse(Format::Markdown, md.as_bytes()), 80);
    assert!(page.lines.iter().all(|l| docs::layout::spans_width(l) <= 80));
    let quotes = ">".repeat(5000) + " deep";
    let page = docs::layout(&docs::parse(Format::Markdown, quotes.as_bytes()), 80);
    assert!(docs::plain_text(&page).contains("deep"));
}

#[test]
fn unclosed_everything_does_not_panic() {
    for input in [
        "<table><tr><td><table><tr><td>x",
        "<pre><code>never closed",
        "<ul><li><ol><li><blockquote>x",
        "<a href=x><a href=y>z",
        "</li></ul></table></pre>",
    ] {
        let page = docs::layout(&docs::parse(Format::Html, input.as_bytes()), 30);
        let _ = docs::plain_text(&page);
    }
}
