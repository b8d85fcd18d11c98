//! The checks the fuzz targets (fuzz/fuzz_targets/) run on each input, kept
//! in the library so the stable test suite (tests/fuzz_corpus.rs) replays the
//! committed corpora through exactly the same code. Each check takes raw
//! bytes, runs one parser that reads outside text, and panics when a property
//! fails: a panic is what libFuzzer records as a crash.
//!
//! Not an API: hidden from the docs, used by fuzz/ and tests/ only.

use crate::catalog::entity_ref::EntityRef;
use crate::docs::model::{BlockKind, DocSpan, ParsedDoc};
use crate::form::node::Node;
use crate::form::{Form, FormSpec};
use crate::sanitize::{clean_line, clean_multiline, is_invisible_format};
use crate::search::query::Query;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A check: panics when the input breaks a property.
pub type Check = fn(&[u8]);

/// The fuzz targets, by name, with their checks: the corpus replay walks this.
pub const TARGETS: [(&str, Check); 7] = [
    ("query", query),
    ("entity_ref", entity_ref),
    ("files_source", files_source),
    ("markdown", markdown),
    ("html", html),
    ("sanitise", sanitise),
    ("form", form),
];

/// True when the character could start or carry a terminal control sequence
/// (the same test as tests/props.rs).
pub fn unsafe_char(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

fn assert_line_safe(text: &str, what: &str) {
    assert!(!text.chars().any(unsafe_char), "{what} holds a control character: {text:?}");
}

fn assert_multiline_safe(text: &str, what: &str) {
    assert!(!text.chars().any(|c| c != '\n' && unsafe_char(c)), "{what} holds a control character: {text:?}");
}

/// The search query parser: deterministic, no empty term values, no
/// whitespace inside a word.
pub fn query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let query = Query::parse(&text);
    assert_eq!(Query::parse(&text), query, "parse is not deterministic");
    for term in &query.terms {
        assert!(!term.value.is_empty(), "empty value for {:?}", term.field);
    }
    for word in query.words.iter().chain(&query.excluded_words) {
        assert!(!word.is_empty() && !word.chars().any(char::is_whitespace), "word {word:?}");
    }
}

/// Entity refs parse or fail; a parsed ref's key parses back to itself.
pub fn entity_ref(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = EntityRef::parse_full(&text) {
        let key = parsed.key();
        let again = EntityRef::parse_full(&key).map(|r| r.key());
        assert_eq!(again.as_deref(), Ok(key.as_str()), "from {text:?}");
    }
    // With defaults too, as relation targets are read.
    if let Ok(parsed) = EntityRef::parse(&text, Some("component"), "default") {
        let key = parsed.key();
        assert_eq!(EntityRef::parse_full(&key).map(|r| r.key()).as_deref(), Ok(key.as_str()), "from {text:?}");
    }
}

static FILE_RUNS: AtomicUsize = AtomicUsize::new(0);

/// The files source on a `catalog-info.yaml` holding the bytes: no panic,
/// every problem on a line inside the file (0 only for an unreadable file),
/// problem messages safe once cleaned. The file sits two folders down a
/// private temporary folder so relative Location targets stay inside it.
pub fn files_source(data: &[u8]) {
    let run = FILE_RUNS.fetch_add(1, Ordering::Relaxed);
    let top = std::env::temp_dir().join(format!("callboard-fuzz-{}-{run}", std::process::id()));
    let dir = top.join("a").join("b");
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let file = dir.join("catalog-info.yaml");
    std::fs::write(&file, data).expect("temporary file");
    let report = crate::catalog::files::load(&file);
    let _ = std::fs::remove_dir_all(&top);
    let utf8 = std::str::from_utf8(data).is_ok();
    // `str::lines` and YAML agree on the count up to a trailing line.
    let lines = String::from_utf8_lossy(data).lines().count() + 1;
    for problem in &report.problems {
        if problem.file == file {
            assert!(problem.line <= lines, "line {} of {lines}: {}", problem.line, problem.message);
            assert!(problem.line > 0 || !utf8, "line 0 for a readable file: {}", problem.message);
        }
        assert_line_safe(&clean_line(&problem.message), "problem");
    }
}

