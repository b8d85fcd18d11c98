//! Actions, headless and through the binary: `a` lists what applies to the
//! entity (disabled ones with the reason), a capture streams its output into
//! a pane, a suspend action asks for the terminal, and hostile catalog
//! values reach the command as single literal arguments in every mode.

#[path = "common/fake_http.rs"]
mod fake_http;

use callboard::actions::{ActionEffect, ActionMsg};
use callboard::config::Config;
use callboard::effect::{Effect, RunPurpose, TerminalEffect};
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::screens::output::OutputScreen;
use callboard::source::Source;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_767_225_600;

fn cache_dir() -> &'static PathBuf {
    // One cache dir for the whole test binary: tests run in parallel and the
    // variable is read whenever a job opens the cache.
    static CACHE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        let cache = tempfile::tempdir().unwrap().keep();
        std::env::set_var("CALLBOARD_CACHE_DIR", &cache);
        cache
    })
}

fn open(dir: &Path, config: &str) -> Headless {
    cache_dir();
    let mut app = Headless::open(Source::Dir(dir.to_path_buf()), 120, 40, NOW).unwrap();
    let config = Config::from_str_at(config, Path::new("test.toml")).unwrap();
    app.state.actions.configured = config.actions;
    app.state.actions.read_only = config.read_only;
    app
}

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

/// Select an entity on the list by searching for its name.
fn select(app: &mut Headless, name: &str) {
    app.keys("/");
    app.type_text(name);
    app.keys("enter");
}

#[test]
fn a_on_a_demo_component_lists_its_actions_grouped_with_the_disabled_ones_explained() {
    let mut config =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")).unwrap();
    config.push_str(
        "[[action]]\nname = \"system status\"\ncommand = [\"echo\", \"{{ system }}\"]\n\
         [[action]]\nname = \"nuke\"\ndangerous = true\ncommand = [\"true\"]\n",
    );
    let mut app = open(&demo_dir(), &config);
    select(&mut app, "risk-rules");
    app.keys("a");
    let screen = app.screen();
    for want in ["Yours", "kubectl logs", "kubectl describe", "gh repo view", "Built-in", "Open source", "nuke"] {
        assert!(screen.contains(want), "{want}:\n{screen}");
    }
    assert!(screen.contains("L  kubectl logs"), "the bound key is shown:\n{screen}");
    // Out of scope (no grafana annotation): not listed at all.
    assert!(!screen.contains("Grafana"), "{screen}");
    // In scope, but a placeholder has no value here: listed disabled, with why.
    assert!(screen.contains("Open in Backstage") && screen.contains("not a Backstage instance"), "{screen}");

    // Read-only hides the dangerous one.
    app.keys("esc");
    app.state.actions.read_only = true;
    app.keys("a");
    assert!(!app.screen().contains("nuke"), "{}", app.screen());

    // The same from the entity page; `?` lists the keys bound in config.
    app.keys("esc enter a");
    assert!(app.screen().contains("gh repo view"), "{}", app.screen());
    app.keys("esc ?");
    let mut help = app.screen();
    for _ in 0..3 {
        if help.contains("Your actions") {
            break;
        }
        app.keys("pagedown");
        help = app.screen();
    }
    assert!(help.contains("Your actions") && help.contains("kubectl logs"), "{help}");
}

#[test]
fn a_capture_streams_batches_into_a_searchable_pane_with_colour_codes_stripped() {
    let config = r#"
[[action]]
name = "count"
key = "C"
command = ["sh", "-c", "seq 1 20000; printf '\\033[31mred\\033[0m \\033]0;title\\007done\\n'; echo oops >&2; exit 3"]
"#;
    let mut app = open(&demo_dir(), config);
    select(&mut app, "risk-rules");
    app.keys("enter"); // the entity page
                       // Run by its key; the effect is run here by hand to count the messages.
    let effects = callboard::update::update(&mut app.state, Msg::Key(callboard::keymap::parse_key("C").unwrap()));
    let [Effect::Action(ActionEffect::Capture { run, argv })] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!(argv[0], "sh");
    let msgs = app.jobs.run(Effect::Action(ActionEffect::Capture { run: *run, argv: argv.clone() }));
    let batches = msgs.iter().filter(|m| matches!(m, Msg::Action(ActionMsg::Lines { .. }))).count();
    assert!(batches >= 2, "20k lines arrive in batches, not one message: {batches}");
    for msg in msgs {
        app.dispatch(msg);
    }
    let pane = callboard::screens::top::<OutputScreen>(&app.state).expect("the capture pane is on top");
    assert_eq!(pane.lines.len(), 20_002);
    assert!(pane.lines.contains(&"red done".to_string()), "escape sequences stripped: {:?}", &pane.lines[19_999..]);
    assert!(pane.lines.contains(&"oops".to_string()), "stderr too");
    let screen = app.screen();
    assert!(screen.contains("failed (exit 3), 20002 lines"), "{screen}");
    assert!(screen.contains("red done"), "follows the tail:\n{screen}");

    // Search jumps to the line; the view stops following.
    app.keys("/");
    app.type_text("12345");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.lines().any(|l| l.contains("│12345")), "{screen}");
    assert!(!screen.contains("red done"), "{screen}");
    app.keys("G");
    assert!(app.screen().contains("red done"));
    app.keys("esc");
    assert!(callboard::screens::top::<OutputScreen>(&app.state).is_none());
    assert!(app.screen().contains("Component · "), "back on the entity page:\n{}", app.screen());
}

