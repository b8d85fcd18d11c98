//! Configuration: TOML with every key documented in config.example.toml.
//! Defaults are built in; a user file is layered on top. Errors name the
//! file, the line and the key, in words a user can act on.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who "me" is, for "owned by me": a user ref such as `user:default/jane-doe`.
    #[serde(default)]
    pub me: Option<String>,
    /// Instance opened when neither --instance, --demo nor --catalog-dir is given.
    #[serde(default)]
    pub default_instance: Option<String>,
    /// Seconds between background syncs in the TUI; 0 turns periodic sync off.
    #[serde(default)]
    pub sync_interval: u64,
    /// `color` (default) or `mono`; NO_COLOR in the environment forces mono.
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default, rename = "instance")]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub runbooks: Runbooks,
    /// Hide dangerous actions and Backstage's destructive ones (also `--read-only`).
    #[serde(default)]
    pub read_only: bool,
    /// The user's own commands, one `[[action]]` table each.
    #[serde(default, rename = "action")]
    pub actions: Vec<crate::actions::ActionConfig>,
    /// Backstage's Actions Registry and the built-in actions' settings.
    #[serde(default)]
    pub actions_settings: crate::actions::BackstageActions,
    /// Key overrides: `"list.search" = "ctrl-f"`.
    #[serde(default)]
    pub keys: std::collections::BTreeMap<String, String>,
    /// Health probes (src/health/config.rs).
    #[serde(default)]
    pub health: crate::health::HealthConfig,
    /// Problems worth a warning but not a refusal (file permissions).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One Backstage server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    pub url: String,
    /// Where people open Backstage in a browser, when the frontend is not
    /// served from `url` (the backend's address); `callboard open` uses it.
    #[serde(default)]
    pub web_url: Option<String>,
    /// Name of the environment variable holding the token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// File whose first line is the token.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Command (argv, no shell) that prints a token, re-run when one is rejected.
    #[serde(default)]
    pub token_command: Option<Vec<String>>,
    /// Extra PEM CA bundle to trust.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for a connection.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout: u64,
    /// Seconds to wait for one response.
    #[serde(default = "default_request_timeout")]
    pub request_timeout: u64,
    /// Entities per page when syncing.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// Most HTTP requests one sync may send, retries included.
    #[serde(default = "default_sync_max_requests")]
    pub sync_max_requests: u64,
    /// Most seconds one sync may take, waits for Retry-After included.
    #[serde(default = "default_sync_timeout")]
    pub sync_timeout: u64,
    /// Accept any TLS certificate from this instance (and any host name in
    /// it). Off by default; when on, every run warns and the TUI's status bar
    /// says so for as long as this instance is the source. For a private CA,
    /// `ca_file` is the safe choice.
    #[serde(default)]
    pub insecure_skip_tls_verify: bool,
}

fn default_connect_timeout() -> u64 {
    5
}
fn default_request_timeout() -> u64 {
    30
}
fn default_page_size() -> usize {
    500
}
/// A 250k catalog takes ≈ 1,000 requests at the default page size; ten
/// times that is room for retries, never a server paging forever.
fn default_sync_max_requests() -> u64 {
    10_000
}
/// A 250k full sync takes well under a minute on loopback; ten minutes
/// allows a slow server, not one that never ends.
fn default_sync_timeout() -> u64 {
    600
}

/// Where runbooks are found besides links that say "runbook".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runbooks {
    #[serde(default = "default_runbook_annotations")]
    pub annotations: Vec<String>,
}

impl Default for Runbooks {
    fn default() -> Self {
        Runbooks { annotations: default_runbook_annotations() }
    }
}

fn default_runbook_annotations() -> Vec<String> {
    vec!["runbook.url".into(), "callboard/runbook".into()]
}

