//! Reading and parsing the TOML file.

use std::path::Path;

use super::{Config, ConfigError};

/// Reads and parses `path`.
pub(super) fn read(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// Parses TOML text; errors carry the file, line, column and key.
pub(super) fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    toml::from_str::<Config>(text).map_err(|e| ConfigError::from_toml(&e, text, origin))
}
