//! Schema → the fields a step shows for the current values: `$ref` (local,
//! loop-safe), `allOf`, `if`/`then`/`else`, property and schema
//! `dependencies` (with `oneOf` selection), `ui:order` with `*`, nested objects.

use super::node::Node;
use super::picker::PickerSpec;
use crate::sanitize::clean_line;
use serde_json::Value;

/// How deep schemas may nest (refs followed, conditions merged, objects
/// opened) before the rest is treated as a raw value: hostile schemas end here.
const MAX_DEPTH: usize = 24;

/// Fields one step shows at most. Nesting alone cannot stop a fan-out: a
/// 200-byte schema whose two properties both `$ref` the root doubles at each
/// level (2^24 fields), and ten thousand fields took seconds per keystroke
/// (found by fuzz target `form`). Real templates have tens.
pub const MAX_FIELDS: usize = 500;

/// One field of a step: where its value goes and how it is edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Property keys from the step's root object.
    pub path: Vec<String>,
    pub label: String,
    pub description: Option<String>,
    pub help: Option<String>,
    pub placeholder: Option<String>,
    pub required: bool,
    pub readonly: bool,
    pub autofocus: bool,
    /// Nesting level, for indentation.
    pub depth: usize,
    pub widget: Widget,
    /// The property's schema with refs and composition resolved.
    pub schema: Node,
    pub review_show: bool,
    pub review_mask: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    /// A string; `masked` for `ui:widget: password`, `secret` for `ui:field: Secret`
    /// (its value goes to `secrets`, never to `values`).
    Text {
        multi_line: bool,
        masked: bool,
        secret: bool,
    },
    Number {
        integer: bool,
    },
    Bool,
    /// One of `options` (value, label); `radio` shows them all.
    Select {
        options: Vec<(Value, String)>,
        radio: bool,
    },
    /// Array of enum: any subset of `options`.
    MultiSelect {
        options: Vec<(Value, String)>,
    },
    /// Array of free strings, one per line.
    StringList,
    Picker(PickerSpec),
    /// A custom `ui:field` or a shape the terminal cannot edit: JSON or text,
    /// with a note naming what it is.
    Raw {
        note: String,
    },
    /// `const`: not edited, always submitted.
    Const(Value),
    /// `ui:widget: hidden`: not shown, its default submitted.
    Hidden,
    /// The heading of a nested object; holds no value itself.
    Heading,
}

impl Field {
    /// The JSON pointer of the value, the key of its state and of its errors.
    pub fn pointer(&self) -> String {
        pointer(&self.path)
    }

    pub fn is_focusable(&self) -> bool {
        !matches!(self.widget, Widget::Const(_) | Widget::Hidden | Widget::Heading)
    }

    pub fn is_secret(&self) -> bool {
        matches!(self.widget, Widget::Text { secret: true, .. })
    }

    pub fn holds_value(&self) -> bool {
        !matches!(self.widget, Widget::Heading)
    }
}

pub fn pointer(path: &[String]) -> String {
    path.iter().map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1"))).collect()
}

/// The visible fields of a step schema for the current values (all values,
/// hidden or not: conditions see what the user typed even if a field went away).
pub fn visible_fields(step: &Node, values: &Value) -> Vec<Field> {
    let mut out = Vec::new();
    let mut walk = Walk { root: step, out: &mut out, budget: 5_000 };
    walk.object(step, values, &[], 0);
    if out.len() >= MAX_FIELDS {
        // Said on the form rather than cut silently; the server still checks
        // the whole schema on submit.
        let note = format!("(more than {MAX_FIELDS} fields: the rest of this schema is not shown)");
        out.push(build_field(&Node::Object(Vec::new()), &note, vec![note.clone()], false, 0, Widget::Heading));
    }
    out
}

struct Walk<'a> {
    root: &'a Node,
    out: &'a mut Vec<Field>,
    /// Schemas merged so far: composition can fan out exponentially, so the walk stops early.
    budget: usize,
}

