//! Keys on a doc page: scrolling, the TOC, `/` search with n/N, selecting
//! links and code blocks, following links, copying, the browser.

use super::open_page;
use super::state::{DocPage, DocScreen, Focus, PageStatus};
use crate::docs::effects::{DocsEffect, LoadedDoc, Origin};
use crate::docs::find::{find_all, first_from};
use crate::docs::target::{resolve, LinkAction};
use crate::effect::Effect;
use crate::input::InputOutcome;
use crate::keymap::{Command, Context};
use crate::layout::{doc_text_rows as text_rows, doc_text_width as text_width, TOC_SIDE_MIN};
use crate::msg::Level;
use crate::screens::Outcome;
use crate::state::State;
use crossterm::event::{KeyCode, KeyEvent};

/// The page a reply is for, wherever it is on the stack.
pub fn page_by_request(state: &mut State, request: u64) -> Option<&mut DocPage> {
    crate::screens::all_mut::<DocScreen>(state).find_map(|d| match d {
        DocScreen::Page(p) if p.request == request => Some(p),
        _ => None,
    })
}

fn max_scroll(page: &DocPage, rows: usize) -> usize {
    page.page.as_ref().map_or(0, |p| p.lines.len().saturating_sub(rows))
}

/// Put `line` a third of the way down the view (context above it matters).
fn show_line(page: &mut DocPage, line: usize, rows: usize) {
    if line < page.scroll || line >= page.scroll + rows {
        page.scroll = line.saturating_sub(rows / 3).min(max_scroll(page, rows));
    }
}

pub fn jump_to_anchor(page: &mut DocPage, anchor: &str, rows: usize) {
    let (Some(doc), Some(laid)) = (&page.doc, &page.page) else { return };
    let wanted = anchor.to_lowercase();
    if let Some(i) = doc.headings.iter().position(|h| h.anchor.to_lowercase() == wanted) {
        let line = laid.heading_line(doc, i);
        page.scroll = line.min(laid.lines.len().saturating_sub(rows));
    }
}

/// A page arrived: the cached preview, the live page, or the cached copy
/// because the live one failed. A preview never replaces a live page.
pub fn on_loaded(state: &mut State, request: u64, result: Result<LoadedDoc, String>) -> Vec<Effect> {
    let rows = text_rows(state.height);
    let width = state.width;
    let now = state.now;
    let Some(page) = page_by_request(state, request) else { return Vec::new() };
    let loaded = match result {
        Ok(loaded) => loaded,
        Err(e) => {
            if page.status != PageStatus::Ready {
                // Errors may quote the server: they go through the sanitiser too.
                page.status = PageStatus::Failed(crate::sanitize::clean_line(&e));
            }
            return Vec::new();
        }
    };
    let preview = matches!(&loaded.origin, Origin::Cached { reason, .. } if reason.is_empty());
    let shown_live = matches!(page.origin, Some(Origin::Live | Origin::Local));
    if preview && shown_live {
        return Vec::new();
    }
    let toast = match &loaded.origin {
        Origin::Cached { fetched_at, reason } if !reason.is_empty() => {
            let age = crate::ui::age(now, *fetched_at);
            let when = if age == "just now" { age } else { format!("{age} ago") };
            Some(format!("Offline copy, cached {when}: {reason}"))
        }
        _ => None,
    };
    let replacing = page.status == PageStatus::Ready;
    if !loaded.doc.title.is_empty() {
        page.title = loaded.doc.title.clone();
    }
    page.target = loaded.target;
    page.doc = Some(loaded.doc);
    page.page = Some(loaded.page);
    page.origin = Some(loaded.origin);
    page.status = PageStatus::Ready;
    page.focus = None;
    if replacing {
        // The live page replaces the preview the reader may already be in.
        page.scroll = page.scroll.min(max_scroll(page, rows));
    }
    if let Some(anchor) = page.anchor.take().or(loaded.anchor) {
        jump_to_anchor(page, &anchor, rows);
    }
    refresh_matches(page);
    let wanted = text_width(width, page.toc_visible && width >= TOC_SIDE_MIN);
    let relayout = if page.page.as_ref().is_some_and(|p| p.width != wanted) { relayout(page, wanted) } else { None };
    if let Some(text) = toast {
        state.toast(Level::Warn, text);
    }
    relayout.into_iter().collect()
}

