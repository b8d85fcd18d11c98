//! Snapshot tests of every screen at 80x24 and 160x48, rendered from a real
//! catalog (the bundled demo) through the real update loop.

use callboard::headless::Headless;
use callboard::screens::{entity::EntityPage, tree::TreePage};
use callboard::source::Source;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
#[path = "common/fs.rs"]
mod fs_util;
use fs_util::copy_dir;

/// A fixed clock: 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

/// The demo copied to a fixed path, so absolute paths in annotations are
/// the same on every machine; a private cache dir for this test binary.
fn demo() -> Source {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let base = PathBuf::from("/tmp/callboard-screens");
        let _ = std::fs::remove_dir_all(&base);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"), &base.join("demo"));
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile"), &base.join("hostile"));
        std::env::set_var("CALLBOARD_CACHE_DIR", base.join("cache"));
        base
    });
    Source::Dir(dir.join("demo"))
}

fn hostile() -> Source {
    demo();
    Source::Dir(PathBuf::from("/tmp/callboard-screens/hostile"))
}

fn snap(name: &str, screen: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, screen);
    });
}

/// Run one scenario at both sizes and snapshot each.
fn both_sizes(name: &str, source: fn() -> Source, steps: impl Fn(&mut Headless)) -> Vec<String> {
    let mut screens = Vec::new();
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let mut app = Headless::open(source(), w, h, NOW).unwrap();
        steps(&mut app);
        let screen = app.screen();
        snap(&format!("{name}_{w}x{h}"), screen.clone());
        screens.push(screen);
    }
    screens
}

#[test]
fn catalog_list() {
    let screens = both_sizes("list", demo, |_| {});
    assert!(screens[0].contains("entities"));
    assert!(!screens[0].contains("Description"), "80 columns leave descriptions out");
    // 160 columns: the preview of the selected (first) entity replaces the Description column.
    assert!(!screens[1].contains("Description"), "{}", screens[1]);
    let first = Headless::open(demo(), 80, 24, NOW).unwrap();
    let selected = first.state.catalog.at(first.state.list.hits[0].idx);
    assert!(screens[1].contains(&selected.description[..40]), "preview shows {}:\n{}", selected.name, screens[1]);
    let mut app = Headless::open(demo(), 120, 30, NOW).unwrap();
    assert!(app.screen().contains("Description"), "120 columns show the Description column");
    app.keys("p");
    assert!(app.screen().contains("Preview off: it shows when the terminal is 140 columns or wider"));
    app.dispatch(callboard::msg::Msg::Tick(NOW + 60)); // the toast goes
    assert!(app.screen().contains("Description"), "no preview below 140 columns, whatever the toggle");
}

