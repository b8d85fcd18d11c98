//! The form engine: a JSON Schema (one per step) becomes pages of fields,
//! edited with the keyboard, validated as you type, and turned back into
//! values and secrets exactly as Backstage's web form would submit them.
//! It knows nothing of the scaffolder: the actions issue reuses it as is.

mod draw;
pub mod model;
pub mod node;
pub mod picker;
pub mod source;
pub mod validate;
pub mod value;
mod view;

pub use model::{display_value, Field, Widget};
pub use node::Node;
pub use picker::{CatalogFilter, Choice, FilterValue, PickerKind, PickerSource, PickerSpec, RepoUrl};
pub use view::{FormOutcome, FormStyles};

use crate::sanitize::clean_line;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use validate::StepValidator;
use value::FieldState;

/// One page of the form.
#[derive(Debug)]
pub struct Step {
    pub title: String,
    pub description: Option<String>,
    pub schema: Node,
    validator: StepValidator,
}

/// A parsed form: title and steps.
#[derive(Debug)]
pub struct FormSpec {
    pub title: String,
    pub description: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("the form schema is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the form schema has no steps")]
    NoSteps,
}

impl FormSpec {
    /// The scaffolder's parameter-schema reply: `{title, description, steps: [{title, description, schema}]}`.
    pub fn from_parameter_schema(body: &str) -> Result<FormSpec, SpecError> {
        Self::from_parameter_node(&serde_json::from_str(body)?)
    }

    /// Like [`FormSpec::from_parameter_schema`], already parsed.
    pub fn from_parameter_node(node: &Node) -> Result<FormSpec, SpecError> {
        let steps: Vec<(Option<&str>, Option<&str>, &Node)> = node
            .at("steps")
            .as_array()
            .unwrap_or(&[])
            .iter()
            .map(|s| (s.at("title").as_str(), s.at("description").as_str(), s.at("schema")))
            .collect();
        Self::build(node.at("title").as_str(), node.at("description").as_str(), steps)
    }

    /// A template's `spec.parameters` (one object or a list of steps), as
    /// written in its YAML/JSON: each step is itself the schema.
    pub fn from_parameters(title: Option<&str>, parameters: &Node) -> Result<FormSpec, SpecError> {
        let list: Vec<&Node> = match parameters {
            Node::Array(items) => items.iter().collect(),
            Node::Object(_) => vec![parameters],
            _ => Vec::new(),
        };
        let steps = list.into_iter().map(|s| (s.at("title").as_str(), s.at("description").as_str(), s)).collect();
        Self::build(title, None, steps)
    }

    /// A single schema as one step (action inputs).
    pub fn single(title: &str, schema: &Node) -> FormSpec {
        Self::build(Some(title), None, vec![(schema.at("title").as_str(), None, schema)]).expect("one step")
    }

    fn build(
        title: Option<&str>,
        description: Option<&str>,
        steps: Vec<(Option<&str>, Option<&str>, &Node)>,
    ) -> Result<FormSpec, SpecError> {
        if steps.is_empty() {
            return Err(SpecError::NoSteps);
        }
        let steps = steps
            .into_iter()
            .enumerate()
            .map(|(i, (t, d, schema))| Step {
                title: t.map(clean_line).filter(|t| !t.is_empty()).unwrap_or_else(|| format!("Step {}", i + 1)),
                description: d.map(clean_line),
                validator: StepValidator::new(&schema.to_json()),
                schema: schema.clone(),
            })
            .collect();
        Ok(FormSpec {
            title: title.map(clean_line).unwrap_or_default(),
            description: description.map(clean_line),
            steps,
        })
    }
}

/// A form being filled in.
pub struct Form {
    pub spec: FormSpec,
    /// The page shown; `spec.steps.len()` is the review page.
    page: usize,
    /// Every field ever shown, by pointer, with its state: values of fields a
    /// condition hid are kept (they come back if it shows them again) but not submitted.
    states: HashMap<String, (Field, FieldState)>,
    /// The visible fields of the current page.
    fields: Vec<Field>,
    focus: usize,
    /// Problems by pointer, for the current page.
    errors: BTreeMap<String, String>,
    /// Problems no field of the page can show (and the server's).
    page_errors: Vec<String>,
    touched: HashSet<String>,
    /// After a "next" that failed, every problem shows, touched or not.
    show_all: bool,
    view: view::ViewState,
    /// The review page's keys, as its owner binds them (the wizard adds `d`).
    pub review_hint: Option<String>,
}

impl Form {
    pub fn new(spec: FormSpec) -> Form {
        Self::with_values(spec, &Map::new())
    }