/// Recompute `/` matches after the page or its layout changed.
pub fn refresh_matches(page: &mut DocPage) {
    page.search.matches = match (&page.page, page.search.query.is_empty()) {
        (Some(laid), false) => find_all(laid, &page.search.query),
        _ => Vec::new(),
    };
    page.search.current = page.search.current.min(page.search.matches.len().saturating_sub(1));
}

/// Ask for the page at a new width.
pub fn relayout(page: &mut DocPage, width: u16) -> Option<Effect> {
    page.width = width;
    let doc = page.doc.clone()?;
    Some(Effect::Docs(DocsEffect::Layout { request: page.request, doc, width }))
}

/// After a resize, a page laid out for another width is laid out again.
pub fn on_resize(page: &mut DocPage, width: u16) -> Vec<Effect> {
    let wanted = text_width(width, page.toc_visible && width >= TOC_SIDE_MIN);
    if page.width != wanted {
        return relayout(page, wanted).into_iter().collect();
    }
    Vec::new()
}

/// Copy with OSC 52 and say so.
pub fn copy(state: &mut State, text: String, what: &str) -> Vec<Effect> {
    if text.len() > crate::docs::clipboard::MAX_COPY {
        state.toast(Level::Warn, format!("The {what} is too large to copy through the terminal"));
        return Vec::new();
    }
    let lines = text.lines().count().max(1);
    let size = if lines > 1 { format!(" ({lines} lines)") } else { String::new() };
    state.toast(Level::Info, format!("Copied the {what}{size} to the clipboard (OSC 52)"));
    vec![Effect::Terminal(crate::effect::TerminalEffect::Copy { text })]
}

/// Open a URL in the browser, or over SSH show it and copy it.
pub fn browse(state: &mut State, url: String) -> Vec<Effect> {
    if state.docs.remote {
        state.toast(Level::Info, format!("No browser here; copied {url}"));
        return vec![Effect::Terminal(crate::effect::TerminalEffect::Copy { text: url })];
    }
    state.toast(Level::Info, format!("Opening {url}"));
    vec![Effect::Docs(DocsEffect::OpenBrowser { url })]
}

/// Links and code blocks in page order, for tab / shift-tab.
fn focusable(page: &DocPage) -> Vec<(usize, Focus)> {
    let Some(laid) = &page.page else { return Vec::new() };
    let mut items: Vec<(usize, Focus)> = laid
        .link_lines
        .iter()
        .enumerate()
        .filter(|(_, l)| **l != usize::MAX)
        .map(|(i, l)| (*l, Focus::Link(i)))
        .chain(laid.code_lines.iter().enumerate().map(|(i, (start, _))| (*start, Focus::Code(i))))
        .collect();
    items.sort_by_key(|(line, f)| (*line, matches!(f, Focus::Link(_))));
    items
}

fn move_focus(page: &mut DocPage, forward: bool, rows: usize) {
    let items = focusable(page);
    if items.is_empty() {
        return;
    }
    let current = page.focus.and_then(|f| items.iter().position(|(_, i)| *i == f));
    let next = match (current, forward) {
        (Some(i), true) => (i + 1) % items.len(),
        (Some(i), false) => (i + items.len() - 1) % items.len(),
        (None, true) => items.iter().position(|(l, _)| *l >= page.scroll).unwrap_or(0),
        (None, false) => items.iter().rposition(|(l, _)| *l < page.scroll + rows).unwrap_or(items.len() - 1),
    };
    page.focus = Some(items[next].1);
    show_line(page, items[next].0, rows);
}

pub fn on_command(page: &mut DocPage, state: &mut State, command: Command) -> Outcome {
    let mut close = false;
    let effects = page_command(page, state, command, &mut close);
    Outcome { effects, close }
}

