//! Where callboard keeps its files. CALLBOARD_CACHE_DIR / CALLBOARD_CONFIG_DIR /
//! CALLBOARD_STATE_DIR override the XDG locations (tests and benchmarks use them).

use directories::ProjectDirs;
use std::path::PathBuf;

pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("dev", "callboard", "callboard")
}

pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLBOARD_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    project_dirs().map(|d| d.cache_dir().to_path_buf()).unwrap_or_else(|| std::env::temp_dir().join("callboard-cache"))
}

pub fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLBOARD_STATE_DIR") {
        return PathBuf::from(dir);
    }
    project_dirs()
        .map(|d| d.state_dir().unwrap_or(d.data_local_dir()).to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("callboard-state"))
}

/// The bundled demo catalog: next to the binary's sources in a checkout, or
/// wherever CALLBOARD_DEMO_DIR points.
pub fn demo_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLBOARD_DEMO_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}
