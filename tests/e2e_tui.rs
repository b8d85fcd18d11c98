//! The real binary in a real pseudo-terminal (tmux): start on the demo
//! catalog, search, open an entity, follow a relation, go back, help, quit.

#[path = "common/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};
use tmux::Tmux;

/// The bundled demo, its cache in `dir`.
fn demo(name: &str, width: u16, height: u16, dir: &std::path::Path) -> Option<Tmux> {
    Tmux::start(name, width, height, dir, &[], &["--demo"])
}

#[test]
fn search_open_follow_back_help_quit() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = demo("search", 100, 30, cache.path()) else {
        return;
    };
    tmux.wait_for("120 entities");

    tmux.send(&["/"]);
    tmux.type_text("kind:api owner:team-pay");
    // Components are filtered out, APIs stay.
    let screen = tmux.wait_until("only the team's APIs", |s| {
        s.contains("Payments REST API v2") && !s.contains("Ledger Service") && !s.contains("Component")
    });
    assert!(screen.contains("5 matches"), "{screen}");

    // Narrow to one and open it.
    tmux.type_text(" payments-rest");
    let narrowed = tmux.wait_for("2 matches");
    assert!(
        narrowed.lines().nth(3).unwrap_or("").contains("Payments REST API v2"),
        "exact name ranks first:\n{narrowed}"
    );
    tmux.send(&["Enter"]);
    tmux.send(&["Enter"]);
    let page = tmux.wait_for("API consumed by");
    assert!(page.contains("Catalog › Payments REST API v2"), "{page}");

    // Rows: owner, system, provider. Follow the system relation.
    tmux.send(&["j", "Enter"]);
    let system = tmux.wait_for("Catalog › Payments REST API v2 › Payments Core");
    assert!(system.contains("System"), "{system}");

    tmux.send(&["Escape"]);
    tmux.wait_for("API consumed by");
    tmux.send(&["?"]);
    let help = tmux.wait_for("Show every key");
    assert!(help.contains("Search: text and field:value terms"), "{help}");
    tmux.send(&["Escape"]);
    // Esc and a key read together are Alt+key: let the Esc land first.
    tmux.wait_until("help closed", |s| !s.contains("Show every key"));
    tmux.send(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while tmux.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!tmux.alive(), "q quits");
}

#[test]
fn usable_at_80x24() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = demo("small", 80, 24, cache.path()) else {
        return;
    };
    let screen = tmux.wait_for("entities");
    assert_eq!(screen.lines().count(), 24);
    assert!(screen.lines().all(|l| unicode_width(l) <= 80), "{screen}");
    tmux.send(&["C-c"]);
}

fn unicode_width(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn keys_typed_ahead_of_the_search_act_on_its_results() {
    let cache = tempfile::tempdir().unwrap();
    let Some(tmux) = demo("ahead", 100, 30, cache.path()) else { return };
    tmux.wait_for("120 entities");
    // All in one burst: the owner card must be for the searched entity.
    tmux.send(&["/", "m", "e", "r", "c", "h", "a", "n", "t", "-", "r", "e", "p", "o", "r", "t", "s", "Enter", "o"]);
    let card = tmux.wait_for("Owner of merchant-reports");
    assert!(card.contains("inherited from system:default/merchant-experience"), "{card}");
    tmux.send(&["C-c"]);
}

#[test]
fn switch_instance_from_the_palette_and_back() {
    let cache = tempfile::tempdir().unwrap();
    // Port 9 on loopback: nothing listens, so this instance is offline.
    let config = cache.path().join("config.toml");
    std::fs::write(&config, "[[instance]]\nname = \"down\"\nurl = \"http://127.0.0.1:9\"\nconnect_timeout = 1\n")
        .unwrap();
    let config = config.display().to_string();
    let Some(tmux) = Tmux::start("switch", 100, 30, cache.path(), &[], &["--demo", "--config", &config]) else {
        return;
    };
    tmux.wait_for("120 entities");
    tmux.send(&[":"]);
    tmux.type_text("instance down");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("offline");
    assert!(screen.contains(" down ") && screen.contains("0 entities"), "{screen}");
    tmux.send(&[":"]);
    tmux.type_text("instance demo");
    tmux.send(&["Enter"]);
    let back = tmux.wait_for("120 entities");
    assert!(back.contains(" demo "), "{back}");
    tmux.send(&["C-c"]);
}
