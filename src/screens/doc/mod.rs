//! The doc screens: the runbook picker, doc pages and Backstage search
//! results, and the replies to doc effects. Page keys are in `page`.

pub mod page;
pub mod state;
mod view;

pub use state::{DocPage, DocScreen, DocsState, Picker, Results};

use crate::docs::discover::direct_pick;
use crate::docs::effects::{DocsEffect, DocsMsg};
use crate::docs::target::DocTarget;
use crate::effect::Effect;
use crate::keymap::{Command, Context};
use crate::layout::{doc_text_width as text_width, page_rows};
use crate::msg::Level;
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

impl Screen for DocScreen {
    fn context(&self) -> Context {
        match self {
            DocScreen::Page(page) if page.search.typing => Context::SearchInput,
            DocScreen::Page(_) => Context::Doc,
            DocScreen::Picker(_) | DocScreen::Results(_) => Context::DocList,
        }
    }

    fn crumb(&self, _state: &State) -> String {
        self.title()
    }

    fn entity(&self) -> Option<&str> {
        match self {
            DocScreen::Page(p) => p.entity.as_deref(),
            DocScreen::Picker(p) => Some(&p.entity),
            DocScreen::Results(_) => None,
        }
    }

    fn on_key(&mut self, state: &mut State, key: KeyEvent) -> Option<Outcome> {
        match self {
            DocScreen::Page(page) if page.search.typing => Some(Outcome::stay(page::on_search_key(page, state, key))),
            _ => None,
        }
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        match self {
            DocScreen::Page(p) => page::on_command(p, state, command),
            DocScreen::Picker(picker) => picker_command(picker, state, command),
            DocScreen::Results(results) => results_command(results, state, command),
        }
    }

    fn on_paste(&mut self, state: &mut State, text: &str) -> Outcome {
        match self {
            DocScreen::Page(page) => Outcome::stay(page::on_search_paste(page, state, text)),
            _ => Outcome::none(),
        }
    }

