//! `[[action]]` in the config: the user's own commands, and the settings
//! for Backstage's actions. Checked once at load, with errors that name the
//! action and the key.

use super::template::{check_placeholders, Missing};
use serde::Deserialize;

/// One of the user's commands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionConfig {
    pub name: String,
    /// A key that runs it straight from the list or the entity page.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Scopes: empty means any. Compared without regard to case.
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub lifecycles: Vec<String>,
    /// Annotations the entity must have.
    #[serde(default)]
    pub annotations: Vec<String>,
    /// The argv, with placeholders; never run through a shell.
    pub command: Vec<String>,
    #[serde(default)]
    pub mode: Mode,
    /// Ask first, showing the resolved argv.
    #[serde(default)]
    pub confirm: bool,
    /// Hidden with `read_only = true` or `--read-only`.
    #[serde(default)]
    pub dangerous: bool,
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Give the terminal to the command until it exits.
    Suspend,
    /// Stream its output into a pane.
    #[default]
    Capture,
    /// Run it unseen; its exit status becomes a notice.
    Background,
}

/// A value asked for before running, for `{{ input.<name> }}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: InputKind,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    /// The choices of a `select`.
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    #[default]
    String,
    Number,
    Bool,
    Select,
    /// An entity ref from the cache.
    Entity,
}

impl InputSpec {
    /// Check a typed value; the normalised value or why not.
    pub fn accept(&self, text: &str, catalog: &crate::catalog::Catalog) -> Result<String, String> {
        let text = text.trim();
        match self.kind {
            InputKind::String => Ok(text.to_string()),
            InputKind::Number => {
                text.parse::<f64>().map(|_| text.to_string()).map_err(|_| format!("`{text}` is not a number"))
            }
            InputKind::Bool => match text {
                "true" | "yes" | "y" => Ok("true".into()),
                "false" | "no" | "n" => Ok("false".into()),
                _ => Err("answer true or false".into()),
            },
            InputKind::Select => match self.options.iter().find(|o| o.as_str() == text) {
                Some(o) => Ok(o.clone()),
                None => Err(format!("choose one of: {}", self.options.join(", "))),
            },
            InputKind::Entity => {
                let parsed = crate::catalog::EntityRef::parse(text, Some("component"), "default");
                match parsed.ok().map(|r| r.key()).filter(|k| catalog.get(k).is_some()) {
                    Some(key) => Ok(key),
                    None => Err(format!("`{text}` is not an entity in the catalog")),
                }
            }
        }
    }
}

/// Which Backstage plugins are asked for their actions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackstageActions {
    #[serde(default = "default_plugins")]
    pub plugins: Vec<String>,
    /// PagerDuty Events API v2 enqueue address (tests point it at loopback).
    #[serde(default = "default_pagerduty")]
    pub pagerduty_events_url: String,
}

impl Default for BackstageActions {
    fn default() -> Self {
        BackstageActions { plugins: default_plugins(), pagerduty_events_url: default_pagerduty() }
    }
}

fn default_plugins() -> Vec<String> {
    vec!["catalog".into(), "scaffolder".into(), "search".into()]
}

fn default_pagerduty() -> String {
    "https://events.pagerduty.com/v2/enqueue".into()
}

/// Everything wrong with the `[[action]]` tables, as `action `x`: key: why`.
/// The error carries the index of the action and the key, to find its line.
pub fn check(actions: &[ActionConfig]) -> Result<(), (usize, String, String)> {
    let mut names = std::collections::HashSet::new();
    for (index, a) in actions.iter().enumerate() {
        let fail = |key: &str, why: String| Err((index, key.to_string(), format!("action `{}`: {key}: {why}", a.name)));
        if a.name.trim().is_empty() {
            return fail("name", "is empty".into());
        }
        if !names.insert(a.name.as_str()) {
            return fail("name", "is defined twice".into());
        }
        if a.command.is_empty() || a.command[0].trim().is_empty() {
            return fail("command", "needs at least the program, as a list: [\"kubectl\", \"logs\", …]".into());
        }
        if let Some(key) = &a.key {
            if crate::keymap::parse_key(key).is_none() {
                return fail("key", format!("`{key}` is not a key (like `L`, `ctrl-l`, `alt-k`)"));
            }
        }
        let mut inputs = std::collections::HashSet::new();
        for input in &a.inputs {
            let word =
                !input.name.is_empty() && input.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !word {
                return fail("inputs", format!("`{}` is not a name (letters, digits, - and _)", input.name));
            }
            if !inputs.insert(input.name.as_str()) {
                return fail("inputs", format!("`{}` is asked for twice", input.name));
            }
            if input.kind == InputKind::Select && input.options.is_empty() {
                return fail("inputs", format!("`{}` is a select with no options", input.name));
            }
        }
        let names: Vec<String> = a.inputs.iter().map(|i| i.name.clone()).collect();
        if let Err(Missing::Unknown(p)) = check_placeholders(&a.command, &names) {
            let why = if p.starts_with("input.") {
                format!("`{{{{ {p} }}}}` names no entry of `inputs`")
            } else {
                format!(
                    "`{{{{ {p} }}}}` is not a placeholder; use name, namespace, kind, ref, owner, system, file, \
                     annotations[\"…\"], links.<type> or input.<name> (`{{{{{{{{` writes a literal `{{{{`)"
                )
            };
            return fail("command", why);
        }
    }
    Ok(())
}