#[test]
fn ctrl_c_in_a_running_capture_stops_the_command_not_callboard() {
    let config = "[[action]]\nname = \"slow\"\nkey = \"S\"\ncommand = [\"sleep\", \"30\"]\n";
    let mut app = open(&demo_dir(), config);
    select(&mut app, "risk-rules");
    app.keys("enter");
    let effects = callboard::update::update(&mut app.state, Msg::Key(callboard::keymap::parse_key("S").unwrap()));
    assert!(matches!(effects.as_slice(), [Effect::Action(ActionEffect::Capture { .. })]));
    let effects = callboard::update::update(&mut app.state, Msg::Key(callboard::keymap::parse_key("ctrl-c").unwrap()));
    assert!(matches!(effects.as_slice(), [Effect::Action(ActionEffect::Cancel { .. })]), "{effects:?}");
    assert!(!app.state.quit);
    for effect in effects {
        for msg in app.jobs.run(effect) {
            app.dispatch(msg);
        }
    }
    assert!(app.screen().contains("cancelled"), "{}", app.screen());
}

/// An entity whose annotations are what an attacker with a repository writes.
const HOSTILE: [&str; 6] = ["; rm -rf ~", "$(touch PWNED)", "`touch PWNED2`", "two\nlines", "-rf --help", "{{ name }}"];

fn hostile_catalog(dir: &Path) {
    let annotations: serde_json::Map<String, serde_json::Value> =
        HOSTILE.iter().enumerate().map(|(i, v)| (format!("x/a{i}"), serde_json::json!(v))).collect();
    let entity = serde_json::json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "victim", "annotations": annotations},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}
    });
    // JSON is YAML: no quoting to get wrong in the fixture itself.
    std::fs::write(dir.join("catalog-info.yaml"), serde_json::to_string(&entity).unwrap()).unwrap();
}

