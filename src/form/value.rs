//! The editing state of one field and the JSON value it stands for. Empty
//! inputs stand for no value (rjsf's `undefined`), so `required` catches them.

use super::model::{Field, Widget};
use super::picker::{PickerKind, RepoUrl};
use crate::input::TextInput;
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum FieldState {
    /// Strings, numbers (parsed on read), string lists (one per line), raw JSON.
    Text(TextInput),
    Bool(Option<bool>),
    /// The chosen option and the highlighted one (radio and select lists).
    Select {
        chosen: Option<usize>,
        cursor: usize,
    },
    Multi {
        chosen: Vec<bool>,
        cursor: usize,
    },
    /// Catalog pickers: the text typed (a filter, or a free value) and the values picked.
    Picker {
        query: TextInput,
        picked: Vec<String>,
        open: bool,
        highlight: usize,
    },
    /// RepoUrlPicker: host, owner, repo, organization, project; `part` has focus.
    Repo {
        parts: Vec<TextInput>,
        part: usize,
    },
    /// `const` and hidden fields: submitted as they are.
    Fixed(Option<Value>),
    /// A nested object's heading.
    None,
}

pub const REPO_PARTS: [&str; 5] = ["host", "owner", "repository", "organization", "project"];

fn text_input(field: &Field) -> TextInput {
    let multi = matches!(field.widget, Widget::Text { multi_line: true, .. } | Widget::StringList | Widget::Raw { .. });
    let masked = matches!(field.widget, Widget::Text { masked: true, .. });
    let mut input = if multi { TextInput::multi_line() } else { TextInput::single_line() };
    input = input.masked(masked);
    if let Some(placeholder) = &field.placeholder {
        input = input.placeholder(placeholder.clone());
    }
    input
}

impl FieldState {
    /// A fresh state holding `initial` (a default, a `--set` value), when it fits.
    pub fn new(field: &Field, initial: Option<&Value>) -> FieldState {
        let initial = initial.filter(|v| !v.is_null());
        match &field.widget {
            Widget::Heading => FieldState::None,
            Widget::Const(value) => FieldState::Fixed(Some(value.clone())),
            Widget::Hidden => FieldState::Fixed(initial.cloned()),
            Widget::Bool => FieldState::Bool(initial.and_then(Value::as_bool)),
            Widget::Select { options, .. } => {
                let chosen = initial.and_then(|v| options.iter().position(|(o, _)| o == v));
                FieldState::Select { chosen, cursor: chosen.unwrap_or(0) }
            }
            Widget::MultiSelect { options } => {
                let set = initial.and_then(Value::as_array).cloned().unwrap_or_default();
                FieldState::Multi { chosen: options.iter().map(|(o, _)| set.contains(o)).collect(), cursor: 0 }
            }
            Widget::Picker(spec) if spec.kind == PickerKind::RepoUrl => {
                let url = RepoUrl::parse(initial.and_then(Value::as_str).unwrap_or(""));
                let mut parts: Vec<TextInput> = (0..REPO_PARTS.len()).map(|_| TextInput::single_line()).collect();
                let allowed = [&spec.repo.allowed_hosts, &spec.repo.allowed_owners, &spec.repo.allowed_repos];
                let values = [&url.host, &url.owner, &url.repo, &url.organization, &url.project];
                for (i, value) in values.iter().enumerate() {
                    // A single allowed value is the value (the web form preselects it).
                    let only = allowed.get(i).filter(|a| a.len() == 1).map(|a| a[0].as_str());
                    parts[i].set_text(if value.is_empty() { only.unwrap_or("") } else { value });
                }
                FieldState::Repo { parts, part: 0 }
            }
            Widget::Picker(spec) if spec.kind != PickerKind::EntityName => {
                // Given values are normalised as the web form does on blur (`team-a` → `group:default/team-a`).
                let picked: Vec<String> = match initial {
                    Some(Value::Array(items)) => {
                        items.iter().filter_map(|v| v.as_str().map(|s| spec.typed_value(s))).collect()
                    }
                    Some(Value::String(s)) if !s.is_empty() => vec![spec.typed_value(s)],
                    _ => Vec::new(),
                };
                FieldState::Picker { query: text_input(field), picked, open: false, highlight: 0 }
            }
            _ => {
                let mut input = text_input(field);
                let text = match (initial, &field.widget) {
                    (None, _) => String::new(),
                    (Some(Value::String(s)), _) => s.clone(),
                    (Some(Value::Array(items)), Widget::StringList) => items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    (Some(Value::Number(n)), Widget::Number { .. }) => n.to_string(),
                    (Some(other), _) => serde_json::to_string_pretty(other).unwrap_or_default(),
                };
                input.set_text(&text);
                FieldState::Text(input)
            }
        }
    }

