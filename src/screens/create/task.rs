//! A scaffolder task, live: its steps with status and time, the log (by
//! step, scrollable), and at the end its output links and text.

use crate::backstage::scaffolder::TaskEvent;
use crate::effect::Effect;
use crate::exec::scaffolder::ScaffolderEffect;
use crate::keymap::{Command, Context};
use crate::layout::page_rows;
use crate::msg::Level;
use crate::sanitize::clean_line;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crate::ui::widgets::text::truncate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct StepView {
    pub id: String,
    pub name: String,
    pub status: String,
    /// When this screen first saw it start and end (the state's clock).
    pub started: Option<i64>,
    pub ended: Option<i64>,
}

/// An output link: an entity to open or an address to open or copy.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputLink {
    pub title: String,
    pub entity: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone)]
pub struct TaskView {
    pub id: String,
    pub title: String,
    pub status: String,
    pub steps: Vec<StepView>,
    /// (step id, line)
    pub log: Vec<(Option<String>, String)>,
    pub links: Vec<OutputLink>,
    pub text: Vec<String>,
    pub selected_link: usize,
    /// First log line shown; None follows the end.
    pub scroll: Option<usize>,
    pub lost: Option<String>,
    /// The last event id seen: a retry follows on from it.
    pub last_event: Option<u64>,
    /// From the task's spec: the template (`template:ns/name`), the values it
    /// ran with, and whether its template allows a retry.
    pub template: Option<String>,
    pub parameters: serde_json::Map<String, Value>,
    pub recoverable: bool,
}

pub fn open(state: &mut State, task: &str, title: &str) -> Vec<Effect> {
    // The task already open further down (reattached from `:tasks`): a copy with
    // what it has seen; its follow job, still running, feeds both, and one that
    // ended is resumed after the last event seen.
    let seen = crate::screens::all_mut::<TaskView>(state).find(|v| v.id == task).map(|v| v.clone());
    if let Some(view) = seen {
        let after = view.last_event;
        crate::screens::push(state, TaskView { title: title.to_string(), scroll: None, ..view });
        return vec![Effect::Scaffolder(ScaffolderEffect::Follow { task: task.to_string(), after })];
    }
    crate::screens::push(
        state,
        TaskView {
            id: task.to_string(),
            title: title.to_string(),
            status: "open".into(),
            steps: Vec::new(),
            log: Vec::new(),
            links: Vec::new(),
            text: Vec::new(),
            selected_link: 0,
            scroll: None,
            lost: None,
            last_event: None,
            template: None,
            parameters: serde_json::Map::new(),
            recoverable: false,
        },
    );
    vec![Effect::Scaffolder(ScaffolderEffect::Follow { task: task.to_string(), after: None })]
}

fn views<'a>(state: &'a mut State, task: &str) -> impl Iterator<Item = &'a mut TaskView> + 'a {
    let task = task.to_string();
    crate::screens::all_mut::<TaskView>(state).filter(move |t| t.id == task)
}

/// The task's own record: its steps, status and output.
pub fn on_task(state: &mut State, task: &str, body: &Value) {
    let now = state.now;
    for view in views(state, task) {
        if let Some(status) = body.get("status").and_then(Value::as_str) {
            view.status = clean_line(status);
        }
        let steps = body.pointer("/spec/steps").and_then(Value::as_array).cloned().unwrap_or_default();
        for step in steps {
            let id = step.get("id").and_then(Value::as_str).unwrap_or("").to_string();
            if view.steps.iter().any(|s| s.id == id) {
                continue;
            }
            let name = step.get("name").and_then(Value::as_str).unwrap_or(&id).to_string();
            view.steps.push(StepView {
                id: clean_line(&id),
                name: clean_line(&name),
                status: "open".into(),
                started: None,
                ended: None,
            });
        }
        if let Some(output) = body.get("output") {
            set_output(view, output);
        }
        super::rerun::on_spec(view, body);
        if is_final(&view.status) {
            for step in &mut view.steps {
                if step.started.is_some() && step.ended.is_none() {
                    step.ended = Some(now);
                }
            }
        }
    }
}

