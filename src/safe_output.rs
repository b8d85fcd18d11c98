//! Catalog text written to stdout by the subcommands. JSON and YAML escape
//! C0 controls, but serde_json writes C1 controls (U+009B, a CSI introducer
//! on some terminals) and bidi overrides as they are, and libyaml writes
//! U+0085 and bidi overrides raw. Whatever stdout is, a pipe into `less -R`
//! or a terminal, every such character leaves here as an escape: JSON
//! `\u009b`, YAML a double-quoted scalar with the same escape.

use serde_json::Value;

/// Characters that must never be written raw: controls (C0, DEL, C1), bidi
/// overrides and isolates, and line/paragraph separators.
pub fn must_escape(c: char) -> bool {
    c.is_control() || crate::sanitize::is_invisible_format(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Pretty JSON with every [`must_escape`] character as `\uXXXX`.
pub fn json_pretty(value: &Value) -> String {
    escape_json_text(serde_json::to_string_pretty(value).unwrap_or_default())
}

/// Serialized JSON made terminal-safe. Outside strings JSON is ASCII, so any
/// such character is inside a string, where `\uXXXX` means the same.
pub fn escape_json_text(text: String) -> String {
    // Newlines outside strings are pretty-printing; inside, serde escaped them.
    let escaped = |c: char| c != '\n' && must_escape(c);
    if !text.chars().any(escaped) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            push_u_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

fn push_u_escape(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&format!("\\u{unit:04x}"));
    }
}

/// Block-style YAML for a JSON value, in serde_yaml's layout. A string is
/// written plain only when YAML cannot read it as anything else; otherwise
/// double-quoted, with JSON's escapes (YAML's double-quoted style is a
/// superset) and every [`must_escape`] character escaped.
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push_str(&string_text(key));
        out.push(':');
        write_child(out, value, indent, false);
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push('-');
        write_child(out, item, indent, true);
    }
}

/// A value after `key:` or `-`. Nested maps under `-` start on the same
/// line; under a key they start on the next, indented.
fn write_child(out: &mut String, value: &Value, indent: usize, in_seq: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if in_seq {
                out.push(' ');
                write_map(out, map, indent + 2);
            } else {
                out.push('\n');
                push_indent(out, indent + 2);
                write_map(out, map, indent + 2);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if in_seq {
                out.push(' ');
                write_seq(out, items, indent + 2);
            } else {
                out.push('\n');
                push_indent(out, indent);
                write_seq(out, items, indent);
            }
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_text(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn string_text(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        escape_json_text(serde_json::to_string(s).unwrap_or_default())
    }
}

/// Conservative: letters and digits with `-_./@+` and inner single spaces,
/// starting with a letter or `/`, never a word YAML 1.1 reads as a
/// boolean or null. Anything else is quoted, which is always correct.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_alphabetic() || first == '/') || s.ends_with(' ') || s.contains("  ") {
        return false;
    }
    const WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    if WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return false;
    }
    s.chars().all(|c| (c.is_alphanumeric() && !must_escape(c)) || matches!(c, '-' | '_' | '.' | '/' | '@' | '+' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_escapes_c1_and_bidi() {
        let value = json!({"description": "a\u{9b}31mb\u{202e}c\u{1b}[2J"});
        let text = json_pretty(&value);
        assert!(text.contains(r"a\u009b31mb\u202ec\u001b[2J"), "{text}");
        assert!(!text.chars().any(|c| c != '\n' && must_escape(c)));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn yaml_reads_back_the_same_and_escapes() {
        let value = json!({
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": "pay\u{9b}2J", "tags": ["a", "b c"], "annotations": {}, "n": 3, "on": "yes",
                         "description": "line one\nline \u{202e}two", "links": [{"url": "https://x", "title": "T"}]},
            "spec": {"dependsOn": [], "nested": [[1, 2], ["x"]], "empty": "", "nul": null, "num": "12"}
        });
        let text = yaml(&value);
        assert!(!text.chars().any(|c| must_escape(c) && c != '\n'), "{text}");
        assert!(text.contains(r#"name: "pay\u009b2J""#), "{text}");
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, value, "{text}");
        assert!(
            text.starts_with("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  annotations: {}\n"),
            "{text}"
        );
    }
}