    /// A form starting from given values (`--set`, `--values`, "start over"),
    /// schema defaults filling the rest.
    pub fn with_values(spec: FormSpec, initial: &Map<String, Value>) -> Form {
        let mut form = Form {
            spec,
            page: 0,
            states: HashMap::new(),
            fields: Vec::new(),
            focus: 0,
            errors: BTreeMap::new(),
            page_errors: Vec::new(),
            touched: HashSet::new(),
            show_all: false,
            view: view::ViewState::default(),
            review_hint: None,
        };
        // Defaults of every page, so conditions on later pages see them too.
        for page in 0..form.spec.steps.len() {
            form.page = page;
            form.refresh_with(Some(initial));
        }
        form.page = 0;
        form.refresh();
        form.focus =
            form.fields.iter().position(|f| f.autofocus && f.is_focusable()).unwrap_or_else(|| form.first_focusable());
        form
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn on_review(&self) -> bool {
        self.page >= self.spec.steps.len()
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn errors(&self) -> &BTreeMap<String, String> {
        &self.errors
    }

    /// (field label, problem) of the current page, then the page's own problems.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .fields
            .iter()
            .filter_map(|f| self.errors.get(&f.pointer()).map(|e| (f.label.clone(), e.clone())))
            .collect();
        out.extend(self.page_errors.iter().map(|e| ("(form)".to_string(), e.clone())));
        out
    }

    pub fn page_errors(&self) -> &[String] {
        &self.page_errors
    }

    fn first_focusable(&self) -> usize {
        self.fields.iter().position(Field::is_focusable).unwrap_or(0)
    }

    /// Values of every field the user has a state for, shown or not: what conditions see.
    fn raw_values(&self) -> Value {
        let mut out = Value::Object(Map::new());
        for (field, state) in self.states.values() {
            if let Some(v) = state.value(field) {
                insert_at(&mut out, &field.path, v);
            }
        }
        out
    }

    /// Recompute the page's visible fields; a field seen for the first time starts from its default.
    fn refresh(&mut self) {
        self.refresh_with(None)
    }

    fn refresh_with(&mut self, initial: Option<&Map<String, Value>>) {
        if self.on_review() {
            self.fields.clear();
            return;
        }
        let initial = initial.map(|m| Value::Object(m.clone()));
        // Two passes: defaults that appear can switch conditions on.
        for _ in 0..2 {
            let values = self.raw_values();
            let fields = model::visible_fields(&self.spec.steps[self.page].schema, &values);
            for field in &fields {
                let key = field.pointer();
                let stale = self.states.get(&key).is_none_or(|(_, s)| !s.fits(field));
                if stale {
                    let given = initial.as_ref().and_then(|i| get_at(i, &field.path));
                    let default = given.cloned().or_else(|| field.schema.get("default").map(Node::to_json));
                    self.states.insert(key, (field.clone(), FieldState::new(field, default.as_ref())));
                } else if let Some(entry) = self.states.get_mut(&key) {
                    entry.0 = field.clone();
                }
            }
            self.fields = fields;
        }
        self.focus = self.focus.min(self.fields.len().saturating_sub(1));
        self.validate();
    }

    /// The values of one page's visible fields (secrets excluded).
    fn page_values(&self, page: usize, with_secrets: bool) -> Value {
        let values = self.raw_values();
        let mut out = Value::Object(Map::new());
        for field in model::visible_fields(&self.spec.steps[page].schema, &values) {
            if !field.holds_value() || (field.is_secret() && !with_secrets) {
                continue;
            }
            if let Some((_, state)) = self.states.get(&field.pointer()) {
                if let Some(v) = state.value(&field) {
                    insert_at(&mut out, &field.path, v);
                }
            }
        }
        out
    }

    /// Check the current page: schema problems and the pickers' own rules.
    fn validate(&mut self) {
        self.errors.clear();
        self.page_errors.clear();
        let Some(step) = self.spec.steps.get(self.page) else { return };
        if let Some(broken) = step.validator.broken() {
            self.page_errors.push(clean_line(broken));
        }
        let instance = self.page_values(self.page, true);
        for problem in step.validator.problems(&instance) {
            match self.field_for(&problem.pointer) {
                Some(key) => {
                    self.errors.entry(key).or_insert(problem.message);
                }
                None => self.page_errors.push(problem.message),
            }
        }
        for field in &self.fields {
            if let (Widget::Picker(spec), Some((_, state))) = (&field.widget, self.states.get(&field.pointer())) {
                // The picker's rules quote the template (allowed hosts): clean (found by fuzz target form).
                if let Some(problem) = state.value(field).and_then(|v| spec.check(&v)).map(|p| clean_line(&p)) {
                    self.errors.entry(field.pointer()).or_insert(problem);
                }
            }
        }
    }

    /// The visible field a problem at `pointer` belongs to: itself or its nearest ancestor.
    fn field_for(&self, pointer: &str) -> Option<String> {
        let mut candidate = pointer.to_string();
        loop {
            if self.fields.iter().any(|f| f.holds_value() && f.pointer() == candidate) {
                return Some(candidate);
            }
            let cut = candidate.rfind('/')?;
            candidate.truncate(cut);
            if candidate.is_empty() {
                return None;
            }
        }
    }

    /// The problems shown now: touched fields' while typing, all after a failed "next".
    pub fn shown_error(&self, field: &Field) -> Option<&str> {
        let key = field.pointer();
        if self.show_all || self.touched.contains(&key) {
            self.errors.get(&key).map(String::as_str)
        } else {
            None
        }
    }

    /// Go to the next page if this one is valid; else show its problems.
    pub fn next_page(&mut self) -> bool {
        self.validate();
        if !self.errors.is_empty() || !self.page_errors.is_empty() {
            self.focus_first_error();
            return false;
        }
        self.show_all = false;
        self.page = (self.page + 1).min(self.spec.steps.len());
        self.focus = 0;
        self.refresh();
        self.focus =
            self.fields.iter().position(|f| f.autofocus && f.is_focusable()).unwrap_or_else(|| self.first_focusable());
        true
    }

    pub fn prev_page(&mut self) {
        if self.page > 0 {
            self.page -= 1;
            self.focus = 0;
            self.show_all = false;
            self.refresh();
            self.focus = self.first_focusable();
        }
    }

    /// Show every problem and focus the first field that has one.
    fn focus_first_error(&mut self) {
        self.show_all = true;
        if let Some(i) = self.fields.iter().position(|f| f.is_focusable() && self.errors.contains_key(&f.pointer())) {
            self.focus = i;
        }
    }

    /// Move focus to the next field with a problem (wrapping); false if none.
    pub fn focus_next_error(&mut self) -> bool {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + step) % n;
            if self.errors.contains_key(&self.fields[i].pointer()) && self.fields[i].is_focusable() {
                self.focus = i;
                self.show_all = true;
                return true;
            }
        }
        false
    }

    /// The submitted `values`: every page's visible fields, secrets left out
    /// (Backstage #24113: values of fields no longer shown are not sent).
    pub fn values(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for page in 0..self.spec.steps.len() {
            if let Value::Object(map) = self.page_values(page, false) {
                merge_into(&mut out, map);
            }
        }
        out
    }

    /// The `secrets`: `ui:field: Secret` values by property name, as the web form's `setSecrets`.
    pub fn secrets(&self) -> Map<String, Value> {
        let values = self.raw_values();
        let mut out = Map::new();
        for step in &self.spec.steps {
            for field in model::visible_fields(&step.schema, &values).iter().filter(|f| f.is_secret()) {
                if let Some(v) = self.states.get(&field.pointer()).and_then(|(f, s)| s.value(f)) {
                    out.insert(field.path.last().cloned().unwrap_or_default(), v);
                }
            }
        }
        out
    }

    /// Every page valid? Validates them all and opens the first bad one.
    pub fn check_all(&mut self) -> bool {
        let here = self.page;
        for page in 0..self.spec.steps.len() {
            self.page = page;
            self.refresh();
            if !self.errors.is_empty() || !self.page_errors.is_empty() {
                self.focus_first_error();
                return false;
            }
        }
        self.page = here;
        self.refresh();
        true
    }

    /// (label, shown value) for the review, page by page: secrets and
    /// `ui:widget: password` as `******`, `ui:backstage.review.mask` as its
    /// mask, `review.show: false` left out.
    pub fn review(&self) -> Vec<(String, String)> {
        let values = self.raw_values();
        let mut out = Vec::new();
        for step in &self.spec.steps {
            for field in model::visible_fields(&step.schema, &values) {
                if !field.holds_value() || !field.review_show || matches!(field.widget, Widget::Hidden) {
                    continue;
                }
                let Some(value) = self.states.get(&field.pointer()).and_then(|(f, s)| s.value(f)) else { continue };
                let shown = if let Some(mask) = &field.review_mask {
                    mask.clone()
                } else if matches!(field.widget, Widget::Text { masked: true, .. }) {
                    "******".into()
                } else {
                    display_value(&value)
                };
                out.push((field.label.clone(), shown));
            }
        }
        out
    }

    /// A server-side problem (a 400's `errors[{path, property, message}]`) onto its field.
    pub fn set_server_error(&mut self, pointer: &str, message: &str) {
        let message = clean_line(message);
        for page in 0..self.spec.steps.len() {
            self.page = page;
            self.refresh();
            if let Some(key) = self.field_for(pointer) {
                self.errors.insert(key.clone(), message);
                self.show_all = true;
                self.focus = self.fields.iter().position(|f| f.pointer() == key).unwrap_or(0);
                return;
            }
        }
        self.page = 0;
        self.refresh();
        self.page_errors.push(message);
    }

    fn state_mut(&mut self) -> Option<(&Field, &mut FieldState)> {
        let field = self.fields.get(self.focus)?;
        self.states.get_mut(&field.pointer()).map(|(_, s)| (field, s))
    }
}

fn get_at<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, k| v.get(k))
}

fn insert_at(target: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut node = target;
    for key in parents {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        node = node.as_object_mut().expect("object").entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    node.as_object_mut().expect("object").insert(last.clone(), value);
}

fn merge_into(target: &mut Map<String, Value>, source: Map<String, Value>) {
    for (k, v) in source {
        match (target.get_mut(&k), v) {
            (Some(Value::Object(existing)), Value::Object(more)) => merge_into(existing, more),
            (_, v) => {
                target.insert(k, v);
            }
        }
    }
}