    fn on_resize(&mut self, width: u16, _height: u16) -> Vec<Effect> {
        match self {
            DocScreen::Page(p) => page::on_resize(p, width),
            _ => Vec::new(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        view::render(frame, area, state, self, theme)
    }

    crate::screen_any!();
}

/// `b`: find the entity's runbooks; open the obvious one, else list them.
pub fn open_runbooks(state: &mut State, entity: &str, direct: bool) -> Vec<Effect> {
    let request = state.docs.request();
    let title = format!("Runbooks of {}", state.catalog.label_of(entity));
    crate::screens::push(
        state,
        DocScreen::Picker(Picker {
            request,
            entity: entity.to_string(),
            title,
            loading: true,
            direct,
            runbooks: Vec::new(),
            note: None,
            selected: 0,
        }),
    );
    let raw = state.details.get(entity).map(|d| d.raw.clone()).filter(|r| !r.is_null());
    vec![Effect::Docs(DocsEffect::FindRunbooks {
        request,
        entity: entity.to_string(),
        raw,
        annotations: state.docs.annotations.clone(),
    })]
}

/// `b` from the list, an entity page or a doc page.
pub fn runbook_command(state: &mut State, context: Context) -> Vec<Effect> {
    let entity = match context {
        Context::Entity | Context::Doc | Context::List => crate::screens::entity_in_front(state),
        _ => None,
    };
    match entity {
        Some(key) => open_runbooks(state, &key, context != Context::Doc),
        None => {
            state.toast(Level::Info, "No entity here to find runbooks for");
            Vec::new()
        }
    }
}

/// Show a doc page on top of the stack.
pub fn open_page(
    state: &mut State,
    target: DocTarget,
    title: String,
    entity: Option<String>,
    anchor: Option<String>,
) -> Vec<Effect> {
    let request = state.docs.request();
    let width = text_width(state.width, false);
    let mut page = DocPage::new(request, target.clone(), title, entity, width);
    page.anchor = anchor.clone();
    crate::screens::push(state, DocScreen::Page(page));
    let mut effects = Vec::new();
    if !matches!(target, DocTarget::Local { .. }) {
        let (target, anchor) = (target.clone(), anchor.clone());
        effects.push(Effect::Docs(DocsEffect::LoadCached { request, target, anchor, width }));
    }
    effects.push(Effect::Docs(DocsEffect::Load { request, target, anchor, width }));
    effects
}

/// `:search TEXT`: Backstage search (a folder source searches itself).
pub fn server_search(state: &mut State, query: &str) -> Vec<Effect> {
    let query = query.trim().to_string();
    if query.is_empty() {
        state.toast(Level::Info, "Type `search` followed by what to look for");
        return Vec::new();
    }
    let generation = state.docs.request();
    crate::screens::push(
        state,
        DocScreen::Results(Results {
            generation,
            query: query.clone(),
            results: Vec::new(),
            next_cursor: None,
            total: None,
            loading: true,
            error: None,
            selected: 0,
        }),
    );
    vec![Effect::Docs(DocsEffect::Search { generation, query, cursor: None, catalog: state.catalog.clone() })]
}

fn doc_screens(state: &mut State) -> impl Iterator<Item = &mut DocScreen> {
    crate::screens::all_mut::<DocScreen>(state)
}

pub fn on_msg(state: &mut State, msg: DocsMsg) -> Vec<Effect> {
    match msg {
        DocsMsg::RunbooksFound { request, entity, runbooks, note } => {
            let top =
                matches!(crate::screens::top::<DocScreen>(state), Some(DocScreen::Picker(p)) if p.request == request);
            let Some(picker) = doc_screens(state).find_map(|d| match d {
                DocScreen::Picker(p) if p.request == request => Some(p),
                _ => None,
            }) else {
                return Vec::new();
            };
            picker.loading = false;
            picker.runbooks = runbooks;
            picker.note = note.as_deref().map(crate::sanitize::clean_line);
            let direct = picker.direct.then(|| direct_pick(&picker.runbooks)).flatten();
            let empty = picker.runbooks.is_empty();
            let chosen = direct.map(|i| picker.runbooks[i].clone());
            if empty && top {
                state.screens.pop();
                let label = state.catalog.label_of(&entity);
                let why = note.map(|n| format!(" ({n})")).unwrap_or_default();
                state.toast(Level::Warn, format!("No runbook or docs found for {label}{why}"));
                return Vec::new();
            }
            match chosen {
                Some(runbook) if top => {
                    // The page takes the picker's place.
                    state.screens.pop();
                    open_page(state, runbook.target, runbook.title, Some(entity), None)
                }
                _ => Vec::new(),
            }
        }
        DocsMsg::Loaded { request, result } => page::on_loaded(state, request, result),
        DocsMsg::LaidOut { request, page: laid } => {
            if let Some(page) = page::page_by_request(state, request) {
                let old_len = page.page.as_ref().map_or(1, |p| p.lines.len().max(1));
                page.scroll = page.scroll * laid.lines.len() / old_len;
                page.width = laid.width;
                page.page = Some(laid);
                page::refresh_matches(page);
            }
            Vec::new()
        }
        DocsMsg::SearchDone { generation, more, result } => {
            for screen in doc_screens(state) {
                if let DocScreen::Results(r) = screen {
                    if r.generation != generation {
                        continue;
                    }
                    r.loading = false;
                    match result {
                        Ok(page) => {
                            if !more {
                                r.results.clear();
                            }
                            r.results.extend(page.results);
                            r.next_cursor = page.next_cursor;
                            r.total = page.total.or(r.total);
                            r.error = None;
                        }
                        Err(e) => r.error = Some(crate::sanitize::clean_line(&e)),
                    }
                    break;
                }
            }
            Vec::new()
        }
    }
}

/// Keys of the runbook picker.
fn picker_command(picker: &mut Picker, state: &mut State, command: Command) -> Outcome {
    let rows = page_rows(state.height).saturating_sub(2);
    if move_cursor(&mut picker.selected, picker.runbooks.len(), command, rows) {
        return Outcome::none();
    }
    let chosen = picker.runbooks.get(picker.selected).cloned();
    let entity = picker.entity.clone();
    let effects = match (command, chosen) {
        (Command::Back, _) => return Outcome::close(),
        (Command::Open, Some(r)) => open_page(state, r.target, r.title, Some(entity), None),
        (Command::OpenBrowser, Some(r)) => {
            let url = r.target.browser_url(state.docs.server.as_deref());
            page::browse(state, url)
        }
        (Command::Copy, Some(r)) => {
            let url = r.target.browser_url(state.docs.server.as_deref());
            page::copy(state, url, "address")
        }
        _ => Vec::new(),
    };
    Outcome::stay(effects)
}

/// Keys of the Backstage search results.
fn results_command(results: &mut Results, state: &mut State, command: Command) -> Outcome {
    let rows = page_rows(state.height).saturating_sub(2);
    let len = results.results.len() + usize::from(results.next_cursor.is_some());
    if move_cursor(&mut results.selected, len, command, rows / 2) {
        return Outcome::none();
    }
    let selected = results.results.get(results.selected).cloned();
    let effects = match (command, selected) {
        (Command::Back, _) => return Outcome::close(),
        (Command::Open, None) => match results.next_cursor.clone() {
            Some(cursor) if !results.loading => {
                results.loading = true;
                let (generation, query) = (results.generation, results.query.clone());
                vec![Effect::Docs(DocsEffect::Search {
                    generation,
                    query,
                    cursor: Some(cursor),
                    catalog: state.catalog.clone(),
                })]
            }
            _ => Vec::new(),
        },
        (Command::Open, Some(r)) => match (r.doc, r.entity) {
            (Some(doc), entity) => open_page(state, doc, r.title, entity, None),
            (None, Some(entity)) if state.catalog.get(&entity).is_some() => {
                let key = state.catalog.get(&entity).map(|s| s.key.clone()).unwrap_or(entity);
                crate::screens::entity::open(state, &key)
            }
            _ => {
                state.toast(Level::Warn, format!("{} is not in the local catalog; sync first", r.title));
                Vec::new()
            }
        },
        (Command::OpenBrowser | Command::Copy, Some(r)) => {
            let url = match &r.doc {
                Some(doc) => doc.browser_url(state.docs.server.as_deref()),
                None => format!("{}{}", state.docs.server.clone().unwrap_or_default(), r.location),
            };
            if command == Command::Copy {
                page::copy(state, url, "address")
            } else {
                page::browse(state, url)
            }
        }
        _ => Vec::new(),
    };
    Outcome::stay(effects)
}
