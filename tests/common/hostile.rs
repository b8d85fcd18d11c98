//! A hostile catalog, written at test time (1 MB strings and 10k relations
//! do not belong in the repository): escape sequences in every string field
//! and in a local runbook, a 1 MB description, 10k relations on one entity,
//! a dependency cycle, names at the 63-character limit, wide and zero-width
//! characters, bidi overrides.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::Path;

/// Every kind of sequence, raw and in C1 form. "PWNED" and "HOSTILE" mark
/// payloads that must never reach a terminal, even as text.
pub const SEQUENCES: &[&str] = &[
    "\u{1b}]0;PWNED\u{7}",
    "\u{1b}[2J",
    "\u{9b}2J",
    "\u{9d}0;PWNED\u{9c}",
    "\u{1b}P+qHOSTILE\u{1b}\\",
    "\u{1b}_HOSTILE\u{1b}\\",
    "\u{1b}^HOSTILE\u{1b}\\",
    "\u{98}HOSTILE\u{9c}",
    "\u{1b}[5m",
    "\u{1b}[?1049h",
    "\u{1b}]8;;http://evil.example/\u{1b}\\",
    "\u{202e}",
    "\u{2066}",
    "\u{85}",
    "\u{7}",
    "\u{8}",
];

/// A 63-character name, the longest Backstage allows.
pub fn long_name() -> String {
    format!("l{}", "o".repeat(61)) + "g"
}

/// `label` with every sequence, wide and zero-width characters around it.
pub fn evil(label: &str) -> String {
    format!("{label} 決済🚀\u{200b}{}{label}-end", SEQUENCES.concat())
}

fn entity(kind: &str, name: &str, metadata: Value, spec: Value) -> Value {
    let mut meta = json!({"name": name, "title": evil(name), "description": evil("description"),
        "tags": ["ok", evil("tag")], "labels": {"evil": "x"},
        "annotations": {"evil/key": evil("annotation"), "callboard/runbook": "runbook.md"},
        "links": [{"url": format!("https://runbook.example/{}", SEQUENCES[0]), "title": evil("runbook link")}]});
    if let (Some(meta), Value::Object(extra)) = (meta.as_object_mut(), metadata) {
        meta.extend(extra);
    }
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": meta, "spec": spec})
}

/// All the entities: `evil-service` (10k dependencies), a cycle `cyc-a` /
/// `cyc-b`, the team and a member, a 63-character name, a 1 MB description.
pub fn entities() -> Vec<Value> {
    let mut deps: Vec<String> = (0..10_000).map(|i| format!("component:default/dep-{i}")).collect();
    deps.push("component:default/cyc-a".into());
    let component = |name: &str, depends: Vec<String>| {
        entity(
            "Component",
            name,
            json!({}),
            json!({"type": evil("type"), "lifecycle": evil("lifecycle"), "owner": "group:default/team-evil",
                   "system": "evil-system", "dependsOn": depends, "providesApis": ["evil-api"]}),
        )
    };
    vec![
        component("evil-service", deps),
        component("cyc-a", vec!["component:default/cyc-b".into()]),
        component("cyc-b", vec!["component:default/cyc-a".into(), "component:default/evil-service".into()]),
        component(&long_name(), vec![]),
        entity(
            "Component",
            "huge",
            json!({"description": evil(&"x".repeat(1 << 20))}),
            json!({"type": "service", "lifecycle": "production", "owner": "team-evil"}),
        ),
        entity(
            "API",
            "evil-api",
            json!({}),
            json!({"type": "openapi", "lifecycle": "production", "owner": "team-evil", "definition": evil("def")}),
        ),
        entity("System", "evil-system", json!({}), json!({"owner": "team-evil"})),
        entity(
            "Group",
            "team-evil",
            json!({}),
            json!({"type": "team", "children": [], "members": ["mallory"],
                   "profile": {"displayName": evil("Team"), "email": format!("team{}@evil.example", SEQUENCES[1])}}),
        ),
        entity(
            "User",
            "mallory",
            json!({}),
            json!({"memberOf": ["team-evil"],
                   "profile": {"displayName": evil("Mallory"), "email": format!("m{}@evil.example", SEQUENCES[3])}}),
        ),
    ]
}

/// Write the catalog and its runbook into `dir`.
pub fn write(dir: &Path) {
    let mut text = String::new();
    for entity in entities() {
        // JSON is YAML; C1 and bidi characters are escaped, as YAML requires.
        text.push_str("---\n");
        text.push_str(&callboard::safe_output::json_pretty(&entity));
        text.push('\n');
    }
    std::fs::write(dir.join("catalog-info.yaml"), text).unwrap();
    let runbook = format!(
        "# Runbook {0}\n\n## Restart {0}\n\nStep one: {0} see [the dashboard {0}](https://dash.example/{1}).\n\n\
         ```sh\nkubectl rollout restart {0}\n```\n\n| col {0} | b |\n|---|---|\n| {0} | &#27;]0;PWNED&#7; |\n",
        SEQUENCES.concat(),
        SEQUENCES[0]
    );
    std::fs::write(dir.join("runbook.md"), runbook).unwrap();
}

/// Where in `bytes` a control character, bidi override, or the text of a
/// dropped sequence ("PWNED", "HOSTILE") shows; None when the output is safe
/// for a terminal. `\n` and `\t` are allowed.
pub fn first_unsafe(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    for (at, c) in text.char_indices() {
        let bad = (c.is_control() && c != '\n' && c != '\t') || callboard::sanitize::is_invisible_format(c);
        if bad {
            let from = text.floor_char_boundary(at.saturating_sub(40));
            return Some(format!("{c:?} at byte {at}: …{:?}", &text[from..text.floor_char_boundary(at + 8)]));
        }
    }
    ["PWNED", "HOSTILE", "]0;", "[2J", "[5m"]
        .iter()
        .find(|m| text.contains(*m))
        .map(|m| format!("the text {m:?} of a dropped sequence"))
}
