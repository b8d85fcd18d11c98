//! Tab in the palette: completes the command name, an entity after `open`
//! and an instance name after `instance`.

use crate::catalog::Catalog;

/// What tab does: the new text (None: no progress) and, when several
/// candidates remain, the first of them to show.
#[derive(Debug, PartialEq, Eq)]
pub struct Completion {
    pub text: Option<String>,
    pub candidates: Vec<String>,
}

/// Complete `typed`; `chosen` is the highlighted command (`open REF`).
pub fn complete(typed: &str, chosen: Option<&str>, catalog: &Catalog, instances: &[String]) -> Completion {
    let (word, rest) = match typed.split_once(' ') {
        Some((w, r)) => (w, Some(r.trim_start())),
        None => (typed, None),
    };
    let Some(rest) = rest else {
        // The command itself: the highlighted one, with a space when it takes an argument.
        let text = chosen.map(|c| match c.split_once(' ') {
            Some((name, _)) => format!("{name} "),
            None => c.to_string(),
        });
        return Completion { text: text.filter(|t| t != typed), candidates: Vec::new() };
    };
    let candidates: Vec<String> = match word {
        "open" => entity_candidates(catalog, rest),
        "instance" => {
            let mut names: Vec<String> = instances.to_vec();
            names.push("demo".into());
            names.into_iter().filter(|n| n.to_lowercase().starts_with(&rest.to_lowercase())).collect()
        }
        _ => Vec::new(),
    };
    let prefix = common_prefix(&candidates);
    let text = (prefix.chars().count() > rest.chars().count()).then(|| format!("{word} {prefix}"));
    Completion { text, candidates }
}

/// Names that start with `typed`, or full refs when it has a `:`; sorted, at most 50.
fn entity_candidates(catalog: &Catalog, typed: &str) -> Vec<String> {
    let lower = typed.to_lowercase();
    let mut out: Vec<String> = if typed.contains(':') {
        catalog
            .all()
            .iter()
            .map(|s| crate::cli::resolve::display_ref(&s.key))
            .filter(|r| r.to_lowercase().starts_with(&lower))
            .collect()
    } else {
        catalog.all().iter().map(|s| s.name.clone()).filter(|n| n.to_lowercase().starts_with(&lower)).collect()
    };
    out.sort();
    out.dedup();
    out.truncate(50);
    out
}

fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else { return String::new() };
    let mut end = first.len();
    for item in &items[1..] {
        end = first
            .char_indices()
            .zip(item.chars())
            .take_while(|((_, a), b)| a.eq_ignore_ascii_case(b))
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Summary;

    fn catalog() -> Catalog {
        let s = |kind: &str, name: &str| Summary {
            key: format!("{kind}:default/{name}"),
            kind: kind.into(),
            namespace: "default".into(),
            name: name.into(),
            ..Default::default()
        };
        Catalog::new(vec![s("component", "payments-api"), s("component", "payments-worker"), s("api", "fx-rates")])
    }

    #[test]
    fn completes_commands_refs_and_instances() {
        let c = catalog();
        let none: Vec<String> = Vec::new();
        assert_eq!(complete("op", Some("open REF"), &c, &none).text.as_deref(), Some("open "));
        assert_eq!(complete("open fx", None, &c, &none).text.as_deref(), Some("open fx-rates"));
        let pay = complete("open pay", None, &c, &none);
        assert_eq!(pay.text.as_deref(), Some("open payments-"));
        assert_eq!(pay.candidates, vec!["payments-api", "payments-worker"]);
        assert_eq!(complete("open api:", None, &c, &none).text.as_deref(), Some("open api:default/fx-rates"));
        let instances = vec!["prod".to_string(), "staging".to_string()];
        assert_eq!(complete("instance st", None, &c, &instances).text.as_deref(), Some("instance staging"));
        assert_eq!(complete("instance zz", None, &c, &instances).text, None);
    }
}
