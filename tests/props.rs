//! Properties of every parser that reads text from outside, on generated
//! hostile input: they never panic, and nothing they hand the screen holds a
//! control character (so no escape sequence can start). The generator mixes
//! whole escape sequences (CSI, OSC, DCS, APC/PM/SOS, their C1 forms),
//! entity-spelled ones, bidi overrides, markup characters and plain words.
//!
//! `PROPTEST_CASES=20000 cargo test --test props` for a longer run.

use callboard::catalog::entity_ref::EntityRef;
use callboard::docs::model::{DocSpan, ParsedDoc};
use callboard::sanitize::{clean_line, clean_multiline};
use callboard::search::query::Query;
use proptest::prelude::*;

/// A terminated escape sequence, in any of its spellings.
fn sequence() -> impl Strategy<Value = String> {
    let params = "[0-9;?<=>:!\" #$%&'()*+,./-]{0,6}";
    let payload = "[ -~]{0,10}";
    prop_oneof![
        (params, "[@-~]").prop_map(|(p, f)| format!("\u{1b}[{p}{f}")),
        (params, "[@-~]").prop_map(|(p, f)| format!("\u{9b}{p}{f}")),
        (payload, prop_oneof![Just("\u{7}"), Just("\u{1b}\\"), Just("\u{9c}")])
            .prop_map(|(p, end)| format!("\u{1b}]{}{end}", p.replace('\u{1b}', ""))),
        (prop_oneof![Just('P'), Just('X'), Just('^'), Just('_'), Just(']')], payload)
            .prop_map(|(kind, p)| format!("\u{1b}{kind}{p}\u{1b}\\")),
        (prop_oneof![Just('\u{90}'), Just('\u{98}'), Just('\u{9d}'), Just('\u{9e}'), Just('\u{9f}')], payload)
            .prop_map(|(kind, p)| format!("{kind}{p}\u{9c}")),
        "[()*+#%][ -~]".prop_map(|s| format!("\u{1b}{s}")),
        "[0-9A-OQ-WYZa-z=>]".prop_map(|s| format!("\u{1b}{s}")),
    ]
}

/// Sequences written with `&#27;` and `&#7;`, with parameters that are no
/// markup in either language.
fn entity_sequence() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[0-9;]{0,6}", "[A-Za-z]").prop_map(|(p, f)| format!("&#27;[{p}{f}")),
        ("[0-9;]{0,6}", "[A-Za-z]").prop_map(|(p, f)| format!("&#x1B;[{p}{f}")),
        ("[0-9a-zA-Z; ]{0,10}", prop_oneof![Just("&#7;"), Just("&#27;\\")])
            .prop_map(|(p, end)| format!("&#27;]{p}{end}")),
    ]
}

/// The text of a document's blocks, as the viewer shows it.
fn shown(doc: ParsedDoc) -> String {
    doc.blocks.iter().flat_map(|b| b.spans.iter()).map(|s| s.text.clone()).collect()
}

/// Plain text with no control or format character: survives cleaning as is.
fn plain() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,:/é決🚀-]{0,12}"
}

/// Pieces that make parsers split text where a sequence was.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => plain(),
        3 => sequence(),
        1 => prop_oneof![Just("\u{202e}"), Just("\u{2066}"), Just("\u{200f}"), Just("\u{85}"), Just("\u{7f}"),
                         Just("\u{7}"), Just("\u{1b}"), Just("\u{9b}"), Just("\r"), Just("\t"), Just("\0")]
            .prop_map(str::to_string),
        2 => prop_oneof![Just("["), Just("]"), Just("("), Just(")"), Just("*"), Just("_"), Just("`"), Just("```\n"),
                         Just("\n"), Just("\n\n"), Just("# "), Just("- "), Just("| a |"), Just("<b>"), Just("</b>"),
                         Just("<pre>"), Just("<a href=\"x\">"), Just("&#27;"), Just("&#x9b;"), Just("&#155;"),
                         Just("&#x1b;[2J"), Just("&amp;"), Just("<script>"), Just("<h1 id=\"x\">")]
            .prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// True when the text could start or carry a terminal control sequence.
