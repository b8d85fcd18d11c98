//! The TUI's blast radius (issue 11): an affected entity nobody can be told
//! about is named in the summary, and a system's radius is its parts'.

use callboard::headless::Headless;
use callboard::source::Source;

const NOW: i64 = 1_767_225_600;

const CATALOG: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n\
---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: checkout\nspec:\n  owner: team-a\n\
---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: cart\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  system: checkout\n\
---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: audit-trail\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/ghost-team\n  dependsOn: [component:cart]\n";

#[test]
fn blast_radius_summary_names_the_unowned_and_covers_a_systems_parts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("catalog-info.yaml"), CATALOG).unwrap();
    std::env::set_var("CALLBOARD_CACHE_DIR", dir.path().join("cache"));
    let source = || Source::Dir(dir.path().to_path_buf());

    let mut app = Headless::open(source(), 120, 30, NOW).unwrap();
    app.keys("/");
    app.type_text("kind:component cart");
    app.keys("enter D");
    let screen = app.screen();
    assert!(screen.contains("1 entity affected, 0 teams to notify"), "{screen}");
    assert!(
        screen.contains(
            "1 affected entity has no reachable owner: audit-trail (owner group:default/ghost-team is not in the catalog)"
        ),
        "{screen}"
    );

    let mut app = Headless::open(source(), 120, 30, NOW).unwrap();
    app.keys("/");
    app.type_text("kind:system checkout");
    app.keys("enter D");
    let screen = app.screen();
    assert!(screen.contains("2 entities affected, 1 team to notify"), "{screen}");
    assert!(screen.contains("hasPart component:cart"), "{screen}");
}
