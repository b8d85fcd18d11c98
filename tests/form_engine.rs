//! The form engine, end to end through its public API: every field type and
//! option, values and secrets as Backstage's web form submits them,
//! validation, and hostile schemas (which must neither panic nor hang).

use callboard::form::source::{ListSource, PickerEntity};
use callboard::form::{Form, FormOutcome, FormSpec, FormStyles, Node, Widget};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn one_step(schema: Value) -> Form {
    let body = json!({"title": "T", "steps": [{"title": "S", "schema": schema}]});
    Form::new(FormSpec::from_parameter_schema(&body.to_string()).unwrap())
}

/// Schemas as text: `json!` would sort their keys, and field order is what the template wrote.
fn one_step_raw(schema: &str) -> Form {
    let body = format!(r#"{{"title": "T", "steps": [{{"title": "S", "schema": {schema}}}]}}"#);
    Form::new(FormSpec::from_parameter_schema(&body).unwrap())
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn press(form: &mut Form, code: KeyCode) -> FormOutcome {
    form.on_key(key(code))
}

fn typed(form: &mut Form, text: &str) {
    for c in text.chars() {
        form.on_key(key(KeyCode::Char(c)));
    }
}

/// Focus the field labelled `label` (tab from the top).
fn focus(form: &mut Form, label: &str) {
    for _ in 0..50 {
        if form.focused().is_some_and(|f| f.label == label) {
            return;
        }
        press(form, KeyCode::Tab);
    }
    for _ in 0..50 {
        if form.focused().is_some_and(|f| f.label == label) {
            return;
        }
        press(form, KeyCode::BackTab);
    }
    panic!("no field {label}: {:?}", form.fields().iter().map(|f| &f.label).collect::<Vec<_>>());
}

fn source() -> ListSource {
    let mut entities = vec![
        PickerEntity::new("Group", "default", "team-a").with("metadata.title", "Team A"),
        PickerEntity::new("Group", "default", "team-b"),
        PickerEntity::new("User", "default", "jdoe"),
        PickerEntity::new("System", "default", "payments").with("spec.type", "product"),
        PickerEntity::new("Component", "default", "checkout")
            .with("spec.type", "service")
            .with("metadata.tags", "java")
            .with("metadata.tags", "payments")
            .with("relations.ownedBy", "group:default/team-a"),
        PickerEntity::new("Component", "prod", "Ledger").with("spec.type", "website").with("metadata.tags", "java"),
    ];
    entities.push(PickerEntity::new("API", "default", "checkout-api").with("spec.lifecycle", "production"));
    ListSource::new(entities, vec!["group:default/team-a".into()])
}

fn screen(form: &Form, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let src = source();
    terminal.draw(|f| form.render(f, f.area(), &FormStyles::default(), &src)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn widget_of(form: &Form, label: &str) -> Widget {
    form.fields().iter().find(|f| f.label == label).unwrap_or_else(|| panic!("no {label}")).widget.clone()
}

#[test]
fn every_field_type_gets_its_editor() {
    let form = one_step_raw(
        r#"{
        "properties": {
            "s": {"type": "string", "title": "s"},
            "area": {"type": "string", "title": "area", "ui:widget": "textarea"},
            "pw": {"type": "string", "title": "pw", "ui:widget": "password"},
            "secret": {"type": "string", "title": "secret", "ui:field": "Secret"},
            "i": {"type": "integer", "title": "i"},
            "n": {"type": "number", "title": "n"},
            "b": {"type": "boolean", "title": "b"},
            "e": {"type": "string", "title": "e", "enum": ["x", "y"]},
            "r": {"type": "string", "title": "r", "enum": ["x", "y"], "ui:widget": "radio"},
            "m": {"type": "array", "title": "m", "items": {"type": "string", "enum": ["p", "q"]}, "uniqueItems": true, "ui:widget": "checkboxes"},
            "l": {"type": "array", "title": "l", "items": {"type": "string"}},
            "o": {"type": "object", "title": "o", "properties": {"inner": {"type": "string", "title": "inner"}}},
            "c": {"type": "string", "title": "c", "const": "fixed"},
            "h": {"type": "string", "title": "h", "ui:widget": "hidden", "default": "dflt"},
            "custom": {"type": "object", "title": "custom", "ui:field": "MyCustomThing"},
            "weird": {"type": "frobnicate", "title": "weird"},
            "owner": {"type": "string", "title": "owner", "ui:field": "OwnerPicker"}
        }
    }"#,
    );
    let text = |multi_line, masked, secret| Widget::Text { multi_line, masked, secret };
    assert_eq!(widget_of(&form, "s"), text(false, false, false));
    assert_eq!(widget_of(&form, "area"), text(true, false, false));
    assert_eq!(widget_of(&form, "pw"), text(false, true, false));
    assert_eq!(widget_of(&form, "secret"), text(false, true, true));
    assert_eq!(widget_of(&form, "i"), Widget::Number { integer: true });
    assert_eq!(widget_of(&form, "n"), Widget::Number { integer: false });
    assert_eq!(widget_of(&form, "b"), Widget::Bool);
    assert!(matches!(widget_of(&form, "e"), Widget::Select { radio: false, .. }));
    assert!(matches!(widget_of(&form, "r"), Widget::Select { radio: true, .. }));
    assert!(matches!(widget_of(&form, "m"), Widget::MultiSelect { .. }));
    assert_eq!(widget_of(&form, "l"), Widget::StringList);
    assert_eq!(widget_of(&form, "o"), Widget::Heading);
    assert_eq!(widget_of(&form, "inner"), text(false, false, false));
    assert_eq!(widget_of(&form, "c"), Widget::Const(json!("fixed")));
    assert_eq!(widget_of(&form, "h"), Widget::Hidden);
    match widget_of(&form, "custom") {
        Widget::Raw { note } => assert!(note.contains("MyCustomThing"), "{note}"),
        other => panic!("{other:?}"),
    }
    match widget_of(&form, "weird") {
        Widget::Raw { note } => assert!(note.contains("frobnicate"), "{note}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(widget_of(&form, "owner"), Widget::Picker(_)));
    // Order is the schema's, not alphabetical.
    let labels: Vec<&str> = form.fields().iter().map(|f| f.label.as_str()).collect();
    assert_eq!(&labels[..4], ["s", "area", "pw", "secret"]);
    // Const and hidden defaults are submitted without being shown.
    let values = form.values();
    assert_eq!(values["c"], json!("fixed"));
    assert_eq!(values["h"], json!("dflt"));
}

#[test]
fn typing_gives_typed_values() {
    let mut form = one_step_raw(
        r#"{
        "properties": {
            "s": {"type": "string", "title": "s"},
            "i": {"type": "integer", "title": "i"},
            "n": {"type": "number", "title": "n"},
            "b": {"type": "boolean", "title": "b"},
            "e": {"type": "string", "title": "e", "enum": ["x", "y"], "enumNames": ["Ex", "Why"]},
            "m": {"type": "array", "title": "m", "items": {"type": "string", "enum": ["p", "q", "r"]}, "uniqueItems": true},
            "l": {"type": "array", "title": "l", "items": {"type": "string"}},
            "o": {"type": "object", "title": "o", "properties": {"inner": {"type": "string", "title": "inner"}}},
            "raw": {"title": "raw", "ui:field": "Custom", "type": "object"}
        }
    }"#,
    );
    focus(&mut form, "s");
    typed(&mut form, "q j/");
    focus(&mut form, "i");
    typed(&mut form, "42");
    focus(&mut form, "n");
    typed(&mut form, "2.5");
    focus(&mut form, "b");
    press(&mut form, KeyCode::Char(' '));
    focus(&mut form, "e");
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Enter);
    focus(&mut form, "m");
    press(&mut form, KeyCode::Char(' '));
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Char(' '));
    focus(&mut form, "l");
    form.on_paste("one\r\ntwo\n\nthree");
    focus(&mut form, "inner");
    typed(&mut form, "deep");
    focus(&mut form, "raw");
    form.on_paste("{\"a\": [1, 2]}");
    assert_eq!(
        Value::Object(form.values()),
        json!({"s": "q j/", "i": 42, "n": 2.5, "b": true, "e": "y", "m": ["p", "r"], "l": ["one", "two", "three"],
               "o": {"inner": "deep"}, "raw": {"a": [1, 2]}})
    );
    assert!(form.secrets().is_empty());
}

#[test]
fn validation_names_the_field_and_blocks_next() {
    let mut form = one_step_raw(
        r#"{
        "required": ["name", "count"],
        "properties": {
            "name": {"type": "string", "title": "Name", "pattern": "^[a-z0-9-]+$", "minLength": 3},
            "count": {"type": "integer", "title": "Count", "minimum": 1, "maximum": 10, "multipleOf": 2},
            "mail": {"type": "string", "title": "Mail", "format": "email"},
            "short": {"type": "string", "title": "Short", "maxLength": 2}
        }
    }"#,
    );
    typed(&mut form, "Bad Name");
    let name = form.fields()[0].clone();
    assert_eq!(form.shown_error(&name), Some("must match ^[a-z0-9-]+$"));
    assert!(screen(&form, 100, 24).contains("✗ Name: must match ^[a-z0-9-]+$"), "{}", screen(&form, 100, 24));
    // Untouched fields stay quiet until "next".
    let count = form.fields()[1].clone();
    assert_eq!(form.shown_error(&count), None);
    assert!(!form.next_page());
    assert_eq!(form.shown_error(&count), Some("is required"));
    for (label, input, expect) in [
        ("Count", "x", "must be an integer"),
        ("Count", "12", "must be ≤ 10"),
        ("Count", "0", "must be ≥ 1"),
        ("Count", "3", "must be a multiple of 2"),
        ("Mail", "nope", "must be a valid email"),
        ("Short", "abc", "must be at most 2 characters"),
    ] {
        focus(&mut form, label);
        form.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        form.on_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
        typed(&mut form, input);
        let field = form.focused().unwrap().clone();
        assert_eq!(form.shown_error(&field), Some(expect), "{label} = {input}");
    }
    // F8 jumps to the next field with a problem.
    focus(&mut form, "Name");
    press(&mut form, KeyCode::F(8));
    assert_eq!(form.focused().unwrap().label, "Count");
}

#[test]
fn ui_order_with_star() {
    let form = one_step_raw(
        r#"{
        "ui:order": ["c", "*", "a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}, "d": {"type": "string"}}
    }"#,
    );
    let labels: Vec<&str> = form.fields().iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["c", "b", "d", "a"]);
}

