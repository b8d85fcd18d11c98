//! Recall of past searches (`/`) and palette commands (`:`) with Up and
//! Down, kept per source across runs in a small file in the state dir
//! (mode 0600: queries can name what someone was looking into).

use std::path::{Path, PathBuf};

/// Entries kept per input, oldest dropped first.
pub const KEPT: usize = 200;

/// One input's history and where Up/Down have got to.
#[derive(Debug, Default, Clone)]
pub struct History {
    /// Oldest first.
    pub entries: Vec<String>,
    /// Index of the entry shown while browsing; None when not browsing.
    cursor: Option<usize>,
    /// What was typed before browsing began, given back past the newest.
    draft: String,
}

impl History {
    /// Remember an entry (a repeat moves to the end).
    pub fn push(&mut self, entry: &str) {
        let entry = entry.trim();
        self.cursor = None;
        if entry.is_empty() || entry.contains('\n') {
            return;
        }
        self.entries.retain(|e| e != entry);
        self.entries.push(entry.to_string());
        if self.entries.len() > KEPT {
            self.entries.remove(0);
        }
    }

    pub fn browsing(&self) -> bool {
        self.cursor.is_some()
    }

    /// Stop browsing (the user typed).
    pub fn reset(&mut self) {
        self.cursor = None;
    }

    /// Up: the entry before the one shown (the newest first), or None at the oldest.
    pub fn older(&mut self, typed: &str) -> Option<String> {
        let next = match self.cursor {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = typed.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        Some(self.entries[next].clone())
    }

    /// Down: the entry after the one shown; past the newest, what was typed.
    pub fn newer(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 < self.entries.len() {
            self.cursor = Some(i + 1);
            Some(self.entries[i + 1].clone())
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }
}

/// The file for a source: `history/<cache name>.txt` in the state dir.
pub fn path_for(source: &crate::source::Source) -> PathBuf {
    let cache = source.cache_path();
    let name = cache.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "default".into());
    crate::paths::state_dir().join("history").join(format!("{name}.txt"))
}

/// Read both histories: lines `/ query` and `: command`. A missing or
/// unreadable file is an empty history.
pub fn load(path: &Path) -> (History, History) {
    let (mut search, mut palette) = (History::default(), History::default());
    if let Ok(text) = std::fs::read_to_string(path) {
        for line in text.lines() {
            if let Some(q) = line.strip_prefix("/ ") {
                search.push(q);
            } else if let Some(c) = line.strip_prefix(": ") {
                palette.push(c);
            }
        }
    }
    (search, palette)
}

/// Write both histories, readable by the user only.
pub fn save(path: &Path, search: &History, palette: &History) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = String::new();
    for q in &search.entries {
        text.push_str(&format!("/ {q}\n"));
    }
    for c in &palette.entries {
        text.push_str(&format!(": {c}\n"));
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    #[cfg(unix)]
    {
        // An older file made with other permissions is tightened too.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_walk_the_entries_and_give_back_the_draft() {
        let mut h = History::default();
        h.push("kind:api");
        h.push("owner:team-a");
        h.push("kind:api"); // a repeat moves to the end
        assert_eq!(h.entries, vec!["owner:team-a", "kind:api"]);
        assert_eq!(h.older("pay").as_deref(), Some("kind:api"));
        assert_eq!(h.older("").as_deref(), Some("owner:team-a"));
        assert_eq!(h.older(""), None);
        assert_eq!(h.newer().as_deref(), Some("kind:api"));
        assert_eq!(h.newer().as_deref(), Some("pay"));
        assert!(!h.browsing());
        assert_eq!(h.newer(), None);
    }

    #[test]
    fn saved_with_mode_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history/demo.txt");
        let (mut s, mut p) = (History::default(), History::default());
        s.push("kind:api pay");
        p.push("instance prod");
        save(&path, &s, &p).unwrap();
        let (s2, p2) = load(&path);
        assert_eq!(s2.entries, vec!["kind:api pay"]);
        assert_eq!(p2.entries, vec!["instance prod"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
