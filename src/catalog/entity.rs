//! The entity model: the raw Backstage JSON plus the summary every list and
//! graph works from. Summaries hold only what views need at a glance; the raw
//! document stays in the cache and is loaded when an entity page opens.

use super::entity_ref::{is_valid_name, EntityRef, DEFAULT_NAMESPACE};
pub use super::relation_list::{RelationRef, Relations};
use crate::sanitize::clean_line;
use serde_json::Value;

/// One relation as Backstage returns it: `{type, targetRef}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Relation {
    pub rel_type: String,
    /// Lowercased ref key of the target.
    pub target: String,
}

/// What the catalog list, the search and the graph need about one entity.
/// All text here is sanitised: it can go straight to the terminal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub key: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub spec_type: String,
    pub lifecycle: String,
    /// Owner ref key (`group:default/team-a`), empty when none.
    pub owner: String,
    /// System ref key, empty when none.
    pub system: String,
    pub tags: Vec<String>,
    /// profile.email for users and groups, else the first `email` link.
    pub email: String,
    pub display_name: String,
    /// Packed: iterate with `.iter()` or `for r in &s.relations`.
    pub relations: Relations,
}

impl Summary {
    /// Title when set, else name: what a person calls the entity.
    pub fn label(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }

    pub fn entity_ref(&self) -> EntityRef {
        EntityRef::new(&self.kind, &self.namespace, &self.name)
    }

    /// Targets of relations of one type, in stored order.
    pub fn targets<'a>(&'a self, rel_type: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.relations.iter().filter(move |r| r.rel_type == rel_type).map(|r| r.target)
    }
}

