//! `[alertmanager]`, `[alerts]` and `[[rules]]`: where alerts come from, how they are
//! ranked P0-P3, mcptop's own rules, and silences.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
pub use super::endpoint::{HttpAuth, HttpSettings, TlsConfig};
use super::error::Source;
use super::file::{duration, key_segment};
use super::http::{self, IndexedHeaders};
use super::mcp::check_http_url;
use crate::model::alerts::Priority;
use crate::model::alerts::priority::{SERVICE_DOWN, default_levels};
use crate::model::rules::{self, Cmp, Rule, RuleExpr};

/// How to reach Alertmanager (API v2). Several URLs are the instances of one HA cluster:
/// each is polled, their alerts deduplicated by fingerprint, and writes go to the first
/// one that answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertmanagerConfig {
    /// Base URLs, e.g. `http://127.0.0.1:9093` (`/api/v2/...` is appended).
    pub urls: Vec<String>,
    /// Time between two polls. `alertmanager.interval`, default 5 s.
    pub interval: Duration,
    /// Timeout of one request. `alertmanager.timeout`, default 5 s.
    pub timeout: Duration,
    /// Extra headers (e.g. `X-Scope-OrgID` for Mimir's Alertmanager; never Authorization),
    /// auth and TLS.
    pub http: HttpSettings,
}

impl Default for AlertmanagerConfig {
    fn default() -> Self {
        AlertmanagerConfig {
            urls: Vec::new(),
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            http: HttpSettings::default(),
        }
    }
}

/// How alerts are ranked and silenced.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertsConfig {
    /// Label holding the severity. `alerts.severity_label`, default `severity`.
    pub severity_label: String,
    /// Lowercase severity -> priority; the file's entries are merged over the defaults
    /// (critical P1, warning P2, info P3, ...).
    pub priorities: BTreeMap<String, Priority>,
    /// Regex on `alertname`: a P1 alert it matches says the service is down and is P0.
    pub service_down: String,
    /// Directory of Markdown runbooks, one `<alertname>.md` per alert.
    pub runbooks: Option<PathBuf>,
    /// `createdBy` of new silences; default `$USER`.
    pub author: Option<String>,
    /// No silence writes (as `--read-only`).
    pub read_only: bool,
    /// Duration prefilled in the silence form. `alerts.silence_duration`, default 1h.
    pub silence_duration: Duration,
    /// How long a resolved local alert stays listed. `alerts.keep_resolved`, default 5m.
    pub keep_resolved: Duration,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            severity_label: "severity".into(),
            priorities: default_levels(),
            service_down: SERVICE_DOWN.into(),
            runbooks: None,
            author: None,
            read_only: false,
            silence_duration: Duration::from_secs(3600),
            keep_resolved: Duration::from_secs(300),
        }
    }
}

/// `[alertmanager]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlertmanager {
    #[serde(default)]
    urls: Vec<Spanned<String>>,
    interval: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    headers: Option<IndexedHeaders>,
    basic_auth_user: Option<Spanned<String>>,
    basic_auth_password_env: Option<Spanned<String>>,
    basic_auth_password_file: Option<Spanned<String>>,
    bearer_token_env: Option<Spanned<String>>,
    bearer_token_file: Option<Spanned<String>>,
    /// Never accepted; named so the error can say where secrets go instead.
    bearer_token: Option<Spanned<toml::Value>>,
    basic_auth_password: Option<Spanned<toml::Value>>,
    ca_file: Option<Spanned<String>>,
    cert_file: Option<Spanned<String>>,
    key_file: Option<Spanned<String>>,
    insecure_skip_verify: Option<bool>,
}

/// `[alerts]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlerts {
    severity_label: Option<String>,
    #[serde(default)]
    priorities: BTreeMap<String, Spanned<String>>,
    service_down: Option<Spanned<String>>,
    runbooks: Option<Spanned<String>>,
    author: Option<String>,
    read_only: Option<bool>,
    silence_duration: Option<Spanned<String>>,
    keep_resolved: Option<Spanned<String>>,
    builtin_rules: Option<bool>,
}

/// One `[[rules]]` entry as written. An entry whose `alert` names a built-in rule changes
/// only the fields it gives (or removes it with `disabled = true`); another name is a new
/// rule and needs `expr` and `threshold`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    alert: Spanned<String>,
    expr: Option<Spanned<String>>,
    op: Option<Spanned<String>>,
    threshold: Option<Spanned<f64>>,
    #[serde(rename = "for")]
    for_: Option<Spanned<String>>,
    severity: Option<String>,
    summary: Option<String>,
    runbook_url: Option<String>,
    #[serde(default)]
    disabled: bool,
}

pub(super) fn alertmanager(
    src: &Source,
    raw: RawAlertmanager,
) -> Result<AlertmanagerConfig, ConfigError> {
    http::refuse_inline_secrets(
        src,
        "alertmanager",
        [
            (&raw.bearer_token, "bearer_token"),
            (&raw.basic_auth_password, "basic_auth_password"),
        ],
    )?;
    let mut cfg = AlertmanagerConfig::default();
    for (i, url) in raw.urls.iter().enumerate() {
        check_http_url(url.get_ref())
            .map_err(|m| src.error(url.span(), format!("alertmanager.urls[{i}]"), m))?;
        cfg.urls
            .push(url.get_ref().trim_end_matches('/').to_string());
    }
    if let Some(v) = &raw.interval {
        cfg.interval = duration(src, v, "alertmanager.interval")?;
    }
    if let Some(v) = &raw.timeout {
        cfg.timeout = duration(src, v, "alertmanager.timeout")?;
    }
    let parts = http::parts_of!(raw);
    cfg.http = http::convert(src, "alertmanager", &parts)?;
    Ok(cfg)
}