fn unsafe_char(c: char) -> bool {
    c.is_control() || callboard::sanitize::is_invisible_format(c)
}

fn assert_line_safe(text: &str, context: &str) -> Result<(), TestCaseError> {
    prop_assert!(!text.chars().any(unsafe_char), "{context}: {text:?}");
    Ok(())
}

fn assert_multiline_safe(text: &str, context: &str) -> Result<(), TestCaseError> {
    prop_assert!(!text.chars().any(|c| c != '\n' && unsafe_char(c)), "{context}: {text:?}");
    Ok(())
}

/// Every string of a parsed document that can reach the screen.
fn doc_texts(doc: &ParsedDoc) -> Vec<(&'static str, &str)> {
    fn spans(spans: &[DocSpan]) -> Vec<&str> {
        spans.iter().map(|s| s.text.as_str()).collect()
    }
    let mut out = vec![("title", doc.title.as_str())];
    for block in &doc.blocks {
        for text in spans(&block.spans).into_iter().chain(spans(&block.first_prefix)).chain(spans(&block.rest_prefix)) {
            out.push(("span", text));
        }
        if let callboard::docs::model::BlockKind::Table(rows) = &block.kind {
            for cell in rows.iter().flat_map(|r| r.cells.iter()) {
                out.extend(spans(cell).into_iter().map(|t| ("cell", t)));
            }
        }
    }
    out.extend(doc.links.iter().flat_map(|l| [("link", l.text.as_str()), ("href", l.href.as_str())]));
    out.extend(doc.headings.iter().flat_map(|h| [("heading", h.text.as_str()), ("anchor", h.anchor.as_str())]));
    out.extend(doc.code_blocks.iter().map(|c| ("lang", c.lang.as_str())));
    out
}

