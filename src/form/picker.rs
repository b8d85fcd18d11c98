//! Catalog pickers: what each Backstage picker field offers, the small trait
//! the caller implements over its local catalog, and values formatted the
//! way the web form formats them (`stringifyEntityRef`: `kind:namespace/name`,
//! lowercased; RepoUrlPicker: `host?owner=..&repo=..`).

use super::node::Node;
use crate::catalog::entity_ref::{is_valid_name, EntityRef, DEFAULT_NAMESPACE};

/// The Backstage field extensions the form knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Entity,
    OwnedEntity,
    Owner,
    MultiEntity,
    EntityName,
    EntityTags,
    MyGroups,
    RepoUrl,
}

/// `catalogFilter`: any one of the alternatives matches; within one, every
/// field must (`kind: [Group, User]` is one field with two accepted values).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogFilter {
    pub alternatives: Vec<Vec<(String, FilterValue)>>,
    /// OwnedEntityPicker: only entities owned by the user or their groups.
    pub owned_by_me: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    OneOf(Vec<String>),
    /// `{exists: true}`: the field is set, whatever its value.
    Exists,
}

/// One offered value: `value` is what the form submits, `label` what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// A second, muted column (entity title, tag count).
    pub detail: String,
}

/// What the pickers read from the caller's catalog; all calls are local and
/// must be fast enough to run on every key (a popup shows `limit` rows).
pub trait PickerSource {
    /// Entities matching the filter and fuzzy `query`, best first; `value` a full ref.
    fn entities(&self, filter: &CatalogFilter, query: &str, limit: usize) -> Vec<Choice>;
    /// Tags used by entities of `kinds` (all kinds when empty); `detail` the count.
    fn tags(&self, kinds: &[String], query: &str, limit: usize) -> Vec<Choice>;
    /// The groups the signed-in user is a member of.
    fn my_groups(&self, query: &str, limit: usize) -> Vec<Choice>;
}

/// RepoUrlPicker's `ui:options`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepoUrlOptions {
    pub allowed_hosts: Vec<String>,
    pub allowed_owners: Vec<String>,
    pub allowed_organizations: Vec<String>,
    pub allowed_repos: Vec<String>,
    pub allowed_projects: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PickerSpec {
    pub kind: PickerKind,
    pub filter: CatalogFilter,
    pub default_kind: Option<String>,
    pub default_namespace: Option<String>,
    /// Free text accepted (Backstage's default: true).
    pub allow_arbitrary: bool,
    pub tag_kinds: Vec<String>,
    pub show_counts: bool,
    pub repo: RepoUrlOptions,
}

impl PickerSpec {
    /// The spec for a `ui:field` name, or None for one the terminal does not know.
    pub fn parse(field: &str, prop: &Node) -> Option<PickerSpec> {
        let kind = match field {
            "EntityPicker" => PickerKind::Entity,
            "OwnedEntityPicker" => PickerKind::OwnedEntity,
            "OwnerPicker" => PickerKind::Owner,
            "MultiEntityPicker" => PickerKind::MultiEntity,
            "EntityNamePicker" => PickerKind::EntityName,
            "EntityTagsPicker" => PickerKind::EntityTags,
            "MyGroupsPicker" => PickerKind::MyGroups,
            "RepoUrlPicker" => PickerKind::RepoUrl,
            _ => return None,
        };
        let options = prop.at("ui:options");
        let mut filter = parse_filter(options.at("catalogFilter"));
        let mut allowed_kinds = options.at("allowedKinds").strings();
        let mut default_kind = options.at("defaultKind").as_str().map(str::to_string);
        if kind == PickerKind::Owner {
            // OwnerPicker: Groups and Users unless told otherwise, bare names are groups.
            if allowed_kinds.is_empty() {
                allowed_kinds = vec!["Group".into(), "User".into()];
            }
            default_kind = Some("Group".into());
        }
        if filter.alternatives.is_empty() && !allowed_kinds.is_empty() {
            filter.alternatives.push(vec![("kind".into(), FilterValue::OneOf(allowed_kinds))]);
        }
        filter.owned_by_me = kind == PickerKind::OwnedEntity;
        Some(PickerSpec {
            kind,
            filter,
            default_kind,
            default_namespace: options.at("defaultNamespace").as_str().map(str::to_string),
            allow_arbitrary: options.at("allowArbitraryValues").as_bool().unwrap_or(true),
            tag_kinds: options.at("kinds").strings(),
            show_counts: options.at("showCounts").as_bool() == Some(true),
            repo: RepoUrlOptions {
                allowed_hosts: options.at("allowedHosts").strings(),
                allowed_owners: options.at("allowedOwners").strings(),
                allowed_organizations: options.at("allowedOrganizations").strings(),
                allowed_repos: options.at("allowedRepos").strings(),
                allowed_projects: options.at("allowedProjects").strings(),
            },
        })
    }