/// Where the preview pane starts: the text after its border on the screen's rows.
fn pane_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|l| l.split_once('│').map(|(_, pane)| pane.trim().to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn preview_pane() {
    let mut app = Headless::open(demo(), 160, 48, NOW).unwrap();
    open_payments_api_in_list(&mut app);
    let screen = app.screen();
    snap("preview_payments_api_160x48", screen.clone());
    let pane = pane_text(&screen);
    let entity = app.state.catalog.get(app.state.selected_key().unwrap()).unwrap();
    assert_eq!(entity.name, "payments-api");
    for text in
        ["Payments API", "component:payments-api", "Owner   Team Payments", "System", "#", "enter open", "p preview"]
    {
        assert!(pane.contains(text), "pane lacks {text:?}:\n{pane}");
    }
    assert!(pane.contains("depends on"), "relation counts:\n{pane}");
    // A dissolved team's service: the owner to call is the system's, and says so.
    let mut orphan = Headless::open(demo(), 160, 48, NOW).unwrap();
    orphan.keys("/");
    orphan.type_text("merchant-reports");
    assert!(pane_text(&orphan.screen()).contains("(inherited)"), "{}", orphan.screen());
    // `p` hides the pane and brings the Description column back; `p` again shows it.
    app.keys("p");
    let hidden = app.screen();
    snap("preview_off_160x48", hidden.clone());
    assert!(hidden.contains("Description") && !hidden.contains('│'), "{hidden}");
    app.keys("p");
    assert_eq!(app.screen(), screen);
    // The threshold: 140 columns show the pane, 139 the Description column.
    for (w, pane_shown) in [(140u16, true), (139, false)] {
        let mut app = Headless::open(demo(), w, 30, NOW).unwrap();
        open_payments_api_in_list(&mut app);
        let screen = app.screen();
        snap(&format!("preview_threshold_{w}x30"), screen.clone());
        assert_eq!(screen.contains("Description"), !pane_shown, "{screen}");
        assert!(screen.lines().all(|l| l.chars().count() <= w as usize));
    }
}

#[test]
fn preview_pane_without_selection() {
    let mut app = Headless::open(demo(), 160, 48, NOW).unwrap();
    app.keys("/");
    app.type_text("zzzz-no-such-thing");
    let screen = app.screen();
    assert!(screen.contains("Nothing matches"), "{screen}");
    assert!(pane_text(&screen).trim().is_empty(), "an empty list previews nothing:\n{screen}");
    // Results not in yet: the list says so, the pane waits.
    app.state.list.hits = Default::default();
    app.state.list.searching = true;
    let screen = app.screen();
    assert!(screen.contains("Searching…") && pane_text(&screen).trim().is_empty(), "{screen}");
}

/// Search for payments-api and go to the results (the list stays on screen).
fn open_payments_api_in_list(app: &mut Headless) {
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter");
}

#[test]
fn search_narrows_as_you_type() {
    both_sizes("search_typing", demo, |app| {
        app.keys("/");
        app.type_text("kind:api owner:team-pay");
    });
    let mut app = Headless::open(demo(), 80, 24, NOW).unwrap();
    app.keys("/");
    app.type_text("kind:api");
    let apis = app.state.list.hits.len();
    app.type_text(" owner:team-pay");
    let narrowed = app.state.list.hits.len();
    assert!(narrowed > 0 && narrowed < apis, "{narrowed} of {apis}");
    for hit in app.state.list.hits.iter() {
        let s = app.state.catalog.at(hit.idx);
        assert_eq!(s.kind, "API");
        assert!(s.owner.starts_with("group:default/team-pay"), "{}", s.owner);
    }
}

#[test]
fn fuzzy_search_highlights_and_ranks() {
    let screens = both_sizes("search_fuzzy", demo, |app| {
        app.keys("/");
        app.type_text("ledgr");
        app.keys("enter");
    });
    assert!(screens[0].contains("ledger"), "{}", screens[0]);
}

#[test]
fn facet_pickers() {
    both_sizes("facets_fields", demo, |app| app.keys("f"));
    let screens = both_sizes("facets_owner_values", demo, |app| app.keys("f down down enter"));
    assert!(screens[0].contains("team-payments"));
    let mut app = Headless::open(demo(), 80, 24, NOW).unwrap();
    app.keys("f enter enter");
    assert!(app.state.list.query_text().starts_with("kind:"), "{}", app.state.list.query_text());
    assert!(app.state.list.hits.len() < app.state.catalog.len());
}

fn open_payments_api(app: &mut Headless) {
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter enter");
}

#[test]
fn entity_page_tabs() {
    let s = both_sizes("entity_overview", demo, open_payments_api);
    assert!(s[0].contains("Payments API") && s[0].contains("Owned by"), "{}", s[0]);
    let s = both_sizes("entity_annotations", demo, |app| {
        open_payments_api(app);
        app.keys("tab");
    });
    assert!(s[1].contains("pagerduty.com/service-id"));
    let s = both_sizes("entity_links", demo, |app| {
        open_payments_api(app);
        app.keys("tab tab");
    });
    assert!(s[1].contains("Runbook"), "{}", s[1]);
    let s = both_sizes("entity_raw", demo, |app| {
        open_payments_api(app);
        app.keys("tab tab tab");
    });
    assert!(s[1].contains("apiVersion: backstage.io/v1alpha1"));
}

#[test]
fn relation_jump_and_back() {
    let mut app = Headless::open(demo(), 80, 24, NOW).unwrap();
    open_payments_api(&mut app);
    // First relation row is the owner.
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("Catalog › Payments API › "), "{screen}");
    assert_eq!(app.state.screens.len(), 2);
    app.keys("esc");
    assert_eq!(app.state.screens.len(), 1);
    app.keys("esc");
    assert!(app.state.screens.is_empty());
    both_sizes("entity_after_jump", demo, |app| {
        open_payments_api(app);
        app.keys("j j enter");
    });
}

#[test]
fn help_lists_every_key() {
    let screens = both_sizes("help", demo, |app| app.keys("?"));
    // At 160x48 the whole first page is visible: every binding of the list.
    for binding in callboard::keymap::BINDINGS.iter().filter(|b| b.context == callboard::keymap::Context::List) {
        assert!(screens[1].contains(binding.description), "help lacks {}", binding.name);
    }
}

#[test]
fn command_palette() {
    let screens = both_sizes("palette", demo, |app| {
        app.keys(":");
        app.type_text("he");
    });
    assert!(screens[0].contains("help"));
    let mut app = Headless::open(demo(), 80, 24, NOW).unwrap();
    app.keys(":");
    app.type_text("open ledger-service");
    app.keys("enter");
    assert_eq!(app.state.screens.len(), 1, "palette `open` opens the entity");
}

