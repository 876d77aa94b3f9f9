//! Zero-copy parser for the Prometheus text exposition format 0.0.4 and
//! OpenMetrics 1.0 text format.
//!
//! One pass over the input, one line at a time; names and label values borrow
//! from the input and only a value containing an escape sequence is copied.
//! Like Prometheus' scraper, the first malformed line fails the whole parse
//! with its 1-based line number.
//!
//! Deliberate leniencies, in both formats: blanks and tabs in any number
//! between tokens and inside `{...}`, leading/trailing blanks, blank lines,
//! CRLF line endings, type names of either format in `# TYPE`, unknown escape
//! sequences kept verbatim, and Prometheus 3 quoted UTF-8 names
//! (`{"my.metric", a="b"} 1`, `# TYPE "my.metric" gauge`).
//! Strictness kept from the specs: a trailing comma in a label set is allowed
//! only in text format; OpenMetrics allows no comment other than
//! `# HELP`/`# TYPE`/`# UNIT`/`# EOF`, needs `# EOF` last, and only blank
//! lines may follow it; exemplars exist only in OpenMetrics.
//! As Prometheus' scraper (checked against Prometheus 2.42), a label name given twice in
//! one sample with non-empty values fails the parse (`label name "a" is not unique`), and
//! a second `# HELP`, `# TYPE` or `# UNIT` for one name does not: the last one wins.

use std::borrow::Cow;
use std::collections::HashMap;

/// Exposition format of a scrape body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    Text,
    /// OpenMetrics 1.0 text format (`application/openmetrics-text`).
    OpenMetrics,
}

impl Format {
    /// Picks the format from an HTTP `Content-Type` value: media type
    /// `application/openmetrics-text` (any parameters, any case) gives
    /// [`Format::OpenMetrics`]; anything else, including an empty string,
    /// gives [`Format::Text`].
    pub fn from_content_type(ct: &str) -> Format {
        let media = ct.split(';').next().unwrap_or_default().trim();
        if media.eq_ignore_ascii_case("application/openmetrics-text") {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }
}

/// Metric family type declared by `# TYPE`. Text-format `untyped` maps to
/// [`MetricType::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
    Unknown,
}

impl MetricType {
    /// Parses a `# TYPE` keyword (`counter`, `gauge`, `histogram`,
    /// `gaugehistogram`, `summary`, `info`, `stateset`, `unknown`,
    /// `untyped`); case-sensitive, `None` for anything else.
    pub fn from_keyword(word: &str) -> Option<MetricType> {
        Some(match word {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "summary" => MetricType::Summary,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            "unknown" | "untyped" => MetricType::Unknown,
            _ => return None,
        })
    }
}

/// Label pairs `(name, value)` in exposition order. Values are unescaped:
/// `Cow::Borrowed` from the input unless an escape forced a copy.
pub type Labels<'a> = Vec<(&'a str, Cow<'a, str>)>;

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample<'a> {
    /// Full sample name as exposed, suffix included (e.g. `foo_bucket`).
    pub name: &'a str,
    /// Labels in exposition order (the metric name is not among them).
    pub labels: Labels<'a>,
    /// Value; `NaN`, `+Inf` and `-Inf` are kept as such.
    pub value: f64,
    /// Timestamp in milliseconds since the Unix epoch: text format gives
    /// integer ms, OpenMetrics float seconds (rounded to the nearest ms).
    pub timestamp_ms: Option<i64>,
    /// OpenMetrics exemplar (`... # {trace_id="x"} 0.5 1520879607.789`).
    pub exemplar: Option<Exemplar<'a>>,
}

/// An OpenMetrics exemplar attached to a sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemplar<'a> {
    /// Exemplar labels in exposition order, unescaped.
    pub labels: Labels<'a>,
    /// Exemplar value.
    pub value: f64,
    /// Timestamp in milliseconds (given in float seconds).
    pub timestamp_ms: Option<i64>,
}

/// Metadata of one metric family, merged from its `# TYPE`, `# HELP` and
/// `# UNIT` lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Family<'a> {
    /// Family name as written in the metadata line (no sample suffix in
    /// OpenMetrics; in text format whatever the exporter wrote).
    pub name: &'a str,
    /// Declared type; `Unknown` when only `# HELP`/`# UNIT` was given.
    pub metric_type: MetricType,
    /// Unescaped `# HELP` text (`Some("")` for an empty docstring).
    pub help: Option<Cow<'a, str>>,
    /// `# UNIT` (OpenMetrics only; may be `Some("")`).
    pub unit: Option<&'a str>,
}

/// A parsed scrape body, borrowing from the input.
#[derive(Clone, Debug)]
pub struct Exposition<'a> {
    /// Format the body was parsed as.
    pub format: Format,
    /// Samples in exposition order.
    pub samples: Vec<Sample<'a>>,
    /// Families in order of their first metadata line.
    pub families: Vec<Family<'a>>,
    /// `# EOF` was seen (OpenMetrics; always `false` for text format).
    pub saw_eof: bool,
    /// Family name -> index into `families`.
    index: HashMap<&'a str, usize>,
}