#[test]
fn dependencies_with_one_of_and_dropped_values() {
    let mut form = one_step_raw(
        r#"{
        "properties": {
            "kind": {"type": "string", "title": "kind", "enum": ["db", "queue"]},
            "extra": {"type": "string", "title": "extra"}
        },
        "dependencies": {
            "extra": ["kind"],
            "kind": {"oneOf": [
                {"properties": {"kind": {"const": "db"}, "engine": {"type": "string", "title": "engine", "default": "pg"}}, "required": ["engine"]},
                {"properties": {"kind": {"const": "queue"}, "topic": {"type": "string", "title": "topic"}}}
            ]}
        }
    }"#,
    );
    let labels = |form: &Form| form.fields().iter().map(|f| f.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&form), ["kind", "extra"]);
    focus(&mut form, "kind");
    press(&mut form, KeyCode::Enter); // db
    assert_eq!(labels(&form), ["kind", "extra", "engine"]);
    assert_eq!(form.values()["engine"], json!("pg"));
    focus(&mut form, "kind");
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Enter); // queue
    assert_eq!(labels(&form), ["kind", "extra", "topic"]);
    // Backstage #24113: the hidden field's value is not submitted.
    assert!(!form.values().contains_key("engine"), "{:?}", form.values());
    // Property dependency: "extra" makes "kind" required.
    let mut form = one_step_raw(
        r#"{
        "properties": {"a": {"type": "string", "title": "a"}, "b": {"type": "string", "title": "b"}},
        "dependencies": {"a": ["b"]}
    }"#,
    );
    assert!(!form.fields()[1].required);
    typed(&mut form, "x");
    assert!(form.fields()[1].required);
}