/// Why a document is not an entity we can keep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntityError {
    #[error("not a mapping")]
    NotAMapping,
    #[error("missing `{0}`")]
    Missing(&'static str),
    #[error("`{field}` must be a string")]
    NotAString { field: &'static str },
    #[error("metadata.name `{0}` is not a valid entity name")]
    BadName(String),
    #[error("metadata.namespace `{0}` is not a valid namespace")]
    BadNamespace(String),
}

/// Check the envelope Backstage insists on: apiVersion, kind, metadata.name.
pub fn validate(raw: &Value) -> Result<EntityRef, EntityError> {
    let obj = raw.as_object().ok_or(EntityError::NotAMapping)?;
    let api_version = obj.get("apiVersion").ok_or(EntityError::Missing("apiVersion"))?;
    if !api_version.is_string() {
        return Err(EntityError::NotAString { field: "apiVersion" });
    }
    let kind = obj
        .get("kind")
        .ok_or(EntityError::Missing("kind"))?
        .as_str()
        .ok_or(EntityError::NotAString { field: "kind" })?;
    if kind.is_empty() {
        return Err(EntityError::Missing("kind"));
    }
    let metadata = obj.get("metadata").and_then(Value::as_object).ok_or(EntityError::Missing("metadata"))?;
    let name = metadata
        .get("name")
        .ok_or(EntityError::Missing("metadata.name"))?
        .as_str()
        .ok_or(EntityError::NotAString { field: "metadata.name" })?;
    if !is_valid_name(name) {
        return Err(EntityError::BadName(clean_line(name)));
    }
    let namespace = match metadata.get("namespace") {
        None | Some(Value::Null) => DEFAULT_NAMESPACE,
        Some(Value::String(ns)) if is_valid_name(ns) => ns,
        Some(other) => return Err(EntityError::BadNamespace(clean_line(&other.to_string()))),
    };
    Ok(EntityRef::new(kind, namespace, name))
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

/// The relations stored on a raw entity, deduplicated and sorted.
pub fn relations_of(raw: &Value) -> Vec<Relation> {
    let mut out: Vec<Relation> = raw
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let rel_type = r.get("type")?.as_str()?;
            let target = match r.get("targetRef").and_then(Value::as_str) {
                Some(t) => EntityRef::parse_full(t).ok()?.key(),
                // Old servers sent `target: {kind, namespace, name}`.
                None => {
                    let t = r.get("target")?;
                    EntityRef::new(t.get("kind")?.as_str()?, t.get("namespace")?.as_str()?, t.get("name")?.as_str()?)
                        .key()
                }
            };
            Some(Relation { rel_type: clean_line(rel_type), target })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Build the summary of a validated raw entity.
pub fn summarize(raw: &Value) -> Result<Summary, EntityError> {
    let eref = validate(raw)?;
    let relations = relations_of(raw);
    let first_target = |t: &str| relations.iter().find(|r| r.rel_type == t).map(|r| r.target.clone());
    let owner =
        first_target("ownedBy").unwrap_or_else(|| spec_ref(raw, "owner", "group", &eref.namespace).unwrap_or_default());
    let system = spec_ref(raw, "system", "system", &eref.namespace).unwrap_or_default();
    let tags = raw
        .pointer("/metadata/tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(clean_line)
        .collect();
    Ok(Summary {
        key: eref.key(),
        kind: clean_line(str_at(raw, &["kind"])),
        namespace: eref.namespace.clone(),
        name: eref.name.clone(),
        title: clean_line(str_at(raw, &["metadata", "title"])),
        description: clean_line(str_at(raw, &["metadata", "description"]).trim()),
        spec_type: clean_line(str_at(raw, &["spec", "type"])),
        lifecycle: clean_line(str_at(raw, &["spec", "lifecycle"])),
        owner,
        system,
        tags,
        email: clean_line(str_at(raw, &["spec", "profile", "email"])),
        display_name: clean_line(str_at(raw, &["spec", "profile", "displayName"])),
        relations: relations.into(),
    })
}

/// A ref-valued spec field resolved against the entity's namespace.
pub fn spec_ref(raw: &Value, field: &str, default_kind: &str, namespace: &str) -> Option<String> {
    let text = raw.get("spec")?.get(field)?.as_str()?;
    EntityRef::parse(text, Some(default_kind), namespace).ok().map(|r| r.key())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validate_rejects_broken_envelopes() {
        assert_eq!(validate(&json!([])), Err(EntityError::NotAMapping));
        assert_eq!(
            validate(&json!({"kind": "Component", "metadata": {"name": "a"}})),
            Err(EntityError::Missing("apiVersion"))
        );
        assert_eq!(
            validate(&json!({"apiVersion": "v1", "kind": "Component", "metadata": {}})),
            Err(EntityError::Missing("metadata.name"))
        );
        assert!(matches!(
            validate(&json!({"apiVersion": "v1", "kind": "Component", "metadata": {"name": "bad name"}})),
            Err(EntityError::BadName(_))
        ));
        let ok =
            validate(&json!({"apiVersion": "v1", "kind": "Component", "metadata": {"name": "a", "namespace": "ops"}}));
        assert_eq!(ok.unwrap().to_string(), "component:ops/a");
    }

    #[test]
    fn summary_sanitises_and_resolves_owner() {
        let raw = json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": "evil", "description": "x\u{1b}]0;pwned\u{7}y\u{1b}[2J", "tags": ["a\u{1b}[31m"]},
            "spec": {"owner": "team-a", "system": "pay", "type": "service"}
        });
        let s = summarize(&raw).unwrap();
        assert_eq!(s.description, "xy");
        assert_eq!(s.tags, vec!["a"]);
        assert_eq!(s.owner, "group:default/team-a");
        assert_eq!(s.system, "system:default/pay");
    }

    #[test]
    fn relations_prefer_server_owner() {
        let raw = json!({
            "apiVersion": "v1", "kind": "Component", "metadata": {"name": "a"},
            "spec": {"owner": "ignored"},
            "relations": [{"type": "ownedBy", "targetRef": "user:default/Jane"},
                          {"type": "ownedBy", "targetRef": "user:default/Jane"}]
        });
        let s = summarize(&raw).unwrap();
        assert_eq!(s.owner, "user:default/jane");
        assert_eq!(s.relations.len(), 1);
    }
}
