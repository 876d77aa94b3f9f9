//! Alertmanager API v2 JSON (as 0.25 sends it) and its conversion into the alert model.
//! Times are RFC 3339 on the wire and Unix ms in the model.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::alerts::{
    Alert, AlertGroup, AlertOrigin, AlertState, AmStatus, Labels, MatchOp, Matcher, Silence,
    SilenceDraft, SilenceState,
};

/// One alert of `GET /api/v2/alerts` (gettableAlert), and of a group's `alerts`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiAlert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: Option<Labels>,
    #[serde(default)]
    pub annotations: Option<Labels>,
    pub starts_at: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: Option<String>,
    pub status: ApiAlertStatus,
    #[serde(default)]
    pub receivers: Option<Vec<ApiReceiver>>,
}

/// `status` of an alert: `state` is `active`, `suppressed` or `unprocessed`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiAlertStatus {
    pub state: String,
    #[serde(default)]
    pub silenced_by: Option<Vec<String>>,
    #[serde(default)]
    pub inhibited_by: Option<Vec<String>>,
}

/// `{"name": "..."}`.
#[derive(Debug, Deserialize)]
pub struct ApiReceiver {
    pub name: String,
}

/// One group of `GET /api/v2/alerts/groups`; of its alerts only the fingerprints are kept.
#[derive(Debug, Deserialize)]
pub struct ApiGroup {
    #[serde(default)]
    pub labels: Option<Labels>,
    pub receiver: ApiReceiver,
    #[serde(default)]
    pub alerts: Option<Vec<ApiFingerprint>>,
}

/// An alert of a group, reduced to its fingerprint.
#[derive(Debug, Deserialize)]
pub struct ApiFingerprint {
    pub fingerprint: String,
}

/// One silence of `GET /api/v2/silences` (gettableSilence).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiSilence {
    pub id: String,
    pub status: ApiSilenceStatus,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub created_by: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub matchers: Vec<ApiMatcher>,
}

/// `status` of a silence: `state` is `active`, `pending` or `expired`.
#[derive(Debug, Deserialize)]
pub struct ApiSilenceStatus {
    pub state: String,
}

/// A matcher; `isEqual` is absent in Alertmanager before 0.22 and means true.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMatcher {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub is_regex: bool,
    #[serde(default)]
    pub is_equal: Option<bool>,
}

/// `GET /api/v2/status`, the parts shown.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiStatus {
    #[serde(default)]
    pub cluster: Option<ApiCluster>,
    #[serde(default)]
    pub version_info: Option<ApiVersion>,
    /// When this Alertmanager started (RFC 3339), despite the name.
    #[serde(default)]
    pub uptime: Option<String>,
}

/// `cluster`: `status` is `ready`, `settling` or `disabled`.
#[derive(Debug, Deserialize)]
pub struct ApiCluster {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub peers: Option<Vec<Value>>,
}

/// `versionInfo`.
#[derive(Debug, Deserialize)]
pub struct ApiVersion {
    #[serde(default)]
    pub version: Option<String>,
}

/// `POST /api/v2/silences`' answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiSilenceCreated {
    #[serde(rename = "silenceID")]
    pub silence_id: String,
}

/// RFC 3339 -> Unix ms. Errors name the field and quote the text.
pub fn time_ms(field: &str, text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("{field} `{text}` is not an RFC 3339 time: {e}"))
}

