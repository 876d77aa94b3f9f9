//! The health source: polls a target's health URL (`/health` by default,
//! `{"status":"ok","version":"x.y.z"}`). Every error names the URL it fetched.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use tokio::sync::mpsc;

use super::endpoint::Endpoint;
use super::http::{SourceError, read_capped, redact, short_error, status_error};
use super::{TargetId, Update, now_ms};
use crate::model::status::HealthInfo;

#[derive(Deserialize)]
struct Body {
    status: Option<String>,
    version: Option<String>,
}

/// Checks `url` every `interval` until the receiver is dropped, as target `target`.
pub async fn run(
    client: Endpoint,
    url: Url,
    interval: Duration,
    target: TargetId,
    tx: mpsc::Sender<Update>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let t_ms = now_ms();
        let result = check_once(&client, &url).await;
        if tx
            .send(Update::Health {
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

/// One check. A 2xx answer is healthy when its JSON `status` is "ok", "healthy", "up" or
/// "pass" (or absent, or the body is not JSON). 404, 405, 401 and 403 mean the server has
/// no health endpoint for us, which is not a failure (`/metrics` still tells up from down).
///
/// Errors: a [`SourceError`] about the URL (redacted; shown first, then `: `): connection,
/// timeout, non-2xx status, or another `status` value ([`SourceError::Unhealthy`]).
pub async fn check_once(client: &Endpoint, url: &Url) -> Result<HealthInfo, SourceError> {
    check(client, url)
        .await
        .map_err(|e| e.at(redact(url.as_str())))
}

async fn check(client: &Endpoint, url: &Url) -> Result<HealthInfo, SourceError> {
    let resp = client
        .request(Method::GET, url.clone())
        .send()
        .await
        .map_err(|e| short_error(&e))?;
    let status = resp.status();
    if matches!(
        status,
        StatusCode::NOT_FOUND
            | StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::UNAUTHORIZED
            | StatusCode::FORBIDDEN
    ) {
        return Ok(HealthInfo {
            status: format!(
                "no health check at {} (HTTP {})",
                url.path(),
                status.as_u16()
            ),
            version: None,
        });
    }
    if !resp.status().is_success() {
        return Err(status_error(resp).await);
    }
    let body = read_capped(resp, 64 * 1024).await?;
    let parsed: Option<Body> = crate::inbound::json(&body).ok();
    let (status, version) = match parsed {
        Some(b) => (b.status.unwrap_or_else(|| "ok".into()), b.version),
        None => ("ok".into(), None),
    };
    if matches!(
        status.to_ascii_lowercase().as_str(),
        "ok" | "healthy" | "up" | "pass"
    ) {
        Ok(HealthInfo { status, version })
    } else {
        // The server's own word: no control character and at most 120 characters of it.
        let shown: String = status
            .chars()
            .filter(|c| !c.is_control())
            .take(120)
            .collect();
        Err(SourceError::Unhealthy(
            crate::inbound::text(&shown).into_owned(),
        ))
    }
}
