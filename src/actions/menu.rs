//! The rows of the action menu for one entity: which actions apply, which
//! are disabled and why.

use super::{template, ActionConfig, Facts, Remote};
use crate::state::State;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Yours,
    Backstage,
    BuiltIn,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Yours => "Yours",
            Group::Backstage => "Backstage",
            Group::BuiltIn => "Built-in",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Index into the configured actions.
    Configured(usize),
    /// Index into the listed Backstage actions.
    Remote(usize),
    Builtin(Builtin),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Builtin {
    /// The entity's page in Backstage.
    OpenPage,
    /// An address: the source, view or edit url, or a link.
    OpenUrl(String),
    /// Ask Backstage to process the entity again, then sync.
    Refresh,
    /// Register a location (its address asked, pre-filled from the entity's source).
    Register,
    /// Trigger a PagerDuty incident (Events API v2) with the entity's integration key.
    PagerDuty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub group: Group,
    pub label: String,
    /// The key bound in config, if any.
    pub key: Option<String>,
    pub description: String,
    /// Why it cannot run for this entity.
    pub disabled: Option<String>,
    /// A short mark: `read-only`, `destructive`, `dangerous`.
    pub mark: Option<&'static str>,
    pub target: Target,
}

/// Does a configured action apply to this entity at all (its scopes)?
pub fn in_scope(action: &ActionConfig, facts: &Facts) -> bool {
    let matches = |wanted: &[String], have: Option<&str>| {
        wanted.is_empty() || have.is_some_and(|h| wanted.iter().any(|w| w.eq_ignore_ascii_case(h)))
    };
    matches(&action.kinds, Some(&facts.kind))
        && matches(&action.types, facts.spec_type.as_deref())
        && matches(&action.lifecycles, facts.lifecycle.as_deref())
        && action.annotations.iter().all(|a| facts.annotations.contains_key(a))
}

/// Every action valid for the entity `key`, grouped: yours, Backstage, built-in.
pub fn menu(state: &State, key: &str) -> Vec<Row> {
    let settings = &state.actions;
    let Some(detail) = state.details.get(key) else {
        return Vec::new();
    };
    let facts = Facts::from_raw(&detail.raw);
    let mut rows = Vec::new();
    for (i, action) in settings.configured.iter().enumerate() {
        if (action.dangerous && settings.read_only) || !in_scope(action, &facts) {
            continue;
        }
        // Inputs are asked later; here only the entity's own values matter.
        let inputs: BTreeMap<String, String> = action.inputs.iter().map(|i| (i.name.clone(), String::new())).collect();
        let disabled = template::expand_argv(&action.command, &facts, &inputs).err().map(|m| m.to_string());
        rows.push(Row {
            group: super::Group::Yours,
            label: action.name.clone(),
            key: action.key.clone(),
            description: action.description.clone(),
            disabled,
            mark: action.dangerous.then_some("dangerous"),
            target: Target::Configured(i),
        });
    }
    if let Remote::Ready { actions, .. } = &settings.remote {
        for (i, action) in actions.iter().enumerate() {
            if action.attributes.destructive && settings.read_only {
                continue;
            }
            let mark = if action.attributes.destructive {
                Some("destructive")
            } else if action.attributes.read_only {
                Some("read-only")
            } else {
                None
            };
            let title = if action.title.is_empty() { action.id.clone() } else { action.title.clone() };
            rows.push(Row {
                group: Group::Backstage,
                label: crate::sanitize::clean_line(&title),
                key: None,
                description: crate::sanitize::clean_line(action.description.trim()),
                disabled: None,
                mark,
                target: Target::Remote(i),
            });
        }
    }
    rows.extend(builtins(state, &facts));
    rows
}

fn builtins(state: &State, facts: &Facts) -> Vec<Row> {
    let row = |label: &str, description: String, disabled: Option<String>, target: Builtin| Row {
        group: Group::BuiltIn,
        label: label.to_string(),
        key: None,
        description,
        disabled,
        mark: None,
        target: Target::Builtin(target),
    };
    let no_server = || Some("the source is a folder, not a Backstage instance".to_string());
    let web = state.actions.web_url.as_deref();
    let mut rows = vec![row(
        "Open in Backstage",
        web.map_or(String::new(), |w| format!("{w}/catalog/…")),
        web.is_none().then(no_server).flatten(),
        Builtin::OpenPage,
    )];
    let sources = [
        ("Open source", "backstage.io/source-location"),
        ("Open view url", "backstage.io/view-url"),
        ("Open edit url", "backstage.io/edit-url"),
    ];
    for (label, annotation) in sources {
        let url = facts.annotations.get(annotation).map(|v| web_address(v));
        let disabled = match &url {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => None,
            Some(_) => Some(format!("{annotation} is not a web address")),
            None => Some(format!("no {annotation} annotation")),
        };
        let shown = url.clone().map(|u| crate::sanitize::clean_line(&u)).unwrap_or_default();
        rows.push(row(label, shown, disabled, Builtin::OpenUrl(url.unwrap_or_default())));
    }
    for (link_type, url) in &facts.links {
        let label = format!("Open link: {}", crate::sanitize::clean_line(link_type));
        rows.push(row(&label, crate::sanitize::clean_line(url), None, Builtin::OpenUrl(url.clone())));
    }
    let is_server = state.docs.server.is_some();
    rows.push(row(
        "Refresh in Backstage",
        "POST /api/catalog/refresh, then sync".into(),
        (!is_server).then(no_server).flatten(),
        Builtin::Refresh,
    ));
    rows.push(row(
        "Register a location",
        "POST /api/catalog/locations: a dry run lists what it adds, then for real".into(),
        (!is_server).then(no_server).flatten(),
        Builtin::Register,
    ));
    let pagerduty = facts.annotations.contains_key(PAGERDUTY_KEY);
    let mut trigger = row(
        "Trigger a PagerDuty incident",
        "Events API v2; the payload is shown first".into(),
        (!pagerduty).then(|| format!("no {PAGERDUTY_KEY} annotation")),
        Builtin::PagerDuty,
    );
    trigger.mark = Some("dangerous");
    if !state.actions.read_only {
        rows.push(trigger);
    }
    rows
}

/// The annotation holding a PagerDuty service's Events API v2 routing key.
pub const PAGERDUTY_KEY: &str = "pagerduty.com/integration-key";

/// The Events API v2 trigger for an entity.
pub fn pagerduty_event(facts: &Facts) -> Option<serde_json::Value> {
    let routing_key = facts.annotations.get(PAGERDUTY_KEY)?;
    Some(serde_json::json!({
        "routing_key": routing_key,
        "event_action": "trigger",
        "payload": {
            "summary": format!("{} needs attention (triggered from callboard)", facts.entity_ref),
            "source": facts.entity_ref,
            "severity": "critical",
            "component": facts.name,
            "group": facts.system.clone().unwrap_or_default(),
            "custom_details": { "entity": facts.entity_ref, "owner": facts.owner.clone().unwrap_or_default() }
        }
    }))
}

/// `url:https://…/tree/main/` → `https://…/tree/main/`.
fn web_address(location: &str) -> String {
    location.strip_prefix("url:").unwrap_or(location).to_string()
}
