//! The scrape source: polls a target's metrics URL, parses text 0.0.4 or OpenMetrics 1.0
//! and sends owned samples. Every error names the URL it fetched (credentials masked).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use tokio::sync::mpsc;

use super::endpoint::Endpoint;
use super::http::{read_capped_into, redact, short_error, status_error};
use super::{TargetId, Update, now_ms};
use crate::model::dashboard::{Scrape, ScrapedSample};
use crate::model::exposition::{self, Format};
use crate::model::series::Interner;

/// What the scraper asks for, like Prometheus: OpenMetrics first, then text 0.0.4.
pub const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// The largest body buffer kept from one scrape to the next, in bytes: a target's body is
/// read into the same buffer every time (no large allocation per scrape), unless a body
/// made it larger than this; that buffer is freed rather than held for the rest of the run.
const KEEP_BODY_BYTES: usize = 4 << 20;

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

/// Scrapes `url` every `interval` until the receiver is dropped, as target `target`.
pub async fn run(
    client: Endpoint,
    url: Url,
    interval: Duration,
    intake: Intake,
    target: TargetId,
    tx: mpsc::Sender<Update>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut body = Vec::new();
    let mut keys = Interner::default();
    loop {
        ticker.tick().await;
        let t_ms = now_ms();
        let result = scrape_into(&client, &url, &intake, t_ms, &mut body, &mut keys).await;
        if body.capacity() > KEEP_BODY_BYTES {
            body = Vec::new();
        }
        if let Err(e) = &result {
            tracing::debug!(error = %e, "scrape failed");
        }
        if tx
            .send(Update::Scrape {
                target,
                t_ms,
                result,
            })
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Sends `error` as the scrape result of `target` every `interval`: a target whose client
/// cannot be built (a CA file that went missing) shows why in its own row, every time.
pub async fn fail_every(
    interval: Duration,
    error: String,
    target: TargetId,
    tx: mpsc::Sender<Update>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let u = Update::Scrape {
            target,
            t_ms: now_ms(),
            result: Err(error.clone()),
        };
        if tx.send(u).await.is_err() {
            return;
        }
    }
}

/// One scrape: GET (with the endpoint's credentials; a gzip-encoded answer is decoded),
/// bounded body, parse. `t_ms` becomes the samples' time.
///
/// Errors, each starting with the URL (redacted) and `: `: connection, timeout, non-2xx
/// status, body over `max_bytes`, not UTF-8, or a malformed exposition (with its line
/// number).
pub async fn scrape_once(
    client: &Endpoint,
    url: &Url,
    max_bytes: u64,
    t_ms: i64,
) -> Result<Scrape, String> {
    let (intake, mut keys) = (Intake::all(max_bytes), Interner::default());
    scrape_into(client, url, &intake, t_ms, &mut Vec::new(), &mut keys).await
}

/// [`scrape_once`] taking what `intake` says (errors also: more samples than its
/// `sample_limit`, `sample limit exceeded (N > limit)`), reading the body into `body`,
/// whose capacity is kept for the next scrape of the same target, and the series keys
/// through `keys`, kept likewise.
pub async fn scrape_into(
    client: &Endpoint,
    url: &Url,
    intake: &Intake,
    t_ms: i64,
    body: &mut Vec<u8>,
    keys: &mut Interner,
) -> Result<Scrape, String> {
    fetch(client, url, intake, t_ms, body, keys)
        .await
        .map_err(|e| format!("{}: {e}", redact(url.as_str())))
}

async fn fetch(
    client: &Endpoint,
    url: &Url,
    intake: &Intake,
    t_ms: i64,
    body: &mut Vec<u8>,
    keys: &mut Interner,
) -> Result<Scrape, String> {
    let started = Instant::now();
    let resp = client
        .request(Method::GET, url.clone())
        .header(reqwest::header::ACCEPT, ACCEPT)
        .send()
        .await
        .map_err(|e| short_error(&e))?;
    if !resp.status().is_success() {
        return Err(status_error(resp).await);
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    read_capped_into(resp, intake.max_bytes, body).await?;
    let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
    let samples = parse_with(text, Format::from_content_type(&content_type), intake, keys)?;
    Ok(Scrape {
        t_ms,
        duration: started.elapsed(),
        bytes: body.len(),
        samples,
    })
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
/// sample lines ([`exposition::sample_capacity`]).
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
        Vec::with_capacity(exposition::sample_capacity(text).min(limit))
    } else {
        Vec::new()
    };
    let mut seen = 0usize;
    // Names and values enter here as outside text (`crate::inbound`).
    let clean = crate::inbound::Cleaner::new();
    exposition::parse_each(text, format, |s| {
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
