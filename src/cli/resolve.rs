//! Turning what a user typed into one entity, the same way for every
//! subcommand: an exact ref, then an exact name, then an exact title
//! (case-insensitive), with a unique component winning among namesakes.

use super::{Exit, EXIT_AMBIGUOUS, EXIT_NOT_FOUND};
use crate::catalog::{Catalog, EntityRef, Summary};

/// Entities `text` names exactly, best kind of match only: the ref; else
/// names (`name` or `namespace/name`); else titles.
pub fn exact_matches<'a>(catalog: &'a Catalog, text: &str) -> Vec<&'a Summary> {
    let text = text.trim();
    if text.contains(':') {
        if let Some(s) = catalog.get(text) {
            return vec![s];
        }
    }
    let lower = text.to_lowercase();
    let by_name: Vec<&Summary> = catalog
        .all()
        .iter()
        .filter(|s| s.name.to_lowercase() == lower || format!("{}/{}", s.namespace, s.name).to_lowercase() == lower)
        .collect();
    if !by_name.is_empty() {
        return by_name;
    }
    catalog.all().iter().filter(|s| !s.title.is_empty() && s.title.to_lowercase() == lower).collect()
}

/// One of the exact matches: the only one, or the only component among
/// them (a service and its namesake API or resource are common); None when
/// there are none; ambiguous otherwise.
pub fn pick_one(text: &str, matches: &[String]) -> Result<Option<String>, Exit> {
    let components: Vec<&String> = matches.iter().filter(|k| k.starts_with("component:")).collect();
    match (matches.len(), components.len()) {
        (0, _) => Ok(None),
        (1, _) => Ok(Some(matches[0].clone())),
        (_, 1) => Ok(Some(components[0].clone())),
        _ => Err(ambiguous(text, matches.iter().map(|k| display_ref(k)).collect())),
    }
}

/// Resolve to one entity of the loaded catalog (`get`, `deps`, `docs`, `open`).
pub fn resolve<'a>(catalog: &'a Catalog, text: &str) -> Result<&'a Summary, Exit> {
    let keys: Vec<String> = exact_matches(catalog, text).iter().map(|s| s.key.clone()).collect();
    match pick_one(text, &keys)? {
        Some(key) => Ok(catalog.get(&key).expect("a match is in the catalog")),
        None => Err(Exit::new(EXIT_NOT_FOUND, format!("no entity named `{text}` (try `callboard search {text}`)"))),
    }
}

pub fn ambiguous(text: &str, candidates: Vec<String>) -> Exit {
    Exit::new(EXIT_AMBIGUOUS, format!("`{text}` is ambiguous; did you mean one of:\n  {}", candidates.join("\n  ")))
}

pub fn display_ref(key: &str) -> String {
    EntityRef::parse_full(key).map(|r| r.to_string()).unwrap_or_else(|_| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(kind: &str, name: &str, title: &str) -> Summary {
        Summary {
            key: format!("{kind}:default/{name}"),
            kind: kind.into(),
            namespace: "default".into(),
            name: name.into(),
            title: title.into(),
            ..Default::default()
        }
    }

    #[test]
    fn ref_then_name_then_title() {
        let c = Catalog::new(vec![
            s("component", "fraud-scorer", "Fraud Scorer"),
            s("api", "fraud-scorer", ""),
            s("component", "payments-api", "Payments API"),
            s("api", "payments-api-docs", "Payments API"),
            s("system", "x", "Fraud"),
        ]);
        assert_eq!(resolve(&c, "api:fraud-scorer").unwrap().key, "api:default/fraud-scorer");
        assert_eq!(resolve(&c, "fraud-scorer").unwrap().key, "component:default/fraud-scorer");
        assert_eq!(resolve(&c, "fraud scorer").unwrap().key, "component:default/fraud-scorer");
        assert_eq!(resolve(&c, "payments api").unwrap().key, "component:default/payments-api");
        assert_eq!(resolve(&c, "Fraud").unwrap().key, "system:default/x");
        assert_eq!(resolve(&c, "nothing").unwrap_err().code, EXIT_NOT_FOUND);
        let c = Catalog::new(vec![s("api", "a", "Same"), s("resource", "b", "Same")]);
        assert_eq!(resolve(&c, "same").unwrap_err().code, EXIT_AMBIGUOUS);
    }
}
