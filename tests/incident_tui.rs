//! The incident path in the TUI, headless: every value on the owner card,
//! the entity page and its tabs can be copied (`y`), opened (`o`) or
//! followed (`enter`); `Y` copies the entity's ref anywhere; a group's page
//! and card are its own; `callboard REF|NAME` starts on the entity.

use callboard::effect::{Effect, TerminalEffect};
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::source::Source;
use std::path::Path;
use std::sync::Arc;

const NOW: i64 = 1_767_225_600;

fn demo(width: u16, height: u16) -> Headless {
    static CACHE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        let cache = tempfile::tempdir().unwrap().keep();
        std::env::set_var("CALLBOARD_CACHE_DIR", &cache);
        cache
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut app = Headless::open(Source::Dir(dir), width, height, NOW).unwrap();
    // No browser is ever started by a test: over "SSH" an address is copied.
    app.state.docs.remote = true;
    app
}

/// `callboard TEXT`: what the app does with it once the catalog is there.
fn start_at(app: &mut Headless, text: &str) {
    app.state.start_at = Some(text.to_string());
    let catalog = app.state.catalog.clone();
    let info = app.state.info.clone();
    app.dispatch(Msg::CatalogLoaded { catalog: Arc::clone(&catalog), info });
}

fn copied(app: &Headless) -> Vec<String> {
    app.terminal_effects
        .iter()
        .filter_map(|t| match t {
            TerminalEffect::Copy { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn from_the_entity_page_the_owner_email_is_two_keys_away() {
    let mut app = demo(80, 24);
    start_at(&mut app, "payments-api");
    let screen = app.screen();
    assert!(screen.contains("Payments API"), "starts on the entity page:\n{screen}");
    app.keys("o y");
    assert_eq!(copied(&app), vec!["team-payments@tessera.example".to_string()]);
    let screen = app.screen();
    assert!(screen.contains("Copied team-payments@tessera.example"), "the toast shows the value:\n{screen}");
}

#[test]
fn every_contact_and_member_on_the_card_is_selectable() {
    let mut app = demo(100, 40);
    start_at(&mut app, "payments-api");
    app.keys("o j y");
    let chat = copied(&app).pop().unwrap();
    assert!(chat.starts_with("https://"), "the next value is a contact address: {chat}");
    // `o` on an address: no display here, so it is shown and copied.
    app.keys("o");
    assert_eq!(copied(&app).pop().unwrap(), chat);
    assert!(app.screen().contains(&format!("No browser here; copied {chat}")));
    // A member: `y` copies the email (or the ref), enter opens their page.
    app.keys("G y");
    let last = copied(&app).pop().unwrap();
    assert!(!last.is_empty());
    app.keys("enter");
    let top = callboard::screens::entity_in_front(&app.state).unwrap();
    assert!(top.starts_with("user:") || top.starts_with("group:"), "followed to {top}");
}

#[test]
fn a_group_page_and_its_card_are_its_own() {
    let mut app = demo(120, 40);
    start_at(&mut app, "group:default/team-payments");
    let page = app.screen();
    assert!(!page.contains("none found"), "a group is not 'ownerless':\n{page}");
    assert!(page.contains("Reach: ") && page.contains("team-payments@tessera.example"), "{page}");
    app.keys("o");
    let card = app.screen();
    assert!(card.contains("Group ") && card.contains("Members ("), "{card}");
    assert!(card.contains("Part of"), "parents listed:\n{card}");
    assert!(!card.contains("No owner is stated"), "{card}");
}

#[test]
fn shift_y_copies_the_ref_from_the_list_and_from_a_page() {
    let mut app = demo(80, 24);
    let selected = app.state.selected_key().unwrap().to_string();
    app.keys("Y");
    assert_eq!(copied(&app), vec![selected.clone()]);
    start_at(&mut app, "payments-api");
    app.keys("d Y");
    assert_eq!(copied(&app).pop().unwrap(), "component:default/payments-api");
}

#[test]
fn links_and_annotations_are_values_too() {
    let mut app = demo(120, 40);
    start_at(&mut app, "payments-api");
    // Overview: `y` copies the selected relation's ref.
    app.keys("y");
    assert!(copied(&app).pop().unwrap().contains(':'));
    // Links tab: the first link is the runbook.
    app.keys("tab tab y");
    assert_eq!(copied(&app).pop().unwrap(), "https://runbooks.tessera.example/payments-api");
    app.keys("j enter");
    assert_eq!(copied(&app).pop().unwrap(), "https://grafana.tessera.example/d/payments-api/payments-api-overview");
    // Annotations: a URL value opens; a plain value is copied.
    app.keys("backtab");
    app.keys("g");
    let screen = app.screen();
    assert!(screen.contains("backstage.io/kubernetes-id"), "{screen}");
    app.keys("y");
    assert!(!copied(&app).pop().unwrap().is_empty());
}

#[test]
fn an_ambiguous_start_shows_the_candidates_and_an_unknown_one_says_so() {
    let mut app = demo(120, 30);
    start_at(&mut app, "no-such-thing-anywhere");
    assert!(app.state.screens.is_empty());
    assert!(app.screen().contains("No entity named `no-such-thing-anywhere`"));
    // Two APIs named `dup` in two namespaces: neither wins.
    let dir = tempfile::tempdir().unwrap();
    let doc = |ns: &str| {
        format!("apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: dup\n  namespace: {ns}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: x\n")
    };
    std::fs::write(dir.path().join("catalog-info.yaml"), format!("{}---\n{}", doc("default"), doc("other"))).unwrap();
    demo(10, 10);
    let mut app = Headless::open(Source::Dir(dir.path().to_path_buf()), 120, 30, NOW).unwrap();
    assert_eq!(app.state.catalog.len(), 2);
    start_at(&mut app, "dup");
    assert!(app.state.screens.is_empty(), "ambiguous: the list");
    assert_eq!(app.state.list.query_text(), "name:dup");
    let screen = app.screen();
    assert!(screen.contains("`dup` names 2 entities"), "{screen}");
    assert!(screen.contains("2 entities") || screen.contains("dup"), "{screen}");
}

#[test]
fn the_copy_effect_is_the_terminal_one() {
    let mut app = demo(80, 24);
    app.keys("Y");
    let effects = callboard::update::update(&mut app.state, Msg::Key(callboard::keymap::parse_key("Y").unwrap()));
    assert!(matches!(effects.as_slice(), [Effect::Terminal(TerminalEffect::Copy { .. })]));
}

#[test]
fn an_unknown_field_is_named_under_the_search_line() {
    let mut app = demo(100, 24);
    app.keys("/");
    app.type_text("foo:bar");
    let screen = app.screen();
    assert!(screen.contains("unknown field foo (fields: kind, type, owner"), "{screen}");
    assert!(!screen.contains("Nothing matches"), "{screen}");
    app.keys("enter");
    assert!(app.screen().contains("unknown field foo"));
    // A kind is no typo: `component:payments-api` is a ref.
    app.keys("x /");
    app.type_text("nothing-like-this");
    assert!(app.screen().contains("Nothing matches"));
}

#[test]
fn shift_tab_goes_back_a_tab_as_help_says() {
    let mut app = demo(100, 30);
    start_at(&mut app, "payments-api");
    app.keys("tab tab");
    let shift_tab =
        crossterm::event::KeyEvent::new(crossterm::event::KeyCode::BackTab, crossterm::event::KeyModifiers::SHIFT);
    app.dispatch(Msg::Key(shift_tab));
    let page = app.state.screens.last().unwrap().as_any().downcast_ref::<callboard::screens::entity::EntityPage>();
    assert_eq!(page.unwrap().tab, callboard::screens::entity::EntityTab::Annotations);
}

#[test]
fn the_whole_description_is_readable_at_80x24() {
    let mut app = demo(80, 24);
    start_at(&mut app, "payments-api");
    let screen = app.screen();
    assert!(screen.contains("never raw PANs"), "the end of the description is on the page:\n{screen}");
    assert!(screen.contains("records the result in the …"), "the short box marks the cut:\n{screen}");
    // Moving down the relations scrolls it away, and back up brings it back.
    app.keys("G");
    assert!(!app.screen().contains("never raw PANs"));
    app.keys("g");
    assert!(app.screen().contains("never raw PANs"));
}

#[test]
fn y_on_the_list_copies_whom_to_call() {
    let mut app = demo(160, 40);
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter");
    assert!(app.screen().contains("y copy"), "the preview names the key:\n{}", app.screen());
    app.keys("y");
    assert_eq!(copied(&app), vec!["team-payments@tessera.example".to_string()]);
}