pub(super) fn is_final(status: &str) -> bool {
    matches!(status, "completed" | "failed" | "cancelled")
}

fn set_output(view: &mut TaskView, output: &Value) {
    view.links = output
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|l| {
            let s = |k: &str| l.get(k).and_then(Value::as_str).map(clean_line);
            OutputLink { title: s("title").unwrap_or_default(), entity: s("entityRef"), url: s("url") }
        })
        .filter(|l| l.entity.is_some() || l.url.is_some())
        .collect();
    view.text = output
        .get("text")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|t| {
            let title = t.get("title").and_then(Value::as_str).map(clean_line);
            let content = t.get("content").and_then(Value::as_str).unwrap_or("");
            title
                .into_iter()
                .chain(crate::sanitize::clean_multiline(content).lines().map(str::to_string).collect::<Vec<_>>())
        })
        .collect();
}

pub fn on_events(state: &mut State, task: &str, events: Vec<TaskEvent>) {
    let now = state.now;
    for view in views(state, task) {
        for event in &events {
            view.last_event = Some(event.id).max(view.last_event);
            if event.kind == "recovered" {
                super::rerun::on_recovered(view);
            }
            if let (Some(step_id), Some(status)) = (&event.step_id, &event.status) {
                if let Some(step) = view.steps.iter_mut().find(|s| &s.id == step_id) {
                    step.status = clean_line(status);
                    if status == "processing" && step.started.is_none() {
                        step.started = Some(now);
                    }
                    if is_final(status) || status == "skipped" {
                        step.started.get_or_insert(now);
                        step.ended = Some(now);
                    }
                }
            }
            match event.kind.as_str() {
                "completion" => {
                    if let Some(output) = &event.output {
                        set_output(view, output);
                    }
                }
                "cancelled" => view.status = "cancelled".into(),
                _ => {}
            }
            if view.status == "open" {
                view.status = "processing".into();
            }
            if !event.message.is_empty() {
                view.log.push((event.step_id.clone(), event.message.clone()));
            }
        }
    }
}

pub fn on_lost(state: &mut State, task: &str, message: &str) {
    for view in views(state, task) {
        view.lost = Some(clean_line(message));
    }
}

impl Screen for TaskView {
    fn context(&self) -> Context {
        Context::Task
    }

    fn crumb(&self, _state: &State) -> String {
        format!("task {}", truncate(&self.id, 12))
    }

