//! Config errors that say where: file, line, column and key.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A config that cannot be used. Its `Display` is the operator's text: `path: cannot read
/// config: …`, `path:line:column: key \`k\`: …`, `key message`, `path: message`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: cannot read config: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// The file is not valid TOML or does not match the schema.
    #[error("{}:{line}:{column}: {}{message}", path.display(), key_prefix(key))]
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
    #[error("{key} {message}")]
    Invalid { key: String, message: String },
    /// A file was read but cannot be used as a whole (e.g. a JSON client config with neither
    /// `mcpServers` nor `servers`).
    #[error("{}: {message}", path.display())]
    Unusable { path: PathBuf, message: String },
}

impl ConfigError {
    pub(crate) fn invalid(key: &str, message: &str) -> Self {
        ConfigError::Invalid {
            key: key.to_string(),
            message: message.to_string(),
        }
    }

    pub(super) fn from_toml(e: &toml::de::Error, text: &str, path: &Path) -> Self {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let (line, column) = line_column(text, offset);
        let message = e.message().trim().to_string();
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            key: key_at(text, line, &message),
            message,
        }
    }

    /// A JSON syntax error in `path`, at serde_json's 1-based line and column. The message is
    /// serde_json's without its ` at line L column C` tail (syntax messages quote no values).
    pub(super) fn from_json(e: &serde_json::Error, path: &Path) -> Self {
        let full = e.to_string();
        let tail = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&tail).unwrap_or(&full).to_string();
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line: e.line().max(1),
            column: e.column().max(1),
            key: None,
            message,
        }
    }
}

/// Where a value sits in a config file, kept to report an error about it later (e.g. once
/// the imported servers are known).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Place {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl Place {
    /// An error about dotted `key` at this place: `file:line:col: key `k`: message`.
    pub fn error(&self, key: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError::Syntax {
            path: self.path.clone(),
            line: self.line,
            column: self.column,
            key: Some(key.into()),
            message: message.into(),
        }
    }
}

/// The text of one config file, to turn byte spans (from `toml::Spanned`) into places.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    /// The place of byte offset `span.start`.
    pub fn place(&self, span: Range<usize>) -> Place {
        let (line, column) = line_column(self.text, span.start);
        Place {
            path: self.path.to_path_buf(),
            line,
            column,
        }
    }

    /// An error about dotted `key` whose value starts at `span.start`.
    pub fn error(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        self.place(span).error(key, message)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The dotted key the error is about: the unknown field named in the message, or the key
/// written on the error's line, prefixed with the nearest `[table]` (or `[[array]]`, as
/// `array[i]` counting from 0) header above it.
fn key_at(text: &str, line: usize, message: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let index = line.saturating_sub(1);
    let here = lines.get(index).copied().unwrap_or("");
    let named = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string);
    let written = here
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    if let Some(header) = table_at(&lines, index) {
        // The error is on a `[table]` line: the table name itself is the key.
        return named.or(Some(header));
    }
    let table = (0..index.min(lines.len()))
        .rev()
        .find_map(|i| table_at(&lines, i));
    match (named.or(written), table) {
        (Some(k), Some(t)) => Some(format!("{t}.{k}")),
        (k, _) => k,
    }
}

/// The table a header line opens: `scrape` for `[scrape]  # comment`, `bindings[1]` for the
/// second `[[bindings]]`; `None` when line `index` is not a header.
fn table_at(lines: &[&str], index: usize) -> Option<String> {
    let line = lines.get(index)?;
    if let Some(name) = array_name(line) {
        let nth = lines[..index]
            .iter()
            .filter(|l| array_name(l).as_deref() == Some(name.as_str()))
            .count();
        return Some(format!("{name}[{nth}]"));
    }
    let rest = line.trim_start().strip_prefix('[')?;
    rest.split_once(']')
        .map(|(name, _)| name.trim().to_string())
}

/// `bindings` for a `[[bindings]]` line.
fn array_name(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("[[")?;
    rest.split_once("]]")
        .map(|(name, _)| name.trim().to_string())
}

/// `key \`k\`: ` before a syntax error's message when the key is known.
fn key_prefix(key: &Option<String>) -> String {
    key.as_ref()
        .map(|k| format!("key `{k}`: "))
        .unwrap_or_default()
}
