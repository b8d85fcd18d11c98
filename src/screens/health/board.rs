//! The `:health` board: every component of a system, domain, group or
//! "mine" at a glance, worst first, with counts. Rows come from
//! `health::Board`, the same code `callboard health` prints, so they agree.

use crate::catalog::EntityRef;
use crate::effect::Effect;
use crate::health::board::{select, Board, Scope};
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::msg::Level;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct HealthBoard {
    pub scope: Scope,
    /// "system payments", "group team-a", "mine".
    pub title: String,
    /// The entities the scope covers (catalog order); the board sorts them.
    pub keys: Vec<String>,
    pub selected: usize,
}

impl HealthBoard {
    /// The board as it stands: probes not run yet count as unknown ("not run
    /// yet"), so nothing on screen is silently missing.
    pub fn board(&self, state: &State) -> Board {
        let mut results = Vec::new();
        let mut order = Vec::new();
        for key in &self.keys {
            let mine = state.health.results_of(key);
            order.extend(mine.iter().map(|r| r.key.clone()));
            results.extend(mine);
        }
        Board::build(&self.keys, &results, &order, state.now, state.health.ttl)
    }
}

/// `health [system|domain|group REF | mine]`; with nothing, the selected
/// entity's system (or the system itself, or its owner).
pub fn open_board(state: &mut State, args: &str) -> Vec<Effect> {
    let (word, rest) = args.trim().split_once(' ').unwrap_or((args.trim(), ""));
    let rest = rest.trim();
    let key = |text: &str, kind: &str| EntityRef::parse(text, Some(kind), "default").map(|r| r.key()).ok();
    let scope = match word {
        "" => scope_of_front(state),
        "mine" => match state.me.clone() {
            Some(me) => Some((Scope::Mine(me), "mine".to_string())),
            None => {
                state.toast(Level::Warn, "`health mine` needs `me = \"user:default/you\"` in the config");
                return Vec::new();
            }
        },
        "system" | "domain" | "group" if !rest.is_empty() => {
            let Some(k) = key(rest, word) else {
                state.toast(Level::Warn, format!("`{rest}` is not a {word} reference"));
                return Vec::new();
            };
            let scope = match word {
                "system" => Scope::System(k),
                "domain" => Scope::Domain(k),
                _ => Scope::Owner(k),
            };
            Some((scope, format!("{word} {rest}")))
        }
        _ => {
            state.toast(Level::Warn, "health [system REF | domain REF | group REF | mine]");
            return Vec::new();
        }
    };
    let Some((scope, title)) = scope else {
        state.toast(Level::Warn, "Nothing selected has a system or an owner for a health board");
        return Vec::new();
    };
    let keys = select(&state.catalog, &scope);
    if keys.is_empty() {
        state.toast(Level::Warn, format!("No entity in {title}"));
        return Vec::new();
    }
    crate::screens::push(state, HealthBoard { scope, title, keys, selected: 0 });
    Vec::new()
}

/// `H`: the board of the entity in front: a system's own, else its system's,
/// else its owner's.
fn scope_of_front(state: &State) -> Option<(Scope, String)> {
    let key = crate::screens::entity_in_front(state)?;
    let entity = state.catalog.get(&key)?;
    let name = |k: &str| crate::search::rank::ref_name(k).to_string();
    if entity.kind.eq_ignore_ascii_case("system") {
        return Some((Scope::System(entity.key.clone()), format!("system {}", name(&entity.key))));
    }
    if entity.kind.eq_ignore_ascii_case("group") {
        return Some((Scope::Owner(entity.key.clone()), format!("group {}", name(&entity.key))));
    }
    if !entity.system.is_empty() {
        return Some((Scope::System(entity.system.clone()), format!("system {}", name(&entity.system))));
    }
    (!entity.owner.is_empty()).then(|| (Scope::Owner(entity.owner.clone()), format!("owner {}", name(&entity.owner))))
}

impl Screen for HealthBoard {
    fn context(&self) -> Context {
        Context::Health
    }

    fn crumb(&self, _state: &State) -> String {
        format!("health of {}", self.title)
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let board = self.board(state);
        if move_cursor(&mut self.selected, board.rows.len(), command, page_rows(state.height)) {
            return Outcome::none();
        }
        match command {
            Command::Back => Outcome::close(),
            Command::Open => match board.rows.get(self.selected) {
                Some(row) => Outcome::stay(crate::screens::entity::open(state, &row.entity)),
                None => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        render(frame, area, state, self, theme)
    }

    crate::screen_any!();
}

fn render(frame: &mut Frame, area: Rect, state: &State, screen: &HealthBoard, theme: &Theme) {
    use super::view::{badge, style};
    let board = screen.board(state);
    let worst = board.worst();
    let without = screen.keys.len().saturating_sub(board.rows.len());
    let mut head = vec![Line::from(vec![
        Span::styled(format!("Health of {}  ", screen.title), theme.title()),
        badge(&worst, theme),
        Span::styled(board.entities.summary(), theme.text()),
    ])];
    head.push(Line::styled(
        format!(
            "probes: {}   {} without probes",
            board.probes.summary(),
            crate::plural::count(without, "entity", "entities")
        ),
        theme.muted(),
    ));
    let [top, body] = Layout::vertical([Constraint::Length(head.len() as u16), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(head), top);
    let height = body.height as usize;
    let offset = screen.selected.saturating_sub(height.saturating_sub(1));
    let width = area.width as usize;
    let lines: Vec<Line> = board
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, row)| {
            let name = truncate(&state.catalog.label_of(&row.entity), 28);
            // The worst probe says why: its value or error, or its reason.
            let why = row
                .results
                .iter()
                .max_by_key(|r| super::shown(state, r).severity())
                .map(|r| {
                    let text = r.error.clone().or_else(|| r.value.clone()).unwrap_or_else(|| match &r.state {
                        crate::health::State::Unknown(reason) => reason.clone(),
                        _ => String::new(),
                    });
                    format!("{}: {text}", r.kind)
                })
                .unwrap_or_default();
            let left = format!("{name:<29}{:<24}", row.rollup.summary());
            let right = truncate(&why, width.saturating_sub(left.chars().count() + 12));
            let selected = i == screen.selected;
            let base = if selected { theme.selection() } else { theme.text() };
            Line::from(vec![
                Span::raw(" "),
                if selected {
                    Span::styled(format!("{} {:<7}", row.worst.symbol(), row.worst.word()), base)
                } else {
                    badge(&row.worst, theme)
                },
                Span::styled(left, base),
                Span::styled(right, if selected { base } else { style(&row.worst, theme) }),
            ])
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::styled("No results yet: the probes are running…", theme.muted())]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(lines), body);
}
