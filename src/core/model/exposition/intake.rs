//! What a scrape keeps of an exposition, as owned samples: [`Intake`] (body size, sample
//! limit, the names the model reads) and [`parse_with`], which turns a body into the
//! [`ScrapedSample`]s the model stores. No I/O: the scrape source
//! (`sources::scrape`) reads the body and hands it here.

use std::collections::HashSet;
use std::sync::Arc;

use super::Format;
use crate::model::dashboard::ScrapedSample;
use crate::model::series::Interner;

/// What a scrape takes of a target's answer: its size, its sample count and the sample
/// names the model reads.
#[derive(Debug, Clone)]
pub struct Intake {
    /// Largest body read, bytes (`scrape.max_body_bytes`).
    pub max_bytes: u64,
    /// Most samples a scrape may hold (`scrape.sample_limit`; 0 = no limit), counted over
    /// every sample of the body, kept or not, as Prometheus counts them.
    pub sample_limit: usize,
    /// The sample names kept ([`crate::model::dashboard::stored_sample_names`]); `None`
    /// keeps every sample. The others are dropped as they are read, before an owned key
    /// is made, so the update sent to the app holds only what the model may store.
    pub names: Option<Arc<HashSet<String>>>,
}

impl Intake {
    /// Every sample, at most `max_bytes` of body, no sample limit.
    pub fn all(max_bytes: u64) -> Intake {
        Intake {
            max_bytes,
            sample_limit: 0,
            names: None,
        }
    }

    /// Whether samples named `name` are kept.
    pub fn keeps(&self, name: &str) -> bool {
        self.names.as_ref().is_none_or(|n| n.contains(name))
    }
}

/// Parses an exposition into owned samples, every one of them, without a sample limit.
///
/// Errors: `bad exposition: line N: message` for the first malformed line.
pub fn parse(text: &str, format: Format) -> Result<Vec<ScrapedSample>, String> {
    parse_with(
        text,
        format,
        &Intake::all(u64::MAX),
        &mut Interner::default(),
    )
}

/// Parses an exposition into the owned samples `intake` keeps, their keys from `keys`
/// (a series `keys` handed out in an earlier scrape costs no allocation; on success, the
/// keys of series no longer exposed are let go, [`Interner::end_scrape`]).
///
/// Every sample is counted against `intake.sample_limit` as it is read; those of names
/// `intake` does not keep are dropped before any key is looked up, and once the count
/// passes the limit nothing more is kept (what was is freed): the rest of the body is only
/// read through, to count it and to find a malformed line, which Prometheus also reports
/// before the limit. Without a name filter, the vector is sized once for the body's possible
/// sample lines ([`super::sample_capacity`]).
///
/// Errors: `bad exposition: line N: message` for the first malformed line, else
/// `sample limit exceeded (N > limit)` with N every sample of the body.
pub fn parse_with(
    text: &str,
    format: Format,
    intake: &Intake,
    keys: &mut Interner,
) -> Result<Vec<ScrapedSample>, String> {
    let limit = match intake.sample_limit {
        0 => usize::MAX,
        n => n,
    };
    let mut samples = if intake.names.is_none() {
        Vec::with_capacity(super::sample_capacity(text).min(limit))
    } else {
        Vec::new()
    };
    let mut seen = 0usize;
    // Names and values enter here as outside text (`crate::inbound`).
    let clean = crate::inbound::Cleaner::new();
    super::parse_each(text, format, |s| {
        seen += 1;
        if seen > limit {
            if seen == limit + 1 {
                samples = Vec::new();
            }
            return;
        }
        if !intake.keeps(s.name) {
            return;
        }
        samples.push(ScrapedSample {
            key: keys.key(s.name, &s.labels, &clean),
            value: s.value,
            timestamp_ms: s.timestamp_ms,
        });
    })
    .map_err(|e| format!("bad exposition: {}", clean.text(&e.to_string())))?;
    if seen > limit {
        return Err(format!("sample limit exceeded ({seen} > {limit})"));
    }
    keys.end_scrape();
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_gives_owned_series_with_decoded_labels() {
        let text = "# TYPE a counter\na_total{path=\"x,y\",q=\"say \\\"hi\\\"\"} 3 1700000000000\n";
        let samples = parse(text, Format::Text).expect("parses");
        assert_eq!(samples.len(), 1);
        assert_eq!(&*samples[0].key.name, "a_total");
        assert_eq!(samples[0].key.label("path"), Some("x,y"));
        assert_eq!(samples[0].key.label("q"), Some("say \"hi\""));
        assert_eq!(samples[0].timestamp_ms, Some(1_700_000_000_000));
    }

    #[test]
    fn malformed_exposition_names_the_line() {
        let err = parse("ok 1\nbroken{\n", Format::Text).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn openmetrics_seconds_become_milliseconds() {
        let text = "# TYPE a gauge\na 1 1520879607.789\n# EOF\n";
        let samples = parse(
            text,
            Format::from_content_type("application/openmetrics-text; version=1.0.0"),
        )
        .expect("parses");
        assert_eq!(samples[0].timestamp_ms, Some(1_520_879_607_789));
    }

    fn parse_text(text: &str, intake: &Intake) -> Result<Vec<ScrapedSample>, String> {
        parse_with(text, Format::Text, intake, &mut Interner::default())
    }

    fn limited(limit: usize, names: &[&str]) -> Intake {
        Intake {
            max_bytes: u64::MAX,
            sample_limit: limit,
            names: (!names.is_empty())
                .then(|| Arc::new(names.iter().map(|n| n.to_string()).collect())),
        }
    }

    #[test]
    fn the_sample_limit_counts_every_sample_and_a_malformed_line_comes_first() {
        let text = "a 1\nb 2\nc 3\n";
        assert_eq!(parse_text(text, &limited(3, &[])).map(|s| s.len()), Ok(3));
        assert_eq!(
            parse_text(text, &limited(2, &[])),
            Err("sample limit exceeded (3 > 2)".to_string())
        );
        // Samples of names not kept count too, as Prometheus counts every sample.
        assert_eq!(
            parse_text(text, &limited(2, &["a"])),
            Err("sample limit exceeded (3 > 2)".to_string())
        );
        let err = parse_text("a 1\nb 2\nc 3\nd{\n", &limited(1, &[])).expect_err("malformed");
        assert!(err.starts_with("bad exposition: line 4"), "{err}");
    }

    #[test]
    fn names_not_kept_never_become_samples() {
        let text = "# TYPE a counter\na_total{x=\"1\"} 3\nb 2\na_total{x=\"2\"} 4\n";
        let kept = parse_text(text, &limited(0, &["a_total"])).expect("parses");
        let got: Vec<_> = kept.iter().map(|s| (s.key.label("x"), s.value)).collect();
        assert_eq!(got, [(Some("1"), 3.0), (Some("2"), 4.0)]);
    }
}