#[test]
fn if_then_else_and_all_of() {
    let mut form = one_step_raw(
        r#"{
        "properties": {"public": {"type": "boolean", "title": "public"}},
        "allOf": [
            {"properties": {"name": {"type": "string", "title": "name"}}, "required": ["name"]},
            {
                "if": {"properties": {"public": {"const": true}}, "required": ["public"]},
                "then": {"properties": {"url": {"type": "string", "title": "url", "format": "uri"}}, "required": ["url"]},
                "else": {"properties": {"reason": {"type": "string", "title": "reason"}}}
            }
        ]
    }"#,
    );
    let labels = |form: &Form| form.fields().iter().map(|f| f.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&form), ["public", "name", "reason"]);
    assert!(form.fields()[1].required);
    focus(&mut form, "reason");
    typed(&mut form, "internal");
    focus(&mut form, "public");
    press(&mut form, KeyCode::Char(' '));
    assert_eq!(labels(&form), ["public", "name", "url"]);
    assert!(!form.values().contains_key("reason"));
}

#[test]
fn secrets_and_review_masks() {
    let mut form = one_step_raw(
        r#"{
        "properties": {
            "token": {"type": "string", "title": "Token", "ui:field": "Secret"},
            "pw": {"type": "string", "title": "Password", "ui:widget": "password"},
            "masked": {"type": "string", "title": "Masked", "ui:backstage": {"review": {"mask": "<hidden>"}}},
            "gone": {"type": "string", "title": "Gone", "ui:backstage": {"review": {"show": false}}},
            "plain": {"type": "string", "title": "Plain"}
        }
    }"#,
    );
    for label in ["Token", "Password", "Masked", "Gone", "Plain"] {
        focus(&mut form, label);
        typed(&mut form, &format!("{}-value", label.to_lowercase()));
    }
    assert_eq!(Value::Object(form.secrets()), json!({"token": "token-value"}));
    let values = form.values();
    assert!(!values.contains_key("token"), "a Secret never goes in values");
    assert_eq!(values["pw"], json!("password-value"), "a password widget stays in values");
    let review = form.review();
    let shown: Vec<(&str, &str)> = review.iter().map(|(l, v)| (l.as_str(), v.as_str())).collect();
    assert_eq!(shown, [("Token", "******"), ("Password", "******"), ("Masked", "<hidden>"), ("Plain", "plain-value")]);
    let s = screen(&form, 80, 24);
    assert!(!s.contains("token-value") && !s.contains("password-value"), "{s}");
}