fn page_command(page: &mut DocPage, state: &mut State, command: Command, close: &mut bool) -> Vec<Effect> {
    let rows = text_rows(state.height);
    let width = state.width;
    let server = state.docs.server.clone();
    if page.toc_focus {
        let headings = page.doc.as_ref().map_or(0, |d| d.headings.len());
        if crate::screens::move_cursor(&mut page.toc_selected, headings, command, rows) {
            return Vec::new();
        }
        match command {
            Command::Open => {
                if let (Some(doc), Some(laid)) = (&page.doc, &page.page) {
                    let line = laid.heading_line(doc, page.toc_selected);
                    page.scroll = line.min(max_scroll(page, rows));
                }
                page.toc_focus = false;
                if width < TOC_SIDE_MIN {
                    page.toc_visible = false;
                }
                return Vec::new();
            }
            Command::Back | Command::Toc => {
                page.toc_focus = false;
                page.toc_visible = false;
                return relayout_for(page, width);
            }
            _ => {}
        }
    }
    let before = page.scroll;
    let scroll_len = max_scroll(page, rows) + 1;
    if crate::screens::move_cursor(&mut page.scroll, scroll_len, command, rows) {
        if page.scroll != before {
            // Scrolling away drops a selection that is no longer on screen.
            page.focus =
                page.focus.filter(|f| focus_line(page, *f).is_some_and(|l| l >= page.scroll && l < page.scroll + rows));
        }
        return Vec::new();
    }
    match command {
        Command::Back => {
            if !page.search.query.is_empty() {
                page.search = Default::default();
            } else if page.focus.is_some() {
                page.focus = None;
            } else {
                *close = true;
            }
            Vec::new()
        }
        Command::Search => {
            page.search.typing = true;
            page.search.input.set_text("");
            Vec::new()
        }
        Command::NextMatch | Command::PrevMatch => {
            let n = page.search.matches.len();
            if n == 0 {
                let text = if page.search.query.is_empty() { "Press / to search the page" } else { "No match" };
                state.toast(Level::Info, text);
                return Vec::new();
            }
            page.search.current = if command == Command::NextMatch {
                (page.search.current + 1) % n
            } else {
                (page.search.current + n - 1) % n
            };
            let line = page.search.matches[page.search.current].line;
            show_line(page, line, rows);
            Vec::new()
        }
        Command::Toc => {
            if page.doc.as_ref().is_none_or(|d| d.headings.is_empty()) {
                state.toast(Level::Info, "This page has no headings");
                return Vec::new();
            }
            page.toc_selected = page.current_heading();
            page.toc_focus = true;
            page.toc_visible = true;
            relayout_for(page, width)
        }
        Command::NextLink | Command::PrevLink => {
            move_focus(page, command == Command::NextLink, rows);
            Vec::new()
        }
        Command::NextSection | Command::PrevSection => {
            let (Some(doc), Some(laid)) = (&page.doc, &page.page) else { return Vec::new() };
            let lines: Vec<usize> = (0..doc.headings.len()).map(|i| laid.heading_line(doc, i)).collect();
            let target = if command == Command::NextSection {
                lines.iter().find(|l| **l > page.scroll).copied()
            } else {
                lines.iter().rev().find(|l| **l < page.scroll).copied()
            };
            if let Some(line) = target {
                page.scroll = line.min(max_scroll(page, rows));
            }
            Vec::new()
        }
        Command::Open => follow(page, state, rows),
        Command::Copy => {
            let visible = page.scroll..page.scroll + rows;
            let focus = page.focus.or_else(|| {
                let laid = page.page.as_ref()?;
                laid.code_lines
                    .iter()
                    .position(|(s, e)| visible.contains(s) || (*s < visible.start && *e > visible.start))
                    .map(Focus::Code)
            });
            match focus {
                Some(Focus::Code(i)) => {
                    let text = page
                        .doc
                        .as_ref()
                        .and_then(|d| d.code_blocks.get(i))
                        .map(|c| c.text.clone())
                        .unwrap_or_default();
                    copy(state, text, "code block")
                }
                Some(Focus::Link(i)) => {
                    let url = link_url(page, i, server.as_deref());
                    copy(state, url, "link")
                }
                None => {
                    state.toast(Level::Info, "Select a code block or link with tab, then copy");
                    Vec::new()
                }
            }
        }
        Command::OpenBrowser => {
            let url = match page.focus {
                Some(Focus::Link(i)) => link_url(page, i, server.as_deref()),
                _ => page.target.browser_url(server.as_deref()),
            };
            browse(state, url)
        }
        Command::Reload => {
            let (target, title, entity) = (page.target.clone(), page.title.clone(), page.entity.clone());
            *close = true;
            open_page(state, target, title, entity, None)
        }
        _ => Vec::new(),
    }
}