/// Converts `[alerts]`; also says whether the built-in rules are on.
pub(super) fn alerts(src: &Source, raw: RawAlerts) -> Result<(AlertsConfig, bool), ConfigError> {
    let mut cfg = AlertsConfig::default();
    if let Some(l) = raw.severity_label {
        cfg.severity_label = l;
    }
    for (name, level) in &raw.priorities {
        let p = Priority::parse(level.get_ref()).ok_or_else(|| {
            src.error(
                level.span(),
                format!("alerts.priorities.{}", key_segment(name)),
                "must be \"P0\", \"P1\", \"P2\" or \"P3\"",
            )
        })?;
        cfg.priorities.insert(name.to_lowercase(), p);
    }
    if let Some(re) = &raw.service_down {
        regex::Regex::new(re.get_ref()).map_err(|e| {
            src.error(
                re.span(),
                "alerts.service_down",
                format!("is not a valid regex: {e}"),
            )
        })?;
        cfg.service_down = re.get_ref().clone();
    }
    cfg.runbooks = http::path(src, "alerts.runbooks", &raw.runbooks)?;
    cfg.author = raw.author.filter(|a| !a.trim().is_empty());
    cfg.read_only = raw.read_only.unwrap_or(false);
    if let Some(v) = &raw.silence_duration {
        cfg.silence_duration = duration(src, v, "alerts.silence_duration")?;
    }
    if let Some(v) = &raw.keep_resolved {
        cfg.keep_resolved = duration(src, v, "alerts.keep_resolved")?;
    }
    Ok((cfg, raw.builtin_rules.unwrap_or(true)))
}

/// The effective rules: the built-in ones (unless turned off), changed, removed or
/// extended by `[[rules]]`, in that order.
pub(super) fn rules(
    src: &Source,
    builtin: bool,
    raw: Vec<RawRule>,
) -> Result<Vec<Rule>, ConfigError> {
    let mut list = if builtin {
        rules::builtin()
    } else {
        Vec::new()
    };
    for (i, r) in raw.into_iter().enumerate() {
        let key = |field: &str| format!("rules[{i}].{field}");
        let name = r.alert.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(src.error(r.alert.span(), key("alert"), "is empty"));
        }
        let existing = list.iter().position(|x| x.alert == name);
        if r.disabled {
            match existing {
                Some(at) => {
                    list.remove(at);
                    continue;
                }
                None => {
                    return Err(src.error(
                        r.alert.span(),
                        key("disabled"),
                        format!("names no rule: `{name}` is not a built-in rule nor defined above"),
                    ));
                }
            }
        }
        let mut rule = match existing {
            Some(at) => list[at].clone(),
            None => {
                let (Some(_), Some(_)) = (&r.expr, &r.threshold) else {
                    return Err(src.error(
                        r.alert.span(),
                        key("alert"),
                        format!("`{name}` is a new rule: it needs `expr` and `threshold`"),
                    ));
                };
                Rule {
                    alert: name.clone(),
                    expr: RuleExpr::ErrorRatio,
                    op: Cmp::Gt,
                    threshold: 0.0,
                    for_: Duration::ZERO,
                    severity: "P2".into(),
                    summary: String::new(),
                    runbook_url: None,
                }
            }
        };
        if let Some(e) = &r.expr {
            rule.expr = RuleExpr::parse(e.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = RuleExpr::ALL.iter().map(|(_, n)| *n).collect();
                src.error(
                    e.span(),
                    key("expr"),
                    format!("must be one of {}", names.join(", ")),
                )
            })?;
        }
        if let Some(o) = &r.op {
            rule.op = Cmp::parse(o.get_ref()).ok_or_else(|| {
                src.error(
                    o.span(),
                    key("op"),
                    "must be \">\", \">=\", \"<\" or \"<=\"",
                )
            })?;
        }
        if let Some(t) = &r.threshold {
            if !t.get_ref().is_finite() {
                return Err(src.error(t.span(), key("threshold"), "must be a finite number"));
            }
            rule.threshold = *t.get_ref();
        }
        if let Some(f) = &r.for_ {
            rule.for_ = match humantime::parse_duration(f.get_ref()) {
                Ok(d) => d,
                Err(e) => {
                    return Err(src.error(
                        f.span(),
                        key("for"),
                        format!("is not a duration like \"5m\" or \"0s\": {e}"),
                    ));
                }
            };
        }
        if let Some(s) = r.severity {
            rule.severity = s;
        }
        if let Some(s) = r.summary {
            rule.summary = s;
        }
        if r.runbook_url.is_some() {
            rule.runbook_url = r.runbook_url;
        }
        match existing {
            Some(at) => list[at] = rule,
            None => list.push(rule),
        }
    }
    Ok(list)
}