#[test]
fn hostile_text_never_reaches_the_terminal() {
    let screens = both_sizes("hostile_list", hostile, |_| {});
    let entity = both_sizes("hostile_entity", hostile, |app| app.keys("enter tab"));
    for s in screens.iter().chain(entity.iter()) {
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "escape reached the screen: {s:?}");
        assert!(!s.contains("0;pwned"), "OSC payload leaked: {s}");
    }
    let app = Headless::open(hostile(), 80, 24, NOW).unwrap();
    let names: Vec<&str> = app.state.catalog.all().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["evil-service", "survivor", "team-evil"]);
    assert!(app.state.info.problems.len() >= 4, "{:?}", app.state.info.problems);
    assert!(screens[0].contains("problems"), "status bar mentions the problems");
}

#[test]
fn owner_card() {
    let s = both_sizes("owner_card", demo, |app| {
        open_payments_api(app);
        app.keys("o");
    });
    assert!(s[1].contains("Team Payments") && s[1].contains("Members"), "{}", s[1]);
    assert!(s[1].contains("#payments-oncall"), "chat contact shown:\n{}", s[1]);
    let inherited = both_sizes("owner_card_inherited", demo, |app| {
        app.keys("/");
        app.type_text("merchant-reports");
        app.keys("enter o");
    });
    assert!(inherited[1].contains("inherited from system:default/merchant-experience"), "{}", inherited[1]);
}

#[test]
fn dependency_tree_and_blast_radius() {
    let s = both_sizes("deps_tree", demo, |app| {
        app.keys("/");
        app.type_text("fraud-scorer");
        app.keys("enter d j j l");
    });
    assert!(s[1].contains("cycle"), "the fraud-scorer cycle is marked:\n{}", s[1]);
    let s = both_sizes("blast_radius", demo, |app| {
        app.keys("/");
        app.type_text("kind:api payments-rest");
        app.keys("enter D");
    });
    assert!(s[1].contains("teams to notify") && s[1].contains("apiConsumedBy"), "{}", s[1]);
    let s = both_sizes("structure_tree", demo, |app| {
        app.keys("/");
        app.type_text("kind:domain payments");
        app.keys("enter d e");
    });
    assert!(s[1].contains("hasPart"), "{}", s[1]);
}

#[test]
fn tree_toggle_expand_all_and_open() {
    let mut app = Headless::open(demo(), 80, 24, NOW).unwrap();
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter d");
    let collapsed = top::<TreePage>(&app).rows.len();
    app.keys("e");
    let expanded = top::<TreePage>(&app).rows.len();
    assert!(expanded > collapsed, "{expanded} > {collapsed}");
    app.keys("t");
    let tree = top::<TreePage>(&app);
    assert_eq!(tree.mode, callboard::catalog::graph::TreeMode::BlastRadius);
    assert!(tree.blast.as_ref().unwrap().entities.len() > 5);
    app.keys("j enter");
    top::<EntityPage>(&app);
}

#[test]
fn problems_overlay_names_file_and_line() {
    let s = both_sizes("problems", hostile, |app| {
        app.keys(":");
        app.type_text("problems");
        app.keys("enter");
    });
    assert!(s[1].contains("catalog-info.yaml:") && s[1].contains("invalid YAML"), "{}", s[1]);
    assert!(s[1].contains("bad name with spaces"), "{}", s[1]);
}

#[test]
fn new_data_keeps_selection_scroll_and_query() {
    let mut app = Headless::open(demo(), 80, 24, NOW).unwrap();
    app.keys("/");
    app.type_text("kind:component");
    app.keys("enter");
    app.keys("j j j j j j j j j j j j j j j j j j j j j j");
    let selected = app.state.selected_key().unwrap().to_string();
    let offset = app.state.list.offset;
    assert!(offset > 0, "scrolled");
    // A sync brings a catalog with one entity fewer (not the selected one) and one more.
    let mut entities: Vec<_> = app.state.catalog.all().to_vec();
    let removed = entities.iter().position(|s| s.kind == "Component" && s.key != selected).unwrap();
    entities.remove(removed);
    let mut extra = entities.iter().find(|s| s.kind == "Component").unwrap().clone();
    extra.name = "aaa-new-service".into();
    extra.key = "component:default/aaa-new-service".into();
    extra.title.clear();
    entities.push(extra);
    app.dispatch(callboard::msg::Msg::CatalogLoaded {
        catalog: std::sync::Arc::new(callboard::catalog::Catalog::new(entities)),
        info: app.state.info.clone(),
    });
    assert_eq!(app.state.selected_key(), Some(selected.as_str()), "selection kept");
    assert_eq!(app.state.list.query_text(), "kind:component", "query kept");
    let visible = app.state.list.selected - app.state.list.offset;
    assert!(visible < callboard::layout::list_rows(24), "selection still on screen");
    assert!(app.state.list.offset.abs_diff(offset) <= 1, "scroll moved by at most the one row that changed");
}

/// The screen on top of the stack, which must be a `T`.
fn top<T: callboard::screens::Screen>(app: &Headless) -> &T {
    callboard::screens::top::<T>(&app.state)
        .unwrap_or_else(|| panic!("the top screen is not a {}", std::any::type_name::<T>()))
}
