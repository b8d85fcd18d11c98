//! `:create`: the scaffolder's templates from the cache, filtered as you type.

use crate::catalog::Summary;
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

pub struct Templates {
    pub filter: TextInput,
    /// Keys of the matching templates, in list order.
    pub matches: Vec<String>,
    pub selected: usize,
    /// "Create for this team": the group the templates were opened from.
    pub for_group: Option<String>,
}

impl Templates {
    pub fn new(state: &State, for_group: Option<String>) -> Templates {
        let mut t = Templates { filter: TextInput::single_line(), matches: Vec::new(), selected: 0, for_group };
        t.refilter(state);
        t
    }

    /// Templates whose name, title, description, type, owner or tags hold every word typed.
    fn refilter(&mut self, state: &State) {
        let text = self.filter.text().to_lowercase();
        let words: Vec<&str> = text.split_whitespace().collect();
        self.matches = templates(state)
            .filter(|s| {
                let hay = format!(
                    "{} {} {} {} {} {}",
                    s.name,
                    s.title,
                    s.description,
                    s.spec_type,
                    s.owner,
                    s.tags.join(" ")
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w))
            })
            .map(|s| s.key.clone())
            .collect();
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }
}

fn templates(state: &State) -> impl Iterator<Item = &Summary> {
    state.catalog.all().iter().filter(|s| s.kind.eq_ignore_ascii_case("template"))
}

impl Screen for Templates {
    fn context(&self) -> Context {
        Context::Templates
    }

    fn crumb(&self, _state: &State) -> String {
        "create".into()
    }

    fn entity(&self) -> Option<&str> {
        self.matches.get(self.selected).map(String::as_str)
    }

    /// Letters filter; the keymap gets the keys the filter ignores.
    fn on_key(&mut self, state: &mut State, key: KeyEvent) -> Option<Outcome> {
        match self.filter.on_key(key) {
            InputOutcome::Changed => {
                self.refilter(state);
                Some(Outcome::none())
            }
            InputOutcome::Moved => Some(Outcome::none()),
            InputOutcome::Ignored => None,
        }
    }

    fn on_paste(&mut self, state: &mut State, text: &str) -> Outcome {
        if self.filter.paste(text) == InputOutcome::Changed {
            self.refilter(state);
        }
        Outcome::none()
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        if move_cursor(&mut self.selected, self.matches.len(), command, page_rows(state.height) / 3) {
            return Outcome::none();
        }
        match command {
            Command::Back => Outcome::close(),
            Command::Open => match self.matches.get(self.selected).cloned() {
                Some(template) => Outcome::stay(super::wizard::open(state, &template, self.for_group.clone())),
                None => Outcome::none(),
            },
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        let [head, filter, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let total = templates(state).count();
        let mut title = vec![Span::styled("Create from a template", theme.heading())];
        if let Some(group) = &self.for_group {
            title.push(Span::styled(format!("  for {}", state.catalog.label_of(group)), theme.title()));
        }
        title.push(Span::styled(format!("   {} of {total}", self.matches.len()), theme.muted()));
        frame.render_widget(Paragraph::new(Line::from(title)), head);
        let [prompt, input] = Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(filter);
        frame.render_widget(Span::styled("/ ", theme.key()), prompt);
        self.filter.render(frame, input, theme.text(), true);
        if self.matches.is_empty() {
            let text = if total == 0 { "No Template entities in the catalog." } else { "No template matches." };
            frame.render_widget(Paragraph::new(Span::styled(text, theme.muted())), list);
            return;
        }
        // Three lines a template: title and type, description, owner and tags.
        let per = 3usize;
        let visible = (list.height as usize / per).max(1);
        let offset = self.selected.saturating_sub(visible - 1);
        let width = list.width as usize;
        let mut lines = Vec::new();
        for (i, key) in self.matches.iter().enumerate().skip(offset).take(visible) {
            let Some(s) = state.catalog.get(key) else { continue };
            let style = if i == self.selected { theme.selection() } else { theme.text() };
            lines.push(Line::from(vec![
                Span::styled(truncate(s.label(), width.saturating_sub(14)), style),
                Span::styled(format!("  {}", s.spec_type), theme.muted()),
            ]));
            lines.push(Line::styled(format!("  {}", truncate(&s.description, width.saturating_sub(2))), theme.muted()));
            let tags = s.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ");
            let owner = crate::search::rank::ref_name(&s.owner).to_string();
            lines.push(Line::styled(truncate(&format!("  {owner}  {tags}"), width), theme.muted()));
        }
        frame.render_widget(Paragraph::new(lines), list);
    }

    crate::screen_any!();
}
