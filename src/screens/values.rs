//! Values worth acting on where they are shown: an owner's email, a chat or
//! on-call link, a member, a relation, an annotation that is a URL or a ref.
//! Every screen that shows one builds a [`Value`] for it, and `y` (copy),
//! `o` (open) and `enter` (follow) act on it the same way everywhere.

use crate::effect::{Effect, TerminalEffect};
use crate::msg::Level;
use crate::state::State;

/// Where following a value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An entity of the catalog (or a dangling ref): its page.
    Ref(String),
    /// An address for the browser (http, https, mailto).
    Url(String),
    /// Nothing to follow: only copied.
    None,
}

/// One selectable value: what `y` copies and where `o`/`enter` go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub copy: String,
    pub target: Target,
}

impl Value {
    /// An entity ref: copied as a full ref, followed to its page.
    pub fn entity(key: &str) -> Value {
        Value { copy: crate::cli::resolve::display_ref(key), target: Target::Ref(key.to_string()) }
    }

    /// A person or group: the email is what one copies, the page what one follows.
    pub fn person(key: &str, email: &str) -> Value {
        let copy = if email.is_empty() { crate::cli::resolve::display_ref(key) } else { email.to_string() };
        Value { copy, target: Target::Ref(key.to_string()) }
    }

    pub fn email(address: &str) -> Value {
        Value { copy: address.to_string(), target: Target::Url(format!("mailto:{address}")) }
    }

    /// Text as shown: a web address opens in the browser; an email address
    /// opens the mail client; a ref the catalog holds opens its page;
    /// anything else is only copied.
    pub fn guess(text: &str, catalog: &crate::catalog::Catalog) -> Value {
        let text = text.trim();
        // Backstage's location form: `url:https://…` is the address.
        let text = match text.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("url:") && text[4..].contains("://") => &text[4..],
            _ => text,
        };
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Value { copy: text.to_string(), target: Target::Url(text.to_string()) };
        }
        if let Some(address) = lower.strip_prefix("mailto:") {
            return Value::email(&text[text.len() - address.len()..]);
        }
        if looks_like_email(text) {
            return Value::email(text);
        }
        if let Ok(r) = crate::catalog::EntityRef::parse(text, None, "default") {
            if catalog.get(&r.key()).is_some() {
                return Value::entity(&r.key());
            }
        }
        Value { copy: text.to_string(), target: Target::None }
    }
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace) && !text.contains('/')
        }
        None => false,
    }
}

/// `y`: copy through the terminal (OSC 52, works over SSH); the toast shows
/// the value so the user sees what went to the clipboard.
pub fn copy(state: &mut State, value: &Value) -> Vec<Effect> {
    if value.copy.len() > crate::docs::clipboard::MAX_COPY {
        state.toast(Level::Warn, "Too large to copy through the terminal");
        return Vec::new();
    }
    state.toast(Level::Info, format!("Copied {}", value.copy));
    vec![Effect::Terminal(TerminalEffect::Copy { text: value.copy.clone() })]
}

/// `enter` and `o`: a ref opens its page (a dangling one says so), an
/// address opens in the browser (over SSH: shown and copied), plain text is
/// copied.
pub fn follow(state: &mut State, value: &Value) -> Vec<Effect> {
    match &value.target {
        Target::Ref(key) if state.catalog.get(key).is_some() => super::entity::open(state, key),
        Target::Ref(key) => {
            state.toast(Level::Warn, format!("{} is not in the catalog (dangling reference)", value_label(key)));
            Vec::new()
        }
        Target::Url(url) => super::doc::page::browse(state, url.clone()),
        Target::None => copy(state, value),
    }
}

fn value_label(key: &str) -> String {
    crate::cli::resolve::display_ref(key)
}

/// `Y`: the ref of the entity in front, from any screen.
pub fn copy_ref_in_front(state: &mut State) -> Vec<Effect> {
    match super::entity_in_front(state) {
        Some(key) => copy(state, &Value::entity(&key)),
        None => {
            state.toast(Level::Warn, "No entity here to copy");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_what_text_is() {
        let catalog = crate::catalog::Catalog::default();
        assert_eq!(Value::guess("https://x.io/a", &catalog).target, Target::Url("https://x.io/a".into()));
        assert_eq!(Value::guess("a@b.io", &catalog).target, Target::Url("mailto:a@b.io".into()));
        assert_eq!(Value::guess("mailto:a@b.io", &catalog).copy, "a@b.io");
        assert_eq!(Value::guess("group:default/nope", &catalog).target, Target::None);
        assert_eq!(Value::guess("PD123", &catalog).target, Target::None);
        let location = Value::guess("url:https://github.com/o/r/tree/main/", &catalog);
        assert_eq!(location.target, Target::Url("https://github.com/o/r/tree/main/".into()));
    }
}
