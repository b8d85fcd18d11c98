//! `:tasks`: the scaffolder's recent tasks, newest first (template, status,
//! age, who started them), fuzzy-filtered as you type; enter opens the task
//! screen on one: live while it runs, its whole log and outputs once it ended.

use crate::backstage::tasks::TaskSummary;
use crate::effect::Effect;
use crate::exec::scaffolder::ScaffolderEffect;
use crate::input::{InputOutcome, TextInput};
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub struct Tasks {
    pub filter: TextInput,
    /// None while loading; the server's error when it failed.
    pub tasks: Option<Result<Vec<TaskSummary>, String>>,
    /// Indexes into `tasks` that match the filter, in list order.
    pub matches: Vec<usize>,
    pub selected: usize,
}

pub fn open(state: &mut State) -> Vec<Effect> {
    let screen = Tasks { filter: TextInput::single_line(), tasks: None, matches: Vec::new(), selected: 0 };
    crate::screens::push(state, screen);
    vec![Effect::Scaffolder(ScaffolderEffect::ListTasks)]
}

/// The list arrived.
pub fn on_tasks(state: &mut State, result: Result<Vec<TaskSummary>, String>) {
    let result = result.map_err(|e| crate::sanitize::clean_line(&e));
    for screen in crate::screens::all_mut::<Tasks>(state) {
        screen.tasks = Some(result.clone());
        screen.refilter();
    }
}

/// "service" for a task a static token started: the server records no user then.
pub fn creator(t: &TaskSummary) -> &str {
    if t.created_by.is_empty() {
        "service"
    } else {
        crate::search::rank::ref_name(&t.created_by)
    }
}

fn template(t: &TaskSummary) -> &str {
    if t.template_title.is_empty() {
        &t.template_ref
    } else {
        &t.template_title
    }
}

/// Each typed word must appear in order, letters possibly apart (`crsvc`
/// finds "Create a new service"), in the template, status, creator or id.
fn fuzzy(hay: &str, word: &str) -> bool {
    let mut hay = hay.chars();
    word.chars().all(|c| hay.any(|h| h == c))
}

impl Tasks {
    fn refilter(&mut self) {
        let text = self.filter.text().to_lowercase();
        let words: Vec<&str> = text.split_whitespace().collect();
        let all = match &self.tasks {
            Some(Ok(all)) => all.as_slice(),
            _ => &[],
        };
        self.matches = all
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                let hay =
                    format!("{} {} {} {} {}", template(t), t.template_ref, t.status, creator(t), t.id).to_lowercase();
                words.iter().all(|w| fuzzy(&hay, w))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    fn chosen(&self) -> Option<&TaskSummary> {
        let i = *self.matches.get(self.selected)?;
        self.tasks.as_ref()?.as_ref().ok()?.get(i)
    }
}

impl Screen for Tasks {
    fn context(&self) -> Context {
        Context::Tasks
    }

    fn crumb(&self, _state: &State) -> String {
        "tasks".into()
    }

    fn on_key(&mut self, _state: &mut State, key: KeyEvent) -> Option<Outcome> {
        match self.filter.on_key(key) {
            InputOutcome::Changed => {
                self.refilter();
                Some(Outcome::none())
            }
            InputOutcome::Moved => Some(Outcome::none()),
            InputOutcome::Ignored => None,
        }
    }

    fn on_paste(&mut self, _state: &mut State, text: &str) -> Outcome {
        if self.filter.paste(text) == InputOutcome::Changed {
            self.refilter();
        }
        Outcome::none()
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        if move_cursor(&mut self.selected, self.matches.len(), command, page_rows(state.height)) {
            return Outcome::none();
        }
        match command {
            Command::Back => Outcome::close(),
            Command::Reload => {
                self.tasks = None;
                self.refilter();
                Outcome::stay(vec![Effect::Scaffolder(ScaffolderEffect::ListTasks)])
            }
            Command::Open => match self.chosen().cloned() {
                Some(t) => {
                    let title = state.catalog.label_of(&t.template_ref);
                    let title = if template(&t) == t.template_ref { title } else { template(&t).to_string() };
                    Outcome::stay(crate::screens::create::task::open(state, &t.id, &title))
                }
                None => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        let [head, filter, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let count = match &self.tasks {
            Some(Ok(all)) => format!("   {} of {}", self.matches.len(), all.len()),
            _ => String::new(),
        };
        let title = vec![Span::styled("Scaffolder tasks", theme.heading()), Span::styled(count, theme.muted())];
        frame.render_widget(Paragraph::new(Line::from(title)), head);
        let [prompt, input] = Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(filter);
        frame.render_widget(Span::styled("/ ", theme.key()), prompt);
        self.filter.render(frame, input, theme.text(), true);
        let all = match &self.tasks {
            None => return frame.render_widget(Span::styled("Loading the tasks…", theme.muted()), list),
            Some(Err(e)) => {
                let text = format!("Cannot list the tasks: {e}");
                // Wrapped, never cut at the edge (80 columns cut the reason in half).
                let paragraph =
                    Paragraph::new(Span::styled(text, theme.crit())).wrap(ratatui::widgets::Wrap { trim: true });
                return frame.render_widget(paragraph, list);
            }
            Some(Ok(all)) => all,
        };
        if self.matches.is_empty() {
            let text = if all.is_empty() { "No tasks on this instance yet." } else { "No task matches." };
            return frame.render_widget(Span::styled(text, theme.muted()), list);
        }
        let rows = list.height as usize;
        let offset = self.selected.saturating_sub(rows.saturating_sub(1));
        let width = list.width as usize;
        let lines: Vec<Line> = self
            .matches
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(row, &i)| {
                let t = &all[i];
                let status_style = match t.status.as_str() {
                    "completed" => theme.ok(),
                    "failed" | "cancelled" => theme.crit(),
                    _ => theme.warn(),
                };
                let age = crate::health::probe::parse_rfc3339(&t.created_at)
                    .map(|then| crate::ui::age(state.now, then))
                    .unwrap_or_else(|| "?".into());
                let name_style = if row == self.selected { theme.selection() } else { theme.text() };
                let right = format!("  {:<10} {:>8}  {:<14}", t.status, age, truncate(creator(t), 14));
                let left = width.saturating_sub(right.chars().count() + 10).max(8);
                Line::from(vec![
                    Span::styled(format!("{:<left$}", truncate(template(t), left)), name_style),
                    Span::styled(format!("  {:<10}", t.status), status_style),
                    Span::styled(format!(" {:>8}  {:<14}", age, truncate(creator(t), 14)), theme.muted()),
                    Span::styled(format!(" {}", truncate(&t.id, 8)), theme.muted()),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }

    crate::screen_any!();
}

#[cfg(test)]
mod tests {
    use super::fuzzy;

    #[test]
    fn fuzzy_is_in_order_subsequence() {
        assert!(fuzzy("create a new service", "crsvc"));
        assert!(!fuzzy("create a new service", "svccr"));
        assert!(fuzzy("anything", ""));
    }
}
