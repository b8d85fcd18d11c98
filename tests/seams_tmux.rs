//! The terminal given away and taken back, in the real binary under tmux:
//! Ctrl-Z to the shell and `fg` back to the same screen; `e` hands the
//! terminal to $EDITOR on the entity's file and re-reads what it changed.

#[path = "common/fs.rs"]
mod fs_util;
#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;
use tmux::Tmux;

#[test]
fn ctrl_z_returns_to_the_shell_and_fg_brings_back_the_same_screen() {
    let dir = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start_shell("suspend", 150, 40, dir.path(), &[]) else { return };
    tmux.type_text(&Tmux::callboard_line(&["--demo"]));
    tmux.send(&["Enter"]);
    tmux.wait_for("120 entities");
    tmux.wait_gone("Synced");
    tmux.send(&["/"]);
    tmux.type_text("payments");
    tmux.send(&["Down", "j"]);
    // The preview (150 columns) names the selected entity: the selection is on screen.
    let before = tmux.wait_for("component:payments-api");
    assert!(before.contains("/ payments"), "{before}");

    tmux.send(&["C-z"]);
    let shell = tmux.wait_for("Stopped");
    assert!(!shell.contains("callboard Catalog"), "the alternate screen is left:\n{shell}");
    // The shell has the keyboard: what is typed runs there, not in callboard.
    tmux.type_text("echo still-$((40+2))");
    tmux.send(&["Enter"]);
    tmux.wait_for("still-42");

    tmux.type_text("fg");
    tmux.send(&["Enter"]);
    let after = tmux.wait_until("the same screen", |s| s == before);
    assert!(after.contains("component:payments-api"));
    // And it still answers keys.
    tmux.send(&["j"]);
    tmux.wait_gone("component:payments-api");
    tmux.send(&["q"]);
    tmux.wait_for("$ ");
}

#[test]
fn e_opens_the_entity_file_in_the_editor_at_its_line_and_rereads_it() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    fs_util::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"), &catalog);
    // An "editor" that records its argv, then edits the file it was given.
    let editor = dir.path().join("editor.sh");
    let args = dir.path().join("editor.args");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nsed -i 's/^  title: Payments API$/  title: Payments API Edited/' \"$2\"\n",
            args.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let envs = [("EDITOR", editor.to_str().unwrap()), ("VISUAL", "")];
    let Some(tmux) = Tmux::start("edit", 120, 35, dir.path(), &envs, &["--catalog-dir", catalog.to_str().unwrap()])
    else {
        return;
    };
    tmux.wait_for("120 entities");
    tmux.send(&["/"]);
    tmux.type_text("payments-api");
    tmux.send(&["Enter", "Enter"]);
    tmux.wait_for("Catalog › Payments API");
    tmux.send(&["e"]);
    // Back from the editor: the same page, now showing the changed title.
    let screen = tmux.wait_for("Catalog › Payments API Edited");
    assert!(screen.contains("component:payments-api"), "{screen}");
    let argv = std::fs::read_to_string(&args).unwrap();
    let file = catalog.join("components/payments-api/catalog-info.yaml");
    let first_line =
        std::fs::read_to_string(&file).unwrap().lines().position(|l| l.starts_with("kind: Component")).unwrap();
    let lines: Vec<&str> = argv.lines().collect();
    assert_eq!(lines.len(), 2, "{argv}");
    // The document starts at or just above its `kind:` line.
    let at: usize = lines[0].trim_start_matches('+').parse().unwrap();
    assert!(at <= first_line + 1 && at + 3 > first_line, "+{at} vs kind on line {}", first_line + 1);
    assert_eq!(Path::new(lines[1]).canonicalize().unwrap(), file.canonicalize().unwrap());
    // Keys still work: back to the list.
    tmux.send(&["Escape"]);
    tmux.wait_for("/ payments-api");
}
