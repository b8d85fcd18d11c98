//! The summary of an entity straight from its JSON text, without building a
//! `serde_json::Value` first: only the fields a summary needs are read, the
//! rest is skipped. About twice as fast as parse-then-[`summarize`], which
//! matters when a sync stores 20k entities on the cores the server needs.
//!
//! It takes only the plain case (the types Backstage always sends) and says
//! None otherwise; the caller then goes the `Value` way, so both give the
//! same summary for everything (tested below on generated catalogs).
//!
//! [`summarize`]: crate::catalog::entity::summarize

use crate::catalog::entity::{Relation, Summary};
use crate::catalog::entity_ref::{is_valid_name, EntityRef, DEFAULT_NAMESPACE};
use crate::sanitize::clean_line;
use serde::Deserialize;
use std::borrow::Cow;

type Text<'a> = Option<Cow<'a, str>>;

#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(rename = "apiVersion", borrow)]
    api_version: Text<'a>,
    #[serde(borrow)]
    kind: Text<'a>,
    #[serde(borrow)]
    metadata: Option<Metadata<'a>>,
    #[serde(borrow, default)]
    spec: Option<Spec<'a>>,
    #[serde(borrow, default)]
    relations: Option<Vec<Rel<'a>>>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow, default)]
    namespace: Text<'a>,
    #[serde(borrow, default)]
    title: Text<'a>,
    #[serde(borrow, default)]
    description: Text<'a>,
    #[serde(borrow, default)]
    tags: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    etag: Text<'a>,
}

#[derive(Deserialize)]
struct Spec<'a> {
    #[serde(borrow, default)]
    owner: Text<'a>,
    #[serde(borrow, default)]
    system: Text<'a>,
    #[serde(rename = "type", borrow, default)]
    spec_type: Text<'a>,
    #[serde(borrow, default)]
    lifecycle: Text<'a>,
    #[serde(borrow, default)]
    profile: Option<Profile<'a>>,
}

#[derive(Deserialize)]
struct Profile<'a> {
    #[serde(borrow, default)]
    email: Text<'a>,
    #[serde(rename = "displayName", borrow, default)]
    display_name: Text<'a>,
}

#[derive(Deserialize)]
struct Rel<'a> {
    #[serde(rename = "type", borrow, default)]
    rel_type: Text<'a>,
    #[serde(rename = "targetRef", borrow, default)]
    target_ref: Text<'a>,
    #[serde(borrow, default)]
    target: Option<RelTarget<'a>>,
}

#[derive(Deserialize)]
struct RelTarget<'a> {
    #[serde(borrow)]
    kind: Text<'a>,
    #[serde(borrow)]
    namespace: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
}

