//! Placeholders in an action's argv. Each `{{ … }}` is replaced inside the
//! one argument it was written in; the result is never split or given to a
//! shell, so catalog text (which anyone with a repository can write) stays
//! data. `{{{{` writes a literal `{{`.

use serde_json::Value;
use std::collections::BTreeMap;

/// What placeholders can name, for one entity.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub name: String,
    pub namespace: String,
    pub kind: String,
    /// `kind:namespace/name`, lower-cased kind.
    pub entity_ref: String,
    pub owner: Option<String>,
    pub system: Option<String>,
    pub annotations: BTreeMap<String, String>,
    /// Link type → url (the first link of each type).
    pub links: BTreeMap<String, String>,
    /// `spec.type` and `spec.lifecycle`, for scopes.
    pub spec_type: Option<String>,
    pub lifecycle: Option<String>,
}

impl Facts {
    /// Read from an entity's raw document.
    pub fn from_raw(raw: &Value) -> Facts {
        let text = |p: &str| raw.pointer(p).and_then(Value::as_str).map(str::to_string);
        let kind = text("/kind").unwrap_or_default();
        let namespace = text("/metadata/namespace").unwrap_or_else(|| "default".into());
        let name = text("/metadata/name").unwrap_or_default();
        let annotations = raw
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        let mut links = BTreeMap::new();
        for link in raw.pointer("/metadata/links").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(t), Some(url)) =
                (link.get("type").and_then(Value::as_str), link.get("url").and_then(Value::as_str))
            {
                links.entry(t.to_string()).or_insert_with(|| url.to_string());
            }
        }
        Facts {
            entity_ref: format!("{}:{namespace}/{name}", kind.to_lowercase()),
            name,
            namespace,
            kind,
            owner: text("/spec/owner"),
            system: text("/spec/system"),
            annotations,
            links,
            spec_type: text("/spec/type"),
            lifecycle: text("/spec/lifecycle"),
        }
    }
}

/// Why an argv could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The entity has no value for this placeholder (the action is listed disabled).
    Value(String),
    /// The placeholder is not one callboard knows (a config error).
    Unknown(String),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Value(p) => write!(f, "no value for {{{{ {p} }}}}"),
            Missing::Unknown(p) => write!(f, "`{{{{ {p} }}}}` is not a placeholder"),
        }
    }
}

/// Expand every argument; each stays exactly one argument.
pub fn expand_argv(
    command: &[String],
    facts: &Facts,
    inputs: &BTreeMap<String, String>,
) -> Result<Vec<String>, Missing> {
    command.iter().map(|arg| expand(arg, facts, inputs)).collect()
}

/// Expand one argument.
pub fn expand(arg: &str, facts: &Facts, inputs: &BTreeMap<String, String>) -> Result<String, Missing> {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        if let Some(more) = after.strip_prefix("{{") {
            out.push_str("{{");
            rest = more;
            continue;
        }
        let Some(end) = after.find("}}") else {
            return Err(Missing::Unknown(after.trim().to_string()));
        };
        let name = after[..end].trim();
        out.push_str(&value_of(name, facts, inputs)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Check the placeholders of an argv without an entity (config validation).
pub fn check_placeholders(command: &[String], input_names: &[String]) -> Result<(), Missing> {
    let inputs: BTreeMap<String, String> = input_names.iter().map(|n| (n.clone(), String::new())).collect();
    let full = Facts { owner: Some(String::new()), system: Some(String::new()), ..Facts::default() };
    for arg in command {
        match expand(arg, &full, &inputs) {
            Err(Missing::Unknown(p)) => return Err(Missing::Unknown(p)),
            Err(Missing::Value(p)) if p.starts_with("input.") => return Err(Missing::Unknown(p)),
            // Annotations and links may be absent on any one entity: fine here.
            _ => continue,
        }
    }
    Ok(())
}

fn value_of(name: &str, facts: &Facts, inputs: &BTreeMap<String, String>) -> Result<String, Missing> {
    let missing = || Missing::Value(name.to_string());
    match name {
        "name" => Ok(facts.name.clone()),
        "namespace" => Ok(facts.namespace.clone()),
        "kind" => Ok(facts.kind.clone()),
        "ref" => Ok(facts.entity_ref.clone()),
        "owner" => facts.owner.clone().ok_or_else(missing),
        "system" => facts.system.clone().ok_or_else(missing),
        // The YAML file a folder source read the entity from.
        "file" => facts
            .annotations
            .get(crate::catalog::files::MANAGED_BY_LOCATION)
            .and_then(|l| l.strip_prefix("file:"))
            .map(str::to_string)
            .ok_or_else(missing),
        _ => {
            if let Some(key) = quoted_key(name, "annotations") {
                return facts.annotations.get(&key).cloned().ok_or_else(missing);
            }
            if let Some(link) = name.strip_prefix("links.").filter(|l| is_word(l)) {
                return facts.links.get(link).cloned().ok_or_else(missing);
            }
            if let Some(input) = name.strip_prefix("input.").filter(|l| is_word(l)) {
                return inputs.get(input).cloned().ok_or_else(missing);
            }
            Err(Missing::Unknown(name.to_string()))
        }
    }
}

/// `annotations["a/b"]` or `annotations['a/b']` → `a/b`.
fn quoted_key(name: &str, field: &str) -> Option<String> {
    let inner = name.strip_prefix(field)?.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let key = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
    let key = key.or_else(|| inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))?;
    (!key.is_empty()).then(|| key.to_string())
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        let raw = serde_json::json!({
            "kind": "Component",
            "metadata": {"name": "pay", "annotations": {"x/evil": "; rm -rf ~ $(reboot) `id`\n-rf"},
                         "links": [{"type": "dashboard", "url": "https://d/1"}]},
            "spec": {"owner": "team-a", "type": "service"}
        });
        Facts::from_raw(&raw)
    }

    fn argv(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn placeholders_expand_inside_one_argument() {
        let none = BTreeMap::new();
        let out = expand_argv(
            &argv(&[
                "echo",
                "{{ ref }}",
                "--owner={{owner}}",
                "{{ annotations[\"x/evil\"] }}",
                "{{ links.dashboard }}",
            ]),
            &facts(),
            &none,
        )
        .unwrap();
        assert_eq!(
            out,
            ["echo", "component:default/pay", "--owner=team-a", "; rm -rf ~ $(reboot) `id`\n-rf", "https://d/1"]
        );
    }

    #[test]
    fn a_literal_brace_and_inputs() {
        let inputs = BTreeMap::from([("lines".to_string(), "50".to_string())]);
        let out = expand("{{{{ name }}={{ name }} {{ input.lines }}", &facts(), &inputs).unwrap();
        assert_eq!(out, "{{ name }}=pay 50");
    }

    #[test]
    fn missing_and_unknown() {
        let none = BTreeMap::new();
        assert_eq!(expand("{{ system }}", &facts(), &none), Err(Missing::Value("system".into())));
        assert_eq!(
            expand("{{ annotations['nope'] }}", &facts(), &none),
            Err(Missing::Value("annotations['nope']".into()))
        );
        assert_eq!(expand("{{ nmae }}", &facts(), &none), Err(Missing::Unknown("nmae".into())));
        assert_eq!(expand("{{ name", &facts(), &none), Err(Missing::Unknown("name".into())));
        assert!(check_placeholders(&argv(&["{{ input.n }}", "{{ links.x }}"]), &["n".into()]).is_ok());
        assert!(check_placeholders(&argv(&["{{ input.m }}"]), &["n".into()]).is_err());
    }
}