proptest! {
    #[test]
    fn the_sanitiser_never_lets_a_control_through(text in hostile()) {
        assert_line_safe(&clean_line(&text), "clean_line")?;
        assert_multiline_safe(&clean_multiline(&text), "clean_multiline")?;
    }

    #[test]
    fn the_sanitiser_drops_whole_sequences_and_keeps_the_rest(a in plain(), seq in sequence(), b in plain()) {
        prop_assert_eq!(clean_line(&format!("{a}{seq}{b}")), format!("{a}{b}"));
        prop_assert_eq!(clean_multiline(&format!("{a}\n{seq}{b}")), format!("{a}\n{b}"));
    }

    #[test]
    fn cleaning_is_idempotent(text in hostile()) {
        let once = clean_line(&text);
        prop_assert_eq!(clean_line(&once), once.clone());
    }

    #[test]
    fn markdown_pages_reach_the_screen_clean(text in hostile()) {
        let doc = callboard::docs::markdown::parse(&text);
        // Spans may hold a hard line break; the layout splits lines there.
        for (what, s) in doc_texts(&doc) {
            assert_multiline_safe(s, what)?;
        }
        for block in &doc.code_blocks {
            assert_multiline_safe(&block.text, "code")?;
        }
    }

    #[test]
    fn html_pages_reach_the_screen_clean(text in hostile()) {
        let doc = callboard::docs::html::parse(&format!("<html><body><article>{text}</article></body></html>"));
        // Spans may hold a hard line break; the layout splits lines there.
        for (what, s) in doc_texts(&doc) {
            assert_multiline_safe(s, what)?;
        }
        for block in &doc.code_blocks {
            assert_multiline_safe(&block.text, "code")?;
        }
    }

    /// Nothing of a sequence shows as text either (no `[2J` or `]0;title`
    /// left behind).
    #[test]
    fn pages_drop_sequences_whole(a in "[a-z]{1,8}", seq in sequence(), b in "[a-z]{1,8}") {
        let expected = shown(callboard::docs::markdown::parse(&format!("{a}{b}")));
        let md = shown(callboard::docs::markdown::parse(&format!("{a}{seq}{b}")));
        prop_assert_eq!(md, expected.clone(), "markdown {:?}", seq);
        let html = shown(callboard::docs::html::parse(&format!("<p>{a}{seq}{b}</p>")));
        prop_assert_eq!(html, expected, "html {:?}", seq);
    }

    /// The same for sequences spelled with character references, which the
    /// parsers decode only after they have split the text.
    #[test]
    fn pages_drop_entity_spelled_sequences_whole(a in "[a-z]{1,8}", seq in entity_sequence(), b in "[a-z]{1,8}") {
        let expected = shown(callboard::docs::markdown::parse(&format!("{a}{b}")));
        let md = shown(callboard::docs::markdown::parse(&format!("{a}{seq}{b}")));
        prop_assert_eq!(md, expected.clone(), "markdown {:?}", seq);
        let html = shown(callboard::docs::html::parse(&format!("<p>{a}{seq}{b}</p>")));
        prop_assert_eq!(html, expected, "html {:?}", seq);
    }

    #[test]
    fn the_query_parser_takes_anything(text in hostile()) {
        let query = Query::parse(&text);
        prop_assert_eq!(Query::parse(&text), query.clone());
        for term in &query.terms {
            prop_assert!(!term.value.is_empty());
        }
    }

    #[test]
    fn entity_refs_parse_or_fail_and_their_keys_read_back(text in hostile()) {
        if let Ok(parsed) = EntityRef::parse_full(&text) {
            let key = parsed.key();
            let again = EntityRef::parse_full(&key).map(|r| r.key());
            prop_assert_eq!(again.as_deref(), Ok(key.as_str()), "from {:?}", text);
        }
    }

    #[test]
    fn catalog_output_is_escaped_and_reads_back(text in hostile(), key in hostile()) {
        let value = serde_json::json!({"metadata": {"name": text.clone(), "annotations": {key: [text.clone(), 1]}}});
        let json = callboard::safe_output::json_pretty(&value);
        prop_assert!(!json.chars().any(|c| c != '\n' && callboard::safe_output::must_escape(c)), "{json:?}");
        prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap(), value.clone());
        let yaml = callboard::safe_output::yaml(&value);
        prop_assert!(!yaml.chars().any(|c| c != '\n' && callboard::safe_output::must_escape(c)), "{yaml:?}");
        prop_assert_eq!(serde_yaml::from_str::<serde_json::Value>(&yaml).unwrap(), value);
    }
}

proptest! {
    // Each case writes and loads a file: a twentieth of the cases asked for, 64 by default.
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() { ProptestConfig::default().cases / 20 } else { 64 },
        ..ProptestConfig::default()
    })]

    /// The files source's YAML splitter and loader, on a file of generated
    /// documents: problems are reported with a line inside the file.
    #[test]
    fn the_files_source_reads_any_file_without_panicking(docs in prop::collection::vec(hostile(), 0..6)) {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for (i, body) in docs.iter().enumerate() {
            text.push_str(&format!(
                "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{i}\n  description: {}\n",
                serde_json::to_string(body).unwrap()
            ));
            text.push_str(body);
            text.push('\n');
        }
        std::fs::write(dir.path().join("catalog-info.yaml"), &text).unwrap();
        let report = callboard::catalog::files::load(dir.path());
        let lines = text.lines().count() + 1;
        for problem in &report.problems {
            prop_assert!(problem.line <= lines, "line {} of {}: {}", problem.line, lines, problem.message);
            assert_line_safe(&clean_line(&problem.message), "problem")?;
        }
    }
}

