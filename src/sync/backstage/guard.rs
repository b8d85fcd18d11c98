//! Holding a paging server to its word. Cursor paging ends only when the
//! server says so; a server that repeats a cursor, or keeps sending items
//! past the `totalItems` it announced, would keep a sync running (and its
//! memory growing) forever. Each page is checked here, and the first broken
//! promise ends the sync with an error that names the server's fault.

use crate::backstage::BackstageError;
use std::collections::HashSet;
use std::hash::BuildHasher;

/// What one listing has received so far.
pub(super) struct PageGuard {
    url: String,
    pages: usize,
    items: usize,
    /// The largest `totalItems` any page announced (it may grow during a sync).
    announced: Option<usize>,
    /// Items on the first page that had a next one: the server's page size.
    page_len: Option<usize>,
    /// Hashes of the cursors followed: 8 bytes each, whatever a cursor's length.
    cursors: HashSet<u64>,
    hasher: std::collections::hash_map::RandomState,
}

impl PageGuard {
    pub(super) fn new(base_url: &str) -> PageGuard {
        PageGuard {
            url: format!("{base_url}api/catalog/entities/by-query"),
            pages: 0,
            items: 0,
            announced: None,
            page_len: None,
            cursors: HashSet::new(),
            hasher: Default::default(),
        }
    }

    /// Check one page: its item count, its `totalItems` and its next cursor.
    pub(super) fn page(
        &mut self,
        items: usize,
        total: Option<usize>,
        next: Option<&str>,
    ) -> Result<(), BackstageError> {
        self.pages += 1;
        self.items += items;
        if let Some(total) = total {
            self.announced = Some(self.announced.map_or(total, |a| a.max(total)));
        }
        if let Some(total) = self.announced {
            if self.items > total {
                return Err(self.fault(format!(
                    "it sent {} entities in {} pages after announcing totalItems = {total}",
                    self.items, self.pages
                )));
            }
        }
        let Some(cursor) = next else { return Ok(()) };
        if items > 0 && self.page_len.is_none() {
            self.page_len = Some(items);
        }
        if let (Some(total), Some(len)) = (self.announced, self.page_len) {
            // One spare page for a catalog that grows by a page meanwhile.
            let allowed = total.div_ceil(len) + 1;
            if self.pages > allowed {
                return Err(self.fault(format!(
                    "it announced totalItems = {total} in pages of {len} (at most {allowed} pages), yet page {} has a next cursor",
                    self.pages
                )));
            }
        }
        if !self.cursors.insert(self.hasher.hash_one(cursor)) {
            return Err(self.fault(format!(
                "page {} gave a nextCursor it had already given; following it would loop forever",
                self.pages
            )));
        }
        Ok(())
    }

    fn fault(&self, detail: String) -> BackstageError {
        BackstageError::ServerFault { url: self.url.clone(), detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_honest_listing_passes() {
        let mut guard = PageGuard::new("http://h/");
        guard.page(500, Some(1200), Some("c1")).unwrap();
        guard.page(500, Some(1200), Some("c2")).unwrap();
        guard.page(200, Some(1200), None).unwrap();
    }

    #[test]
    fn a_catalog_growing_during_the_sync_is_not_a_fault() {
        let mut guard = PageGuard::new("http://h/");
        guard.page(2, Some(3), Some("c1")).unwrap();
        guard.page(2, Some(5), Some("c2")).unwrap();
        guard.page(1, Some(5), None).unwrap();
    }

    #[test]
    fn a_repeated_cursor_is_the_servers_fault() {
        let mut guard = PageGuard::new("http://h/");
        guard.page(2, None, Some("same")).unwrap();
        let err = guard.page(2, None, Some("same")).unwrap_err().to_string();
        assert!(err.starts_with("the server at http://h/api/catalog/entities/by-query is at fault"), "{err}");
        assert!(err.contains("page 2 gave a nextCursor it had already given"), "{err}");
    }

    #[test]
    fn more_items_or_pages_than_announced_is_the_servers_fault() {
        let mut guard = PageGuard::new("http://h/");
        guard.page(2, Some(3), Some("a")).unwrap();
        let err = guard.page(2, Some(3), Some("b")).unwrap_err().to_string();
        assert!(err.contains("sent 4 entities in 2 pages after announcing totalItems = 3"), "{err}");

        // Pages of one item when two were promised per page.
        let mut guard = PageGuard::new("http://h/");
        guard.page(2, Some(4), Some("a")).unwrap();
        guard.page(0, Some(4), Some("b")).unwrap();
        guard.page(0, Some(4), Some("c")).unwrap();
        let err = guard.page(0, Some(4), Some("d")).unwrap_err().to_string();
        assert!(err.contains("at most 3 pages"), "{err}");
    }
}
