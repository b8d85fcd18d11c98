//! Tests of the keymap table, lookups, overrides and collisions.
use super::*;

#[test]
fn every_table_key_parses() {
    for binding in BINDINGS {
        for k in binding.keys {
            assert!(parse_key(k).is_some(), "{} has unparsable key {k}", binding.name);
        }
    }
}

#[test]
fn names_are_unique() {
    let mut names: Vec<_> = BINDINGS.iter().map(|b| b.name).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len());
}

#[test]
fn context_binding_wins_over_global_and_search_input_swallows_letters() {
    let map = Keymap::default_map();
    let enter = parse_key("enter").unwrap();
    assert_eq!(map.lookup(Context::List, &enter), Some(Command::Open));
    let q = parse_key("q").unwrap();
    assert_eq!(map.lookup(Context::List, &q), Some(Command::Quit));
    assert_eq!(map.lookup(Context::SearchInput, &q), None);
    let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(map.lookup(Context::Entity, &shift_tab), Some(Command::PrevTab));
    assert_eq!(map.lookup(Context::Doc, &shift_tab), Some(Command::PrevLink));
    let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(map.lookup(Context::List, &shifted_g), Some(Command::Bottom));
}

#[test]
fn the_table_has_no_collisions_within_a_context() {
    let map = Keymap::default_map();
    let mut seen: Vec<(Context, KeyEvent, usize)> = Vec::new();
    for (context, key, _, i) in &map.keys {
        if let Some((_, _, j)) = seen.iter().find(|(c, k, _)| c == context && same_key(k, key)) {
            panic!("{} and {} both use {}", BINDINGS[*j].name, BINDINGS[*i].name, key_label(key));
        }
        seen.push((*context, *key, *i));
    }
}

#[test]
fn a_configured_key_that_collides_is_reported() {
    let mut o = BTreeMap::new();
    o.insert("list.owner".to_string(), "f".to_string());
    let (map, warnings) = Keymap::new(&o).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`list.facets` and `list.owner` both use f (Catalog list)"), "{}", warnings[0]);
    assert_eq!(map.lookup(Context::List, &parse_key("f").unwrap()), Some(Command::Facets));
    // A key of another context is no collision: the context's binding wins there by design.
    o.insert("list.owner".to_string(), "O".to_string());
    assert!(Keymap::new(&o).unwrap().1.is_empty());
}

#[test]
fn brief_hints_follow_overrides() {
    let mut o = BTreeMap::new();
    o.insert("list.owner".to_string(), "O".to_string());
    o.insert("list.deps".to_string(), String::new());
    let (map, _) = Keymap::new(&o).unwrap();
    let hints = map.brief_hints(Context::List, &[Command::Open, Command::OwnerCard, Command::Dependencies]);
    assert_eq!(hints, vec![("enter".to_string(), "open"), ("O".to_string(), "owner")]);
}

#[test]
fn overrides_apply_and_bad_ones_are_named() {
    let mut o = BTreeMap::new();
    o.insert("list.search".to_string(), "ctrl-s s".to_string());
    let (map, warnings) = Keymap::new(&o).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(map.lookup(Context::List, &parse_key("ctrl-s").unwrap()), Some(Command::Search));
    assert_eq!(map.lookup(Context::List, &parse_key("/").unwrap()), None);
    o.insert("nope".to_string(), "x".to_string());
    assert!(Keymap::new(&o).unwrap_err().contains("`nope`"));
    let mut o = BTreeMap::new();
    o.insert("quit".to_string(), "ctrl-nonsense".to_string());
    assert!(Keymap::new(&o).unwrap_err().contains("not a key"));
}