#[test]
fn pickers_format_values_like_the_web_form() {
    let mut form = one_step_raw(
        r#"{
        "properties": {
            "owner": {"type": "string", "title": "Owner", "ui:field": "OwnerPicker"},
            "system": {"type": "string", "title": "System", "ui:field": "EntityPicker",
                       "ui:options": {"catalogFilter": [{"kind": "System"}, {"kind": "API", "spec.lifecycle": {"exists": true}}]}},
            "many": {"type": "array", "title": "Many", "ui:field": "MultiEntityPicker",
                     "ui:options": {"catalogFilter": {"kind": ["Component"]}}},
            "tags": {"type": "array", "title": "Tags", "ui:field": "EntityTagsPicker", "ui:options": {"kinds": ["Component"]}},
            "group": {"type": "string", "title": "Group", "ui:field": "MyGroupsPicker"},
            "mine": {"type": "string", "title": "Mine", "ui:field": "OwnedEntityPicker"},
            "name": {"type": "string", "title": "Name", "ui:field": "EntityNamePicker"},
            "repo": {"type": "string", "title": "Repo", "ui:field": "RepoUrlPicker",
                     "ui:options": {"allowedHosts": ["github.com"]}}
        }
    }"#,
    );
    // Free text: parsed with the picker's default kind (OwnerPicker: Group).
    focus(&mut form, "Owner");
    typed(&mut form, "Team-X");
    assert_eq!(form.values()["owner"], json!("group:default/team-x"));
    // From the popup: only entities the filter lets through.
    focus(&mut form, "System");
    typed(&mut form, "pay");
    let s = screen(&form, 100, 40);
    assert!(s.contains("system:payments"), "{s}");
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.values()["system"], json!("system:default/payments"));
    focus(&mut form, "System");
    press(&mut form, KeyCode::Backspace);
    typed(&mut form, "checkout");
    let s = screen(&form, 100, 40);
    assert!(s.contains("api:checkout-api") && !s.contains("component:checkout "), "{s}");
    focus(&mut form, "Many");
    press(&mut form, KeyCode::Down);
    let s = screen(&form, 100, 40);
    assert!(
        s.contains("component:checkout") && s.contains("component:prod/Ledger") && !s.contains("group:team-a"),
        "{s}"
    );
    press(&mut form, KeyCode::Enter);
    screen(&form, 100, 40);
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.values()["many"], json!(["component:default/checkout", "component:prod/ledger"]));
    focus(&mut form, "Tags");
    typed(&mut form, "pay");
    screen(&form, 100, 40);
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.values()["tags"], json!(["payments"]));
    focus(&mut form, "Group");
    press(&mut form, KeyCode::Down);
    screen(&form, 100, 40);
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.values()["group"], json!("group:default/team-a"));
    focus(&mut form, "Mine");
    press(&mut form, KeyCode::Down);
    let s = screen(&form, 100, 40);
    assert!(s.contains("component:checkout") && !s.contains("Ledger"), "owned only: {s}");
    focus(&mut form, "Name");
    typed(&mut form, "-bad-");
    let name = form.focused().unwrap().clone();
    assert!(form.shown_error(&name).unwrap().starts_with("must start and end with an alphanumeric"));
    focus(&mut form, "Repo");
    // The only allowed host is preselected.
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "my org");
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "svc");
    assert_eq!(form.values()["repo"], json!("github.com?owner=my+org&repo=svc"));
    let repo = form.focused().unwrap().clone();
    assert_eq!(form.shown_error(&repo), None);
    for _ in 0..2 {
        press(&mut form, KeyCode::BackTab);
    }
    form.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut form, "gitlab.com");
    assert_eq!(form.shown_error(&repo), Some("host must be one of github.com"));
}

