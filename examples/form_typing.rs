//! Per-key time of the form engine with a 10k-entity EntityPicker open:
//! `on_key` + a full headless render at 160x48 (and 80x24), the popup
//! re-ranking all 10k entities on every key. Figures for BENCHMARKS.md.
//!
//! cargo run --release --example form_typing [-- ENTITIES]

use callboard::form::source::{ListSource, PickerEntity};
use callboard::form::{Form, FormSpec, FormStyles};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::Instant;

const SCHEMA: &str = r#"{"title": "Bench", "steps": [{"title": "One", "schema": {"type": "object", "required": ["name"],
  "properties": {
    "name": {"type": "string", "title": "Name", "pattern": "^[a-z0-9-]+$"},
    "target": {"type": "string", "title": "Target", "ui:field": "EntityPicker",
               "ui:options": {"catalogFilter": [{"kind": "Component"}, {"kind": "API"}]}},
    "notes": {"type": "string", "title": "Notes", "ui:widget": "textarea"}
  }}}]}"#;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let words = ["payments", "checkout", "ledger", "search", "identity", "billing", "catalog", "orders"];
    let entities: Vec<PickerEntity> = (0..n)
        .map(|i| {
            let kind = if i % 5 == 0 { "API" } else { "Component" };
            let name = format!("{}-{}-{i}", words[i % words.len()], words[(i / 8) % words.len()]);
            PickerEntity::new(kind, "default", &name).with("metadata.title", &format!("Service number {i}"))
        })
        .collect();
    let source = ListSource::new(entities, Vec::new());
    for (w, h) in [(160u16, 48u16), (80, 24)] {
        for (what, field_tabs, query) in [("picker query", 1, "payments-ledger"), ("name field", 0, "my-new-service")] {
            let mut form = Form::new(FormSpec::from_parameter_schema(SCHEMA).expect("schema"));
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            let styles = FormStyles::default();
            for _ in 0..field_tabs {
                form.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
            }
            if field_tabs == 1 {
                // Open the popup before timing; for the name field, leave it closed
                // (10k entities still in the source).
                form.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
            }
            terminal.draw(|f| form.render(f, f.area(), &styles, &source)).expect("draw");
            let mut samples = Vec::new();
            for round in 0..5 {
                for c in query.chars() {
                    let start = Instant::now();
                    form.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                    terminal.draw(|f| form.render(f, f.area(), &styles, &source)).expect("draw");
                    samples.push(start.elapsed().as_secs_f64() * 1000.0);
                }
                for _ in query.chars() {
                    let start = Instant::now();
                    form.on_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
                    terminal.draw(|f| form.render(f, f.area(), &styles, &source)).expect("draw");
                    samples.push(start.elapsed().as_secs_f64() * 1000.0);
                }
                let _ = round;
            }
            samples.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
            let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
            println!(
                "{n} entities, {w}x{h}, typing in the {what}: p50 {:.2} ms · p90 {:.2} ms · p99 {:.2} ms · max {:.2} ms (n={})",
                pct(0.5),
                pct(0.9),
                pct(0.99),
                samples[samples.len() - 1],
                samples.len()
            );
        }
    }
}