/// Unix ms -> RFC 3339 in UTC with milliseconds, e.g. `2026-11-22T08:53:08.344Z`.
/// `None` for a time chrono cannot represent.
pub fn rfc3339(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

fn opt_time(field: &str, text: Option<&str>) -> Result<Option<i64>, String> {
    text.map(|t| time_ms(field, t)).transpose()
}

/// Alertmanager's alert status -> the model's state: `active` and `unprocessed` are
/// firing; `suppressed` is silenced when a silence mutes it, else inhibited (also when
/// neither list names a cause). An unknown state is shown as firing rather than hidden.
pub fn alert_state(status: &ApiAlertStatus) -> AlertState {
    let silenced = status.silenced_by.as_ref().is_some_and(|v| !v.is_empty());
    match status.state.as_str() {
        "suppressed" if silenced => AlertState::Silenced,
        "suppressed" => AlertState::Inhibited,
        _ => AlertState::Firing,
    }
}

impl ApiAlert {
    /// Into the model; `origin` names `instance`.
    ///
    /// Errors: a time that is not RFC 3339.
    pub fn into_alert(self, instance: usize) -> Result<Alert, String> {
        let state = alert_state(&self.status);
        Ok(Alert {
            starts_at_ms: time_ms("startsAt", &self.starts_at)?,
            updated_at_ms: opt_time("updatedAt", self.updated_at.as_deref())?,
            ends_at_ms: opt_time("endsAt", self.ends_at.as_deref())?,
            fingerprint: self.fingerprint,
            labels: self.labels.unwrap_or_default(),
            annotations: self.annotations.unwrap_or_default(),
            state,
            generator_url: self.generator_url.filter(|u| !u.is_empty()),
            silenced_by: self.status.silenced_by.unwrap_or_default(),
            inhibited_by: self.status.inhibited_by.unwrap_or_default(),
            receivers: self
                .receivers
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.name)
                .collect(),
            origin: AlertOrigin::Alertmanager {
                instances: vec![instance],
            },
        })
    }
}

impl ApiGroup {
    /// Into the model.
    pub fn into_group(self) -> AlertGroup {
        AlertGroup {
            labels: self.labels.unwrap_or_default(),
            receiver: self.receiver.name,
            fingerprints: self
                .alerts
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.fingerprint)
                .collect(),
        }
    }
}