fn relayout_for(page: &mut DocPage, width: u16) -> Vec<Effect> {
    let wanted = text_width(width, page.toc_visible && width >= TOC_SIDE_MIN);
    if page.width == wanted {
        return Vec::new();
    }
    relayout(page, wanted).into_iter().collect()
}

fn focus_line(page: &DocPage, focus: Focus) -> Option<usize> {
    let laid = page.page.as_ref()?;
    match focus {
        Focus::Link(i) => laid.link_lines.get(i).copied(),
        Focus::Code(i) => laid.code_lines.get(i).map(|(s, _)| *s),
    }
}

/// The absolute address of link `i`, for copying or a browser.
fn link_url(page: &DocPage, i: usize, server: Option<&str>) -> String {
    let href = page.doc.as_ref().and_then(|d| d.links.get(i)).map(|l| l.href.clone()).unwrap_or_default();
    match resolve(&page.target, &href) {
        LinkAction::Anchor(anchor) => format!("{}#{anchor}", page.target.browser_url(server)),
        LinkAction::Open(target, anchor) => {
            let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            format!("{}{anchor}", target.browser_url(server))
        }
        LinkAction::External(url) => url,
        LinkAction::Refused(_) => href,
    }
}

/// Enter on the selected link: anchors scroll, doc pages open here, web
/// pages go to the browser.
fn follow(page: &mut DocPage, state: &mut State, rows: usize) -> Vec<Effect> {
    if page.status != PageStatus::Ready {
        return Vec::new();
    }
    let Some(Focus::Link(i)) = page.focus else {
        state.toast(Level::Info, "Select a link with tab first");
        return Vec::new();
    };
    let Some(link) = page.doc.as_ref().and_then(|d| d.links.get(i)).cloned() else { return Vec::new() };
    match resolve(&page.target, &link.href) {
        LinkAction::Anchor(anchor) => {
            jump_to_anchor(page, &anchor, rows);
            Vec::new()
        }
        LinkAction::Open(target, anchor) => {
            let entity = page.entity.clone();
            let title = if link.text.is_empty() { target.label() } else { link.text.clone() };
            open_page(state, target, title, entity, anchor)
        }
        LinkAction::External(url) => browse(state, url),
        LinkAction::Refused(reason) => {
            state.toast(Level::Warn, format!("Not followed: {reason}"));
            Vec::new()
        }
    }
}

/// Typing after `/`: incremental, jumping to the first match below the view.
pub fn on_search_key(page: &mut DocPage, state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let command = state.keymap.lookup(Context::SearchInput, &key);
    let rows = text_rows(state.height);
    match (command, key.code) {
        (Some(Command::AcceptSearch), _) => {
            page.search.typing = false;
            if page.search.matches.is_empty() && !page.search.query.is_empty() {
                let q = page.search.query.clone();
                state.toast(Level::Info, format!("`{q}` is not on this page"));
            }
            return Vec::new();
        }
        (Some(Command::ClearSearch), _) => {
            page.search = Default::default();
            return Vec::new();
        }
        // Backspace on an empty query leaves the input, as in less and vim.
        (_, KeyCode::Backspace) if page.search.input.is_empty() => {
            page.search.typing = false;
            return Vec::new();
        }
        _ => {
            if page.search.input.on_key(key) != InputOutcome::Changed {
                return Vec::new();
            }
        }
    }
    on_search_changed(page, rows);
    Vec::new()
}

/// A paste into the page's `/` input.
pub fn on_search_paste(page: &mut DocPage, state: &State, text: &str) -> Vec<Effect> {
    if page.search.typing && page.search.input.paste(text) == InputOutcome::Changed {
        on_search_changed(page, text_rows(state.height));
    }
    Vec::new()
}

fn on_search_changed(page: &mut DocPage, rows: usize) {
    page.search.query = page.search.input.text();
    refresh_matches(page);
    page.search.current = first_from(&page.search.matches, page.scroll);
    if let Some(m) = page.search.matches.get(page.search.current).copied() {
        show_line(page, m.line, rows);
    }
}
