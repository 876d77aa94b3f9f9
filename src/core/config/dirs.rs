//! Where mcptop keeps its files, by the platform's conventions (`directories`): the config
//! file it reads by default, and the state directory its logs and OAuth tokens go to. Paths
//! only; nothing is created or read here.

use std::path::PathBuf;

/// `$XDG_CONFIG_HOME/mcptop/config.toml` (or the platform's equivalent).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mcptop").map(|d| d.config_dir().join("config.toml"))
}

/// mcptop's state directory: `$XDG_STATE_HOME/mcptop`, or the cache directory on a
/// platform without one (macOS, Windows). Holds the log files and `oauth/`. `None` without
/// a home directory.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "mcptop")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.cache_dir())
            .to_path_buf(),
    )
}
