//! The query language of `/` and `callboard search`: free text plus field
//! terms such as `kind:api owner:team-a -lifecycle:experimental tag:java`.

/// A field a term can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Kind,
    Type,
    Owner,
    Lifecycle,
    Tag,
    Namespace,
    System,
    Name,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Kind,
        Field::Type,
        Field::Owner,
        Field::Lifecycle,
        Field::Tag,
        Field::Namespace,
        Field::System,
        Field::Name,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Type => "type",
            Field::Owner => "owner",
            Field::Lifecycle => "lifecycle",
            Field::Tag => "tag",
            Field::Namespace => "namespace",
            Field::System => "system",
            Field::Name => "name",
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(text)).or(
            match text.to_ascii_lowercase().as_str() {
                "tags" => Some(Field::Tag),
                "ns" => Some(Field::Namespace),
                "spec.type" => Some(Field::Type),
                _ => None,
            },
        )
    }
}

/// One `field:value` term; `negate` for a leading `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    /// Lowercased; may be a prefix while the user is still typing.
    pub value: String,
    pub negate: bool,
}

/// A parsed query. Free words must all match (fzf-style AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub words: Vec<String>,
    /// Words with a leading `-`: entities whose name contains them are excluded.
    pub excluded_words: Vec<String>,
    /// `foo` of a `foo:bar` token that names no field, as typed. Such a token
    /// is still matched as a word (a ref such as `component:x` is one), but
    /// unless `foo` is a kind it is almost surely a typo: see [`Query::problems`].
    pub unknown_fields: Vec<String>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut query = Query::default();
        for token in text.split_whitespace() {
            let (negate, body) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, token),
            };
            if let Some((field, value)) = body.split_once(':') {
                if let Some(field) = Field::parse(field) {
                    // `owner:` with nothing after it yet: the user is typing; ignore.
                    if !value.is_empty() {
                        query.terms.push(Term { field, value: value.to_lowercase(), negate });
                    }
                    continue;
                }
                // `https://…` is an address, not a field.
                let looks_like_field = !field.is_empty()
                    && !value.starts_with("//")
                    && field.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if looks_like_field && !query.unknown_fields.iter().any(|f| f.eq_ignore_ascii_case(field)) {
                    query.unknown_fields.push(field.to_string());
                }
            }
            if negate {
                query.excluded_words.push(body.to_lowercase());
            } else {
                query.words.push(token.to_string());
            }
        }
        query
    }

    /// What is wrong with the query for this catalog, in words: an unknown
    /// field (`foo:bar`) that is not a kind either (`component:x` is a ref).
    /// The CLI refuses such a query; the TUI can show the same message.
    pub fn problems(&self, catalog: &crate::catalog::Catalog) -> Vec<String> {
        let kinds = catalog.search_columns.get(Field::Kind, catalog.all());
        let is_kind = |f: &str| kinds.is_some_and(|c| c.values.iter().any(|k| k.eq_ignore_ascii_case(f)));
        let fields: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        self.unknown_fields
            .iter()
            .filter(|f| !is_kind(f))
            .map(|f| format!("unknown field {f} (fields: {})", fields.join(", ")))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.words.is_empty() && self.excluded_words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_words_and_negation() {
        let q = Query::parse("kind:Component owner:team-payments -lifecycle:experimental payment TAG:java -legacy");
        assert_eq!(q.words, vec!["payment"]);
        assert_eq!(q.excluded_words, vec!["legacy"]);
        assert_eq!(
            q.terms,
            vec![
                Term { field: Field::Kind, value: "component".into(), negate: false },
                Term { field: Field::Owner, value: "team-payments".into(), negate: false },
                Term { field: Field::Lifecycle, value: "experimental".into(), negate: true },
                Term { field: Field::Tag, value: "java".into(), negate: false },
            ]
        );
    }

    #[test]
    fn half_typed_terms_are_ignored_and_unknown_fields_are_text() {
        let q = Query::parse("kind:api owner:");
        assert_eq!(q.terms.len(), 1);
        assert!(q.words.is_empty());
        let q = Query::parse("component:payments-api - ");
        assert_eq!(q.words, vec!["component:payments-api", "-"]);
        assert!(q.terms.is_empty());
        assert_eq!(q.unknown_fields, vec!["component"]);
    }

    #[test]
    fn unknown_fields_are_problems_unless_they_are_kinds() {
        let catalog = crate::catalog::Catalog::new(vec![crate::catalog::Summary {
            key: "component:default/x".into(),
            kind: "Component".into(),
            namespace: "default".into(),
            name: "x".into(),
            ..Default::default()
        }]);
        let q = Query::parse("foo:bar -Baz:1 component:x https://x.example/a owner:me");
        assert_eq!(q.unknown_fields, vec!["foo", "Baz", "component"]);
        let problems = q.problems(&catalog);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            problems[0],
            "unknown field foo (fields: kind, type, owner, lifecycle, tag, namespace, system, name)"
        );
        assert!(Query::parse("kind:api pay").problems(&catalog).is_empty());
    }

    #[test]
    fn empty() {
        assert!(Query::parse("   ").is_empty());
    }
}