/// Suffixes a sample name may add to its family name, and the family types
/// that produce them.
const SUFFIXES: &[(&str, &[MetricType])] = {
    use MetricType::*;
    &[
        ("_total", &[Counter]),
        ("_bucket", &[Histogram, GaugeHistogram]),
        ("_count", &[Histogram, Summary]),
        ("_sum", &[Histogram, Summary]),
        ("_created", &[Counter, Histogram, Summary]),
        ("_gcount", &[GaugeHistogram]),
        ("_gsum", &[GaugeHistogram]),
        ("_info", &[Info]),
    ]
};

impl<'a> Exposition<'a> {
    /// Rebuilds the name index used by [`Exposition::family`] and
    /// [`Exposition::type_of`]; call it after renaming entries of
    /// `families` (adding or removing entries is detected without it).
    pub fn reindex(&mut self) {
        self.index = self
            .families
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name, i))
            .collect();
    }

    /// Declared family with exactly this name: an O(1) index lookup, a
    /// linear scan if entries were added to or removed from `families`.
    pub fn family(&self, name: &str) -> Option<&Family<'a>> {
        match self.index.get(name).and_then(|&i| self.families.get(i)) {
            Some(f) if f.name == name => Some(f),
            None if self.index.len() == self.families.len() => None,
            _ => self.families.iter().find(|f| f.name == name),
        }
    }

    /// Family a sample belongs to: a family named exactly `sample_name`, or
    /// one whose name plus a suffix its type produces (`_bucket`, `_count`,
    /// `_sum`, `_total`, `_created`, `_info`, `_gcount`, `_gsum`) gives
    /// `sample_name`. `None` when no declared family matches.
    pub fn family_of(&self, sample_name: &str) -> Option<&Family<'a>> {
        self.family(sample_name).or_else(|| {
            SUFFIXES.iter().find_map(|(suffix, types)| {
                let base = sample_name.strip_suffix(suffix)?;
                self.family(base).filter(|f| types.contains(&f.metric_type))
            })
        })
    }

    /// Type of the family a sample belongs to (see [`Exposition::family_of`]);
    /// `None` when undeclared.
    pub fn type_of(&self, sample_name: &str) -> Option<MetricType> {
        self.family_of(sample_name).map(|f| f.metric_type)
    }
}

/// Why a body failed to parse; shown as `line N: message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number of the offending line (for a missing `# EOF`, the
    /// line after the last line).
    pub line: usize,
    /// What was expected and what was found.
    pub message: String,
}

const HELP: u8 = 1;
const TYPE: u8 = 2;
const UNIT: u8 = 4;

/// Parses a whole scrape body.
///
/// Returns every sample and family metadata line, in order. Errors on the
/// first malformed line (bad name, label set, value or timestamp, unknown
/// type, a label name given twice; in OpenMetrics also stray comments, content
/// after `# EOF` or a missing `# EOF`). Empty text-format input is an empty,
/// valid exposition.
pub fn parse(input: &str, format: Format) -> Result<Exposition<'_>, ParseError> {
    let mut samples = Vec::with_capacity(sample_capacity(input));
    let mut exp = parse_each(input, format, |s| samples.push(s))?;
    exp.samples = samples;
    Ok(exp)
}

/// Room to reserve for the samples of `input`: its lines (newlines plus one), at most one
/// per 4 bytes (the shortest sample line, `a 1` and its newline, has 4), and at most
/// 262,144 up front, so a body of blank lines from a server does not reserve gigabytes; a
/// vector of more samples grows as it fills.
pub fn sample_capacity(input: &str) -> usize {
    let lines = input.bytes().filter(|&b| b == b'\n').count() + 1;
    lines.min(input.len() / 4 + 1).min(1 << 18)
}

/// Parses a whole scrape body as [`parse`] does, handing each sample to `each` in
/// exposition order as soon as its line is read instead of collecting them: the returned
/// exposition's `samples` is empty. A caller that converts the samples (the scrape source
/// makes them owned) so never holds the borrowed ones all at once.
///
/// Errors: as [`parse`]; the samples before the malformed line have been handed over
/// (for a missing OpenMetrics `# EOF`, every sample).
pub fn parse_each<'a>(
    input: &'a str,
    format: Format,
    mut each: impl FnMut(Sample<'a>),
) -> Result<Exposition<'a>, ParseError> {
    let om = format == Format::OpenMetrics;
    let mut exp = Exposition {
        format,
        samples: Vec::new(),
        families: Vec::new(),
        saw_eof: false,
        index: HashMap::new(),
    };
    let mut no = 0;
    for raw in input.split('\n') {
        no += 1;
        let text = raw.trim_matches(|c| c == ' ' || c == '\t' || c == '\r');
        if text.is_empty() {
            continue;
        }
        let mut line = Line {
            s: text,
            pos: 0,
            no,
            om,
        };
        if exp.saw_eof {
            return Err(line.err("expected nothing after # EOF"));
        }
        if text.starts_with('#') {
            line.pos = 1;
            line.comment(&mut exp)?;
        } else {
            each(line.sample()?);
        }
    }
    if om && !exp.saw_eof {
        let after_last = if input.ends_with('\n') || input.is_empty() {
            no
        } else {
            no + 1
        };
        return Err(ParseError {
            line: after_last,
            message: "missing # EOF".into(),
        });
    }
    Ok(exp)
}

pub mod intake;
mod lexer;
use lexer::Line;

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