#[test]
fn steps_back_and_next_and_submit() {
    let body = std::fs::read_to_string("tests/fixtures/forms/service.json").unwrap();
    let mut form = Form::new(FormSpec::from_parameter_schema(&body).unwrap());
    assert_eq!(form.focused().unwrap().label, "Name", "ui:autofocus");
    assert_eq!(form.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)), FormOutcome::Handled);
    assert_eq!(form.page(), 0, "required fields block the next page");
    typed(&mut form, "svc-1");
    focus(&mut form, "Owner");
    typed(&mut form, "team-a");
    form.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert_eq!(form.page(), 1, "{:?} {:?}", form.errors(), form.page_errors());
    focus(&mut form, "Summary");
    press(&mut form, KeyCode::Char('a'));
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Changed, "enter is a newline in a textarea");
    typed(&mut form, "b");
    focus(&mut form, "Token");
    typed(&mut form, "s3cret");
    press(&mut form, KeyCode::Enter); // last field: on to review
    assert!(form.on_review());
    assert_eq!(form.on_key(key(KeyCode::Char('d'))), FormOutcome::Ignored, "the caller's dry-run key");
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Submit);
    assert_eq!(
        Value::Object(form.values()),
        json!({"name": "svc-1", "owner": "group:default/team-a", "language": "rust", "public": false, "summary": "a\nb"})
    );
    assert_eq!(Value::Object(form.secrets()), json!({"token": "s3cret"}));
    form.on_key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL));
    assert_eq!(form.page(), 1);
}

#[test]
fn server_errors_land_on_their_field() {
    let body = std::fs::read_to_string("tests/fixtures/forms/service.json").unwrap();
    let mut form = Form::new(FormSpec::from_parameter_schema(&body).unwrap());
    form.set_server_error("/language", "language not allowed here");
    let field = form.focused().unwrap().clone();
    assert_eq!(field.label, "Language");
    assert_eq!(form.shown_error(&field), Some("language not allowed here"));
    form.set_server_error("/nowhere", "something else");
    assert!(form.page_errors().iter().any(|e| e == "something else"));
}

