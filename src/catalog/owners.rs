//! Owner cards: who owns an entity and every way to reach them, assembled
//! from relations (ownedBy, hasMember, childOf) and the raw entities' links,
//! annotations and profiles.

use super::graph::{parent_chain, resolve_owner, OwnerResolution};
use super::relations::{HAS_MEMBER, MEMBER_OF};
use super::{Catalog, Summary};
use crate::sanitize::clean_line;
use serde::Serialize;
use serde_json::Value;

/// One way to reach someone: `email`, `chat`, `oncall`, `pagerduty`, `opsgenie`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
}

/// A person or group with an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    #[serde(rename = "ref")]
    pub key: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerCard {
    /// The entity the card is about.
    pub entity: String,
    #[serde(skip)]
    pub resolution: OwnerResolution,
    /// The owner shown: stated, or inherited from system/domain.
    pub owner: Option<Person>,
    pub owner_kind: String,
    pub members: Vec<Person>,
    /// Parent groups, nearest first.
    pub parents: Vec<Person>,
    /// The owner's contacts (profile email, chat and on-call links, annotations).
    pub contacts: Vec<Contact>,
    /// The entity's own on-call contacts (its PagerDuty service, its channel).
    pub entity_contacts: Vec<Contact>,
    /// The owner of the entity's system, when it differs from the owner.
    pub system_owner: Option<Person>,
    /// The entity is itself a group or user: `owner` is the entity, and for
    /// a user `parents` are the groups they are a member of.
    pub is_self: bool,
}

/// Who a ref names, as people call them: display name or label, and email
/// when the entity is in the catalog; the ref's name alone when it is not.
pub fn person(catalog: &Catalog, key: &str) -> Person {
    match catalog.get(key) {
        Some(s) => Person {
            key: s.key.clone(),
            name: if s.display_name.is_empty() { s.label().to_string() } else { s.display_name.clone() },
            email: s.email.clone(),
        },
        None => Person {
            key: key.to_string(),
            name: key.rsplit('/').next().unwrap_or(key).to_string(),
            email: String::new(),
        },
    }
}

/// Build the card. `raw_of` gives the raw entity JSON for contacts; entities
/// it cannot give simply contribute no links.
pub fn owner_card(catalog: &Catalog, key: &str, raw_of: &dyn Fn(&str) -> Option<Value>) -> OwnerCard {
    let resolution = resolve_owner(catalog, key);
    let owner_summary: Option<&Summary> = resolution.resolved.as_deref().and_then(|k| catalog.get(k));
    let members =
        owner_summary.map(|o| o.targets(HAS_MEMBER).map(|m| person(catalog, m)).collect()).unwrap_or_default();
    let parents = owner_summary
        .filter(|o| o.kind.eq_ignore_ascii_case("group"))
        .map(|o| parent_chain(catalog, &o.key).iter().map(|k| person(catalog, k)).collect())
        .unwrap_or_default();
    let mut contacts = Vec::new();
    if let Some(o) = owner_summary {
        if !o.email.is_empty() {
            contacts.push(Contact { kind: "email".into(), value: o.email.clone(), label: String::new() });
        }
        if let Some(raw) = raw_of(&o.key) {
            contacts.extend(contacts_of(&raw));
        }
    }
    contacts.dedup();
    // The entity's own contacts, less those it shares with its owner.
    let entity_contacts: Vec<Contact> = raw_of(key)
        .map(|raw| contacts_of(&raw))
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !contacts.iter().any(|o| o.kind == c.kind && o.value == c.value))
        .collect();
    let system_owner = catalog
        .get(key)
        .map(|s| s.system.clone())
        .filter(|s| !s.is_empty())
        .and_then(|sys| catalog.get(&sys).map(|s| s.owner.clone()))
        .filter(|o| !o.is_empty() && Some(o) != resolution.resolved.as_ref())
        .map(|o| person(catalog, &o));
    OwnerCard {
        entity: key.to_string(),
        owner: resolution.resolved.as_deref().map(|k| person(catalog, k)),
        owner_kind: owner_summary.map(|o| o.kind.clone()).unwrap_or_default(),
        resolution,
        members,
        parents,
        contacts,
        entity_contacts,
        system_owner,
        is_self: false,
    }
}

/// The card to show for an entity: a group or user is asked about as
/// someone to reach, so it gets its own card (email, members, parents or
/// groups, contacts); anything else gets its owner's [`owner_card`].
pub fn card(catalog: &Catalog, key: &str, raw_of: &dyn Fn(&str) -> Option<Value>) -> OwnerCard {
    let Some(entity) = catalog.get(key) else { return owner_card(catalog, key, raw_of) };
    let is_user = entity.kind.eq_ignore_ascii_case("user");
    if !is_user && !entity.kind.eq_ignore_ascii_case("group") {
        return owner_card(catalog, key, raw_of);
    }
    let members = entity.targets(HAS_MEMBER).map(|m| person(catalog, m)).collect();
    let parents = if is_user {
        entity.targets(MEMBER_OF).map(|g| person(catalog, g)).collect()
    } else {
        parent_chain(catalog, &entity.key).iter().map(|k| person(catalog, k)).collect()
    };
    let mut contacts = Vec::new();
    if !entity.email.is_empty() {
        contacts.push(Contact { kind: "email".into(), value: entity.email.clone(), label: String::new() });
    }
    if let Some(raw) = raw_of(&entity.key) {
        contacts.extend(contacts_of(&raw));
    }
    contacts.dedup();
    OwnerCard {
        entity: entity.key.clone(),
        resolution: OwnerResolution { stated: String::new(), resolved: Some(entity.key.clone()), inherited_from: None },
        owner: Some(person(catalog, &entity.key)),
        owner_kind: entity.kind.clone(),
        members,
        parents,
        contacts,
        entity_contacts: Vec::new(),
        system_owner: None,
        is_self: true,
    }
}