    fn entity(&self) -> Option<&str> {
        self.links.get(self.selected_link).and_then(|l| l.entity.as_deref())
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let rows = page_rows(state.height).saturating_sub(self.steps.len() + 4).max(1);
        let mut at = self.scroll.unwrap_or(self.log.len().saturating_sub(rows));
        if move_cursor(&mut at, self.log.len().saturating_sub(rows) + 1, command, rows) {
            // Back at the end: follow new lines again.
            self.scroll = (at + rows < self.log.len()).then_some(at);
            return Outcome::none();
        }
        let link = self.links.get(self.selected_link).cloned();
        match command {
            Command::Back => Outcome::close(),
            Command::CancelTask if !is_final(&self.status) => {
                state.toast(Level::Info, format!("Asking the scaffolder to cancel task {}", self.id));
                Outcome::stay(vec![Effect::Scaffolder(ScaffolderEffect::Cancel { task: self.id.clone() })])
            }
            Command::RetryTask | Command::StartOver => super::rerun::on_command(self, state, command),
            Command::NextLink if !self.links.is_empty() => {
                self.selected_link = (self.selected_link + 1) % self.links.len();
                Outcome::none()
            }
            Command::PrevLink if !self.links.is_empty() => {
                self.selected_link = (self.selected_link + self.links.len() - 1) % self.links.len();
                Outcome::none()
            }
            Command::Open => match link {
                Some(OutputLink { entity: Some(entity), .. }) => {
                    match crate::catalog::EntityRef::parse_full(&entity).ok().map(|r| r.key()) {
                        Some(key) if state.catalog.get(&key).is_some() => {
                            Outcome::stay(crate::screens::entity::open(state, &key))
                        }
                        _ => {
                            state.toast(
                                Level::Info,
                                format!("{entity} is not in the cache yet: syncing; enter again once it is"),
                            );
                            Outcome::stay(vec![Effect::Sync { full: false }])
                        }
                    }
                }
                Some(OutputLink { url: Some(url), .. }) => Outcome::stay(crate::screens::doc::page::browse(state, url)),
                _ => Outcome::none(),
            },
            Command::OpenBrowser | Command::Copy => match link.and_then(|l| l.url) {
                Some(url) if command == Command::Copy => {
                    Outcome::stay(crate::screens::doc::page::copy(state, url, "address"))
                }
                Some(url) => Outcome::stay(crate::screens::doc::page::browse(state, url)),
                None => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        let status_style = match self.status.as_str() {
            "completed" => theme.ok(),
            "failed" | "cancelled" => theme.crit(),
            _ => theme.warn(),
        };
        let mut head = vec![Line::from(vec![
            Span::styled(self.title.clone(), theme.title()),
            Span::styled(format!("  task {}  ", self.id), theme.muted()),
            Span::styled(self.status.clone(), status_style),
        ])];
        if let Some(lost) = &self.lost {
            head.push(Line::styled(format!("not following any more: {lost}"), theme.crit()));
        }
        if let Some(hint) = super::rerun::hint(self) {
            head.push(Line::styled(hint, theme.key()));
        }
        for step in &self.steps {
            let (mark, style) = match step.status.as_str() {
                "completed" => ("✓", theme.ok()),
                "failed" => ("✗", theme.crit()),
                "processing" => ("▸", theme.warn()),
                "skipped" | "cancelled" => ("-", theme.muted()),
                _ => ("·", theme.muted()),
            };
            let took = match (step.started, step.ended) {
                (Some(s), Some(e)) => format!("  {} s", (e - s).max(0)),
                (Some(s), None) => format!("  {} s…", (state.now - s).max(0)),
                _ => String::new(),
            };
            head.push(Line::from(vec![
                Span::styled(format!(" {mark} "), style),
                Span::styled(step.name.clone(), theme.text()),
                Span::styled(format!("  {}{took}", step.status), theme.muted()),
            ]));
        }
        let mut tail = Vec::new();
        for (i, link) in self.links.iter().enumerate() {
            let style = if i == self.selected_link { theme.selection() } else { theme.link() };
            let target = link.entity.clone().or(link.url.clone()).unwrap_or_default();
            tail.push(Line::from(vec![
                Span::styled(format!(" ↗ {}", if link.title.is_empty() { &target } else { &link.title }), style),
                Span::styled(format!("  {target}"), theme.muted()),
            ]));
        }
        tail.extend(self.text.iter().map(|t| Line::raw(format!(" {t}"))));
        let [top, log, bottom] = Layout::vertical([
            Constraint::Length(head.len() as u16),
            Constraint::Min(1),
            Constraint::Length(tail.len().min(area.height as usize / 3) as u16),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(head), top);
        let rows = log.height as usize;
        let start = self.scroll.unwrap_or(self.log.len().saturating_sub(rows));
        let width = log.width as usize;
        let lines: Vec<Line> = self
            .log
            .iter()
            .skip(start)
            .take(rows)
            .map(|(step, line)| {
                let step = step.as_deref().unwrap_or("");
                Line::from(vec![
                    Span::styled(format!("{:<12} ", truncate(step, 12)), theme.muted()),
                    Span::raw(truncate(line, width.saturating_sub(13))),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), log);
        frame.render_widget(Paragraph::new(tail), bottom);
    }

    crate::screen_any!();
}
