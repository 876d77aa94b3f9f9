//! The line cursor of the exposition parser: tokens of one line, without allocation.

use super::*;

/// Cursor over one trimmed, non-empty line.
pub(super) struct Line<'a> {
    pub(super) s: &'a str,
    pub(super) pos: usize,
    pub(super) no: usize,
    pub(super) om: bool,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

impl<'a> Line<'a> {
    pub(super) fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.no,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    /// Skips blanks and tabs; true if any were skipped.
    fn blank(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Takes one byte matching `first`, then bytes matching `rest` (ASCII
    /// predicates, so slicing stays on char boundaries); may be empty.
    fn take(&mut self, first: fn(u8) -> bool, rest: fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        if self.peek().is_some_and(first) {
            self.pos += 1;
            while self.peek().is_some_and(rest) {
                self.pos += 1;
            }
        }
        &self.s[start..self.pos]
    }

    /// Next run of non-blank characters (possibly empty).
    fn token(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|b| b != b' ' && b != b'\t') {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    /// Quoted string at `"`; returns it unescaped (`\\`, `\"`, `\n`).
    fn quoted(&mut self, what: &str) -> Result<Cow<'a, str>, ParseError> {
        let start = self.pos + 1;
        let bytes = self.s.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(unescape(&self.s[start..i], true));
                }
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        Err(self.err(format!("expected closing '\"' of {what}")))
    }

    /// Quoted name; names must borrow, so escapes are rejected.
    fn quoted_name(&mut self) -> Result<&'a str, ParseError> {
        match self.quoted("quoted name")? {
            Cow::Borrowed(s) if !s.is_empty() => Ok(s),
            Cow::Borrowed(_) => Err(self.err("expected a non-empty quoted name")),
            Cow::Owned(_) => Err(self.err("escape sequences in quoted names are not supported")),
        }
    }