/// An object schema with its composition merged for the current values.
#[derive(Default)]
struct Merged {
    properties: Vec<(String, Node)>,
    required: Vec<String>,
}

impl Merged {
    fn add_property(&mut self, key: &str, schema: &Node) {
        match self.properties.iter_mut().find(|(k, _)| k == key) {
            // allOf and then-branches refine a property: merge keywords, later wins.
            Some((_, existing)) => {
                for (k, v) in schema.entries() {
                    existing.insert(k, v.clone());
                }
            }
            None => self.properties.push((key.to_string(), schema.clone())),
        }
    }
}

impl Walk<'_> {
    fn object(&mut self, schema: &Node, values: &Value, path: &[String], depth: usize) {
        let schema = resolve(self.root, schema);
        let mut merged = Merged::default();
        self.merge(&schema, values, &mut merged, depth);
        let order = schema.at("ui:order").strings();
        let ordered = apply_order(merged.properties, &order);
        for (key, prop) in ordered {
            if self.out.len() >= MAX_FIELDS {
                return;
            }
            let mut child_path = path.to_vec();
            child_path.push(key.clone());
            let required = merged.required.contains(&key);
            let prop = resolve_merged(self.root, &prop, depth);
            let child_values = values.get(&key).unwrap_or(&Value::Null);
            let is_object = prop.at("type").as_str() == Some("object") || prop.get("properties").is_some();
            if is_object && prop.get("ui:field").is_none() && depth < MAX_DEPTH {
                let heading = build_field(&prop, &key, child_path.clone(), required, depth, Widget::Heading);
                self.out.push(heading);
                self.object(&prop, child_values, &child_path, depth + 1);
                continue;
            }
            let widget = widget_for(&prop, depth);
            self.out.push(build_field(&prop, &key, child_path, required, depth, widget));
        }
    }

    /// Fold `properties`, `required`, `allOf`, `if`/`then`/`else` and
    /// `dependencies` of one object schema into `merged`.
    fn merge(&mut self, schema: &Node, values: &Value, merged: &mut Merged, depth: usize) {
        if depth > MAX_DEPTH || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let schema = resolve(self.root, schema);
        for (key, prop) in schema.at("properties").entries() {
            merged.add_property(key, prop);
        }
        for req in schema.at("required").strings() {
            if !merged.required.contains(&req) {
                merged.required.push(req);
            }
        }
        for part in schema.at("allOf").as_array().unwrap_or(&[]) {
            self.merge(part, values, merged, depth + 1);
        }
        if let Some(condition) = schema.get("if") {
            let branch = if matches(self.root, condition, values) { "then" } else { "else" };
            if let Some(branch) = schema.get(branch) {
                self.merge(branch, values, merged, depth + 1);
            }
        }
        for (key, dependency) in schema.at("dependencies").entries() {
            if !is_present(values.get(key)) {
                continue;
            }
            match dependency {
                Node::Array(_) => {
                    for req in dependency.strings() {
                        if !merged.required.contains(&req) {
                            merged.required.push(req);
                        }
                    }
                }
                _ => {
                    let dependency = resolve(self.root, dependency);
                    self.merge(&dependency, values, merged, depth + 1);
                    if let Some(branches) = dependency.at("oneOf").as_array() {
                        // rjsf picks the branch whose own schema for the key accepts its value.
                        let chosen = branches.iter().find(|branch| {
                            let branch = resolve(self.root, branch);
                            branch.at("properties").get(key).is_some_and(|s| {
                                let value = values.get(key).unwrap_or(&Value::Null);
                                matches(self.root, s, value)
                            })
                        });
                        if let Some(branch) = chosen {
                            let branch = resolve(self.root, branch);
                            let mut rest = Merged::default();
                            self.merge(&branch, values, &mut rest, depth + 1);
                            for (k, p) in rest.properties {
                                if k != *key {
                                    merged.add_property(&k, &p);
                                }
                            }
                            for r in rest.required {
                                if !merged.required.contains(&r) {
                                    merged.required.push(r);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn is_present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// Does `value` satisfy `schema`? Used for `if` and `oneOf` selection; the
/// step root rides along so local `$ref`s inside resolve.
fn matches(root: &Node, schema: &Node, value: &Value) -> bool {
    let mut doc = resolve(root, schema).to_json();
    if let (Value::Object(doc), Some(defs)) = (&mut doc, root.get("definitions")) {
        doc.entry("definitions").or_insert_with(|| defs.to_json());
    }
    let size = super::validate::expanded_size(&doc, &doc, &mut Default::default(), &mut Vec::new(), 0);
    if size > super::validate::MAX_EXPANDED {
        return false;
    }
    match jsonschema::draft7::new(&doc) {
        Ok(validator) => validator.is_valid(value),
        Err(_) => false,
    }
}

/// Follow local `$ref`s (`#/definitions/x`); a loop or a missing target gives `{}`.
pub fn resolve(root: &Node, schema: &Node) -> Node {
    let mut current = schema;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.at("$ref").as_str() else {
            return current.clone();
        };
        match lookup(root, reference) {
            Some(target) => current = target,
            None => return Node::Object(Vec::new()),
        }
    }
    Node::Object(Vec::new())
}

/// A property's schema with `$ref` followed and its own `allOf` folded in
/// (shallowly: `properties` merge, other keywords are replaced).
fn resolve_merged(root: &Node, schema: &Node, depth: usize) -> Node {
    let mut out = resolve(root, schema);
    if depth > MAX_DEPTH / 3 {
        return out;
    }
    let parts = out.at("allOf").as_array().map(<[Node]>::to_vec).unwrap_or_default();
    for part in parts {
        let part = resolve_merged(root, &part, depth + 1);
        for (k, v) in part.entries() {
            if k == "properties" {
                let mut props = out.at("properties").clone();
                for (pk, pv) in v.entries() {
                    props.insert(pk, pv.clone());
                }
                out.insert("properties", props);
            } else if k != "allOf" {
                out.insert(k, v.clone());
            }
        }
    }
    out
}

fn lookup<'a>(root: &'a Node, reference: &str) -> Option<&'a Node> {
    let pointer = reference.strip_prefix('#')?;
    let mut node = root;
    for part in pointer.split('/').filter(|p| !p.is_empty()) {
        let part = part.replace("~1", "/").replace("~0", "~");
        node = match node {
            Node::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => node.get(&part)?,
        };
    }
    Some(node)
}

/// `ui:order`: listed keys first in that order, `*` standing for the rest
/// (in schema order); without `*`, unlisted keys follow.
fn apply_order(properties: Vec<(String, Node)>, order: &[String]) -> Vec<(String, Node)> {
    if order.is_empty() {
        return properties;
    }
    let listed = |k: &str| order.iter().any(|o| o == k);
    let mut rest: Vec<(String, Node)> = properties.iter().filter(|(k, _)| !listed(k)).cloned().collect();
    let mut out = Vec::new();
    for key in order {
        if key == "*" {
            out.append(&mut rest);
        } else if let Some(entry) = properties.iter().find(|(k, _)| k == key) {
            out.push(entry.clone());
        }
    }
    out.append(&mut rest);
    out
}

fn text(node: &Node) -> Option<String> {
    node.as_str().map(clean_line).filter(|s| !s.is_empty())
}

fn build_field(prop: &Node, key: &str, path: Vec<String>, required: bool, depth: usize, widget: Widget) -> Field {
    let options = prop.at("ui:options");
    let review = prop.at("ui:backstage").at("review");
    let label = text(prop.at("title")).unwrap_or_else(|| match &widget {
        Widget::Picker(spec) => spec.default_title().to_string(),
        _ => clean_line(key),
    });
    Field {
        path,
        label,
        description: text(prop.at("description")),
        help: text(prop.at("ui:help")),
        placeholder: text(prop.at("ui:placeholder")).or_else(|| text(options.at("placeholder"))),
        required,
        readonly: [prop.at("ui:readonly"), prop.at("ui:disabled"), prop.at("readOnly"), options.at("readonly")]
            .iter()
            .any(|n| n.as_bool() == Some(true)),
        autofocus: prop.at("ui:autofocus").as_bool() == Some(true),
        depth,
        widget,
        schema: prop.clone(),
        review_show: review.at("show").as_bool() != Some(false),
        review_mask: review.at("mask").as_str().map(clean_line),
    }
}

/// Pick the editor for a property from its type and ui:* hints.
fn widget_for(prop: &Node, depth: usize) -> Widget {
    if let Some(value) = prop.get("const") {
        return Widget::Const(value.to_json());
    }
    let ui_widget = prop.at("ui:widget").as_str().unwrap_or("");
    if ui_widget == "hidden" {
        return Widget::Hidden;
    }
    let types = prop.at("type").strings();
    let kind = types.iter().find(|t| *t != "null").map(String::as_str).unwrap_or("");
    if let Some(field) = prop.at("ui:field").as_str() {
        if field == "Secret" {
            return Widget::Text { multi_line: false, masked: true, secret: true };
        }
        return match PickerSpec::parse(field, prop) {
            Some(spec) => Widget::Picker(spec),
            None => Widget::Raw { note: format!("custom field {}: enter {}", clean_line(field), raw_hint(kind)) },
        };
    }
    if let Some(options) = enum_options(prop) {
        return Widget::Select { options, radio: ui_widget == "radio" };
    }
    match kind {
        "string" => {
            Widget::Text { multi_line: ui_widget == "textarea", masked: ui_widget == "password", secret: false }
        }
        "integer" => Widget::Number { integer: true },
        "number" => Widget::Number { integer: false },
        "boolean" => Widget::Bool,
        "array" => {
            let items = prop.at("items");
            match enum_options(items) {
                Some(options) if prop.at("uniqueItems").as_bool() != Some(false) || ui_widget == "checkboxes" => {
                    Widget::MultiSelect { options }
                }
                _ if items.at("type").as_str() == Some("string") && !items.at("properties").is_object() => {
                    Widget::StringList
                }
                _ => Widget::Raw { note: format!("a list the form cannot edit: enter {}", raw_hint(kind)) },
            }
        }
        "object" if depth >= MAX_DEPTH => Widget::Raw { note: "nested too deeply: enter a JSON object".into() },
        "" if prop.get("enum").is_none() => {
            Widget::Text { multi_line: ui_widget == "textarea", masked: false, secret: false }
        }
        other => Widget::Raw { note: format!("type {}: enter {}", clean_line(other), raw_hint(other)) },
    }
}

fn raw_hint(kind: &str) -> &'static str {
    match kind {
        "string" | "" => "text",
        _ => "JSON",
    }
}

/// `enum` with optional `enumNames`, or a `oneOf`/`anyOf` of `const` + `title`.
fn enum_options(prop: &Node) -> Option<Vec<(Value, String)>> {
    if let Some(values) = prop.at("enum").as_array() {
        let names = prop.at("enumNames").as_array().unwrap_or(&[]);
        return Some(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let label = names.get(i).and_then(text).unwrap_or_else(|| display_value(&v.to_json()));
                    (v.to_json(), label)
                })
                .collect(),
        );
    }
    let branches = prop.get("oneOf").or_else(|| prop.get("anyOf"))?.as_array()?;
    if branches.is_empty() || !branches.iter().all(|b| b.get("const").is_some()) {
        return None;
    }
    Some(
        branches
            .iter()
            .map(|b| {
                let value = b.at("const").to_json();
                (value.clone(), text(b.at("title")).unwrap_or_else(|| display_value(&value)))
            })
            .collect(),
    )
}

/// A value as the review and select lists show it, sanitised.
pub fn display_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => clean_line(s),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) => items.iter().map(display_value).collect::<Vec<_>>().join(", "),
        other => clean_line(&other.to_string()),
    }
}