    /// The value this state submits, None for "not given".
    pub fn value(&self, field: &Field) -> Option<Value> {
        match (self, &field.widget) {
            (FieldState::None, _) => None,
            (FieldState::Fixed(value), _) => value.clone(),
            (FieldState::Bool(value), _) => value.map(Value::Bool),
            (FieldState::Select { chosen, .. }, Widget::Select { options, .. }) => {
                chosen.and_then(|i| options.get(i)).map(|(v, _)| v.clone())
            }
            (FieldState::Multi { chosen, .. }, Widget::MultiSelect { options }) => {
                let values: Vec<Value> =
                    options.iter().zip(chosen).filter(|(_, on)| **on).map(|((v, _), _)| v.clone()).collect();
                (!values.is_empty()).then_some(Value::Array(values))
            }
            (FieldState::Picker { query, picked, .. }, Widget::Picker(spec)) => {
                let mut values = picked.clone();
                let typed = query.text();
                // Free text counts as a value where the web form would keep it on blur.
                if spec.allow_arbitrary && !typed.trim().is_empty() && (spec.is_multi() || values.is_empty()) {
                    values.push(spec.typed_value(&typed));
                }
                if spec.is_multi() {
                    (!values.is_empty()).then(|| Value::Array(values.into_iter().map(Value::String).collect()))
                } else {
                    values.pop().map(Value::String)
                }
            }
            (FieldState::Repo { parts, .. }, _) => {
                let text = |i: usize| parts[i].text().trim().to_string();
                RepoUrl {
                    host: text(0),
                    owner: text(1),
                    repo: text(2),
                    organization: text(3),
                    workspace: String::new(),
                    project: text(4),
                }
                .serialize()
                .map(Value::String)
            }
            (FieldState::Text(input), widget) => {
                let text = input.text();
                if text.trim().is_empty() {
                    return None;
                }
                Some(match widget {
                    Widget::Number { integer } => parse_number(text.trim(), *integer),
                    Widget::StringList => Value::Array(
                        text.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(|l| Value::String(l.into()))
                            .collect(),
                    ),
                    Widget::Raw { .. } => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                    _ => Value::String(text),
                })
            }
            _ => None,
        }
    }

    /// Does this state still fit the field (a condition can change a field's type)?
    pub fn fits(&self, field: &Field) -> bool {
        matches!(
            (self, &field.widget),
            (FieldState::None, Widget::Heading)
                | (FieldState::Fixed(_), Widget::Const(_) | Widget::Hidden)
                | (FieldState::Bool(_), Widget::Bool)
                | (FieldState::Picker { .. }, Widget::Picker(_))
                | (FieldState::Repo { .. }, Widget::Picker(_))
                | (
                    FieldState::Text(_),
                    Widget::Text { .. }
                        | Widget::Number { .. }
                        | Widget::StringList
                        | Widget::Raw { .. }
                        | Widget::Picker(_)
                )
        ) || match (self, &field.widget) {
            (FieldState::Select { chosen, .. }, Widget::Select { options, .. }) => {
                chosen.is_none_or(|i| i < options.len())
            }
            (FieldState::Multi { chosen, .. }, Widget::MultiSelect { options }) => chosen.len() == options.len(),
            _ => false,
        }
    }
}

/// A number as typed; text that is not one is kept as text so the schema
/// validator reports it ("must be an integer").
fn parse_number(text: &str, integer: bool) -> Value {
    if let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    match text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        Some(n) if !integer || n.as_f64().is_some_and(|f| f.fract() == 0.0) => Value::Number(n),
        _ => Value::String(text.to_string()),
    }
}
