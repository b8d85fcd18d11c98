//! TechDocs and search endpoints: site metadata, static pages, and
//! `/api/search/query`. Same client, auth and retries as the catalog.

use super::{BackstageError, Client};
use crate::docs::search::{POST_TAG, PRE_TAG, TYPES};
use crate::docs::target::Triplet;
use reqwest::Method;
use serde_json::Value;

/// A path segment safe to put in a URL as is: no dot segments, no `?`/`#`,
/// so a link on a hostile page cannot steer the token to another endpoint.
fn safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && segment.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
}

fn checked(triplet: &Triplet, page: &str) -> Result<String, BackstageError> {
    let parts = [triplet.namespace.as_str(), triplet.kind.as_str(), triplet.name.as_str()];
    let page_ok = page.split('/').filter(|s| !s.is_empty()).all(safe_segment);
    if parts.iter().all(|p| safe_segment(p)) && page_ok {
        Ok(triplet.path())
    } else {
        Err(BackstageError::BadUrl {
            url: format!("{}/{page}", triplet.path()),
            detail: "not a TechDocs page address".into(),
        })
    }
}

impl Client {
    /// `techdocs_metadata.json` of an entity's site: name and file list.
    pub async fn techdocs_metadata(&self, triplet: &Triplet) -> Result<Value, BackstageError> {
        let path = checked(triplet, "")?;
        self.request_json(Method::GET, &format!("api/techdocs/metadata/techdocs/{path}"), &[], None).await
    }

    /// One page of the site as HTML; `page` is `` or `runbook/`.
    pub async fn techdocs_page(&self, triplet: &Triplet, page: &str) -> Result<Vec<u8>, BackstageError> {
        let path = checked(triplet, page)?;
        self.request_bytes(&format!("api/techdocs/static/docs/{path}/{page}index.html"), &[]).await
    }

    /// One page of search results for the catalog and TechDocs, with our
    /// highlight tags. A server without the TechDocs collator rejects that
    /// type (400), so it is asked again for the catalog alone.
    pub async fn search(&self, term: &str, cursor: Option<&str>) -> Result<Value, BackstageError> {
        match self.search_types(term, cursor, &TYPES).await {
            Err(BackstageError::Status { status: 400, .. }) => self.search_types(term, cursor, &TYPES[..1]).await,
            other => other,
        }
    }

    async fn search_types(&self, term: &str, cursor: Option<&str>, types: &[&str]) -> Result<Value, BackstageError> {
        let mut query = vec![("term", term.to_string())];
        let names = ["types[0]", "types[1]"];
        for (name, t) in names.iter().zip(types) {
            query.push((name, t.to_string()));
        }
        query.push(("preTag", PRE_TAG.to_string()));
        query.push(("postTag", POST_TAG.to_string()));
        if let Some(cursor) = cursor {
            query.push(("pageCursor", cursor.to_string()));
        }
        self.request_json(Method::GET, "api/search/query", &query, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_addresses_are_checked() {
        let t = Triplet::new("default", "component", "orders-api");
        assert!(checked(&t, "runbook/").is_ok());
        assert!(checked(&t, "").is_ok());
        assert!(checked(&t, "../../catalog/").is_err());
        assert!(checked(&t, "a?b/").is_err());
        assert!(checked(&Triplet::new("..", "component", "x"), "").is_err());
    }
}
