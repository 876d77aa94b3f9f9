//! Polling: one round asks every instance, concurrently, for its alerts, groups, silences
//! and status, and sends one [`AmUpdate::Polled`] per instance.

use futures::future::join_all;
use reqwest::Method;
use reqwest::header::ACCEPT;
use tokio::sync::mpsc;

use super::api;
use super::client::{AmClient, MAX_BODY_BYTES};
use crate::http::{read_capped, short_error, status_error};
use crate::model::alerts::{AmSnapshot, AmUpdate};
use crate::{Update, now_ms};

/// Every alert, whatever its state, as the alerts screen lists them.
const ALERT_FILTER: [(&str, &str); 4] = [
    ("active", "true"),
    ("silenced", "true"),
    ("inhibited", "true"),
    ("unprocessed", "true"),
];

/// Polls every instance once, concurrently; each instance's result is sent as soon as it
/// is complete. Returns when all are sent (or the receiver is gone).
pub async fn round(client: AmClient, updates: mpsc::Sender<Update>) {
    let polls = (0..client.instances()).map(|instance| {
        let client = &client;
        let updates = &updates;
        async move {
            let t_ms = now_ms();
            let result = poll(client, instance).await;
            if let Err(e) = &result {
                tracing::debug!(url = %client.shown(instance), error = %e, "Alertmanager poll failed");
            }
            let update = AmUpdate::Polled {
                instance,
                t_ms,
                result,
            };
            // A closed channel ends the source; its loop notices.
            let _ = updates.send(Update::Alertmanager(update)).await;
        }
    });
    join_all(polls).await;
}

/// One instance's alerts, groups, silences and status, asked for at once.
///
/// Errors: the first request that fails: `cannot connect: ...` or `timed out` (not tied
/// to one endpoint), else prefixed by the endpoint (`alerts: HTTP 503 Service
/// Unavailable: <body start>`, `silences: unexpected JSON: ...`). URLs never appear.
pub async fn poll(client: &AmClient, instance: usize) -> Result<AmSnapshot, String> {
    let (alerts, groups, silences, status) = tokio::try_join!(
        get(client, instance, "alerts", &["alerts"], &ALERT_FILTER),
        get(
            client,
            instance,
            "groups",
            &["alerts", "groups"],
            &ALERT_FILTER
        ),
        get(client, instance, "silences", &["silences"], &[]),
        get(client, instance, "status", &["status"], &[]),
    )?;
    let alerts = api::parse_alerts(&alerts, instance).map_err(|e| format!("alerts: {e}"))?;
    let groups = api::parse_groups(&groups).map_err(|e| format!("groups: {e}"))?;
    let (silences, skipped) =
        api::parse_silences(&silences).map_err(|e| format!("silences: {e}"))?;
    for e in skipped {
        tracing::warn!(url = %client.shown(instance), "Alertmanager silence left out: {e}");
    }
    let status = api::parse_status(&status).map_err(|e| format!("status: {e}"))?;
    Ok(AmSnapshot {
        alerts,
        silences,
        groups,
        status,
    })
}

/// GET `<base>/api/v2/<segments>?<query>`: the body, at most [`MAX_BODY_BYTES`].
async fn get(
    client: &AmClient,
    instance: usize,
    what: &str,
    segments: &[&str],
    query: &[(&str, &str)],
) -> Result<Vec<u8>, String> {
    let url = client
        .url(instance, segments, query)
        .ok_or_else(|| format!("{what}: no Alertmanager #{instance}"))?;
    let resp = client
        .request(Method::GET, url)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| {
            if e.is_connect() || e.is_timeout() {
                short_error(&e)
            } else {
                format!("{what}: {}", short_error(&e))
            }
        })?;
    if !resp.status().is_success() {
        return Err(format!("{what}: {}", status_error(resp).await));
    }
    read_capped(resp, MAX_BODY_BYTES)
        .await
        .map_err(|e| format!("{what}: {e}"))
}
