//! The logfmt scanner: `key=value` pairs and the bare words between them, as Go's
//! `go-logfmt` and Loki's `| logfmt` read a line (quoted values may hold spaces and
//! `\"`, `\\`, `\n`, `\t` escapes).

/// What a scan of one line found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scan {
    /// The `key=value` pairs, in line order; quoted values unescaped.
    pub pairs: Vec<(String, String)>,
    /// Words that are not pairs (`ERROR`, `timeout`, `(page`...), but for a date and
    /// time before the first pair (`2009/11/10 23:00:00 level=info`, Go's `log` prefix).
    pub bare: usize,
}

impl Scan {
    /// Whether the line is logfmt, not prose with a pair inside: it has a pair and at
    /// most one bare word per two pairs (`ts=… level=warn msg="x" module=a done` is;
    /// `ERROR upstream timeout after 3000 ms request_id=abc123` and
    /// `WARN pool exhausted; pool=notion size=10` are not).
    pub fn is_logfmt(&self) -> bool {
        !self.pairs.is_empty() && 2 * self.bare <= self.pairs.len()
    }
}

/// Scans `line`. A key is a non-empty run without whitespace, `=` or `"`; a quoted bare
/// word counts as one bare word; `key=` gives an empty value.
pub fn scan(line: &str) -> Scan {
    let mut out = Scan::default();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c == '=' || c.is_whitespace() || c == '"' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let key = &line[start..end];
        match chars.peek() {
            Some(&(_, '=')) if !key.is_empty() => {
                chars.next();
            }
            Some(&(_, '"')) => {
                // A quoted word (`"GET /x"`), or a key glued to a quote (`k"v"`).
                chars.next();
                quoted(&mut chars);
                out.bare += 1;
                continue;
            }
            Some(&(_, '=')) => {
                // `=` with no key before it: a stray sign, skipped with its value.
                chars.next();
                value(&mut chars);
                out.bare += 1;
                continue;
            }
            _ => {
                if !(out.pairs.is_empty() && is_timestamp(key)) {
                    out.bare += 1;
                }
                continue;
            }
        }
        out.pairs.push((key.to_string(), value(&mut chars)));
    }
    out
}

/// Whether a word is a date or a time (`2026-12-06`, `23:00:00.123`, `2009/11/10`,
/// `2026-12-06T10:00:00Z`): digits with `-`, `/` or `:` between them, and `.`, `,`, `T`,
/// `Z`, `+` only.
pub fn is_timestamp(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && word.contains(['-', '/', ':'])
        && word.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '-' | '/' | ':' | '.' | ',' | 'T' | 'Z' | '+')
        })
}

/// The value after `=`: quoted, or up to the next whitespace.
fn value(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> String {
    if let Some(&(_, '"')) = chars.peek() {
        chars.next();
        return quoted(chars);
    }
    let mut v = String::new();
    while let Some(&(_, c)) = chars.peek() {
        if c.is_whitespace() {
            break;
        }
        v.push(c);
        chars.next();
    }
    v
}

/// Reads a quoted value after its opening quote, unescaping `\"`, `\\`, `\n` and `\t`.
fn quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> String {
    let mut v = String::new();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some((_, 'n')) => v.push('\n'),
                Some((_, 't')) => v.push('\t'),
                Some((_, e)) => v.push(e),
                None => break,
            },
            c => v.push(c),
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_quoted_values_and_counts_bare_words() {
        let s =
            scan(r#"ts=2026-11-22T10:00:00Z level=warn msg="slow call \"x\"" module=notion done"#);
        assert_eq!(
            s.pairs,
            pairs(&[
                ("ts", "2026-11-22T10:00:00Z"),
                ("level", "warn"),
                ("msg", "slow call \"x\""),
                ("module", "notion"),
            ])
        );
        assert_eq!(s.bare, 1);
        assert!(s.is_logfmt());
        let s = scan("plain text without pairs");
        assert!(s.pairs.is_empty() && !s.is_logfmt());
        assert_eq!(s.bare, 4);
        assert!(scan("== = \"\"").pairs.is_empty());
        assert_eq!(
            scan("k=ü v=\"a b").pairs,
            pairs(&[("k", "ü"), ("v", "a b")])
        );
        assert_eq!(
            scan("empty= k=v").pairs,
            pairs(&[("empty", ""), ("k", "v")])
        );
    }

    #[test]
    fn prose_with_a_pair_inside_is_not_logfmt() {
        for line in [
            "ERROR upstream timeout after 3000 ms request_id=abc123",
            "WARN connection pool exhausted, waiting 5s; pool=notion size=10",
            "ERROR: notion API returned 502 (page=42)",
            "level=error db down now",
            "msg=connection refused by peer",
            "2026-12-06 10:00:00 ERROR upstream timeout request_id=abc123",
        ] {
            let s = scan(line);
            assert!(!s.pairs.is_empty(), "{line}: pairs still found");
            assert!(!s.is_logfmt(), "{line}: taken for logfmt");
        }
        for line in [
            "level=info msg=hello",
            r#"2026-12-06T10:00:00Z level=info msg="listening on :8080""#,
            "caller=main.go:12 level=debug",
            // A date and time before the pairs (Go's `log` prefix) are not prose.
            r#"2009/11/10 23:00:00 level=info msg="started""#,
            "2026-12-06 10:00:00.123 level=info msg=x addr=:8080",
        ] {
            assert!(scan(line).is_logfmt(), "{line}: logfmt not recognised");
        }
    }
}
