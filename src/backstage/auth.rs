//! Where the bearer token comes from, and keeping it out of sight: the token
//! lives in a [`Token`] whose Debug prints nothing, and no error message
//! includes it (a failing token_command's stdout is never shown).

use super::error::BackstageError;
use crate::config::Instance;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long a token_command may take before we give up on it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A bearer token. Debug and Display never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub(crate) fn header_value(&self) -> Result<reqwest::header::HeaderValue, ()> {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(|_| ())?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl Token {
    /// `text` with every copy of the token replaced: a server may echo the
    /// token it was sent in an error body or a Location header.
    pub(crate) fn redact(&self, text: String) -> String {
        if self.0.is_empty() || !text.contains(&self.0) {
            return text;
        }
        text.replace(&self.0, "[redacted]")
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// One of the instance's token settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    None,
    Env(String),
    File(PathBuf),
    Command(Vec<String>),
}

impl TokenSource {
    pub fn from_instance(instance: &Instance) -> TokenSource {
        if let Some(name) = &instance.token_env {
            TokenSource::Env(name.clone())
        } else if let Some(path) = &instance.token_file {
            TokenSource::File(path.clone())
        } else if let Some(argv) = &instance.token_command {
            TokenSource::Command(argv.clone())
        } else {
            TokenSource::None
        }
    }

    /// The setting as the user wrote it, for error messages.
    pub fn describe(&self) -> String {
        match self {
            TokenSource::None => "the instance config (it sets no token_env, token_file or token_command)".into(),
            TokenSource::Env(name) => format!("token_env {name}"),
            TokenSource::File(path) => format!("token_file {}", path.display()),
            // The program only: its arguments may carry a secret of their own.
            TokenSource::Command(argv) => match argv.split_first() {
                Some((program, [])) => format!("token_command `{program}`"),
                Some((program, _)) => format!("token_command `{program} …`"),
                None => "token_command".into(),
            },
        }
    }

    /// Read the token now. None when the instance uses no token.
    pub async fn read(&self) -> Result<Option<Token>, BackstageError> {
        let problem = |problem: String| BackstageError::Token { source_desc: self.describe(), problem };
        let text = match self {
            TokenSource::None => return Ok(None),
            TokenSource::Env(name) => match std::env::var(name) {
                Ok(v) => v,
                Err(std::env::VarError::NotPresent) => {
                    return Err(problem(format!("the variable is not set; export {name}=<token> or change token_env")))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(problem("the variable is not valid UTF-8".into()))
                }
            },
            TokenSource::File(path) => {
                std::fs::read_to_string(path).map_err(|e| problem(format!("cannot read it: {e}")))?
            }
            TokenSource::Command(argv) => run_command(argv).await.map_err(problem)?,
        };
        let token = text.lines().next().unwrap_or("").trim();
        if token.is_empty() {
            return Err(problem("it gives an empty token".into()));
        }
        if token.chars().any(|c| c.is_control() || c == ' ') {
            return Err(problem("the token contains spaces or control characters".into()));
        }
        Ok(Some(Token(token.to_string())))
    }
}

/// Run argv (no shell) and return its stdout. A failure is reported by its
/// exit status and at most the first line of stderr, redacted: a helper may
/// print the token there (or on stdout) before failing.
async fn run_command(argv: &[String]) -> Result<String, String> {
    let (program, args) = argv.split_first().ok_or_else(|| "the command is empty".to_string())?;
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(COMMAND_TIMEOUT, child).await {
        Err(_) => return Err(format!("it did not finish within {}s", COMMAND_TIMEOUT.as_secs())),
        Ok(Err(e)) => return Err(format!("cannot run it: {e}")),
        Ok(Ok(output)) => output,
    };
    if !output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let said = redacted_first_line(&String::from_utf8_lossy(&output.stderr), &stdout);
        let said = if said.is_empty() { String::new() } else { format!("; its stderr began: {said}") };
        return Err(format!("it failed ({}){said}", output.status));
    }
    String::from_utf8(output.stdout).map_err(|_| "it printed something that is not UTF-8".to_string())
}

/// Longest stderr excerpt shown, in characters.
const STDERR_SHOWN: usize = 120;

/// The first non-empty line of a failed helper's stderr, cleaned, cut short,
/// with anything that may be a secret replaced by `[redacted]`: every word
/// the helper wrote to stdout, and every run of token-like characters long
/// enough to be a token (16 or more, or 8 or more with a digit).
pub(crate) fn redacted_first_line(stderr: &str, stdout: &str) -> String {
    let line = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut line = crate::sanitize::clean_line(line);
    for word in stdout.split_whitespace().filter(|w| w.len() >= 4) {
        line = line.replace(word, "[redacted]");
    }
    let token_char = |c: char| c.is_ascii_alphanumeric() || "._~+/-".contains(c);
    let mut out = String::with_capacity(line.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let secret_like = run.len() >= 16 || (run.len() >= 8 && run.chars().any(|c| c.is_ascii_digit()));
        out.push_str(if secret_like { "[redacted]" } else { run });
        run.clear();
    };
    for c in line.chars() {
        if token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    let cut: String = out.chars().take(STDERR_SHOWN).collect();
    if out.chars().count() > STDERR_SHOWN {
        format!("{cut}…")
    } else {
        cut
    }
}

/// The token in use, read on first need and re-read when rejected.
pub(crate) struct Auth {
    pub(crate) source: TokenSource,
    current: Mutex<Option<Option<Token>>>,
}

impl Auth {
    pub(crate) fn new(source: TokenSource) -> Auth {
        Auth { source, current: Mutex::new(None) }
    }

    pub(crate) async fn token(&self) -> Result<Option<Token>, BackstageError> {
        let mut current = self.current.lock().await;
        if let Some(token) = &*current {
            return Ok(token.clone());
        }
        let token = self.source.read().await?;
        *current = Some(token.clone());
        Ok(token)
    }

    /// Read the token again after a 401. True when it is worth retrying:
    /// a token_command may mint a fresh one, a file or variable may have changed.
    pub(crate) async fn refresh(&self, rejected: &Option<Token>) -> Result<bool, BackstageError> {
        let fresh = self.source.read().await?;
        let worth = matches!(self.source, TokenSource::Command(_)) || &fresh != rejected;
        *self.current.lock().await = Some(fresh);
        Ok(worth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_is_redacted_cut_and_cleaned() {
        assert_eq!(redacted_first_line("\n  hunter2 is wrong\nmore", "hunter2\n"), "[redacted] is wrong");
        assert_eq!(redacted_first_line("bad ghp_0123456789abcdefABCDEF", ""), "bad [redacted]");
        assert_eq!(redacted_first_line("code 42 at step9x", ""), "code 42 at step9x");
        assert_eq!(redacted_first_line("a\u{1b}]0;x\u{7}b", ""), "ab");
        assert!(redacted_first_line(&"word ".repeat(100), "").ends_with('…'));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let token = Token("s3cret-token".into());
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert!(!format!("{:?}", Some(token)).contains("s3cret"));
    }

    #[tokio::test]
    async fn sources_read_and_fail_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file\nsecond line\n").unwrap();
        assert_eq!(TokenSource::File(file.clone()).read().await.unwrap(), Some(Token("from-file".into())));

        let cmd = TokenSource::Command(vec!["echo".into(), "from-command".into()]);
        assert_eq!(cmd.read().await.unwrap(), Some(Token("from-command".into())));

        let err = TokenSource::Env("CALLBOARD_TEST_SURELY_UNSET_VAR".into()).read().await.unwrap_err();
        assert!(
            err.to_string().starts_with("token_env CALLBOARD_TEST_SURELY_UNSET_VAR: the variable is not set"),
            "{err}"
        );

        // A failing command: its status and the first line of stderr, never stdout.
        let failing = TokenSource::Command(vec![
            "sh".into(),
            "-c".into(),
            "printf '%s%s\\n' lea ked; echo nope >&2; echo second >&2; exit 3".into(),
        ]);
        let err = failing.read().await.unwrap_err().to_string();
        assert!(err.ends_with("`: it failed (exit status: 3); its stderr began: nope"), "{err}");
        assert!(!err.contains("leaked"), "{err}");

        // A helper that prints the token to stderr, then fails.
        let secret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.Zm9v";
        let leaky = TokenSource::Command(vec![
            "sh".into(),
            "-c".into(),
            format!("echo \"refresh failed for token={secret} (expired)\" >&2; exit 1"),
        ]);
        let err = leaky.read().await.unwrap_err().to_string();
        // The argv in the message is the test's own script; what matters is what follows it.
        let err = err.split_once("`: ").unwrap().1.to_string();
        assert!(!err.contains(secret) && !err.contains("c2VjcmV0"), "{err}");
        assert!(
            err.contains("exit status: 1") && err.contains("refresh failed for token=[redacted] (expired)"),
            "{err}"
        );

        let empty = TokenSource::File(dir.path().join("missing"));
        assert!(empty.read().await.unwrap_err().to_string().starts_with("token_file "));
    }
}
