//! Typing in a template's form, headless at 160x48, with entity pickers over
//! the whole generated catalog (issue 13: under 16 ms per key on screen with
//! a 10k-entity EntityPicker). Each key: the app's update, then the whole
//! frame drawn into a TestBackend; the picker's popup ranks its choices as
//! it is drawn, so its fuzzy match over every entity is in the figure.

use super::fixtures::Fixture;
use super::stats::{ms, Summary};
use callboard::exec::scaffolder::{picker_index, Prepared, ScaffolderMsg};
use callboard::form::{FormSpec, Node};
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::state::State;
use callboard::update::update;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::{backend::TestBackend, Terminal};
use serde_json::json;
use std::time::Instant;

pub struct FormFigures {
    /// A plain text field.
    pub text: Summary,
    /// An EntityPicker with no filter: every entity is a candidate.
    pub picker: Summary,
    /// An EntityPicker with `catalogFilter: {kind: Component, spec.type: service}`.
    pub filtered: Summary,
    pub entities: usize,
}

const TEMPLATE: &str = "template:default/bench-form";

fn spec() -> FormSpec {
    let parameters = json!([{
        "title": "Bench",
        "properties": {
            "name": {"type": "string", "title": "Name"},
            "upstream": {"type": "string", "title": "Upstream", "ui:field": "EntityPicker"},
            "service": {"type": "string", "title": "Service", "ui:field": "EntityPicker",
                        "ui:options": {"catalogFilter": {"kind": "Component", "spec.type": "service"}}}
        }
    }]);
    FormSpec::from_parameters(Some("Bench"), &Node::from_json(&parameters)).expect("a valid bench form")
}

pub fn typing(fixture: &Fixture, rounds: usize) -> FormFigures {
    let app = Headless::open(fixture.source(), 160, 48, callboard::source::unix_now()).expect("open headless");
    let mut state = app.state;
    let entities = state.catalog.all().len();
    // The wizard, given its form directly (the template is not in the generated catalog).
    let _ = callboard::screens::create::wizard::open(&mut state, TEMPLATE, None);
    let pickers = picker_index(&state.catalog, None);
    let ready =
        ScaffolderMsg::Ready { template: TEMPLATE.into(), result: Ok(Box::new(Prepared { spec: spec(), pickers })) };
    update(&mut state, Msg::Scaffolder(ready));
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test backend");
    terminal.draw(|f| callboard::ui::render(f, &state)).unwrap();
    let mut press = |state: &mut State, key: KeyEvent| -> f64 {
        let started = Instant::now();
        let _ = update(state, Msg::Key(key));
        terminal.draw(|f| callboard::ui::render(f, state)).unwrap();
        ms(started.elapsed())
    };
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let (mut text, mut picker, mut filtered) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        for (samples, word) in
            [(&mut text, "payments-ledger"), (&mut picker, "payments-api"), (&mut filtered, "orders worke")]
        {
            for c in word.chars() {
                samples.push(press(&mut state, KeyEvent::from(KeyCode::Char(c))));
            }
            press(&mut state, ctrl('u'));
            press(&mut state, KeyEvent::from(KeyCode::Tab));
        }
        let wizard = callboard::screens::top::<callboard::screens::create::wizard::Wizard>(&state);
        assert!(wizard.is_some(), "the keys stayed in the form");
        // Back to the first field for the next round.
        for _ in 0..3 {
            press(&mut state, KeyEvent::from(KeyCode::BackTab));
        }
    }
    FormFigures { text: Summary::of(&text), picker: Summary::of(&picker), filtered: Summary::of(&filtered), entities }
}