/// A configuration that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("config {path}, line {line}, column {column}: {message}")]
    Parse { path: PathBuf, line: usize, column: usize, message: String },
    #[error("config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// The default config file location (XDG config dir).
    pub fn default_path() -> Option<PathBuf> {
        crate::paths::project_dirs().map(|d| d.config_dir().join("config.toml"))
    }

    /// Load the given file, or the default one when it exists, or defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        match explicit {
            Some(path) => Config::from_file(path),
            None => match Config::default_path() {
                Some(path) if path.exists() => Config::from_file(&path),
                _ => Ok(Config::default()),
            },
        }
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::Read { path: path.to_path_buf(), message: e.to_string() })?;
        let mut config = Config::from_str_at(&text, path)?;
        config.warnings = permission_warnings(path, &config);
        Ok(config)
    }

    pub fn from_str_at(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|span| line_col(text, span.start)).unwrap_or((1, 1));
            ConfigError::Parse { path: path.to_path_buf(), line, column, message: e.message().to_string() }
        })?;
        config.check(text, path)?;
        Ok(config)
    }

    /// Rules serde cannot express.
    fn check(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(String::new(), |i| format!(" (line {})", i + 1));
            ConfigError::Invalid { path: path.to_path_buf(), message: format!("{key}{line}: {message}") }
        };
        let mut names = std::collections::HashSet::new();
        for inst in &self.instances {
            if !names.insert(inst.name.as_str()) {
                return Err(invalid("name", format!("instance `{}` is defined twice", inst.name)));
            }
            if !(inst.url.starts_with("http://") || inst.url.starts_with("https://")) {
                return Err(invalid(
                    "url",
                    format!("instance `{}`: url must start with http:// or https://, got `{}`", inst.name, inst.url),
                ));
            }
            let sources = [inst.token_env.is_some(), inst.token_file.is_some(), inst.token_command.is_some()];
            if sources.iter().filter(|s| **s).count() > 1 {
                return Err(invalid(
                    "token_",
                    format!("instance `{}`: give only one of token_env, token_file, token_command", inst.name),
                ));
            }
            if inst.token_command.as_ref().is_some_and(|c| c.is_empty()) {
                return Err(invalid("token_command", format!("instance `{}`: token_command is empty", inst.name)));
            }
            if inst.page_size == 0 || inst.page_size > 10_000 {
                return Err(invalid("page_size", format!("instance `{}`: page_size must be 1..=10000", inst.name)));
            }
            if inst.sync_max_requests == 0 {
                return Err(invalid("sync_max_requests", format!("instance `{}`: must be at least 1", inst.name)));
            }
            if inst.sync_timeout == 0 {
                return Err(invalid("sync_timeout", format!("instance `{}`: must be at least 1 second", inst.name)));
            }
        }
        if let Some(me) = &self.me {
            if crate::catalog::EntityRef::parse(me, Some("user"), "default").is_err() {
                return Err(invalid("me", format!("`{me}` is not an entity ref like user:default/jane-doe")));
            }
        }
        if let Some(theme) = &self.theme {
            if theme != "color" && theme != "mono" {
                return Err(invalid("theme", format!("`{theme}` is not a theme; use \"color\" or \"mono\"")));
            }
        }
        if let Err(message) = self.health.check() {
            return Err(invalid("[health", message));
        }
        if let Some(default) = &self.default_instance {
            if !self.instances.iter().any(|i| &i.name == default) {
                return Err(invalid("default_instance", format!("no [[instance]] is named `{default}`")));
            }
        }
        if let Err((index, key, message)) = crate::actions::config::check(&self.actions) {
            // The line of the offending key inside that action's table.
            let line = action_line(text, Some(index), &key);
            let at = line.map_or(String::new(), |l| format!(" (line {l})"));
            return Err(ConfigError::Invalid { path: path.to_path_buf(), message: format!("{message}{at}") });
        }
        Ok(())
    }

    pub fn instance(&self, name: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.name == name)
    }
}

/// A config that names a token file should be readable by its owner only,
/// and so should the token file: either one open to the group or to
/// everyone points others at the token.
pub fn permission_warnings(path: &Path, config: &Config) -> Vec<String> {
    let mut warnings = Vec::new();
    let files: Vec<&PathBuf> = config.instances.iter().filter_map(|i| i.token_file.as_ref()).collect();
    if files.is_empty() {
        return warnings;
    }
    let mut check = |file: &Path, what: &str| {
        if let Some(mode) = group_or_world_readable(file) {
            warnings.push(format!(
                "{what} {} can be read by {} (mode {mode:o}); run `chmod 600 {}`",
                file.display(),
                if mode & 0o004 != 0 { "everyone" } else { "its group" },
                file.display()
            ));
        }
    };
    check(path, "config file (it names a token_file)");
    for file in files {
        check(file, "token_file");
    }
    warnings
}

