//! Backstage's Actions Registry: each plugin serves the actions it offers at
//! `/api/{plugin}/.backstage/actions/v1/actions` and runs one at
//! `…/actions/{id}/invoke` with the input object as the body.

use super::{BackstageError, Client};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

/// One action a plugin offers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct RemoteAction {
    /// `plugin:name`, what invoke takes.
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub attributes: Attributes,
    #[serde(default)]
    pub schema: Schema,
    /// The plugin it was listed by (not sent by the server).
    #[serde(skip)]
    pub plugin: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    #[serde(default)]
    pub destructive: bool,
    #[serde(default)]
    pub idempotent: bool,
    #[serde(default)]
    pub read_only: bool,
}

/// JSON Schema (draft 7) of the input and the output.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Schema {
    #[serde(default)]
    pub input: Value,
    #[serde(default)]
    pub output: Value,
}

#[derive(Deserialize)]
struct Listing {
    actions: Vec<RemoteAction>,
}

impl Client {
    /// The actions one plugin offers.
    pub async fn list_actions(&self, plugin: &str) -> Result<Vec<RemoteAction>, BackstageError> {
        let path = format!("api/{}/.backstage/actions/v1/actions", segment(plugin));
        let listing: Listing = self.request_json(Method::GET, &path, &[], None).await?;
        Ok(listing.actions.into_iter().map(|a| RemoteAction { plugin: plugin.to_string(), ..a }).collect())
    }

    /// Run one; its `output` on success. A 4xx carries `{error:{name,message}}`,
    /// which the error's text includes.
    pub async fn invoke_action(&self, plugin: &str, id: &str, input: &Value) -> Result<Value, BackstageError> {
        let path = format!("api/{}/.backstage/actions/v1/actions/{}/invoke", segment(plugin), segment(id));
        let answer: Value = self.request_json(Method::POST, &path, &[], Some(input)).await?;
        Ok(answer.get("output").cloned().unwrap_or(answer))
    }

    /// `POST /api/catalog/refresh`: ask the catalog to process an entity again.
    pub async fn refresh_entity(&self, entity_ref: &str) -> Result<(), BackstageError> {
        let body = serde_json::json!({ "entityRef": entity_ref });
        // The answer is an empty 200: nothing to parse.
        self.request_with(Method::POST, "api/catalog/refresh", &[], Some(&body), |_, _| Ok(())).await
    }
}

/// What registering a location adds (or would add, with `dry_run`).
#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    /// Refs of the entities read from it.
    pub entities: Vec<String>,
    /// The location was registered already.
    pub exists: bool,
}

impl Client {
    /// `POST /api/catalog/locations` (`?dryRun=true` to only read it).
    pub async fn register_location(&self, target: &str, dry_run: bool) -> Result<Registered, BackstageError> {
        let (kind, target) = location_type(target);
        let body = serde_json::json!({ "type": kind, "target": target });
        let query = [("dryRun", dry_run.to_string())];
        let answer: Value = self.request_json(Method::POST, "api/catalog/locations", &query, Some(&body)).await?;
        let entities = answer
            .get("entities")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let kind = e.get("kind")?.as_str()?.to_lowercase();
                let ns = e.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default");
                Some(format!("{kind}:{ns}/{}", e.pointer("/metadata/name")?.as_str()?))
            })
            .collect();
        Ok(Registered { entities, exists: answer.get("exists").and_then(Value::as_bool).unwrap_or(false) })
    }
}

/// `url:https://…` / `file:/…` / a bare address (a url).
pub fn location_type(target: &str) -> (&str, &str) {
    match target.split_once(':') {
        Some(("url", rest)) => ("url", rest),
        Some(("file", rest)) => ("file", rest),
        _ => ("url", target),
    }
}

/// A path segment from config or the server: only characters that cannot
/// change the path (ids are `plugin:name`).
fn segment(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')).collect()
}

/// The input an action most likely wants for an entity: every property of
/// its input schema that the entity can fill (kind, namespace, name,
/// entityRef, location …); required strings it cannot fill stay empty.
pub fn prefill(schema: &Value, facts: &crate::actions::Facts) -> Value {
    let mut input = serde_json::Map::new();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Value::Object(input);
    };
    let required: Vec<&str> =
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let location = facts.annotations.get("backstage.io/managed-by-location").cloned();
    for (name, property) in properties {
        let value = match name.as_str() {
            "kind" => Some(facts.kind.clone()),
            "namespace" => Some(facts.namespace.clone()),
            "name" => Some(facts.name.clone()),
            "entityRef" | "ref" => Some(facts.entity_ref.clone()),
            "location" | "locationUrl" | "target" => location.clone().map(|l| strip_location_type(&l)),
            _ => None,
        };
        let is_string = property.get("type").and_then(Value::as_str) == Some("string");
        match value {
            Some(v) if is_string || property.get("type").is_none() => {
                input.insert(name.clone(), Value::String(v));
            }
            _ if required.contains(&name.as_str()) && is_string => {
                input.insert(name.clone(), Value::String(String::new()));
            }
            _ => {}
        }
    }
    Value::Object(input)
}

/// `url:https://…` → `https://…`.
fn strip_location_type(location: &str) -> String {
    location.split_once(':').filter(|(t, _)| matches!(*t, "url" | "file")).map_or(location, |(_, r)| r).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefills_what_the_entity_knows() {
        let raw = serde_json::json!({"kind": "Component", "metadata": {"name": "pay", "namespace": "ops"}});
        let facts = crate::actions::Facts::from_raw(&raw);
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"kind": {"type": "string"}, "name": {"type": "string"}, "namespace": {"type": "string"},
                           "limit": {"type": "number"}, "query": {"type": "string"}},
            "required": ["name", "query"]
        });
        let input = prefill(&schema, &facts);
        assert_eq!(input, serde_json::json!({"kind": "Component", "name": "pay", "namespace": "ops", "query": ""}));
    }

    #[test]
    fn segments_cannot_climb() {
        assert_eq!(segment("catalog:get-catalog-entity"), "catalog:get-catalog-entity");
        assert_eq!(segment("../x?y"), "..xy");
    }
}