impl ApiSilence {
    /// Into the model.
    ///
    /// Errors: a time that is not RFC 3339, an unknown state, or a matcher the model
    /// cannot represent (e.g. a regex Rust's engine does not accept); the text names the
    /// silence.
    pub fn into_silence(self) -> Result<Silence, String> {
        let id = self.id;
        let state = match self.status.state.as_str() {
            "active" => SilenceState::Active,
            "pending" => SilenceState::Pending,
            "expired" => SilenceState::Expired,
            other => return Err(format!("silence {id}: unknown state `{other}`")),
        };
        let matchers = self
            .matchers
            .iter()
            .map(|m| {
                let op = MatchOp::from_flags(m.is_regex, m.is_equal.unwrap_or(true));
                Matcher::new(&m.name, op, &m.value)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("silence {id}: {e}"))?;
        let times = || -> Result<(i64, i64, Option<i64>), String> {
            Ok((
                time_ms("startsAt", &self.starts_at)?,
                time_ms("endsAt", &self.ends_at)?,
                opt_time("updatedAt", self.updated_at.as_deref())?,
            ))
        };
        let (starts_at_ms, ends_at_ms, updated_at_ms) =
            times().map_err(|e| format!("silence {id}: {e}"))?;
        Ok(Silence {
            id,
            matchers,
            starts_at_ms,
            ends_at_ms,
            updated_at_ms,
            created_by: self.created_by,
            comment: self.comment,
            state,
        })
    }
}

impl ApiStatus {
    /// Into the model. A start time that does not parse is left out.
    pub fn into_status(self) -> AmStatus {
        let (cluster_status, peers) = match self.cluster {
            Some(c) => (c.status, c.peers.map_or(0, |p| p.len())),
            None => (None, 0),
        };
        AmStatus {
            version: self.version_info.and_then(|v| v.version),
            cluster_status,
            peers,
            uptime_ms: self.uptime.and_then(|t| time_ms("uptime", &t).ok()),
        }
    }
}

/// `GET /api/v2/alerts` -> alerts of `instance`.
///
/// Errors: JSON not of that shape, or a bad time; the text says which.
pub fn parse_alerts(body: &[u8], instance: usize) -> Result<Vec<Alert>, String> {
    let list: Vec<ApiAlert> = from_json(body)?;
    list.into_iter().map(|a| a.into_alert(instance)).collect()
}

/// `GET /api/v2/alerts/groups` -> groups. Errors: JSON not of that shape.
pub fn parse_groups(body: &[u8]) -> Result<Vec<AlertGroup>, String> {
    let list: Vec<ApiGroup> = from_json(body)?;
    Ok(list.into_iter().map(ApiGroup::into_group).collect())
}

/// `GET /api/v2/silences` -> the silences, and a text for each one left out because the
/// model cannot hold it (see [`ApiSilence::into_silence`]).
///
/// Errors: JSON not of that shape.
pub fn parse_silences(body: &[u8]) -> Result<(Vec<Silence>, Vec<String>), String> {
    let list: Vec<ApiSilence> = from_json(body)?;
    let mut silences = Vec::with_capacity(list.len());
    let mut skipped = Vec::new();
    for s in list {
        match s.into_silence() {
            Ok(s) => silences.push(s),
            Err(e) => skipped.push(e),
        }
    }
    Ok((silences, skipped))
}

/// `GET /api/v2/status` -> status. Errors: JSON not of that shape.
pub fn parse_status(body: &[u8]) -> Result<AmStatus, String> {
    let status: ApiStatus = from_json(body)?;
    Ok(status.into_status())
}

/// `POST /api/v2/silences`' answer -> the new silence's ID. Errors: another shape.
pub fn parse_created(body: &[u8]) -> Result<String, String> {
    let created: ApiSilenceCreated = from_json(body)?;
    Ok(created.silence_id)
}

/// The body of `POST /api/v2/silences` (postableSilence) for a draft.
///
/// Errors: a time chrono cannot represent.
pub fn silence_body(draft: &SilenceDraft) -> Result<Value, String> {
    let time = |ms: i64| rfc3339(ms).ok_or_else(|| format!("time {ms} ms is out of range"));
    let matchers: Vec<Value> = draft
        .matchers
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "value": m.value,
                "isRegex": m.op.is_regex(),
                "isEqual": m.op.is_equal(),
            })
        })
        .collect();
    Ok(json!({
        "matchers": matchers,
        "startsAt": time(draft.starts_at_ms)?,
        "endsAt": time(draft.ends_at_ms)?,
        "createdBy": draft.created_by,
        "comment": draft.comment,
    }))
}

/// Most characters of Alertmanager's error text kept.
const ERROR_CHARS: usize = 200;

/// Alertmanager's error text from a non-2xx body, readable and on one line. 0.25 sends
/// either a JSON string (`"Failed to create silence: start time must be before end
/// time"`, 400; `"silence not found"`, 500) or, when the request fails the API's schema,
/// `{"code":612,"message":"matchers in body should have at least 1 items"}` (422); any
/// other body is taken as text. Empty when the body is.
pub fn error_text(body: &[u8]) -> String {
    if crate::http::is_binary(body) {
        return format!("{} bytes of binary data", body.len());
    }
    let text = String::from_utf8_lossy(body);
    if let Some(page) = crate::http::html_page(&text) {
        return page;
    }
    let text = text.trim();
    let readable = match serde_json::from_str::<Value>(text) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(o)) => match (o.get("message"), o.get("error")) {
            (Some(Value::String(m)), _) | (None, Some(Value::String(m))) => m.clone(),
            _ => text.to_string(),
        },
        _ => text.to_string(),
    };
    let readable = crate::inbound::text(&readable);
    let one_line = readable.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > ERROR_CHARS {
        let cut: String = one_line.chars().take(ERROR_CHARS).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

fn from_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    crate::inbound::json(body).map_err(|e| {
        if crate::http::is_binary(body) {
            format!("{} bytes of binary data, not JSON", body.len())
        } else {
            format!("unexpected JSON: {e}")
        }
    })
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
