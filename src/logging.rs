//! Logs go to a file in the state dir, never to stdout (stdout is the screen).
//! Level from CALLBOARD_LOG (default `info`).

use std::path::PathBuf;

pub fn init() -> Option<PathBuf> {
    let dir = crate::paths::state_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("callboard.log");
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("CALLBOARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