#[test]
fn initial_values_and_parameters_from_a_template() {
    let yaml = "- title: One\n  properties:\n    zeta: {type: string}\n    alpha: {type: string, default: a}\n";
    let params: Node = serde_yaml::from_str(yaml).unwrap();
    let spec = FormSpec::from_parameters(Some("Tpl"), &params).unwrap();
    let mut initial = serde_json::Map::new();
    initial.insert("zeta".into(), json!("given"));
    let form = Form::with_values(spec, &initial);
    assert_eq!(form.fields()[0].label, "zeta", "YAML order kept");
    assert_eq!(Value::Object(form.values()), json!({"zeta": "given", "alpha": "a"}));
}

/// Run `f`, failing if it takes longer than a generous bound (a hang, not a benchmark).
fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < Duration::from_secs(20), "{what} took {:?}", start.elapsed());
    out
}

fn exercise(form: &mut Form) {
    for (w, h) in [(0, 0), (1, 1), (3, 2), (10, 3), (20, 5), (80, 24), (160, 48)] {
        screen(form, w, h);
    }
    for code in [
        KeyCode::Tab,
        KeyCode::Char('x'),
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Char(' '),
        KeyCode::BackTab,
        KeyCode::F(8),
    ] {
        form.on_key(key(code));
        screen(form, 80, 24);
    }
    form.on_paste("pasted\ntext");
    let _ = (form.values(), form.secrets(), form.review());
    form.next_page();
    screen(form, 80, 24);
}

#[test]
fn hostile_schemas_neither_panic_nor_hang() {
    let mut deep = json!({"type": "string"});
    for i in 0..60 {
        deep = json!({"type": "object", "title": format!("level {i}"), "properties": {"x": deep}});
    }
    // Each definition is allOf [previous, previous]: 2^40 merges if followed naively.
    let mut definitions = serde_json::Map::new();
    definitions.insert("d0".into(), json!({"properties": {"leaf": {"type": "string"}}}));
    for i in 1..=40 {
        let prev = format!("#/definitions/d{}", i - 1);
        definitions.insert(format!("d{i}"), json!({"allOf": [{"$ref": prev}, {"$ref": prev}]}));
    }
    let all_of = json!({"definitions": definitions, "$ref": "#/definitions/d40"});
    let big_enum: Vec<String> = (0..10_000).map(|i| format!("option-{i}")).collect();
    let cases = [
        ("deep nesting", json!({"properties": {"root": deep}})),
        ("allOf fan-out", all_of),
        ("10k enum", json!({"properties": {"e": {"type": "string", "enum": big_enum}}})),
        (
            "10k multi",
            json!({"properties": {"m": {"type": "array", "items": {"enum": big_enum}, "uniqueItems": true}}}),
        ),
        (
            "unknown types",
            json!({"properties": {"a": {"type": 7}, "b": {"type": ["wat", "null"]}, "c": true, "d": null, "e": [1]}}),
        ),
        ("self $ref", json!({"properties": {"a": {"$ref": "#/properties/a"}}})),
        (
            "$ref loop",
            json!({"definitions": {"x": {"$ref": "#/definitions/y"}, "y": {"$ref": "#/definitions/x"}},
                             "properties": {"a": {"$ref": "#/definitions/x"}}}),
        ),
        (
            "recursive object",
            json!({"definitions": {"node": {"type": "object", "properties": {"child": {"$ref": "#/definitions/node"}}}},
                                    "properties": {"tree": {"$ref": "#/definitions/node"}}}),
        ),
        ("bad refs", json!({"properties": {"a": {"$ref": "http://example.com/x"}, "b": {"$ref": "#/nope/nope"}}})),
        ("bad pattern", json!({"properties": {"a": {"type": "string", "pattern": "(["}}})),
        (
            "conditional loop",
            json!({"$ref": "#", "if": {"$ref": "#"}, "then": {"$ref": "#"}, "properties": {"a": {"type": "string"}}}),
        ),
        (
            "escapes",
            json!({"title": "\u{1b}]0;pwned\u{7}", "properties": {"\u{1b}[2J": {"type": "string", "title": "\u{1b}[31mred", "description": "\u{202e}evil"}}}),
        ),
        ("not an object", json!("just a string")),
    ];
    for (what, schema) in cases {
        let mut form = quickly(what, || one_step(schema));
        quickly(what, || exercise(&mut form));
        let s = screen(&form, 80, 24);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'), "{what}: {s}");
    }
    // Not JSON at all, or no steps: an error, not a panic.
    assert!(FormSpec::from_parameter_schema("{").is_err());
    assert!(FormSpec::from_parameter_schema("{\"steps\": []}").is_err());
    let nested = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(FormSpec::from_parameter_schema(&nested).is_err());
}

