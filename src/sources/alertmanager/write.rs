//! Writes: create or expire a silence on the first instance that answers.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Response};
use tokio::sync::mpsc;

use super::api;
use super::client::AmClient;
use crate::Update;
use crate::http::{read_capped, read_prefix, short_error};
use crate::model::alerts::{AmUpdate, AmWrite};

/// Largest success answer read (`{"silenceID":"..."}`), bytes.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;
/// Most bytes of an error answer read for its text.
const MAX_ERROR_BYTES: usize = 4096;

/// Sends `write` and reports the end as [`AmUpdate::Written`] with `request`.
pub async fn run(client: AmClient, request: u64, write: AmWrite, updates: mpsc::Sender<Update>) {
    let (endpoint, result) = send(&client, &write).await;
    if let Err(e) = &result {
        tracing::debug!(url = %endpoint, error = %e, "Alertmanager write failed");
    }
    let update = AmUpdate::Written {
        request,
        write,
        endpoint,
        result,
    };
    let _ = updates.send(Update::Alertmanager(update)).await;
}

/// Tries the instances in order: one that cannot be reached (connection refused, timed
/// out) passes the write to the next; the first one that answers HTTP decides. Returns the
/// redacted URL of that instance (or of the first, when none answered) and the silence ID
/// (created or expired).
///
/// Errors: Alertmanager's own text and the status when it refused (`Failed to create
/// silence: start time must be before end time (HTTP 400)`); `no Alertmanager answered:
/// <url>: <why>; ...` when none did; an answer of another shape.
pub async fn send(client: &AmClient, write: &AmWrite) -> (String, Result<String, String>) {
    let body = match write {
        AmWrite::CreateSilence(draft) => match api::silence_body(draft) {
            Ok(b) => Some(b.to_string()),
            Err(e) => return (client.shown(0), Err(e)),
        },
        AmWrite::ExpireSilence { .. } => None,
    };
    let mut failures = Vec::new();
    for n in 0..client.instances() {
        let (method, url) = match write {
            AmWrite::CreateSilence(_) => (Method::POST, client.url(n, &["silences"], &[])),
            AmWrite::ExpireSilence { id } => (Method::DELETE, client.url(n, &["silence", id], &[])),
        };
        let Some(url) = url else { continue };
        let mut req = client
            .request(method, url)
            .header(ACCEPT, "application/json");
        if let Some(body) = &body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        match req.send().await {
            Ok(resp) => return (client.shown(n), answer(resp, write).await),
            Err(e) => failures.push(format!("{}: {}", client.shown(n), short_error(&e))),
        }
    }
    let why = if failures.is_empty() {
        "no Alertmanager URL configured".to_string()
    } else {
        format!("no Alertmanager answered: {}", failures.join("; "))
    };
    (client.shown(0), Err(why))
}

/// The silence ID from an answer, or Alertmanager's reason for refusing.
async fn answer(resp: Response, write: &AmWrite) -> Result<String, String> {
    let status = resp.status();
    if !status.is_success() {
        let text = api::error_text(&read_prefix(resp, MAX_ERROR_BYTES).await);
        return Err(if text.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("{text} (HTTP {})", status.as_u16())
        });
    }
    match write {
        AmWrite::CreateSilence(_) => {
            let body = read_capped(resp, MAX_ANSWER_BYTES)
                .await
                .map_err(|e| format!("answer to the new silence: {e}"))?;
            api::parse_created(&body).map_err(|e| format!("answer to the new silence: {e}"))
        }
        AmWrite::ExpireSilence { id } => Ok(id.clone()),
    }
}
