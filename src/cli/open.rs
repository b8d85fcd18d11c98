//! `callboard open REF`: the entity's page in Backstage, in a browser; over
//! SSH or with no display, the address is printed (and copied with OSC 52
//! when stdout is a terminal) instead.

use super::{resolve::resolve, Exit, EXIT_NOT_FOUND, EXIT_USAGE};
use crate::catalog::{Catalog, EntityRef};
use crate::docs::clipboard::{copy_to_terminal, is_remote_session};
use crate::source::Source;
use std::io::{IsTerminal, Write};

/// The entity page on a Backstage frontend: `{web}/catalog/{namespace}/{kind}/{name}`.
pub fn entity_page_url(web: &str, entity: &EntityRef) -> String {
    let part = |s: &str| utf8_percent_encode(&s.to_ascii_lowercase());
    format!(
        "{}/catalog/{}/{}/{}",
        web.trim_end_matches('/'),
        part(&entity.namespace),
        part(&entity.kind),
        part(&entity.name)
    )
}

/// Entity names are `[a-z0-9A-Z-_.]`, but a hostile catalog is not bound
/// by that: anything else is escaped so the address stays one address.
fn utf8_percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn run(source: &Source, catalog: &Catalog, text: &str, out: &mut impl Write) -> Result<(), Exit> {
    let Source::Instance(instance) = source else {
        return Err(Exit::new(
            EXIT_USAGE,
            format!("{} has no Backstage web page; use --instance NAME for a Backstage instance", source.label()),
        ));
    };
    // A full ref needs no cache: the alert may name an entity the last sync has not seen yet.
    let entity = match resolve(catalog, text) {
        Ok(s) => s.entity_ref(),
        Err(err) if err.code == EXIT_NOT_FOUND && text.contains(':') => {
            EntityRef::parse(text, None, "default").map_err(|_| err)?
        }
        Err(err) => return Err(err),
    };
    let web = instance.web_url.as_deref().unwrap_or(&instance.url);
    let url = entity_page_url(web, &entity);
    let io = |e: std::io::Error| Exit::from(anyhow::Error::from(e));
    if is_remote_session(|k| std::env::var(k).ok()) {
        writeln!(out, "{url}").map_err(io)?;
        if std::io::stdout().is_terminal() {
            let _ = copy_to_terminal(&url);
            eprintln!("callboard: no local browser here; the address above is copied to the clipboard");
        }
        return Ok(());
    }
    match open::that_detached(&url) {
        Ok(()) => eprintln!("callboard: opened {url}"),
        Err(e) => {
            eprintln!("callboard: cannot open a browser ({e})");
            writeln!(out, "{url}").map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_page_addresses() {
        let r = EntityRef::new("Component", "default", "payments-api");
        assert_eq!(
            entity_page_url("https://backstage.example.com/", &r),
            "https://backstage.example.com/catalog/default/component/payments-api"
        );
        let odd = EntityRef::new("component", "default", "a b/../x");
        assert_eq!(entity_page_url("http://h", &odd), "http://h/catalog/default/component/a%20b%2F..%2Fx");
    }
}
