//! The scaffolder form in the real binary (`--only form-pty`; form.rs is the
//! headless one): keys typed into a text field and into an EntityPicker over
//! every entity of the 10k fixture, at 160x48, each timed to the last byte of
//! its frame (then 40 ms of quiet). The template is
//! a folder-source Template (`spec.parameters`) added to a copy of the fixture.

use super::fixtures::{base_dir, Fixture};
use super::pty::Pty;
use super::stats::{ms, Summary};
use std::time::{Duration, Instant};

const COLS: u16 = 160;
const ROWS: u16 = 48;

/// Every kind the generator writes, so the picker offers all of them and its
/// catalogFilter is evaluated for each.
const TEMPLATE: &str = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: bench-form
  title: Bench form
spec:
  owner: group:default/bench
  type: service
  parameters:
    - title: Bench details
      required: [name, target]
      properties:
        name:
          title: Name
          type: string
          pattern: '^[a-z0-9-]+$'
          ui:autofocus: true
        target:
          title: Target
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              - kind: [Component, API, Resource, System, Domain, Group, User, Template, Location]
        notes:
          title: Notes
          type: string
          ui:widget: textarea
  steps: []
"#;

pub struct FormFigures {
    pub text_field: Summary,
    pub picker: Summary,
    /// The picker's first choice once the whole query was typed.
    pub top_choice: String,
}

/// A copy of the fixture's YAML with the bench template beside it.
fn catalog(fixture: &Fixture) -> std::path::PathBuf {
    let dir = base_dir().join(format!("form-{}", fixture.entities));
    if !dir.join("bench-form.yaml").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        copy(&fixture.dir, &dir);
        std::fs::write(dir.join("bench-form.yaml"), TEMPLATE).unwrap();
    }
    dir
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Type `text` one key at a time; each key timed to its frame's last byte.
fn type_timed(pty: &mut Pty, text: &str, samples: &mut Vec<f64>) {
    for c in text.chars() {
        let sent = Instant::now();
        pty.send(c.to_string().as_bytes());
        let last = pty.settle(sent, Duration::from_millis(40), Duration::from_secs(2));
        samples.push(ms(last.saturating_duration_since(sent)));
    }
}

pub fn typing(fixture: &Fixture, rounds: usize) -> FormFigures {
    let dir = catalog(fixture);
    let work = base_dir().join("form-state");
    let env = vec![
        ("CALLBOARD_CACHE_DIR", work.join("cache").display().to_string()),
        ("CALLBOARD_STATE_DIR", work.join("state").display().to_string()),
        ("CALLBOARD_CONFIG_DIR", work.join("config").display().to_string()),
    ];
    let catalog = dir.display().to_string();
    let mut pty = Pty::spawn(&super::binary::bin_under_test(), &["--catalog-dir", &catalog], &env, COLS, ROWS);
    // Synced: the first start reads the folder into its cache.
    let synced = |s: &str| s.contains("entities") && s.contains("· synced");
    pty.wait_for(Duration::from_secs(120), synced).unwrap_or_else(|| panic!("{}", pty.screen_text()));
    pty.settle(pty.started, Duration::from_millis(300), Duration::from_secs(5));
    let (mut text_field, mut picker) = (Vec::new(), Vec::new());
    let mut top_choice = String::new();
    let query = fixture.sample_component.clone();
    for _ in 0..rounds {
        pty.send(b":");
        pty.wait_for(Duration::from_secs(5), |s| s.contains(" : command ")).expect("palette");
        pty.send(b"create\r");
        pty.wait_for(Duration::from_secs(10), |s| s.contains("Bench form")).expect("template list");
        pty.send(b"bench form");
        pty.settle(Instant::now(), Duration::from_millis(100), Duration::from_secs(2));
        pty.send(b"\r");
        pty.wait_for(Duration::from_secs(10), |s| s.contains("Bench details")).expect("the form");
        pty.settle(Instant::now(), Duration::from_millis(100), Duration::from_secs(2));
        type_timed(&mut pty, "bench-service-name", &mut text_field);
        pty.send(b"\t");
        pty.settle(Instant::now(), Duration::from_millis(100), Duration::from_secs(2));
        type_timed(&mut pty, &query, &mut picker);
        let shown = pty.wait_for(Duration::from_secs(5), |s| s.contains(&query));
        assert!(shown.is_some(), "the picker does not offer {query}:\n{}", pty.screen_text());
        if std::env::var_os("BENCH_FORM_SCREEN").is_some() {
            eprintln!("{}", pty.screen_text());
        }
        top_choice = pty.screen_text().lines().find(|l| l.contains(&query)).unwrap_or("").trim().to_string();
        // Leave the form and the template list for the next round.
        for _ in 0..3 {
            pty.send(b"\x1b");
            pty.settle(Instant::now(), Duration::from_millis(100), Duration::from_secs(2));
        }
        if pty.screen_text().contains("Leave") || pty.screen_text().contains("discard") {
            pty.send(b"y");
            pty.settle(Instant::now(), Duration::from_millis(100), Duration::from_secs(2));
        }
    }
    pty.stop();
    FormFigures { text_field: Summary::of(&text_field), picker: Summary::of(&picker), top_choice }
}