    /// Metric name (bare or quoted) in a metadata line, followed by a blank
    /// or the end of the line.
    fn meta_name(&mut self, kw: &str) -> Result<&'a str, ParseError> {
        let name = if self.peek() == Some(b'"') {
            self.quoted_name()?
        } else {
            self.take(is_name_start, is_name_char)
        };
        if name.is_empty() || !(self.blank() || self.at_end()) {
            return Err(self.err(format!("expected metric name after # {kw}")));
        }
        Ok(name)
    }

    /// Comment line, cursor after `#`.
    pub(super) fn comment(&mut self, exp: &mut Exposition<'a>) -> Result<(), ParseError> {
        self.blank();
        let kw = self.token();
        self.blank();
        let flag =
            match (kw, self.om) {
                ("HELP", _) => HELP,
                ("TYPE", _) => TYPE,
                ("UNIT", true) => UNIT,
                ("EOF", true) if self.at_end() => {
                    exp.saw_eof = true;
                    return Ok(());
                }
                ("EOF", true) => return Err(self.err("expected end of line after # EOF")),
                (_, true) => return Err(self.err(
                    "expected HELP, TYPE, UNIT or EOF after '#' (OpenMetrics has no free comments)",
                )),
                _ => return Ok(()),
            };
        let name = self.meta_name(kw)?;
        // Prometheus' scraper keeps no record of the metadata lines it has read: a second
        // `# HELP`, `# TYPE` or `# UNIT` for a name, before or after its samples, is
        // accepted and the last one wins (checked against Prometheus 2.42).
        let idx = *exp.index.entry(name).or_insert_with(|| {
            let (metric_type, help, unit) = (MetricType::Unknown, None, None);
            exp.families.push(Family {
                name,
                metric_type,
                help,
                unit,
            });
            exp.families.len() - 1
        });
        let rest = &self.s[self.pos..];
        let family = &mut exp.families[idx];
        match flag {
            // Text-format HELP escapes only `\\` and `\n`; OpenMetrics also `\"`.
            HELP => family.help = Some(unescape(rest, self.om)),
            TYPE => match MetricType::from_keyword(self.token()) {
                Some(t) if self.at_end() => family.metric_type = t,
                _ => return Err(self.err(format!("expected a metric type (counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown, untyped), got '{rest}'"))),
            },
            _ => {
                family.unit = Some(self.token());
                if !self.at_end() {
                    return Err(self.err("expected end of line after unit"));
                }
            }
        }
        Ok(())
    }

    /// Label set at `{`. With `allow_name`, a leading quoted string not
    /// followed by `=` is returned as the metric name.
    fn labels(&mut self, allow_name: bool) -> Result<(Option<&'a str>, Labels<'a>), ParseError> {
        self.pos += 1;
        let (mut name, mut labels, mut after_comma) = (None, Vec::new(), false);
        loop {
            self.blank();
            let label = match self.peek() {
                Some(b'}') if after_comma && self.om => {
                    return Err(self
                        .err("expected label name after ',' (no trailing comma in OpenMetrics)"));
                }
                Some(b'}') => break,
                Some(b'"') => self.quoted_name()?,
                _ => self.take(
                    |b| b.is_ascii_alphabetic() || b == b'_',
                    |b| b.is_ascii_alphanumeric() || b == b'_',
                ),
            };
            if label.is_empty() {
                return Err(self.err("expected label name or '}'"));
            }
            self.blank();
            if allow_name
                && labels.is_empty()
                && name.is_none()
                && matches!(self.peek(), Some(b',' | b'}'))
            {
                name = Some(label);
            } else {
                if self.peek() != Some(b'=') {
                    return Err(self.err(format!("expected '=' after label name {label}")));
                }
                self.pos += 1;
                self.blank();
                if self.peek() != Some(b'"') {
                    return Err(self.err(format!("expected '\"' to open value of label {label}")));
                }
                labels.push((label, self.quoted("label value")?));
                self.blank();
            }
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    after_comma = true;
                }
                Some(b'}') => break,
                _ => return Err(self.err("expected ',' or '}' after label")),
            }
        }
        self.pos += 1;
        Ok((name, labels))
    }

    fn value(&mut self, what: &str) -> Result<f64, ParseError> {
        let tok = self.token();
        tok.parse().map_err(|_| {
            self.err(format!(
                "expected {what} (float, NaN, +Inf or -Inf), got '{tok}'"
            ))
        })
    }

    /// Timestamp token in ms: integer ms (text) or float seconds (OpenMetrics).
    fn timestamp(&mut self, seconds: bool) -> Result<i64, ParseError> {
        let tok = self.token();
        let (ms, unit) = if seconds {
            let ms = tok.parse::<f64>().map(|s| (s * 1000.0).round());
            let ok = ms.ok().filter(|ms| ms.is_finite() && ms.abs() < 9.2e18);
            (ok.map(|ms| ms as i64), "float seconds")
        } else {
            (tok.parse::<i64>().ok(), "integer milliseconds")
        };
        ms.ok_or_else(|| self.err(format!("expected timestamp in {unit}, got '{tok}'")))
    }

    /// Optional timestamp then end of line (or, in OpenMetrics, an exemplar).
    fn tail(&mut self, sample: bool) -> Result<(Option<i64>, Option<Exemplar<'a>>), ParseError> {
        let mut ts = None;
        if self.blank() && !self.at_end() && self.peek() != Some(b'#') {
            ts = Some(self.timestamp(self.om)?);
            self.blank();
        }
        if self.at_end() {
            return Ok((ts, None));
        }
        if !(sample && self.om && self.peek() == Some(b'#')) {
            return Err(self.err(format!(
                "expected end of line, got '{}'",
                &self.s[self.pos..]
            )));
        }
        self.pos += 1;
        self.blank();
        if self.peek() != Some(b'{') {
            return Err(self.err("expected '{' to open exemplar labels after '#'"));
        }
        let (_, labels) = self.labels(false)?;
        self.blank();
        let value = self.value("exemplar value")?;
        let (timestamp_ms, _) = self.tail(false)?;
        Ok((
            ts,
            Some(Exemplar {
                labels,
                value,
                timestamp_ms,
            }),
        ))
    }

    pub(super) fn sample(&mut self) -> Result<Sample<'a>, ParseError> {
        let (mut name, mut labels) = (self.take(is_name_start, is_name_char), Vec::new());
        let mut spaced = self.blank();
        if self.peek() == Some(b'{') {
            let (quoted, l) = self.labels(name.is_empty())?;
            // Exemplar labels are not checked: Prometheus logs a bad exemplar and keeps
            // the scrape.
            if let Some(dup) = duplicate_name(&l) {
                return Err(self.err(format!("label name \"{dup}\" is not unique")));
            }
            (name, labels, spaced) = (quoted.unwrap_or(name), l, true);
            self.blank();
        }
        if name.is_empty() {
            return Err(self.err("expected metric name"));
        }
        if self.at_end() {
            return Err(self.err(format!("expected value after {name}")));
        }
        if !spaced {
            return Err(self.err(format!(
                "expected blank or '{{' after metric name {name}, got '{}'",
                &self.s[self.pos..]
            )));
        }
        let value = self.value("sample value")?;
        let (timestamp_ms, exemplar) = self.tail(true)?;
        Ok(Sample {
            name,
            labels,
            value,
            timestamp_ms,
            exemplar,
        })
    }
}

/// A label name given twice with a non-empty value, as Prometheus' TSDB refuses it
/// (`label name "a" is not unique: invalid sample`, which fails the scrape). A label with an
/// empty value is the same as no label, so `{a="",a="1"}` passes, as it does in Prometheus.
/// Pairwise for the few labels of a real series, sorted beyond 16 so that a hostile line of
/// thousands of labels stays O(n log n).
fn duplicate_name<'a>(labels: &Labels<'a>) -> Option<&'a str> {
    let set = || {
        labels
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, _)| *k)
    };
    if labels.len() <= 16 {
        return set()
            .enumerate()
            .find(|(i, k)| set().take(*i).any(|e| e == *k))
            .map(|(_, k)| k);
    }
    let mut names: Vec<&'a str> = set().collect();
    names.sort_unstable();
    names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// Decodes `\\`, `\n` and (if `quote`) `\"`; other escapes stay verbatim.
/// Borrows `s` when it has no backslash.
fn unescape(s: &str, quote: bool) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let (decoded, skip) = match rest.as_bytes().get(i + 1) {
            Some(b'\\') => ('\\', 2),
            Some(b'n') => ('\n', 2),
            Some(b'"') if quote => ('"', 2),
            _ => ('\\', 1),
        };
        out.push(decoded);
        rest = &rest[i + skip..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}