/// The permission bits when group or others may read the file.
fn group_or_world_readable(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o044 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The line of `key` in the `index`th `[[action]]` table, 1-based.
fn action_line(text: &str, index: Option<usize>, key: &str) -> Option<usize> {
    let mut seen = None::<usize>;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with("[[action]]") {
            seen = Some(seen.map_or(0, |s| s + 1));
        } else if line.starts_with('[') {
            seen = seen.filter(|_| line.starts_with("[[action.") || line.starts_with("[action."));
        }
        if seen == index && line.starts_with(key) {
            return Some(i + 1);
        }
    }
    None
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_str_at(text, Path::new("/etc/cb.toml"))
    }

    #[test]
    fn the_example_config_is_valid() {
        let text = include_str!("../config.example.toml");
        let config = parse(text).unwrap();
        assert!(!config.instances.is_empty());
        assert!(!config.health.prometheus.is_empty() && !config.health.command.is_empty());
        assert!(config.health.pagerduty.is_some() && config.health.kubernetes.is_some());
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err = parse("me = \"user:jane\"\n\n[[instance]]\nname = \"prod\"\nurl = \"https://b\"\ntokn_env = \"X\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/etc/cb.toml, line 6"), "{err}");
        assert!(err.contains("tokn_env"), "{err}");
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse("sync_interval = \"often\"\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_readable_config_naming_a_token_file_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (config, token) = (dir.path().join("config.toml"), dir.path().join("token"));
        std::fs::write(&token, "t0ken\n").unwrap();
        let text = format!("[[instance]]\nname = \"a\"\nurl = \"http://x\"\ntoken_file = \"{}\"\n", token.display());
        std::fs::write(&config, text).unwrap();
        let chmod = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        chmod(&config, 0o600);
        chmod(&token, 0o600);
        assert!(Config::from_file(&config).unwrap().warnings.is_empty());
        chmod(&config, 0o644);
        chmod(&token, 0o640);
        let warnings = Config::from_file(&config).unwrap().warnings;
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("can be read by everyone (mode 644); run `chmod 600"), "{warnings:?}");
        assert!(warnings[1].starts_with("token_file ") && warnings[1].contains("its group"), "{warnings:?}");
        assert!(!warnings.concat().contains("t0ken"));
    }

    #[test]
    fn semantic_errors() {
        let cases = [
            ("[[instance]]\nname = \"a\"\nurl = \"ftp://x\"\n", "url must start with http"),
            (
                "[[instance]]\nname = \"a\"\nurl = \"http://x\"\n[[instance]]\nname = \"a\"\nurl = \"http://y\"\n",
                "defined twice",
            ),
            ("[[instance]]\nname = \"a\"\nurl = \"http://x\"\ntoken_env = \"A\"\ntoken_file = \"/f\"\n", "only one of"),
            ("theme = \"pink\"\n", "not a theme"),
            ("default_instance = \"nope\"\n", "no [[instance]] is named"),
            ("me = \"a:b:c\"\n", "not an entity ref"),
            ("[health]\nper_host = 0\n", "health.concurrency and health.per_host"),
            ("[[health.prometheus]]\nurl = \"x\"\n", "not an http:// or https:// URL"),
        ];
        for (text, want) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn action_errors_name_the_action_the_key_and_the_line() {
        let cases = [
            ("[[action]]\nname = \"a\"\ncommand = []\n", "action `a`: command", "line 3"),
            (
                "[[action]]\nname = \"a\"\ncommand = [\"x\", \"{{ nmae }}\"]\n",
                "`{{ nmae }}` is not a placeholder",
                "line 3",
            ),
            (
                "[[action]]\nname = \"a\"\ncommand = [\"x\", \"{{ input.n }}\"]\n",
                "names no entry of `inputs`",
                "line 3",
            ),
            ("[[action]]\nname = \"a\"\nkey = \"ctrl-\"\ncommand = [\"x\"]\n", "action `a`: key", "line 3"),
            (
                "[[action]]\nname = \"a\"\ncommand = [\"x\"]\n[[action]]\nname = \"a\"\ncommand = [\"y\"]\n",
                "is defined twice",
                "line 5",
            ),
            (
                "[[action]]\nname = \"a\"\ncommand = [\"x\"]\n[[action.inputs]]\nname = \"env\"\ntype = \"select\"\n",
                "select with no options",
                "",
            ),
        ];
        for (text, want, line) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(want) && err.contains(line), "{text:?}: {err}");
        }
        let err = parse("[[action]]\nname = \"a\"\ncommand = [\"x\"]\nmode = \"shell\"\n").unwrap_err().to_string();
        assert!(err.contains("line 4") && err.contains("shell"), "{err}");
    }
}
