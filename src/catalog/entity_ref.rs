//! Entity references, `kind:namespace/name`, parsed and printed the Backstage way.

use std::fmt;

/// The namespace Backstage assumes when a ref or entity names none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// A parsed reference. Kind and namespace are lowercased; the name keeps its case
/// for display, while [`EntityRef::key`] is the case-insensitive identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error("empty entity reference")]
    Empty,
    #[error("entity reference `{0}` has no kind, and none can be assumed here")]
    MissingKind(String),
    #[error("entity reference `{0}` is malformed")]
    Malformed(String),
}

impl EntityRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        EntityRef { kind: kind.to_ascii_lowercase(), namespace: namespace.to_ascii_lowercase(), name: name.to_string() }
    }

    /// Parse `[kind:][namespace/]name`, filling gaps from the context the way
    /// Backstage's `parseEntityRef` does.
    pub fn parse(text: &str, default_kind: Option<&str>, default_namespace: &str) -> Result<Self, RefError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RefError::Empty);
        }
        let (kind, rest) = match text.split_once(':') {
            Some((k, r)) => (Some(k), r),
            None => (None, text),
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, n)) => (Some(ns), n),
            None => (None, rest),
        };
        if name.is_empty()
            || name.contains(['/', ':'])
            || kind.is_some_and(str::is_empty)
            || namespace.is_some_and(str::is_empty)
        {
            return Err(RefError::Malformed(text.to_string()));
        }
        let kind = kind.or(default_kind).ok_or_else(|| RefError::MissingKind(text.to_string()))?;
        Ok(EntityRef::new(kind, namespace.unwrap_or(default_namespace), name))
    }

    /// Parse a full ref; accepts a missing namespace (`component:foo`).
    pub fn parse_full(text: &str) -> Result<Self, RefError> {
        Self::parse(text, None, DEFAULT_NAMESPACE)
    }

    /// The case-insensitive identity used as a map and cache key.
    pub fn key(&self) -> String {
        format!("{}:{}/{}", self.kind, self.namespace, self.name.to_ascii_lowercase())
    }

    /// The shortest form that still names the entity from the given context:
    /// `payments-api`, `group:team-a`, `component:other/foo`.
    pub fn humanize(&self, context_kind: Option<&str>) -> String {
        let mut out = String::new();
        if context_kind.map(str::to_ascii_lowercase).as_deref() != Some(self.kind.as_str()) {
            out.push_str(&self.kind);
            out.push(':');
        }
        if self.namespace != DEFAULT_NAMESPACE {
            out.push_str(&self.namespace);
            out.push('/');
        }
        out.push_str(&self.name);
        out
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

/// Normalise any ref string to its key, or None when it cannot be parsed.
pub fn ref_key(text: &str) -> Option<String> {
    EntityRef::parse_full(text).ok().map(|r| r.key())
}

/// Backstage's name rule: 1-63 chars of [a-zA-Z0-9] separated by [-_.].
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !bytes.windows(2).any(|w| !w[0].is_ascii_alphanumeric() && !w[1].is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, default kind, default namespace, expected ref or Err).
    type Case = (&'static str, Option<&'static str>, &'static str, Result<&'static str, ()>);

    #[test]
    fn parse_table() {
        let cases: &[Case] = &[
            ("component:default/foo", None, "default", Ok("component:default/foo")),
            ("Component:Default/Foo", None, "default", Ok("component:default/Foo")),
            ("foo", Some("Group"), "default", Ok("group:default/foo")),
            ("foo", Some("group"), "ops", Ok("group:ops/foo")),
            ("other/foo", Some("group"), "ops", Ok("group:other/foo")),
            ("user:jane", Some("group"), "ops", Ok("user:ops/jane")),
            ("foo", None, "default", Err(())),
            ("", Some("group"), "default", Err(())),
            ("component:", None, "default", Err(())),
            (":foo", None, "default", Err(())),
            ("a/b/c", Some("group"), "default", Err(())),
        ];
        for (input, kind, ns, want) in cases {
            let got = EntityRef::parse(input, *kind, ns).map(|r| r.to_string());
            match want {
                Ok(w) => assert_eq!(got.as_deref(), Ok(*w), "input {input}"),
                Err(()) => assert!(got.is_err(), "input {input} should fail, got {got:?}"),
            }
        }
    }

    #[test]
    fn key_is_case_insensitive() {
        let a = EntityRef::parse_full("Component:Default/Payments-API").unwrap();
        let b = EntityRef::parse_full("component:payments-api").unwrap();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.to_string(), b.to_string());
    }

    #[test]
    fn humanize_drops_what_context_implies() {
        let r = EntityRef::parse_full("component:default/foo").unwrap();
        assert_eq!(r.humanize(Some("Component")), "foo");
        assert_eq!(r.humanize(None), "component:foo");
        let r = EntityRef::parse_full("group:ops/sre").unwrap();
        assert_eq!(r.humanize(Some("group")), "ops/sre");
    }

    #[test]
    fn name_rule() {
        assert!(is_valid_name("payments-api"));
        assert!(is_valid_name("a.b_c-1"));
        assert!(!is_valid_name("-lead"));
        assert!(!is_valid_name("a--b"));
        assert!(!is_valid_name(&"x".repeat(64)));
        assert!(!is_valid_name("has space"));
    }
}
