//! Text from outside made safe where it enters the program.
//!
//! Every string an upstream sends (a scrape's label values and HELP, a JSON answer of
//! Prometheus, Alertmanager, Loki or `/health`, a Loki tail frame, an MCP server's tools,
//! results and messages, an error page) passes through a [`Cleaner`] in the source that
//! receives it, before it becomes part of an update. What comes out holds:
//!
//! - no secret this process has read (tokens, passwords, the `Basic` credential they make;
//!   [`crate::secrets`]): each is replaced by `***`;
//! - no C0 control but tab and line feed (so no `ESC`, which starts every terminal escape
//!   sequence, no `BEL`, no carriage return that would overwrite a line), no `DEL`, no C1
//!   control (U+0080-U+009F, of which U+009B is an 8-bit `CSI`);
//! - no bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which
//!   can make text read in an order other than the one it is stored in.
//!
//! The removed characters are dropped, not replaced. Tab and line feed stay because a log
//! line or a tool result may span lines; a sink that shows one line per value turns them
//! into spaces. Every sink (screen, log, audit, report, `mcptop watch`) is thereby clean by
//! construction; the sinks still guard their own output ([`terminal_safe`]) in case a
//! string arrives by a path that was missed.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Whether `c` is dropped from outside text (see the module's documentation).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `s` holds a character [`is_unsafe`] drops, judged on its UTF-8 bytes: a C0 or
/// `DEL` byte, a C1 control (`C2 80`-`C2 9F`), or a bidi control (`E2 80 AA`-`E2 80 AE`,
/// `E2 81 A6`-`E2 81 A9`).
pub fn has_unsafe(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0x00..=0x08 | 0x0b..=0x1f | 0x7f => return true,
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => return true,
            0xe2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9)) => {
                    return true;
                }
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    false
}

/// `s` without the characters [`is_unsafe`] drops (the control sequences outside text
/// could carry), borrowed when it holds none. Secrets are not looked for: use a
/// [`Cleaner`] for outside text; this is for a sink's own last guard.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if has_unsafe(s) {
        Cow::Owned(s.chars().filter(|c| !is_unsafe(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// `s` on one line: [`terminal_safe`], with tabs and line breaks as spaces, for a sink that
/// shows each value on one line (a `watch` line, a table cell).
pub fn one_line(s: &str) -> Cow<'_, str> {
    let safe = terminal_safe(s);
    if safe.contains(['\n', '\t', '\r']) {
        Cow::Owned(safe.replace(['\n', '\t', '\r'], " "))
    } else {
        safe
    }
}

/// `s` as the lines a sink that keeps line breaks draws (a detail view): [`terminal_safe`],
/// split at line feeds, tabs as spaces. Empty lines are kept; an empty `s` is one empty line.
pub fn lines(s: &str) -> Vec<String> {
    terminal_safe(s)
        .split('\n')
        .map(|l| l.replace('\t', " "))
        .collect()
}

/// Cleans outside text as it enters: drops unsafe characters and scrubs the secrets known
/// when it was made (take a new one per answer, so a secret read later is covered).
#[derive(Debug, Clone)]
pub struct Cleaner {
    secrets: Vec<String>,
}

impl Default for Cleaner {
    fn default() -> Self {
        Cleaner::new()
    }
}

impl Cleaner {
    /// A cleaner with the secrets read so far.
    pub fn new() -> Cleaner {
        Cleaner {
            secrets: crate::secrets::known(),
        }
    }

    /// `s` cleaned; borrowed when nothing was to be removed.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let mut out = terminal_safe(s);
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), "***"));
            }
        }
        out
    }

    /// `s` cleaned, reusing its allocation when nothing was to be removed.
    pub fn string(&self, s: String) -> String {
        match self.text(&s) {
            Cow::Borrowed(_) => s,
            Cow::Owned(clean) => clean,
        }
    }

    /// Cleans every string of `v` in place: values and object keys, at every depth.
    pub fn value(&self, v: &mut Value) {
        // An explicit stack: a deeply nested answer must not overflow ours.
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => {
                    if let Cow::Owned(clean) = self.text(s) {
                        *s = clean;
                    }
                }
                Value::Array(items) => stack.extend(items.iter_mut()),
                Value::Object(map) => {
                    if map.keys().any(|k| matches!(self.text(k), Cow::Owned(_))) {
                        let old = std::mem::take(map);
                        for (k, item) in old {
                            map.insert(self.string(k), item);
                        }
                    }
                    stack.extend(map.values_mut());
                }
                Value::Null | Value::Bool(_) | Value::Number(_) => {}
            }
        }
    }
}

/// `s` cleaned with the secrets known now: [`Cleaner::text`] for a single string (an
/// error text); a source that cleans many strings of one answer keeps one [`Cleaner`].
pub fn text(s: &str) -> Cow<'_, str> {
    Cleaner::new().text(s)
}

/// Decodes a JSON answer into `T` with every string in it cleaned ([`Cleaner::value`]).
///
/// Errors: the body is not JSON, or not of `T`'s shape (serde_json's error).
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let mut value: Value = serde_json::from_slice(body)?;
    Cleaner::new().value(&mut value);
    serde_json::from_value(value)
}

/// [`json`] of a text frame (a Loki tail message).
///
/// Errors: as [`json`].
pub fn json_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    json(text.as_bytes())
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;
