//! The scrape source: polls a target's metrics URL, parses text 0.0.4 or OpenMetrics 1.0
//! and sends owned samples. Every error names the URL it fetched (credentials masked).

use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use tokio::sync::mpsc;

use super::endpoint::Endpoint;
use super::http::{read_capped_into, redact, short_error, status_error};
use super::{TargetId, Update, now_ms};
use crate::model::dashboard::Scrape;
use crate::model::exposition::Format;
use crate::model::series::Interner;

/// What a scrape keeps of a body and how it becomes owned samples: in the model, which
/// has no I/O; named here too, where the scrape source's callers have found them.
pub use crate::model::exposition::intake::{Intake, parse, parse_with};

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