/// A JSON schema of any shape the form engine reads: every field type and
/// widget, nested objects, enums, `$ref` (loops included), `allOf`,
/// `if`/`then`/`else`, property and schema dependencies, hostile titles.
fn schema() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let title = prop_oneof![3 => plain(), 1 => hostile()];
    let leaf = prop_oneof![
        title.clone().prop_map(|t| json!({"type": "string", "title": t})),
        (title.clone(), "[a-z]{0,3}")
            .prop_map(|(t, d)| json!({"type": "string", "title": t, "default": d, "pattern": "^[a-z]+$"})),
        prop_oneof![Just("integer"), Just("number")].prop_map(|t| json!({"type": t, "minimum": 1, "maximum": 9})),
        Just(json!({"type": "boolean", "default": true})),
        prop::collection::vec(hostile(), 1..4)
            .prop_map(|e| json!({"type": "string", "enum": e, "enumNames": ["\u{1b}[2Jx"]})),
        Just(json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "uniqueItems": true})),
        Just(json!({"type": "array", "items": {"type": "string"}, "minItems": 1})),
        Just(json!({"type": "string", "ui:widget": "password"})),
        Just(json!({"type": "string", "ui:field": "Secret"})),
        Just(json!({"type": "string", "ui:widget": "hidden", "default": "h"})),
        Just(json!({"type": "string", "ui:widget": "textarea"})),
        Just(
            json!({"type": "string", "ui:field": "EntityPicker", "ui:options": {"catalogFilter": [{"kind": "Group"}]}})
        ),
        Just(json!({"type": "string", "ui:field": "OwnerPicker"})),
        Just(json!({"type": "string", "ui:field": "RepoUrlPicker", "ui:options": {"allowedHosts": ["github.com"]}})),
        Just(json!({"type": "string", "ui:field": "SomethingCustom"})),
        Just(json!({"const": "fixed"})),
        Just(json!({"$ref": "#/definitions/loop"})),
        Just(json!({"$ref": "#"})),
        Just(json!({"$ref": "#/definitions/missing"})),
        Just(json!({})),
        Just(json!(null)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let props = prop::collection::btree_map("[a-e]", inner.clone(), 0..5);
        prop_oneof![
            // A nested object, some keys required, an order.
            (props.clone(), prop::collection::vec("[a-e*]", 0..3)).prop_map(|(p, req)| {
                serde_json::json!({"type": "object", "properties": p, "required": req, "ui:order": ["*", "a"]})
            }),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| serde_json::json!({"allOf": [a, b]})),
            (props.clone(), inner.clone(), inner.clone()).prop_map(|(p, t, e)| serde_json::json!({
                "type": "object", "properties": p,
                "if": {"properties": {"a": {"const": "x"}}},
                "then": {"properties": {"b": t}}, "else": {"properties": {"c": e}, "required": ["c"]}
            })),
            (props.clone(), inner.clone()).prop_map(|(p, d)| serde_json::json!({
                "type": "object", "properties": p,
                "dependencies": {"a": ["b"], "b": {"oneOf": [{"properties": {"b": {"const": "x"}, "d": d}}, {"properties": {"b": {"const": "y"}}}]}}
            })),
            (props, inner).prop_map(|(p, i)| serde_json::json!({"type": "object", "properties": p,
                "definitions": {"loop": {"$ref": "#/definitions/loop2"}, "loop2": {"anyOf": [{"$ref": "#/definitions/loop"}, i]}}})),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).map_or(32, |c: u32| (c / 10).max(1)),
        ..ProptestConfig::default()
    })]

    /// The form engine on generated schemas, as steps of a parameter-schema
    /// reply and as a template's parameters: fields, defaults, validation,
    /// values and review on every page, without a panic or a hang, every
    /// label and problem clean (the checks of fuzz target `form`).
    #[test]
    fn the_form_engine_takes_any_schema(steps in prop::collection::vec(schema(), 1..4), title in hostile()) {
        let reply = serde_json::json!({
            "title": title,
            "steps": steps.iter().map(|s| serde_json::json!({"title": title, "schema": s})).collect::<Vec<_>>(),
        });
        callboard::fuzzing::form(reply.to_string().as_bytes());
        callboard::fuzzing::form(serde_json::Value::Array(steps).to_string().as_bytes());
    }
}
