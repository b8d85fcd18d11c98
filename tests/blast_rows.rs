//! The blast radius summary uses the rows a tall terminal has before "and N
//! more", wraps its "no reachable owner" lines instead of cutting them, and
//! `c` copies every team to notify.

use callboard::effect::TerminalEffect;
use callboard::headless::Headless;
use callboard::source::Source;

const NOW: i64 = 1_767_225_600;

/// An API used by 15 services of 15 teams, and by one whose owner is gone.
fn catalog() -> String {
    let mut docs = vec![
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: core-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-00\n  definition: x\n".to_string(),
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-00\nspec:\n  type: team\n  children: []\n".to_string(),
    ];
    for i in 1..=15 {
        docs.push(format!("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{i:02}\nspec:\n  type: team\n  profile:\n    email: team-{i:02}@example.com\n  children: []\n"));
        docs.push(format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{i:02}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-{i:02}\n  consumesApis: [api:core-api]\n"));
    }
    docs.push("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: audit-trail-with-a-rather-long-name\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/ghost-team-that-was-dissolved-in-the-reorg-last-spring\n  consumesApis: [api:core-api]\n".to_string());
    docs.join("---\n")
}

fn open(width: u16, height: u16) -> (Headless, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("catalog-info.yaml"), catalog()).unwrap();
    std::env::set_var("CALLBOARD_CACHE_DIR", dir.path().join("cache"));
    let mut app = Headless::open(Source::Dir(dir.path().to_path_buf()), width, height, NOW).unwrap();
    app.keys("/");
    app.type_text("kind:api core-api");
    app.keys("enter D");
    (app, dir)
}

#[test]
fn a_tall_terminal_shows_every_team_and_a_small_one_wraps_the_unowned() {
    let (mut app, _dir) = open(200, 60);
    let screen = app.screen();
    assert!(screen.contains("16 entities affected, 15 teams to notify"), "{screen}");
    for i in 1..=15 {
        assert!(screen.contains(&format!("team-{i:02} <team-{i:02}@example.com>")), "team-{i:02} missing:\n{screen}");
    }
    assert!(!screen.contains("more (c copies"), "{screen}");

    let (mut app, _dir) = open(80, 24);
    let screen = app.screen();
    assert!(screen.contains("… and 12 more (c copies them all"), "{screen}");
    let joined: String = screen.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains(
            "(owner group:default/ghost-team-that-was-dissolved-in-the-reorg-last-spring is not in the catalog)"
        ),
        "the unowned line wraps whole:\n{screen}"
    );
    app.keys("c");
    let Some(TerminalEffect::Copy { text }) = app.terminal_effects.last() else { panic!("nothing copied") };
    assert_eq!(text.split(", ").count(), 15, "{text}");
    assert!(text.starts_with("team-") && text.contains("@example.com"), "{text}");
}