fn snap(name: &str, screen: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, screen);
    });
}

#[test]
fn form_snapshots() {
    let body = std::fs::read_to_string("tests/fixtures/forms/service.json").unwrap();
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let mut form = Form::new(FormSpec::from_parameter_schema(&body).unwrap());
        typed(&mut form, "Bad Name");
        focus(&mut form, "Owner");
        typed(&mut form, "team");
        snap(&format!("form_basics_{w}x{h}"), screen(&form, w, h));
        let mut form = Form::new(FormSpec::from_parameter_schema(&body).unwrap());
        typed(&mut form, "svc");
        focus(&mut form, "Owner");
        typed(&mut form, "team-a");
        form.next_page();
        focus(&mut form, "Token");
        typed(&mut form, "hunter2");
        press(&mut form, KeyCode::Enter);
        snap(&format!("form_review_{w}x{h}"), screen(&form, w, h));
    }
}

#[test]
fn repo_url_and_catalog_filters_as_backstage_writes_them() {
    use callboard::form::{FilterValue, PickerKind, PickerSpec, RepoUrl};
    let url = RepoUrl { host: "github.com".into(), owner: "my org".into(), repo: "a&b".into(), ..RepoUrl::default() };
    let text = url.serialize().unwrap();
    assert_eq!(text, "github.com?owner=my+org&repo=a%26b");
    assert_eq!(RepoUrl::parse(&text), url);
    assert_eq!(RepoUrl::default().serialize(), None, "no host, no value");
    assert_eq!(RepoUrl::parse("gitlab.com?project=x%zz").project, "x%zz", "a bad escape is kept");

    let prop: Node = serde_json::from_str(
        r#"{"ui:options": {"catalogFilter": [{"kind": ["Group", "User"], "spec.profile.email": {"exists": true}}, {"kind": "System"}],
            "defaultNamespace": "prod", "allowArbitraryValues": false}}"#,
    )
    .unwrap();
    let spec = PickerSpec::parse("EntityPicker", &prop).unwrap();
    assert_eq!(spec.kind, PickerKind::Entity);
    assert_eq!(spec.filter.alternatives.len(), 2);
    assert_eq!(spec.filter.alternatives[0][0].1, FilterValue::OneOf(vec!["Group".into(), "User".into()]));
    assert_eq!(spec.filter.alternatives[0][1].1, FilterValue::Exists);
    assert!(!spec.allow_arbitrary);
    // Without a default kind a bare name stays as typed; with a namespace default it is used.
    assert_eq!(spec.typed_value("group:Team-A"), "group:prod/team-a");
    assert_eq!(spec.typed_value("just-a-name"), "just-a-name");
    // The deprecated allowedKinds still filters.
    let legacy: Node = serde_json::from_str(r#"{"ui:options": {"allowedKinds": ["Component"]}}"#).unwrap();
    let spec = PickerSpec::parse("EntityPicker", &legacy).unwrap();
    assert_eq!(
        spec.filter.alternatives,
        vec![vec![("kind".to_string(), FilterValue::OneOf(vec!["Component".into()]))]]
    );
    assert!(PickerSpec::parse("SomethingElse", &legacy).is_none());
}
