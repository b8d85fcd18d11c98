//! `callboard who QUERY [--json]`: the owner of an entity and how to reach
//! them, straight from the cache with a handful of point reads, fast enough
//! for an alert handler.

use super::resolve::{ambiguous, exact_matches, pick_one};
use super::Exit;
use super::EXIT_NOT_FOUND;
use crate::catalog::cache::Cache;
use crate::catalog::owners::{card as owner_card, Contact, OwnerCard, Person};
use crate::catalog::relations::{CHILD_OF, HAS_MEMBER, MEMBER_OF, OWNED_BY, PART_OF};
use crate::catalog::{Catalog, EntityRef, Summary};
use crate::search::{run as run_query, Query};
use serde_json::json;
use std::collections::HashSet;
use std::io::Write;

pub fn run(cache: &Cache, query: &str, as_json: bool, out: &mut impl Write) -> Result<(), Exit> {
    let key = resolve(cache, query)?;
    let catalog = neighbourhood(cache, &key)?;
    let raw_of = |k: &str| cache.raw(k).ok().flatten();
    let card = owner_card(&catalog, &key, &raw_of);
    let io = |e: std::io::Error| Exit::from(anyhow::Error::from(e));
    if as_json {
        let value = json!({
            "entity": display_ref(&key),
            // A group or user asked about directly: `owner` is its own card.
            "self": card.is_self,
            "owner": card.owner.as_ref().map(|o| json!({
                "ref": display_ref(&o.key), "name": o.name, "email": o.email,
                "kind": card.owner_kind.to_lowercase(),
                "members": card.members.iter().map(person_json).collect::<Vec<_>>(),
                "contacts": card.contacts,
                "parents": card.parents.iter().map(person_json).collect::<Vec<_>>(),
            })),
            "stated_owner": if card.resolution.stated.is_empty() { None } else { Some(display_ref(&card.resolution.stated)) },
            "inherited": card.resolution.inherited_from.is_some(),
            "inherited_from": card.resolution.inherited_from.as_deref().map(display_ref),
            "entity_contacts": card.entity_contacts,
            "system_owner": card.system_owner.as_ref().map(person_json),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default()).map_err(io)?;
    } else {
        write_text(&card, out).map_err(io)?;
    }
    Ok(())
}

fn display_ref(key: &str) -> String {
    EntityRef::parse_full(key).map(|r| r.to_string()).unwrap_or_else(|_| key.to_string())
}

fn person_json(p: &Person) -> serde_json::Value {
    json!({"ref": display_ref(&p.key), "name": p.name, "email": p.email})
}

fn write_text(card: &OwnerCard, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{}", display_ref(&card.entity))?;
    if let (true, Some(o)) = (card.is_self, &card.owner) {
        let kind = format!("{}:", card.owner_kind.to_lowercase());
        writeln!(out, "{kind:<10}{} ({}){}", o.name, display_ref(&o.key), email_suffix(&o.email))?;
    }
    match (&card.owner, &card.resolution.inherited_from) {
        _ if card.is_self => {}
        (None, _) if card.resolution.stated.is_empty() => {
            writeln!(out, "owner:    none stated, and no system or domain owner")?
        }
        (None, _) => writeln!(
            out,
            "owner:    {} (not in the catalog), and no system or domain owner",
            display_ref(&card.resolution.stated)
        )?,
        (Some(o), inherited) => {
            writeln!(out, "owner:    {} ({}){}", o.name, display_ref(&o.key), email_suffix(&o.email))?;
            if let Some(from) = inherited {
                let stated = if card.resolution.stated.is_empty() {
                    "no owner is stated".to_string()
                } else {
                    format!("the stated owner {} is not in the catalog", display_ref(&card.resolution.stated))
                };
                writeln!(out, "          inherited from {}: {stated}", display_ref(from))?;
            }
        }
    }
    write_contacts(out, "contacts", &card.contacts)?;
    let own: Vec<Contact> = card.entity_contacts.iter().filter(|c| !card.contacts.contains(c)).cloned().collect();
    write_contacts(out, "entity", &own)?;
    if !card.members.is_empty() {
        writeln!(out, "members:")?;
        for m in &card.members {
            // Two people of one name (Backstage's examples have two "Guest User"s): say which is which.
            let namesakes = card.members.iter().filter(|o| o.name == m.name).count();
            let which = if namesakes > 1 { format!(" ({})", display_ref(&m.key)) } else { String::new() };
            writeln!(out, "  {}{which}{}", m.name, email_suffix(&m.email))?;
        }
    }
    if !card.parents.is_empty() {
        let chain: Vec<&str> = card.parents.iter().map(|p| p.name.as_str()).collect();
        if card.is_self && card.owner_kind.eq_ignore_ascii_case("user") {
            writeln!(out, "member of: {}", chain.join(", "))?;
        } else {
            writeln!(out, "part of: {}", chain.join(" › "))?;
        }
    }
    if let Some(s) = &card.system_owner {
        writeln!(out, "system owner: {} ({}){}", s.name, display_ref(&s.key), email_suffix(&s.email))?;
    }
    Ok(())
}

fn email_suffix(email: &str) -> String {
    if email.is_empty() {
        String::new()
    } else {
        format!(" <{email}>")
    }
}

fn write_contacts(out: &mut impl Write, heading: &str, contacts: &[Contact]) -> std::io::Result<()> {
    for (i, c) in contacts.iter().enumerate() {
        let head = if i == 0 { format!("{heading}:") } else { String::new() };
        let label = if c.label.is_empty() || c.label == c.value { String::new() } else { format!("  ({})", c.label) };
        writeln!(out, "{head:<10}{:<10}{}{label}", c.kind, c.value)?;
    }
    Ok(())
}

/// Exact ref, then exact name, then exact title (a unique component wins
/// among namesakes), then fuzzy search; ambiguity lists the top candidates.
fn resolve(cache: &Cache, query: &str) -> Result<String, Exit> {
    let db = |e| Exit::from(anyhow::Error::from(e));
    let query = query.trim();
    if query.contains(':') {
        if let Ok(r) = EntityRef::parse_full(query) {
            if cache.summary(&r.key()).map_err(db)?.is_some() {
                return Ok(r.key());
            }
        }
    }
    let named = cache.keys_named(query.rsplit('/').next().unwrap_or(query)).map_err(db)?;
    if let Some(key) = pick_one(query, &named)? {
        return Ok(key);
    }
    // Slow path: no exact name, so load the catalog for titles, then rank.
    let summaries = cache.load_summaries().map_err(db)?;
    let catalog = Catalog::new(summaries);
    let titled: Vec<String> = exact_matches(&catalog, query).iter().map(|s| s.key.clone()).collect();
    if let Some(key) = pick_one(query, &titled)? {
        return Ok(key);
    }
    let hits = run_query(&catalog, &Query::parse(query));
    match hits.as_slice() {
        [] => Err(Exit::new(EXIT_NOT_FOUND, format!("nothing matches `{query}`"))),
        [one] => Ok(catalog.at(one.idx).key.clone()),
        [first, second, ..] if first.score >= second.score + second.score / 2 && first.score > 0 => {
            Ok(catalog.at(first.idx).key.clone())
        }
        many => {
            Err(ambiguous(query, many.iter().take(5).map(|h| catalog.at(h.idx).entity_ref().to_string()).collect()))
        }
    }
}

/// Just the entities an owner card needs: the entity, its owner, the
/// system/domain chain and their owners, the owner's members and parents.
fn neighbourhood(cache: &Cache, key: &str) -> Result<Catalog, Exit> {
    let mut found: Vec<Summary> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut fetch = |k: &str, found: &mut Vec<Summary>| -> Option<Summary> {
        if !seen.insert(k.to_string()) {
            return found.iter().find(|s| s.key == k).cloned();
        }
        let s = cache.summary(k).ok().flatten()?;
        found.push(s.clone());
        Some(s)
    };
    let entity = fetch(key, &mut found).ok_or_else(|| Exit::new(1, format!("{key} is not in the cache")))?;
    let mut owners: Vec<String> = vec![entity.owner.clone()];
    // A group or user gets its own card: its members, parents or groups.
    if entity.kind.eq_ignore_ascii_case("group") || entity.kind.eq_ignore_ascii_case("user") {
        owners.push(entity.key.clone());
        owners.extend(entity.targets(MEMBER_OF).map(str::to_string));
    }
    // Up the partOf chain (system, domain), with each one's owner.
    let mut current = entity.clone();
    for _ in 0..8 {
        let parent = current
            .targets(PART_OF)
            .next()
            .map(str::to_string)
            .or_else(|| (!current.system.is_empty()).then(|| current.system.clone()));
        let Some(parent) = parent.and_then(|p| fetch(&p, &mut found)) else { break };
        owners.extend(parent.targets(OWNED_BY).map(str::to_string));
        owners.push(parent.owner.clone());
        current = parent;
    }
    for owner in owners.into_iter().filter(|o| !o.is_empty()) {
        let Some(o) = fetch(&owner, &mut found) else { continue };
        for member in o.targets(HAS_MEMBER) {
            fetch(member, &mut found);
        }
        let mut group = o;
        for _ in 0..32 {
            let Some(parent) = group.targets(CHILD_OF).next().map(str::to_string) else { break };
            match fetch(&parent, &mut found) {
                Some(p) => group = p,
                None => break,
            }
        }
    }
    Ok(Catalog::new(found))
}