    /// The label Backstage gives the field when the schema has no title.
    pub fn default_title(&self) -> &'static str {
        match self.kind {
            PickerKind::Entity | PickerKind::OwnedEntity | PickerKind::MultiEntity => "Entity",
            PickerKind::Owner => "Owner",
            PickerKind::EntityName => "Name",
            PickerKind::EntityTags => "Tags",
            PickerKind::MyGroups => "Group",
            PickerKind::RepoUrl => "Repository Location",
        }
    }

    /// Several values (a JSON array) rather than one string.
    pub fn is_multi(&self) -> bool {
        matches!(self.kind, PickerKind::MultiEntity | PickerKind::EntityTags)
    }

    /// Choose from the catalog in a popup (the others are typed).
    pub fn has_popup(&self) -> bool {
        !matches!(self.kind, PickerKind::EntityName | PickerKind::RepoUrl)
    }

    /// The popup's rows for `query`.
    pub fn choices(&self, source: &dyn PickerSource, query: &str, limit: usize) -> Vec<Choice> {
        match self.kind {
            PickerKind::EntityTags => source.tags(&self.tag_kinds, query, limit),
            PickerKind::MyGroups => source.my_groups(query, limit),
            PickerKind::EntityName | PickerKind::RepoUrl => Vec::new(),
            _ => source.entities(&self.filter, query, limit),
        }
    }

    /// Free text typed into an entity picker, as the web form stores it on
    /// blur: the full ref when it parses with the defaults, else the text.
    pub fn typed_value(&self, text: &str) -> String {
        let text = text.trim();
        match self.kind {
            PickerKind::EntityTags | PickerKind::EntityName => text.to_string(),
            _ => EntityRef::parse(
                text,
                self.default_kind.as_deref(),
                self.default_namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE),
            )
            .map(|r| r.key())
            .unwrap_or_else(|_| text.to_string()),
        }
    }

    /// Backstage's own checks for picker values (beyond the JSON Schema).
    pub fn check(&self, value: &serde_json::Value) -> Option<String> {
        match (self.kind, value) {
            (PickerKind::EntityName, serde_json::Value::String(name)) if !is_valid_name(name) => Some(
                "must start and end with an alphanumeric character, and contain only alphanumeric characters, \
                 hyphens, underscores, and periods. Maximum length is 63 characters."
                    .into(),
            ),
            (PickerKind::EntityTags, serde_json::Value::Array(tags)) => tags
                .iter()
                .filter_map(|t| t.as_str())
                .find(|t| !is_valid_tag(t))
                .map(|t| format!("tag {t:?} must be lowercase letters, digits, ':', '+', '#' in '-'-separated words, at most 63 characters")),
            (PickerKind::RepoUrl, serde_json::Value::String(url)) => self.check_repo(url),
            _ => None,
        }
    }

    fn check_repo(&self, url: &str) -> Option<String> {
        let parts = RepoUrl::parse(url);
        let opts = &self.repo;
        let checks = [
            ("host", &parts.host, &opts.allowed_hosts),
            ("owner", &parts.owner, &opts.allowed_owners),
            ("organization", &parts.organization, &opts.allowed_organizations),
            ("repository", &parts.repo, &opts.allowed_repos),
            ("project", &parts.project, &opts.allowed_projects),
        ];
        for (what, value, allowed) in checks {
            if !allowed.is_empty() && !allowed.contains(value) {
                return Some(format!("{what} must be one of {}", allowed.join(", ")));
            }
        }
        if parts.host.is_empty() {
            return Some("host is required".into());
        }
        if parts.repo.is_empty() {
            return Some("repository is required".into());
        }
        None
    }
}

/// Backstage's tag rule (`KubernetesValidatorFunctions`-style, as the catalog validates tags).
fn is_valid_tag(tag: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b":+#".contains(&b))
    };
    (1..=63).contains(&tag.len()) && tag.split('-').all(word)
}

fn parse_filter(node: &Node) -> CatalogFilter {
    let one = |n: &Node| -> Vec<(String, FilterValue)> {
        n.entries()
            .iter()
            .map(|(field, value)| {
                let value = if value.at("exists").as_bool() == Some(true) {
                    FilterValue::Exists
                } else {
                    match value {
                        Node::Array(items) => FilterValue::OneOf(items.iter().map(scalar).collect()),
                        other => FilterValue::OneOf(vec![scalar(other)]),
                    }
                };
                (field.clone(), value)
            })
            .collect()
    };
    let alternatives = match node {
        Node::Array(items) => items.iter().map(one).filter(|a| !a.is_empty()).collect(),
        Node::Object(_) => vec![one(node)].into_iter().filter(|a| !a.is_empty()).collect(),
        _ => Vec::new(),
    };
    CatalogFilter { alternatives, owned_by_me: false }
}

fn scalar(node: &Node) -> String {
    match node {
        Node::String(s) => s.clone(),
        other => other.to_json().to_string(),
    }
}

/// RepoUrlPicker's value, split and joined the way its `utils.ts` does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoUrl {
    pub host: String,
    pub owner: String,
    pub repo: String,
    pub organization: String,
    pub workspace: String,
    pub project: String,
}

impl RepoUrl {
    /// `host?owner=..&repo=..` with form-urlencoding (URLSearchParams); None without a host.
    pub fn serialize(&self) -> Option<String> {
        if self.host.is_empty() {
            return None;
        }
        let params: Vec<String> = [
            ("owner", &self.owner),
            ("repo", &self.repo),
            ("organization", &self.organization),
            ("workspace", &self.workspace),
            ("project", &self.project),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect();
        Some(format!("{}?{}", self.host, params.join("&")))
    }

    pub fn parse(url: &str) -> RepoUrl {
        let (host, query) = url.split_once('?').unwrap_or((url, ""));
        let mut out = RepoUrl { host: host.to_string(), ..RepoUrl::default() };
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = form_decode(v);
            match k {
                "owner" => out.owner = v,
                "repo" => out.repo = v,
                "organization" => out.organization = v,
                "workspace" => out.workspace = v,
                "project" => out.project = v,
                _ => {}
            }
        }
        out
    }
}

/// application/x-www-form-urlencoded as URLSearchParams writes it.
fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
