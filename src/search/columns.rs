//! Field terms over columns. `owner:team-p` used to read every entity's
//! owner string (100k scattered heap reads, twice: once to learn whether the
//! value is exact) — 20 ms a key at 100k. A column holds each distinct value
//! once and a small id per entity, so a term is decided once per distinct
//! value and then checked with a sequential scan of ids. Built per field on
//! first use and kept with the catalog.

use super::query::Field;
use crate::catalog::Summary;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Distinct values of one field and, per entity, which ones it has.
#[derive(Debug, Default)]
pub struct Column {
    pub values: Vec<String>,
    /// Entity i has values `ids[offsets[i]..offsets[i + 1]]` (one for most
    /// fields, any number for tags; none when the field is empty).
    offsets: Vec<u32>,
    ids: Vec<u32>,
}

impl Column {
    /// `values_of(entity)` lists an entity's values of the field.
    fn build(entities: &[Summary], values_of: for<'s> fn(&'s Summary) -> Vec<&'s str>) -> Column {
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut column =
            Column { values: Vec::new(), offsets: Vec::with_capacity(entities.len() + 1), ids: Vec::new() };
        column.offsets.push(0);
        for s in entities {
            for v in values_of(s).into_iter().filter(|v| !v.is_empty()) {
                let next = column.values.len() as u32;
                let id = *index.entry(v).or_insert_with(|| {
                    column.values.push(v.to_string());
                    next
                });
                column.ids.push(id);
            }
            column.offsets.push(column.ids.len() as u32);
        }
        column
    }

    /// Ids of entity `idx`.
    pub fn of(&self, idx: u32) -> &[u32] {
        let (start, end) = (self.offsets[idx as usize], self.offsets[idx as usize + 1]);
        &self.ids[start as usize..end as usize]
    }
}

/// One lazily built column per filterable field (names are matched in place).
#[derive(Debug, Default)]
pub struct Columns {
    kind: OnceLock<Column>,
    spec_type: OnceLock<Column>,
    lifecycle: OnceLock<Column>,
    namespace: OnceLock<Column>,
    owner: OnceLock<Column>,
    system: OnceLock<Column>,
    tag: OnceLock<Column>,
    haystacks: OnceLock<super::haystack::Haystacks>,
}

impl Columns {
    /// The column of a field, built now if this is its first use; None for `name`.
    pub fn get(&self, field: Field, entities: &[Summary]) -> Option<&Column> {
        Some(match field {
            Field::Kind => self.kind.get_or_init(|| Column::build(entities, |s| vec![&s.kind])),
            Field::Type => self.spec_type.get_or_init(|| Column::build(entities, |s| vec![&s.spec_type])),
            Field::Lifecycle => self.lifecycle.get_or_init(|| Column::build(entities, |s| vec![&s.lifecycle])),
            Field::Namespace => self.namespace.get_or_init(|| Column::build(entities, |s| vec![&s.namespace])),
            Field::Owner => self.owner.get_or_init(|| Column::build(entities, |s| vec![&s.owner])),
            Field::System => self.system.get_or_init(|| Column::build(entities, |s| vec![&s.system])),
            Field::Tag => {
                self.tag.get_or_init(|| Column::build(entities, |s| s.tags.iter().map(String::as_str).collect()))
            }
            Field::Name => return None,
        })
    }
}

impl Columns {
    /// Names and titles packed for the fuzzy scan, built now on first use.
    pub fn haystacks(&self, entities: &[Summary]) -> &super::haystack::Haystacks {
        self.haystacks.get_or_init(|| super::haystack::Haystacks::build(entities))
    }
}

/// Build every column of a catalog now (a background task after a load).
pub fn warm(catalog: &crate::catalog::Catalog) {
    for field in Field::ALL {
        catalog.search_columns.get(field, catalog.all());
    }
    catalog.search_columns.haystacks(catalog.all());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_hold_each_value_once() {
        let s = |kind: &str, tags: &[&str]| Summary {
            kind: kind.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        };
        let entities = vec![s("API", &["a", "b"]), s("Component", &[]), s("API", &["b"])];
        let columns = Columns::default();
        let kind = columns.get(Field::Kind, &entities).unwrap();
        assert_eq!(kind.values, vec!["API", "Component"]);
        assert_eq!((kind.of(0), kind.of(1), kind.of(2)), (&[0][..], &[1][..], &[0][..]));
        let tag = columns.get(Field::Tag, &entities).unwrap();
        assert_eq!(tag.values, vec!["a", "b"]);
        assert_eq!((tag.of(0), tag.of(1), tag.of(2)), (&[0, 1][..], &[][..], &[1][..]));
        assert!(columns.get(Field::Name, &entities).is_none());
    }
}
