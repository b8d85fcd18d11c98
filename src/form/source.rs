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
    /// The last entity query's filter, text and matching entities: a query
    /// that only grows is matched against those, not the whole list.
    last: RefCell<Option<(CatalogFilter, String, Vec<usize>)>>,
}

/// True when every entity `longer` matches also matched `shorter`, so the
/// search can start from `shorter`'s matches. Appending to a fuzzy or exact
/// atom, or adding an atom, only narrows; a negation (`!`), an anchor (`$`)
/// or an escape can widen, so those queries start over.
fn narrows(shorter: &str, longer: &str) -> bool {
    !shorter.trim().is_empty()
        && longer.starts_with(shorter)
        && !longer.contains(['!', '$', '\\'])
        && !shorter.ends_with('|')
        && !longer.contains('|')
}

impl ListSource {
    pub fn new(entities: Vec<PickerEntity>, my_groups: Vec<String>) -> ListSource {
        let haystacks = entities
            .iter()
            .map(|e| format!("{} {}", e.reference.humanize(None), e.title.as_deref().unwrap_or("")))
            .collect();
        ListSource {
            entities,
            my_groups,
            haystacks,
            matcher: RefCell::new(Matcher::new(Config::DEFAULT)),
            last: RefCell::new(None),
        }
    }

    /// The best `limit` of `items` for `query` (all, in order, for an empty one).
    fn rank<T, S: AsRef<str>>(&self, items: impl Iterator<Item = (T, S)>, query: &str, limit: usize) -> Vec<T> {
        if query.trim().is_empty() {
            return items.take(limit).map(|(t, _)| t).collect();
        }
        let mut scored = self.score(items, query);
        best_first(&mut scored, limit);
        scored.into_iter().take(limit).map(|(_, _, t)| t).collect()
    }

    /// Every item `query` matches, with its score and position.
    fn score<T, S: AsRef<str>>(&self, items: impl Iterator<Item = (T, S)>, query: &str) -> Vec<(u32, usize, T)> {
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut matcher = self.matcher.borrow_mut();
        let mut buf = Vec::new();
        items
            .enumerate()
            .filter_map(|(i, (t, text))| {
                pattern.score(Utf32Str::new(text.as_ref(), &mut buf), &mut matcher).map(|s| (s, i, t))
            })
            .collect()
    }

    /// Indices of the entities passing `filter` that `query` matches, best first
    /// (all of the filter's, in list order, for an empty query). Starts from
    /// the previous query's matches when this one only narrows it.
    fn matching_entities(&self, filter: &CatalogFilter, query: &str) -> Vec<(u32, usize)> {
        let mut last = self.last.borrow_mut();
        let previous = last.as_ref().filter(|(f, q, _)| f == filter && narrows(q, query)).map(|(_, _, hits)| hits);
        let candidates: Vec<usize> = match previous {
            Some(hits) => hits.clone(),
            None => (0..self.entities.len()).filter(|&i| self.entities[i].passes(filter, &self.my_groups)).collect(),
        };
        if query.trim().is_empty() {
            return candidates.into_iter().map(|i| (0, i)).collect();
        }
        let items = candidates.iter().map(|&i| (i, self.haystacks[i].as_str()));
        let scored: Vec<(u32, usize)> = self.score(items, query).into_iter().map(|(s, _, i)| (s, i)).collect();
        let mut hits: Vec<usize> = scored.iter().map(|&(_, i)| i).collect();
        hits.sort_unstable();
        *last = Some((filter.clone(), query.to_string(), hits));
        scored
    }
}

/// Put the best `limit` of `scored` first, in order (score, then position);
/// the rest stay unsorted. Ranking 10k to show 20 needs no full sort.
fn best_first<T>(scored: &mut [(u32, usize, T)], limit: usize) {
    let order = |a: &(u32, usize, T), b: &(u32, usize, T)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if limit > 0 && scored.len() > limit {
        scored.select_nth_unstable_by(limit - 1, order);
        scored[..limit].sort_by(order);
    } else {
        scored.sort_by(order);
    }
}

impl PickerSource for ListSource {
    fn entities(&self, filter: &CatalogFilter, query: &str, limit: usize) -> Vec<Choice> {
        let mut scored: Vec<(u32, usize, ())> =
            self.matching_entities(filter, query).into_iter().map(|(s, i)| (s, i, ())).collect();
        if !query.trim().is_empty() {
            best_first(&mut scored, limit);
        }
        scored
            .into_iter()
            .take(limit)
            .map(|(_, i, ())| &self.entities[i])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> ListSource {
        let words = ["payments", "checkout", "ledger", "search", "pay", "billing"];
        let entities = (0..600)
            .map(|i| {
                let kind = if i % 3 == 0 { "API" } else { "Component" };
                let name = format!("{}-{}-{i}", words[i % words.len()], words[(i / 6) % words.len()]);
                PickerEntity::new(kind, "default", &name)
            })
            .collect();
        ListSource::new(entities, Vec::new())
    }

    fn values(choices: Vec<Choice>) -> Vec<String> {
        choices.into_iter().map(|c| c.value).collect()
    }

    /// Typed one key at a time (reusing the last matches) or asked cold, a
    /// query gives the same choices in the same order.
    #[test]
    fn a_growing_query_gives_what_a_fresh_one_gives() {
        let filter = CatalogFilter {
            alternatives: vec![vec![("kind".into(), FilterValue::OneOf(vec!["Component".into()]))]],
            owned_by_me: false,
        };
        for query in ["pay-led", "ch out 1", "payments !ledger", "'pay 5$", "PAY", "le", "zzz"] {
            let typed = source();
            let mut last = Vec::new();
            for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                last = values(typed.entities(&filter, &query[..end], 20));
            }
            let cold = values(source().entities(&filter, query, 20));
            assert_eq!(last, cold, "{query:?}");
        }
        // Backspace widens again: the shorter query is not narrowed from the longer one.
        let typed = source();
        let many = values(typed.entities(&filter, "pay", 500));
        let _ = typed.entities(&filter, "payx", 500);
        assert_eq!(values(typed.entities(&filter, "pay", 500)), many);
        assert!(many.len() > 100, "{}", many.len());
        // Another filter is not narrowed from this one's matches.
        let apis = CatalogFilter {
            alternatives: vec![vec![("kind".into(), FilterValue::OneOf(vec!["API".into()]))]],
            owned_by_me: false,
        };
        let api_hits = values(typed.entities(&apis, "pay", 500));
        assert!(!api_hits.is_empty() && api_hits.iter().all(|v| v.starts_with("api:")), "{api_hits:?}");
    }

    #[test]
    fn only_queries_that_cannot_widen_start_from_the_last_matches() {
        assert!(narrows("pay", "paym"));
        assert!(narrows("pay", "pay led"));
        assert!(!narrows("", "p"), "an empty query matched nothing to narrow from");
        assert!(!narrows("pay", "pa"));
        assert!(!narrows("!led", "!ledg"), "a longer negation excludes less");
        assert!(!narrows("pay", "pay$"));
        assert!(!narrows("pay", "pay\\ "));
    }
}