/// A script that writes each argument it got, NUL-terminated, to its first argument.
fn recorder(dir: &Path) -> PathBuf {
    let script = dir.join("record-argv");
    std::fs::write(
        &script,
        "#!/bin/sh\nout=\"$1\"\nshift\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$out\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    script
}

fn recorded(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let text = String::from_utf8(bytes).unwrap();
    text.split_terminator('\0').map(str::to_string).collect()
}

fn hostile_config(script: &Path, out: &Path, mode: &str) -> String {
    let args: Vec<String> = (0..HOSTILE.len()).map(|i| format!("\"{{{{ annotations[\\\"x/a{i}\\\"] }}}}\"")).collect();
    format!(
        "[[action]]\nname = \"record\"\nkey = \"X\"\nmode = \"{mode}\"\ncommand = [\"{}\", \"{}\", {}, \"--name={{{{ name }}}}\"]\n",
        script.display(),
        out.display(),
        args.join(", ")
    )
}

fn expected() -> Vec<String> {
    let mut want: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    want.push("--name=victim".into());
    want
}

#[test]
fn hostile_annotations_arrive_as_single_literal_arguments_in_every_mode() {
    let work = tempfile::tempdir().unwrap();
    let catalog = work.path().join("catalog");
    std::fs::create_dir(&catalog).unwrap();
    hostile_catalog(&catalog);
    let script = recorder(work.path());

    for mode in ["capture", "background"] {
        let out = work.path().join(format!("argv-{mode}"));
        let mut app = open(&catalog, &hostile_config(&script, &out, mode));
        select(&mut app, "victim");
        app.keys("X");
        assert_eq!(recorded(&out), expected(), "{mode}");
    }

    // Suspend: the argv handed to the terminal is the same list.
    let out = work.path().join("argv-suspend");
    let mut app = open(&catalog, &hostile_config(&script, &out, "suspend"));
    select(&mut app, "victim");
    app.keys("X");
    let Some(TerminalEffect::Run { argv, purpose }) = app.terminal_effects.last() else {
        panic!("{:?}", app.terminal_effects)
    };
    assert_eq!(purpose, &RunPurpose::Action { name: "record".into() });
    assert_eq!(argv[2..], expected()[..]);

    // From a script: `callboard action record victim`.
    let out = work.path().join("argv-cli");
    let config = work.path().join("config.toml");
    std::fs::write(&config, hostile_config(&script, &out, "capture")).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .arg("--config")
        .arg(&config)
        .arg("--catalog-dir")
        .arg(&catalog)
        .args(["action", "record", "victim"])
        .env("CALLBOARD_CACHE_DIR", work.path().join("cli-cache"))
        .current_dir(work.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(recorded(&out), expected());

    // Nothing was executed: no file appeared where the commands ran.
    for dir in [work.path().to_path_buf(), std::env::current_dir().unwrap()] {
        assert!(!dir.join("PWNED").exists() && !dir.join("PWNED2").exists(), "{}", dir.display());
    }
}

#[test]
fn inputs_are_asked_typed_and_a_confirm_shows_the_exact_argv() {
    let work = tempfile::tempdir().unwrap();
    let script = recorder(work.path());
    let out = work.path().join("argv");
    let config = format!(
        "[[action]]\nname = \"logs\"\nkey = \"X\"\nconfirm = true\nmode = \"background\"\n\
         command = [\"{}\", \"{}\", \"--tail={{{{ input.lines }}}}\", \"{{{{ input.env }}}}\"]\n\
         [[action.inputs]]\nname = \"lines\"\ntype = \"number\"\ndefault = \"50\"\n\
         [[action.inputs]]\nname = \"env\"\ntype = \"select\"\noptions = [\"prod\", \"dev\"]\n",
        script.display(),
        out.display()
    );
    let mut app = open(&demo_dir(), &config);
    select(&mut app, "risk-rules");
    app.keys("X");
    assert!(app.screen().contains("lines (number)"), "{}", app.screen());
    app.keys("backspace backspace");
    app.type_text("many");
    app.keys("enter");
    assert!(app.screen().contains("`many` is not a number"), "{}", app.screen());
    app.keys("ctrl-u");
    for _ in 0..4 {
        app.keys("backspace");
    }
    app.type_text("75");
    app.keys("enter");
    assert!(app.screen().contains("env (select: prod, dev)"), "{}", app.screen());
    app.type_text("dev");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("--tail=75 dev"), "the confirm shows the argv:\n{screen}");
    assert!(!out.exists(), "nothing runs before the confirm");
    app.keys("enter");
    assert_eq!(recorded(&out), ["--tail=75", "dev"]);
}

#[test]
fn a_pagerduty_incident_is_sent_only_after_its_payload_is_shown() {
    let work = tempfile::tempdir().unwrap();
    let secret = "R0UT1NGKEYsecretvalue9f3e";
    let entity = serde_json::json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "pager", "annotations": {"pagerduty.com/integration-key": secret}},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a", "system": "core"}
    });
    std::fs::write(work.path().join("catalog-info.yaml"), serde_json::to_string(&entity).unwrap()).unwrap();
    // PagerDuty cannot run here: a loopback stand-in answering as its Events API v2 does.
    let server = fake_http::FakeServer::start(|_, _| {
        let body = r#"{"status":"success","message":"Event processed","dedup_key":"dk-123"}"#;
        fake_http::Reply::Json(202, vec![], body.to_string())
    });
    let mut app = open(work.path(), "");
    app.state.actions.settings.pagerduty_events_url = format!("{}/v2/enqueue", server.url());
    select(&mut app, "pager");
    app.keys("enter a");
    let key = "component:default/pager";
    let row = callboard::actions::menu(&app.state, key)
        .iter()
        .position(|r| r.label.starts_with("Trigger a PagerDuty"))
        .unwrap();
    for _ in 0..row {
        app.keys("j");
    }
    app.keys("enter");
    let screen = app.screen();
    assert!(
        screen.contains("\"event_action\": \"trigger\"") && screen.contains("\"severity\": \"critical\""),
        "{screen}"
    );
    assert!(screen.contains("\"source\": \"component:default/pager\""), "{screen}");
    assert!(screen.contains("••••9f3e") && !screen.contains(secret), "the routing key is not shown:\n{screen}");
    assert!(server.seen().is_empty(), "nothing is sent before enter");
    app.keys("enter");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/v2/enqueue");
    let sent: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(sent["routing_key"], secret);
    assert_eq!(sent["payload"]["source"], key);
    assert_eq!(sent["payload"]["group"], "core");
    assert!(app.state.toasts.iter().any(|t| t.text.contains("dedup key dk-123")), "{:?}", app.state.toasts);

    // Read-only: not offered.
    app.state.actions.read_only = true;
    assert!(!callboard::actions::menu(&app.state, key).iter().any(|r| r.label.starts_with("Trigger a PagerDuty")));
}
