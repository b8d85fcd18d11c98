//! A [`PickerSource`] over an in-memory list of entities: what tests and
//! benches use, and a starting point for the app's catalog-backed one.

use super::picker::{CatalogFilter, Choice, FilterValue, PickerSource};
use crate::catalog::entity_ref::EntityRef;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;

/// One entity as the pickers see it.
#[derive(Debug, Clone)]
pub struct PickerEntity {
    pub reference: EntityRef,
    pub title: Option<String>,
    /// Filterable fields by dotted path (`kind`, `spec.type`, `metadata.tags`, `relations.ownedBy`),
    /// several entries for a list.
    pub fields: Vec<(String, String)>,
}

impl PickerEntity {
    pub fn new(kind: &str, namespace: &str, name: &str) -> PickerEntity {
        let reference = EntityRef::new(kind, namespace, name);
        let fields = vec![
            ("kind".into(), kind.to_string()),
            ("metadata.namespace".into(), namespace.to_string()),
            ("metadata.name".into(), name.to_string()),
        ];
        PickerEntity { reference, title: None, fields }
    }

    pub fn with(mut self, field: &str, value: &str) -> PickerEntity {
        if field == "metadata.title" {
            self.title = Some(value.to_string());
        }
        self.fields.push((field.to_string(), value.to_string()));
        self
    }

    fn values<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(f, _)| f.eq_ignore_ascii_case(field)).map(|(_, v)| v.as_str())
    }

    fn passes(&self, filter: &CatalogFilter, mine: &[String]) -> bool {
        if filter.owned_by_me
            && !self.values("relations.ownedBy").any(|o| mine.iter().any(|m| m.eq_ignore_ascii_case(o)))
        {
            return false;
        }
        filter.alternatives.is_empty()
            || filter.alternatives.iter().any(|all| {
                all.iter().all(|(field, want)| match want {
                    FilterValue::Exists => self.values(field).next().is_some(),
                    FilterValue::OneOf(accepted) => {
                        self.values(field).any(|v| accepted.iter().any(|a| a.eq_ignore_ascii_case(v)))
                    }
                })
            })
    }
}

/// Entities in memory, the signed-in user's groups (refs), fuzzy matching with nucleo.
pub struct ListSource {
    pub entities: Vec<PickerEntity>,
    pub my_groups: Vec<String>,
    /// What the fuzzy query matches per entity (short ref and title), made once.
    haystacks: Vec<String>,
    matcher: RefCell<Matcher>,
}

impl ListSource {
    pub fn new(entities: Vec<PickerEntity>, my_groups: Vec<String>) -> ListSource {
        let haystacks = entities
            .iter()
            .map(|e| format!("{} {}", e.reference.humanize(None), e.title.as_deref().unwrap_or("")))
            .collect();
        ListSource { entities, my_groups, haystacks, matcher: RefCell::new(Matcher::new(Config::DEFAULT)) }
    }

    /// The best `limit` of `items` for `query` (all, in order, for an empty one).
    fn rank<T, S: AsRef<str>>(&self, items: impl Iterator<Item = (T, S)>, query: &str, limit: usize) -> Vec<T> {
        if query.trim().is_empty() {
            return items.take(limit).map(|(t, _)| t).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut matcher = self.matcher.borrow_mut();
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize, T)> = items
            .enumerate()
            .filter_map(|(i, (t, text))| {
                pattern.score(Utf32Str::new(text.as_ref(), &mut buf), &mut matcher).map(|s| (s, i, t))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(limit).map(|(_, _, t)| t).collect()
    }
}

impl PickerSource for ListSource {
    fn entities(&self, filter: &CatalogFilter, query: &str, limit: usize) -> Vec<Choice> {
        let candidates = self
            .entities
            .iter()
            .zip(&self.haystacks)
            .filter(|(e, _)| e.passes(filter, &self.my_groups))
            .map(|(e, text)| (e, text.as_str()));
        self.rank(candidates, query, limit)
            .into_iter()
            .map(|e| Choice {
                value: e.reference.key(),
                label: e.reference.humanize(None),
                detail: e.title.clone().unwrap_or_default(),
            })
            .collect()
    }

    fn tags(&self, kinds: &[String], query: &str, limit: usize) -> Vec<Choice> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for e in &self.entities {
            if !kinds.is_empty() && !kinds.iter().any(|k| k.eq_ignore_ascii_case(&e.reference.kind)) {
                continue;
            }
            for tag in e.values("metadata.tags") {
                match counts.iter_mut().find(|(t, _)| t == tag) {
                    Some(entry) => entry.1 += 1,
                    None => counts.push((tag.to_string(), 1)),
                }
            }
        }
        let items = counts.into_iter().map(|(t, n)| ((t.clone(), n), t));
        self.rank(items, query, limit)
            .into_iter()
            .map(|(tag, n)| Choice { value: tag.clone(), label: tag, detail: n.to_string() })
            .collect()
    }

    fn my_groups(&self, query: &str, limit: usize) -> Vec<Choice> {
        let items = self.my_groups.iter().map(|g| (g.clone(), g.clone()));
        self.rank(items, query, limit)
            .into_iter()
            .map(|g| Choice { label: g.clone(), value: g, detail: String::new() })
            .collect()
    }
}