/// Contacts in an entity's links and annotations. Secrets such as PagerDuty
/// integration keys are never shown.
pub fn contacts_of(raw: &Value) -> Vec<Contact> {
    let mut out = Vec::new();
    let links = raw.pointer("/metadata/links").and_then(Value::as_array).into_iter().flatten();
    for link in links {
        let get = |k: &str| clean_line(link.get(k).and_then(Value::as_str).unwrap_or(""));
        let (url, title, kind, icon) =
            (get("url"), get("title"), get("type").to_lowercase(), get("icon").to_lowercase());
        let haystack = format!("{} {kind} {icon} {url}", title.to_lowercase());
        let contact_kind = if url.starts_with("mailto:") {
            "email"
        } else if kind == "chat" || haystack.contains("slack") || haystack.contains("teams.microsoft") || icon == "chat"
        {
            "chat"
        } else if ["oncall", "on-call", "on call", "pagerduty", "opsgenie", "schedule"]
            .iter()
            .any(|w| haystack.contains(w))
        {
            "oncall"
        } else {
            continue;
        };
        let value = url.strip_prefix("mailto:").unwrap_or(&url).to_string();
        out.push(Contact { kind: contact_kind.into(), value, label: title });
    }
    let annotations = raw.pointer("/metadata/annotations").and_then(Value::as_object).into_iter().flatten();
    for (k, v) in annotations {
        let Some(v) = v.as_str() else { continue };
        let kind = match k.as_str() {
            "pagerduty.com/service-id" => "pagerduty",
            "opsgenie.com/team" | "opsgenie.com/component-selector" => "opsgenie",
            k if k.contains("slack") && !k.contains("token") => "chat",
            _ => continue,
        };
        out.push(Contact { kind: kind.into(), value: clean_line(v), label: clean_line(k) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contacts_from_links_and_annotations_without_secrets() {
        let raw = json!({"metadata": {
            "links": [
                {"url": "https://acme.slack.com/archives/C1", "title": "#pay-oncall", "icon": "chat"},
                {"url": "https://acme.pagerduty.com/schedules/P1", "title": "On-call schedule"},
                {"url": "mailto:team@acme.example", "title": "Mail"},
                {"url": "https://grafana.acme/d/1", "title": "Dashboard"}
            ],
            "annotations": {
                "pagerduty.com/service-id": "PX1",
                "pagerduty.com/integration-key": "secret-do-not-show",
                "opsgenie.com/team": "payments",
                "github.com/project-slug": "acme/pay"
            }
        }});
        let got: Vec<(String, String)> = contacts_of(&raw).into_iter().map(|c| (c.kind, c.value)).collect();
        assert_eq!(
            got,
            vec![
                ("chat".into(), "https://acme.slack.com/archives/C1".into()),
                ("oncall".into(), "https://acme.pagerduty.com/schedules/P1".into()),
                ("email".into(), "team@acme.example".into()),
                ("opsgenie".into(), "payments".into()),
                ("pagerduty".into(), "PX1".into()),
            ]
        );
    }

    #[test]
    fn a_group_or_user_gets_its_own_card() {
        let rel = |t: &str, k: &str| crate::catalog::Relation { rel_type: t.into(), target: k.into() };
        let group = |name: &str, email: &str, rels: Vec<crate::catalog::Relation>| Summary {
            key: format!("group:default/{name}"),
            kind: "Group".into(),
            namespace: "default".into(),
            name: name.into(),
            email: email.into(),
            relations: rels.into_iter().collect(),
            ..Default::default()
        };
        let catalog = Catalog::new(vec![
            group(
                "team-a",
                "a@x.example",
                vec![rel("childOf", "group:default/eng"), rel("hasMember", "user:default/jane")],
            ),
            group("eng", "", vec![rel("parentOf", "group:default/team-a")]),
            Summary {
                key: "user:default/jane".into(),
                kind: "User".into(),
                namespace: "default".into(),
                name: "jane".into(),
                display_name: "Jane Doe".into(),
                email: "jane@x.example".into(),
                relations: vec![rel("memberOf", "group:default/team-a")].into_iter().collect(),
                ..Default::default()
            },
        ]);
        let raw = |k: &str| {
            (k == "group:default/team-a")
                .then(|| json!({"metadata": {"links": [{"url": "https://x.slack.com/a", "title": "#team-a"}]}}))
        };
        let c = card(&catalog, "group:default/team-a", &raw);
        assert!(c.is_self);
        assert_eq!(c.owner.as_ref().unwrap().key, "group:default/team-a");
        assert_eq!(c.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), vec!["Jane Doe"]);
        assert_eq!(c.parents.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), vec!["group:default/eng"]);
        let kinds: Vec<&str> = c.contacts.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, vec!["email", "chat"]);
        let u = card(&catalog, "user:default/jane", &raw);
        assert_eq!(u.owner.as_ref().unwrap().email, "jane@x.example");
        assert_eq!(u.parents.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), vec!["group:default/team-a"]);
    }
}