/// The summary and etag of a plain, valid entity; None for anything else.
pub fn summarize_text(text: &str) -> Option<(Summary, String)> {
    let doc: Doc = serde_json::from_str(text).ok()?;
    doc.api_version.as_ref()?;
    let kind = doc.kind.as_deref().filter(|k| !k.is_empty())?;
    let meta = doc.metadata.as_ref()?;
    let name = meta.name.as_deref().filter(|n| is_valid_name(n))?;
    let namespace = match meta.namespace.as_deref() {
        None => DEFAULT_NAMESPACE,
        Some(ns) if is_valid_name(ns) => ns,
        Some(_) => return None,
    };
    let eref = EntityRef::new(kind, namespace, name);
    let mut relations: Vec<Relation> = Vec::new();
    for rel in doc.relations.iter().flatten() {
        let Some(rel_type) = rel.rel_type.as_deref() else { continue };
        let target = match (rel.target_ref.as_deref(), rel.target.as_ref()) {
            (Some(t), _) => EntityRef::parse_full(t).ok().map(|r| r.key()),
            // Old servers sent `target: {kind, namespace, name}`.
            (None, Some(t)) => match (t.kind.as_deref(), t.namespace.as_deref(), t.name.as_deref()) {
                (Some(k), Some(ns), Some(n)) => Some(EntityRef::new(k, ns, n).key()),
                _ => None,
            },
            (None, None) => None,
        };
        if let Some(target) = target {
            relations.push(Relation { rel_type: clean_line(rel_type), target });
        }
    }
    relations.sort();
    relations.dedup();
    let spec = doc.spec.as_ref();
    let spec_ref = |text: &str, default_kind: &str| {
        EntityRef::parse(text, Some(default_kind), &eref.namespace).ok().map(|r| r.key())
    };
    let owner = relations
        .iter()
        .find(|r| r.rel_type == "ownedBy")
        .map(|r| r.target.clone())
        .or_else(|| spec.and_then(|s| s.owner.as_deref()).and_then(|o| spec_ref(o, "group")))
        .unwrap_or_default();
    let system = spec.and_then(|s| s.system.as_deref()).and_then(|s| spec_ref(s, "system")).unwrap_or_default();
    let profile = spec.and_then(|s| s.profile.as_ref());
    let summary = Summary {
        key: eref.key(),
        kind: clean_line(kind),
        namespace: eref.namespace.clone(),
        name: eref.name.clone(),
        title: clean_line(meta.title.as_deref().unwrap_or("")),
        description: clean_line(meta.description.as_deref().unwrap_or("").trim()),
        spec_type: clean_line(spec.and_then(|s| s.spec_type.as_deref()).unwrap_or("")),
        lifecycle: clean_line(spec.and_then(|s| s.lifecycle.as_deref()).unwrap_or("")),
        owner,
        system,
        tags: meta.tags.iter().flatten().map(|t| clean_line(t)).collect(),
        email: clean_line(profile.and_then(|p| p.email.as_deref()).unwrap_or("")),
        display_name: clean_line(profile.and_then(|p| p.display_name.as_deref()).unwrap_or("")),
        relations: relations.into(),
    };
    Some((summary, meta.etag.as_deref().unwrap_or("").to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::entity::summarize;
    use serde_json::{json, Value};

    fn same(raw: &Value) {
        let text = raw.to_string();
        let slow = summarize(raw).ok();
        let fast = summarize_text(&text);
        match (&fast, &slow) {
            (Some((f, etag)), Some(s)) => {
                assert_eq!(f, s, "{text}");
                assert_eq!(etag, raw.pointer("/metadata/etag").and_then(Value::as_str).unwrap_or(""));
            }
            // The fast way may decline anything; it must never accept what summarize refuses.
            (Some(_), None) => panic!("accepted an entity summarize refuses: {text}"),
            _ => {}
        }
    }

    #[test]
    fn the_fast_summary_is_the_summary() {
        let generated = crate::generate::generate(crate::generate::Options { entities: 3000, seed: 7 });
        let mut accepted = 0;
        for (i, doc) in generated.docs.iter().enumerate() {
            let mut raw = doc.value.clone();
            // As a server sends them: relations (new and old style) and an etag.
            raw["metadata"]["etag"] = json!(format!("etag-{i}"));
            raw["relations"] = json!([
                {"type": "ownedBy", "targetRef": "group:default/Team-A"},
                {"type": "partOf", "target": {"kind": "System", "namespace": "default", "name": "pay"}},
                {"type": "dependsOn", "targetRef": "not a ref"},
                {"type": "ownedBy", "targetRef": "group:default/team-a"}
            ]);
            same(&raw);
            accepted += usize::from(summarize_text(&raw.to_string()).is_some());
        }
        assert_eq!(accepted, generated.docs.len(), "the plain case is the fast one");
    }

    #[test]
    fn odd_entities_agree_or_are_declined() {
        for raw in [
            json!({"apiVersion": "v1", "kind": "Component", "metadata": {"name": "a", "namespace": null, "title": 3}}),
            json!({"apiVersion": null, "kind": "Component", "metadata": {"name": "a"}}),
            json!({"apiVersion": "v1", "kind": "", "metadata": {"name": "a"}}),
            json!({"apiVersion": "v1", "kind": "Group", "metadata": {"name": "bad name"}}),
            json!({"apiVersion": "v1", "kind": "Group", "metadata": {"name": "a", "namespace": "Bad NS"}}),
            json!({"apiVersion": "v1", "kind": "User", "metadata": {"name": "a", "tags": ["x", 1]},
                   "spec": {"profile": {"email": "a@b.c", "displayName": "A\u{1b}[2J"}, "owner": "u"}}),
            json!({"apiVersion": "v1", "kind": "API", "metadata": {"name": "a", "description": "  d \u{7} "},
                   "spec": null, "relations": [{"type": "x"}, {"targetRef": "api:a"}, 5]}),
            json!({"apiVersion": "v1", "kind": "System", "metadata": {"name": "s"}, "spec": {"owner": "ops/team"}}),
            json!([1, 2]),
        ] {
            same(&raw);
        }
    }
}
