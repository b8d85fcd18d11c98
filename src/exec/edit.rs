//! `e`: find the file and line an entity of a folder source was read from,
//! and the editor command to open it there.

use crate::catalog::cache::Cache;
use crate::catalog::files::{split_documents, MANAGED_BY_LOCATION};
use crate::catalog::EntityRef;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// An editor to run on a file, and the file (re-read once it exits).
#[derive(Debug, Clone, PartialEq)]
pub struct EditTarget {
    pub argv: Vec<String>,
    pub file: PathBuf,
    pub line: usize,
}

pub fn locate(cache_path: &Path, key: &str) -> Result<EditTarget, String> {
    let cache = Cache::open(cache_path).map_err(|e| e.to_string())?;
    let raw = cache.raw(key).ok().flatten().ok_or_else(|| format!("{key} is not in the cache"))?;
    let location = raw.pointer(&format!("/metadata/annotations/{}", MANAGED_BY_LOCATION.replace('/', "~1")));
    let location = location.and_then(Value::as_str).unwrap_or("");
    let Some(file) = location.strip_prefix("file:") else {
        return Err(format!("`e` edits entities read from files; {key} came from {}", printable(location)));
    };
    let file = PathBuf::from(file);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let line = document_line(&text, key).unwrap_or(1);
    Ok(EditTarget { argv: editor_argv(&file, line, |k| std::env::var(k).ok()), file, line })
}

fn printable(location: &str) -> String {
    if location.is_empty() {
        "an unknown location".into()
    } else {
        crate::sanitize::clean_line(location)
    }
}

/// The first line of the document in `text` that defines the entity `key`.
pub fn document_line(text: &str, key: &str) -> Option<usize> {
    split_documents(text).into_iter().find_map(|doc| {
        let value: Value = serde_yaml::from_str(&doc.text).ok()?;
        let kind = value.get("kind")?.as_str()?;
        let name = value.pointer("/metadata/name")?.as_str()?;
        let namespace = value.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default");
        let this = EntityRef::parse(&format!("{kind}:{namespace}/{name}"), None, "default").ok()?;
        (this.key() == key).then_some(doc.first_line)
    })
}

/// `$VISUAL`, else `$EDITOR`, else `vi`, with `+LINE FILE`. The variable is
/// split on whitespace (`code -w`), never given to a shell.
pub fn editor_argv(file: &Path, line: usize, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| env(k))
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut argv: Vec<String> = editor.split_whitespace().map(str::to_string).collect();
    argv.push(format!("+{line}"));
    argv.push(file.display().to_string());
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_document_of_the_entity() {
        let text = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: a\n---\nkind: Component\nmetadata:\n  name: Payments-API\n";
        assert_eq!(document_line(text, "component:default/payments-api"), Some(6));
        assert_eq!(document_line(text, "group:default/a"), Some(1));
        assert_eq!(document_line(text, "component:default/other"), None);
    }

    #[test]
    fn editor_from_visual_then_editor_then_vi() {
        let file = Path::new("/tmp/c.yaml");
        let env = |v: Option<&'static str>, e: Option<&'static str>| {
            move |k: &str| if k == "VISUAL" { v.map(String::from) } else { e.map(String::from) }
        };
        assert_eq!(editor_argv(file, 3, env(None, None)), ["vi", "+3", "/tmp/c.yaml"]);
        assert_eq!(editor_argv(file, 3, env(None, Some("nano"))), ["nano", "+3", "/tmp/c.yaml"]);
        assert_eq!(editor_argv(file, 3, env(Some("code -w"), Some("nano"))), ["code", "-w", "+3", "/tmp/c.yaml"]);
    }
}
