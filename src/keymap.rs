//! The one keymap table. Key handling, the footer hints, `?` help and the
//! command palette all read it, so they can never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// Where a binding applies. Global bindings apply everywhere unless a more
/// specific context binds the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    SearchInput,
    Entity,
    Owner,
    Tree,
    Doc,
    DocList,
    Health,
    /// The action menu (`a`).
    Actions,
    /// An action's confirm, inputs or JSON input.
    ActionPrompt,
    /// A capture pane or a Backstage action's output.
    Output,
    Overlay,
    Templates,
    Form,
    /// A template's dry-run result.
    DryRun,
    Task,
    /// `:tasks`, the scaffolder's recent tasks.
    Tasks,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Catalog list",
            Context::SearchInput => "Typing a search",
            Context::Entity => "Entity page",
            Context::Owner => "Owner card",
            Context::Tree => "Trees (dependencies, blast radius, structure)",
            Context::Doc => "Doc viewer (runbooks, TechDocs)",
            Context::DocList => "Runbook picker and Backstage search results",
            Context::Health => "Health board",
            Context::Actions => "Action menu",
            Context::ActionPrompt => "Action confirm and inputs",
            Context::Output => "Action output (capture pane)",
            Context::Overlay => "Pickers, help and palette",
            Context::Templates => "Templates (type to filter)",
            Context::Form => "Template form (tab and shift-tab move between fields)",
            Context::DryRun => "Dry-run result (files, log, output)",
            Context::Task => "Scaffolder task",
            Context::Tasks => "Scaffolder tasks (type to filter)",
        }
    }
}

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Help,
    Palette,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Search,
    ClearSearch,
    AcceptSearch,
    Facets,
    Sync,
    NextTab,
    PrevTab,
    OwnerCard,
    Dependencies,
    BlastRadius,
    Runbook,
    Mine,
    Expand,
    Collapse,
    ExpandAll,
    NextMatch,
    PrevMatch,
    Toc,
    NextLink,
    PrevLink,
    Copy,
    OpenBrowser,
    NextSection,
    PrevSection,
    Reload,
    TogglePreview,
    /// Open the entity's file in $VISUAL / $EDITOR (folder sources).
    Edit,
    /// Create from a template (the scaffolder).
    Create,
    CancelTask,
    /// Dry-run the template with the form's values.
    DryRun,
    /// Ask the scaffolder to run a failed or cancelled task again.
    RetryTask,
    /// The task's template form again, filled with the task's values.
    StartOver,
    /// `:tasks`.
    Tasks,
    /// Copy the ref of the entity in front.
    CopyRef,
    /// Copy the blast radius's teams to notify.
    CopyTeams,
    /// The health board of the selected entity's system (or owner).
    HealthBoard,
    /// The action menu of the entity in front.
    Actions,
}

/// List commands that act on the selected entity (the preview pane names
/// their keys; typed during a search, they wait for its results).
pub const ON_SELECTION: &[Command] =
    &[Command::Open, Command::OwnerCard, Command::Dependencies, Command::BlastRadius, Command::Runbook, Command::Copy];

/// One row of the table.
pub struct Binding {
    pub context: Context,
    /// Stable name used in config overrides and the palette, e.g. `list.search`.
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub command: Command,
    pub description: &'static str,
    /// Shown in the footer of its context.
    pub hint: bool,
}

const fn b(
    context: Context,
    name: &'static str,
    keys: &'static [&'static str],
    command: Command,
    description: &'static str,
    hint: bool,
) -> Binding {
    Binding { context, name, keys, command, description, hint }
}

#[path = "keymap_bindings.rs"]
mod bindings;
pub use bindings::BINDINGS;

/// A key as written in the table and in config: `ctrl-c`, `enter`, `G`, `/`.
pub fn parse_key(text: &str) -> Option<KeyEvent> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "f1" => KeyCode::F(1),
        s if s.chars().count() == 1 => KeyCode::Char(s.chars().next()?),
        _ => return None,
    };
    Some(KeyEvent::new(code, mods))
}

/// Compare keys ignoring SHIFT on characters (terminals differ on whether
/// `G` arrives with SHIFT set).
pub fn same_key(a: &KeyEvent, b: &KeyEvent) -> bool {
    // Shift-tab arrives as BackTab with SHIFT set (crossterm, most terminals).
    let strip = |m: KeyModifiers, code: KeyCode| match code {
        KeyCode::Char(_) | KeyCode::BackTab => m - KeyModifiers::SHIFT,
        _ => m,
    };
    a.code == b.code && strip(a.modifiers, a.code) == strip(b.modifiers, b.code)
}

/// The table with any user overrides applied.
#[derive(Debug)]
pub struct Keymap {
    keys: Vec<(Context, KeyEvent, Command, usize)>,
}

