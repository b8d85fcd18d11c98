//! The form's keys. Focus moves with tab/shift-tab; the focused field gets
//! every other key first (text through [`TextInput`]), and what it ignores
//! becomes navigation. Drawing is in `draw.rs`.

use super::model::Widget;
use super::picker::{Choice, PickerKind};
use super::value::{FieldState, REPO_PARTS};
use super::Form;
use crate::input::InputOutcome;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::cell::{Cell, RefCell};

pub use super::draw::FormStyles;

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Handled; redraw.
    Handled,
    /// A value changed (handled; redraw).
    Changed,
    /// Enter on the review page: submit `values()` and `secrets()`.
    Submit,
    /// Not a form key (esc, `d` on the review page, ...): the caller's keymap decides.
    Ignored,
}

/// How many popup rows a picker shows.
pub const POPUP_ROWS: usize = 8;

/// What drawing remembers between frames: the scroll offset and the picker
/// popup's last rows (the caller's catalog is only reachable while drawing).
#[derive(Debug, Default)]
pub struct ViewState {
    pub(super) scroll: Cell<usize>,
    /// (field pointer, query, rows)
    pub(super) popup: RefCell<Option<(String, String, Vec<Choice>)>>,
}

impl Form {
    pub fn on_key(&mut self, key: KeyEvent) -> FormOutcome {
        if key.kind == KeyEventKind::Release {
            return FormOutcome::Ignored;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        if self.on_review() {
            return match (key.code, ctrl) {
                (KeyCode::Enter, false) => FormOutcome::Submit,
                (KeyCode::Char('p'), true) | (KeyCode::PageUp, _) | (KeyCode::BackTab, _) => {
                    self.page = self.spec.steps.len().saturating_sub(1);
                    self.refresh();
                    self.focus = self.first_focusable();
                    FormOutcome::Handled
                }
                _ => FormOutcome::Ignored,
            };
        }
        // Page and error keys work whatever has focus.
        match (key.code, ctrl, alt) {
            (KeyCode::Char('n'), true, false) | (KeyCode::PageDown, _, _) => {
                self.next_page();
                return FormOutcome::Handled;
            }
            (KeyCode::Char('p'), true, false) | (KeyCode::PageUp, _, _) => {
                self.prev_page();
                return FormOutcome::Handled;
            }
            (KeyCode::F(8), _, _) | (KeyCode::Char('e'), false, true) => {
                self.show_all = true;
                self.focus_next_error();
                return FormOutcome::Handled;
            }
            _ => {}
        }
        match self.field_key(key) {
            FormOutcome::Ignored => self.navigate(key),
            outcome => outcome,
        }
    }

    /// A paste goes whole into the focused text, picker query or repo part.
    pub fn on_paste(&mut self, text: &str) -> FormOutcome {
        let Some((field, state)) = self.state_mut() else { return FormOutcome::Ignored };
        if field.readonly {
            return FormOutcome::Handled;
        }
        let outcome = match state {
            FieldState::Text(input) => input.paste(text),
            FieldState::Picker { query, open, .. } => {
                *open = true;
                query.paste(text)
            }
            FieldState::Repo { parts, part } => parts[*part].paste(text),
            _ => InputOutcome::Ignored,
        };
        self.after_input(outcome)
    }

    fn after_input(&mut self, outcome: InputOutcome) -> FormOutcome {
        match outcome {
            InputOutcome::Changed => self.changed(),
            InputOutcome::Moved => FormOutcome::Handled,
            InputOutcome::Ignored => FormOutcome::Ignored,
        }
    }

    /// A value changed: the field counts as touched, conditions and problems are recomputed.
    fn changed(&mut self) -> FormOutcome {
        if let Some(field) = self.fields.get(self.focus) {
            let key = field.pointer();
            self.touched.insert(key.clone());
            self.refresh();
            if let Some(i) = self.fields.iter().position(|f| f.pointer() == key) {
                self.focus = i;
            }
        }
        FormOutcome::Changed
    }

    /// Keys the focused field takes; Ignored leaves them to navigation.
    fn field_key(&mut self, key: KeyEvent) -> FormOutcome {
        let popup_rows = self.view.popup.borrow().as_ref().map(|(_, _, rows)| rows.clone()).unwrap_or_default();
        let Some((field, state)) = self.state_mut() else { return FormOutcome::Ignored };
        let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let activate = plain && matches!(key.code, KeyCode::Enter | KeyCode::Char(' '));
        if field.readonly {
            return FormOutcome::Ignored;
        }
        match (state, &field.widget) {
            (FieldState::Text(input), _) => {
                let outcome = input.on_key(key);
                self.after_input(outcome)
            }
            (FieldState::Bool(value), _) if activate => {
                *value = Some(!value.unwrap_or(false));
                self.changed()
            }
            (FieldState::Select { chosen, cursor }, Widget::Select { options, .. }) => {
                match key.code {
                    _ if activate => {
                        *chosen = Some(*cursor);
                        return self.changed();
                    }
                    KeyCode::Up if plain && *cursor > 0 => *cursor -= 1,
                    KeyCode::Down if plain && *cursor + 1 < options.len() => *cursor += 1,
                    KeyCode::Char(c) if plain => {
                        // Type-ahead: the next option starting with the letter.
                        let c = c.to_lowercase().to_string();
                        let n = options.len();
                        if let Some(i) =
                            (1..=n).map(|d| (*cursor + d) % n).find(|&i| options[i].1.to_lowercase().starts_with(&c))
                        {
                            *cursor = i;
                        }
                    }
                    _ => return FormOutcome::Ignored,
                }
                FormOutcome::Handled
            }
            (FieldState::Multi { chosen, cursor }, Widget::MultiSelect { options }) => {
                match key.code {
                    _ if activate => {
                        if let Some(on) = chosen.get_mut(*cursor) {
                            *on = !*on;
                        }
                        return self.changed();
                    }
                    KeyCode::Up if plain && *cursor > 0 => *cursor -= 1,
                    KeyCode::Down if plain && *cursor + 1 < options.len() => *cursor += 1,
                    _ => return FormOutcome::Ignored,
                }
                FormOutcome::Handled
            }
            (FieldState::Picker { query, picked, open, highlight }, Widget::Picker(spec)) => {
                let multi = spec.is_multi();
                match key.code {
                    KeyCode::Esc if *open => *open = false,
                    KeyCode::Down if plain => {
                        if *open {
                            *highlight = (*highlight + 1).min(popup_rows.len().saturating_sub(1));
                        } else {
                            *open = true;
                            *highlight = 0;
                        }
                    }
                    KeyCode::Up if plain && *open => *highlight = highlight.saturating_sub(1),
                    KeyCode::Enter if plain && *open && !popup_rows.is_empty() => {
                        let choice = &popup_rows[(*highlight).min(popup_rows.len() - 1)];
                        if !multi {
                            picked.clear();
                        }
                        if !picked.contains(&choice.value) {
                            picked.push(choice.value.clone());
                        }
                        query.set_text("");
                        *open = multi;
                        *highlight = 0;
                        return self.changed();
                    }
                    KeyCode::Backspace if plain && query.is_empty() && !picked.is_empty() => {
                        picked.pop();
                        return self.changed();
                    }
                    _ => {
                        let outcome = query.on_key(key);
                        if outcome == InputOutcome::Changed {
                            *open = true;
                            *highlight = 0;
                            // Typing replaces a single pick: the text is the new value or filter.
                            if !multi && spec.kind != PickerKind::EntityName {
                                picked.clear();
                            }
                        }
                        return self.after_input(outcome);
                    }
                }
                FormOutcome::Handled
            }
            (FieldState::Repo { parts, part }, _) => {
                let outcome = parts[*part].on_key(key);
                self.after_input(outcome)
            }
            _ => FormOutcome::Ignored,
        }
    }

    /// Keys no field took: moving between fields (and parts of a repo field).
    fn navigate(&mut self, key: KeyEvent) -> FormOutcome {
        let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let forward = match key.code {
            KeyCode::Tab if plain => true,
            KeyCode::Down | KeyCode::Enter if plain => true,
            KeyCode::BackTab | KeyCode::Up => false,
            _ => return FormOutcome::Ignored,
        };
        self.close_popup();
        if let Some((_, FieldState::Repo { part, .. })) = self.state_mut() {
            let last = REPO_PARTS.len() - 1;
            if forward && *part < last {
                *part += 1;
                return FormOutcome::Handled;
            }
            if !forward && *part > 0 {
                *part -= 1;
                return FormOutcome::Handled;
            }
        }
        let n = self.fields.len();
        let order: Vec<usize> = if forward { (self.focus + 1..n).collect() } else { (0..self.focus).rev().collect() };
        match order.into_iter().find(|&i| self.fields[i].is_focusable()) {
            Some(i) => {
                self.leave_field();
                self.focus = i;
                if let Some((_, FieldState::Repo { part, .. })) = self.state_mut() {
                    *part = if forward { 0 } else { REPO_PARTS.len() - 1 };
                }
            }
            // Enter on the last field goes on to the next page.
            None if forward && key.code == KeyCode::Enter => {
                self.leave_field();
                self.next_page();
            }
            None => {}
        }
        FormOutcome::Handled
    }

    /// Leaving a field shows its problems from now on (as the web form does on blur).
    fn leave_field(&mut self) {
        if let Some(field) = self.fields.get(self.focus) {
            if field.is_focusable() && self.states.get(&field.pointer()).is_some_and(|(f, s)| s.value(f).is_some()) {
                self.touched.insert(field.pointer());
            }
        }
    }

    fn close_popup(&mut self) {
        if let Some((_, FieldState::Picker { open, .. })) = self.state_mut() {
            *open = false;
        }
    }
}