/// Every string of a parsed document that can reach the screen.
pub fn doc_texts(doc: &ParsedDoc) -> Vec<(&'static str, &str)> {
    fn spans(spans: &[DocSpan]) -> impl Iterator<Item = &str> {
        spans.iter().map(|s| s.text.as_str())
    }
    let mut out = vec![("title", doc.title.as_str())];
    for block in &doc.blocks {
        out.extend(
            spans(&block.spans).chain(spans(&block.first_prefix)).chain(spans(&block.rest_prefix)).map(|t| ("span", t)),
        );
        if let BlockKind::Table(rows) = &block.kind {
            out.extend(rows.iter().flat_map(|r| r.cells.iter()).flat_map(|c| spans(c)).map(|t| ("cell", t)));
        }
    }
    out.extend(doc.links.iter().flat_map(|l| [("link", l.text.as_str()), ("href", l.href.as_str())]));
    out.extend(doc.headings.iter().flat_map(|h| [("heading", h.text.as_str()), ("anchor", h.anchor.as_str())]));
    out.extend(doc.code_blocks.iter().map(|c| ("lang", c.lang.as_str())));
    out.extend(doc.code_blocks.iter().map(|c| ("code", c.text.as_str())));
    out
}

fn assert_doc_safe(doc: &ParsedDoc) {
    // Spans may hold a hard line break; the layout splits lines there.
    for (what, text) in doc_texts(doc) {
        assert_multiline_safe(text, what);
    }
}

/// The markdown renderer: no panic, nothing shown holds a control character.
pub fn markdown(data: &[u8]) {
    assert_doc_safe(&crate::docs::markdown::parse(&String::from_utf8_lossy(data)));
}

/// The HTML renderer (TechDocs pages): the same.
pub fn html(data: &[u8]) {
    assert_doc_safe(&crate::docs::html::parse(&String::from_utf8_lossy(data)));
}

/// The sanitiser: its output holds no control character or bidi override,
/// and cleaning clean text changes nothing.
pub fn sanitise(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let line = clean_line(&text);
    assert_line_safe(&line, "clean_line");
    assert_eq!(clean_line(&line), line, "clean_line is not idempotent");
    let multi = clean_multiline(&text);
    assert_multiline_safe(&multi, "clean_multiline");
    assert_eq!(clean_multiline(&multi), multi, "clean_multiline is not idempotent");
}

/// The form engine on JSON text, read both as a parameter-schema reply and as
/// a template's `spec.parameters`: schema → fields → defaults → validation →
/// values and review, every page. No panic; every label and problem shown is
/// clean. Hangs are caught by the fuzzer's `-timeout`.
pub fn form(data: &[u8]) {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let node = Node::from_json(&json);
    let specs = [FormSpec::from_parameter_node(&node), FormSpec::from_parameters(Some("fuzz"), &node)];
    for spec in specs.into_iter().flatten() {
        exercise_form(spec, json.as_object());
    }
}

fn exercise_form(spec: FormSpec, initial: Option<&serde_json::Map<String, serde_json::Value>>) {
    let mut form = match initial {
        // The same document as starting values: keys that match properties fill them.
        Some(values) => Form::with_values(spec, values),
        None => Form::new(spec),
    };
    assert_line_safe(&form.spec.title, "form title");
    for _ in 0..form.spec.steps.len() + 1 {
        for field in form.fields() {
            assert_line_safe(&field.label, "label");
            for text in [&field.description, &field.help, &field.placeholder].into_iter().flatten() {
                assert_line_safe(text, "field text");
            }
        }
        for (label, problem) in form.problems() {
            assert_line_safe(&label, "problem label");
            assert_line_safe(&problem, "problem");
        }
        let _ = form.values();
        let _ = form.secrets();
        if !form.next_page() {
            break;
        }
    }
    for (label, shown) in form.review() {
        assert_line_safe(&label, "review label");
        assert_line_safe(&shown, "review value");
    }
    let _ = form.check_all();
    let values = serde_json::Value::Object(form.values());
    assert!(serde_json::to_string(&values).is_ok());
}
