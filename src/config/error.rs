//! Config errors that say where: file, line, column and key.

use std::fmt;
use std::path::PathBuf;

/// A config that cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    /// The file could not be read.
    Io { path: PathBuf, message: String },
    /// The file is not valid TOML or does not match the schema.
    Syntax {
        path: PathBuf,
        /// 1-based line and column of the offending text.
        line: usize,
        column: usize,
        /// Dotted key, e.g. `scrape.interval`, when it can be told.
        key: Option<String>,
        message: String,
    },
    /// A value is well-formed but not allowed.
    Invalid { key: String, message: String },
}

impl ConfigError {
    pub(crate) fn invalid(key: &str, message: &str) -> Self {
        ConfigError::Invalid {
            key: key.to_string(),
            message: message.to_string(),
        }
    }

    pub(super) fn from_toml(e: &toml::de::Error, text: &str, path: &std::path::Path) -> Self {
        let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let message = e.message().trim().to_string();
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            key: key_at(text, line, &message),
            message,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The dotted key the error is about: the unknown field named in the message, or the key
/// written on the error's line, prefixed with the nearest `[table]` header above it.
fn key_at(text: &str, line: usize, message: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
    let named = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string);
    let written = here
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let header = table_name(here);
    let table = lines[..line.saturating_sub(1).min(lines.len())]
        .iter()
        .rev()
        .find_map(|l| table_name(l));
    if header.is_some() {
        // The error is on a `[table]` line: the table name itself is the key.
        return named.or(header);
    }
    match (named.or(written), table) {
        (Some(k), Some(t)) => Some(format!("{t}.{k}")),
        (k, _) => k,
    }
}

/// `scrape` for a `[scrape]  # comment` line; `None` for other lines and `[[arrays]]`.
fn table_name(line: &str) -> Option<String> {
    let t = line.trim_start();
    if t.starts_with("[[") {
        return None;
    }
    let rest = t.strip_prefix('[')?;
    rest.split_once(']')
        .map(|(name, _)| name.trim().to_string())
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { path, message } => {
                write!(f, "{}: cannot read config: {message}", path.display())
            }
            ConfigError::Syntax {
                path,
                line,
                column,
                key,
                message,
            } => {
                write!(f, "{}:{line}:{column}: ", path.display())?;
                if let Some(k) = key {
                    write!(f, "key `{k}`: ")?;
                }
                write!(f, "{message}")
            }
            ConfigError::Invalid { key, message } => write!(f, "{key} {message}"),
        }
    }
}

impl std::error::Error for ConfigError {}