impl Keymap {
    /// Build from the table; `overrides` maps a binding name to a key list
    /// separated by spaces. Unknown names or keys are errors; a configured
    /// key that another binding of the same context also has is a warning
    /// (returned, to be shown at start), since only one of them can win.
    pub fn new(overrides: &BTreeMap<String, String>) -> Result<(Keymap, Vec<String>), String> {
        for name in overrides.keys() {
            if !BINDINGS.iter().any(|b| b.name == name) {
                return Err(format!("[keys] `{name}` is not a command; see `?` for the names"));
            }
        }
        let mut keys = Vec::new();
        for (i, binding) in BINDINGS.iter().enumerate() {
            let texts: Vec<String> = match overrides.get(binding.name) {
                Some(v) => v.split_whitespace().map(str::to_string).collect(),
                None => binding.keys.iter().map(|s| s.to_string()).collect(),
            };
            for t in texts {
                let key = parse_key(&t).ok_or_else(|| format!("[keys] `{}`: `{t}` is not a key", binding.name))?;
                keys.push((binding.context, key, binding.command, i));
            }
        }
        let warnings = collisions(&keys, overrides);
        Ok((Keymap { keys }, warnings))
    }

    pub fn default_map() -> Keymap {
        Keymap::new(&BTreeMap::new()).expect("the built-in table is valid").0
    }

    /// The command for a key in a context, falling back to Global.
    pub fn lookup(&self, context: Context, key: &KeyEvent) -> Option<Command> {
        let find = |ctx: Context| {
            self.keys.iter().find(|(c, k, _, _)| *c == ctx && same_key(k, key)).map(|(_, _, cmd, _)| *cmd)
        };
        find(context).or_else(|| {
            if matches!(context, Context::SearchInput | Context::Overlay) {
                None // typed characters belong to the input; overlays fall back explicitly
            } else {
                find(Context::Global)
            }
        })
    }

    /// The keys currently bound to a binding, for help and hints.
    pub fn keys_of(&self, binding_index: usize) -> Vec<String> {
        self.keys.iter().filter(|(_, _, _, i)| *i == binding_index).map(|(_, k, _, _)| key_label(k)).collect()
    }

    /// The first key and short name (`list.owner`: `owner`) of the binding of
    /// each command in `context`, in the order given: hints for tight spaces.
    /// Commands with no key left after overrides are skipped.
    pub fn brief_hints(&self, context: Context, commands: &[Command]) -> Vec<(String, &'static str)> {
        commands
            .iter()
            .filter_map(|command| {
                let (i, b) =
                    BINDINGS.iter().enumerate().find(|(_, b)| b.context == context && b.command == *command)?;
                let key = self.keys_of(i).into_iter().next()?;
                Some((key, b.name.rsplit('.').next().unwrap_or(b.name)))
            })
            .collect()
    }

    /// Footer hints for a context: `key description` pairs.
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = BINDINGS
            .iter()
            .enumerate()
            .filter(|(_, b)| b.hint && b.context == context)
            .map(|(i, b)| (self.keys_of(i).first().cloned().unwrap_or_default(), short(b.description)))
            .collect();
        if context != Context::SearchInput && context != Context::Overlay {
            out.extend(
                BINDINGS
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.hint && b.context == Context::Global)
                    .map(|(i, b)| (self.keys_of(i).first().cloned().unwrap_or_default(), short(b.description))),
            );
        }
        out
    }
}

/// Configured keys that another binding of the same context also has: the
/// first in the table wins, the other is shadowed, so each is named.
fn collisions(keys: &[(Context, KeyEvent, Command, usize)], overrides: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (n, (context, key, _, i)) in keys.iter().enumerate() {
        let overridden = overrides.contains_key(BINDINGS[*i].name);
        for (other_context, other_key, _, j) in &keys[..n] {
            let other_overridden = overrides.contains_key(BINDINGS[*j].name);
            if i == j || other_context != context || !same_key(key, other_key) || !(overridden || other_overridden) {
                continue;
            }
            out.push(format!(
                "[keys] `{}` and `{}` both use {} ({}); {} does `{}`",
                BINDINGS[*j].name,
                BINDINGS[*i].name,
                key_label(key),
                context.title(),
                key_label(key),
                BINDINGS[*j].name
            ));
        }
    }
    out
}

/// The first words of a description, for the footer.
fn short(description: &'static str) -> &'static str {
    let cut = description.find([':', ',', '(']).unwrap_or(description.len());
    description[..cut].trim_end()
}

/// How a key is shown to people.
pub fn key_label(key: &KeyEvent) -> String {
    let mut out = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        out.push_str("ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        out.push_str("alt-");
    }
    match key.code {
        KeyCode::Char(' ') => out.push_str("space"),
        KeyCode::Char(c) => out.push(c),
        KeyCode::Enter => out.push_str("enter"),
        KeyCode::Esc => out.push_str("esc"),
        KeyCode::Tab => out.push_str("tab"),
        KeyCode::BackTab => out.push_str("shift-tab"),
        KeyCode::Backspace => out.push_str("backspace"),
        KeyCode::Up => out.push('↑'),
        KeyCode::Down => out.push('↓'),
        KeyCode::Left => out.push('←'),
        KeyCode::Right => out.push('→'),
        KeyCode::PageUp => out.push_str("pgup"),
        KeyCode::PageDown => out.push_str("pgdn"),
        KeyCode::Home => out.push_str("home"),
        KeyCode::End => out.push_str("end"),
        KeyCode::F(n) => out.push_str(&format!("f{n}")),
        _ => out.push('?'),
    }
    out
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
