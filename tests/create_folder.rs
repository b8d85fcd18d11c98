//! The scaffolder wizard on a folder source (the demo catalog): the form is
//! built from the template's `spec.parameters` as the file wrote them.

use callboard::headless::Headless;
use callboard::source::Source;
use std::path::Path;

const NOW: i64 = 1_764_000_000;

#[test]
fn a_folder_templates_fields_keep_their_written_order() {
    let cache = tempfile::tempdir().unwrap();
    std::env::set_var("CALLBOARD_CACHE_DIR", cache.path());
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut app = Headless::open(Source::Dir(demo), 120, 40, NOW).unwrap();
    app.keys(":");
    app.type_text("create");
    app.keys("enter");
    app.type_text("go grpc");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("Service details"), "{screen}");
    // The template writes name, description, owner, system, lifecycle; the
    // cache's JSON holds them sorted (description, lifecycle, name, …).
    let at = |label: &str| {
        screen
            .lines()
            .position(|l| l.trim_start().trim_start_matches('›').trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} field:\n{screen}"))
    };
    let rows: Vec<usize> = ["Name", "Description", "Owner", "System", "Lifecycle"].iter().map(|l| at(l)).collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "fields out of the template's order {rows:?}:\n{screen}");
}
