//! The log pane's filter: a substring (smart case) or, after `~`, a regex; applied to the
//! lines kept, never sent to Loki.

use regex::Regex;

/// A compiled filter.
#[derive(Debug, Clone)]
pub enum LogFilter {
    /// Case-insensitive when `needle` has no upper-case letter (as `less -i`, k9s);
    /// `needle` is lower-cased then.
    Substring {
        needle: String,
        ignore_case: bool,
    },
    Regex(Regex),
}

impl LogFilter {
    /// Parses what the operator typed: `~expr` is a regex (Rust `regex` syntax, RE2-like),
    /// anything else a substring. `Ok(None)` for an empty filter.
    ///
    /// Errors: the regex does not compile (the message is the regex crate's, one line).
    pub fn parse(text: &str) -> Result<Option<LogFilter>, String> {
        if let Some(expr) = text.strip_prefix('~') {
            if expr.is_empty() {
                return Ok(None);
            }
            return Regex::new(expr)
                .map(|r| Some(LogFilter::Regex(r)))
                .map_err(|e| {
                    let msg = e.to_string();
                    let last = msg.lines().last().unwrap_or("").trim().to_string();
                    format!("bad regex: {last}")
                });
        }
        if text.is_empty() {
            return Ok(None);
        }
        let ignore_case = !text.chars().any(char::is_uppercase);
        let needle = if ignore_case {
            text.to_lowercase()
        } else {
            text.to_string()
        };
        Ok(Some(LogFilter::Substring {
            needle,
            ignore_case,
        }))
    }

    /// Whether `line` is kept.
    pub fn matches(&self, line: &str) -> bool {
        match self {
            LogFilter::Substring {
                needle,
                ignore_case: false,
            } => line.contains(needle.as_str()),
            LogFilter::Substring { needle, .. } => {
                if line.is_ascii() && needle.is_ascii() {
                    contains_ascii_ignore_case(line.as_bytes(), needle.as_bytes())
                } else {
                    line.to_lowercase().contains(needle.as_str())
                }
            }
            LogFilter::Regex(r) => r.is_match(line),
        }
    }
}

/// Substring search ignoring ASCII case, without allocating (`needle` is lower-case).
fn contains_ascii_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    hay.windows(needle.len()).any(|w| {
        w.iter()
            .zip(needle)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(filter: &str, line: &str) -> bool {
        LogFilter::parse(filter)
            .expect("parses")
            .expect("not empty")
            .matches(line)
    }

    #[test]
    fn substrings_use_smart_case() {
        assert!(keep("error", "upstream ERROR in notion"));
        assert!(keep("error", "Ärger error"));
        assert!(!keep("Error", "upstream error"));
        assert!(keep("Error", "Error: x"));
        assert!(!keep("timeout", "all good"));
    }

    #[test]
    fn a_tilde_makes_a_regex() {
        assert!(keep(
            "~duration_ms\":[3-9][0-9]{3}",
            r#"{"duration_ms":3012}"#
        ));
        assert!(!keep(
            "~duration_ms\":[3-9][0-9]{3}",
            r#"{"duration_ms":312}"#
        ));
        let e = LogFilter::parse("~(").unwrap_err();
        assert!(e.starts_with("bad regex"), "{e}");
        assert!(LogFilter::parse("").expect("empty").is_none());
        assert!(LogFilter::parse("~").expect("empty").is_none());
    }
}
