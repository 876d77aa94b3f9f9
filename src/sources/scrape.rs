//! The scrape source: polls a target's metrics URL, parses text 0.0.4 or OpenMetrics 1.0
//! and sends owned samples. Every error names the URL it fetched (credentials masked).

use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use tokio::sync::mpsc;

use super::endpoint::Endpoint;
use super::http::{read_capped_into, redact, short_error, status_error};
use super::{TargetId, Update, now_ms};
use crate::model::dashboard::{Scrape, ScrapedSample};
use crate::model::exposition::{self, Format};
use crate::model::series::SeriesKey;

/// What the scraper asks for, like Prometheus: OpenMetrics first, then text 0.0.4.
pub const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// The largest body buffer kept from one scrape to the next, in bytes: a target's body is
/// read into the same buffer every time (no large allocation per scrape), unless a body
/// made it larger than this; that buffer is freed rather than held for the rest of the run.
const KEEP_BODY_BYTES: usize = 4 << 20;

/// Scrapes `url` every `interval` until the receiver is dropped, as target `target`.
pub async fn run(
    client: Endpoint,
    url: Url,
    interval: Duration,
    max_bytes: u64,
    target: TargetId,
    tx: mpsc::Sender<Update>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut body = Vec::new();
    loop {
        ticker.tick().await;
        let t_ms = now_ms();
        let result = scrape_into(&client, &url, max_bytes, t_ms, &mut body).await;
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
    scrape_into(client, url, max_bytes, t_ms, &mut Vec::new()).await
}

/// [`scrape_once`] reading the body into `body`, whose capacity is kept for the next
/// scrape of the same target.
pub async fn scrape_into(
    client: &Endpoint,
    url: &Url,
    max_bytes: u64,
    t_ms: i64,
    body: &mut Vec<u8>,
) -> Result<Scrape, String> {
    fetch(client, url, max_bytes, t_ms, body)
        .await
        .map_err(|e| format!("{}: {e}", redact(url.as_str())))
}

async fn fetch(
    client: &Endpoint,
    url: &Url,
    max_bytes: u64,
    t_ms: i64,
    body: &mut Vec<u8>,
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
    read_capped_into(resp, max_bytes, body).await?;
    let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
    let samples = parse(text, Format::from_content_type(&content_type))?;
    Ok(Scrape {
        t_ms,
        duration: started.elapsed(),
        bytes: body.len(),
        samples,
    })
}

/// Parses an exposition into owned samples.
///
/// Errors: `line N: message` for the first malformed line.
///
/// The samples are made owned one by one as they are read, into a vector sized once for
/// the body's possible sample lines ([`exposition::sample_capacity`]): no second, borrowed
/// copy of the whole exposition is held.
pub fn parse(text: &str, format: Format) -> Result<Vec<ScrapedSample>, String> {
    let mut samples = Vec::with_capacity(exposition::sample_capacity(text));
    // Names and values enter here as outside text (`crate::inbound`).
    let clean = crate::inbound::Cleaner::new();
    exposition::parse_each(text, format, |s| {
        samples.push(ScrapedSample {
            key: SeriesKey::new(
                &clean.text(s.name),
                s.labels
                    .into_iter()
                    .map(|(k, v)| (clean.text(k).into_owned(), clean.string(v.into_owned()))),
            ),
            value: s.value,
            timestamp_ms: s.timestamp_ms,
        });
    })
    .map_err(|e| format!("bad exposition: {}", clean.text(&e.to_string())))?;
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
        assert_eq!(samples[0].key.name, "a_total");
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
}
