//! `[target]` and `[[targets]]` as written, checked with errors that point at the line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::error::Source;
use super::http::{self, IndexedHeaders};
use super::target::{TargetConfig, TargetEntry, check_path, parse_url};
use crate::model::profile::ProfileChoice;

/// The keys `[target]` and a `[[targets]]` entry share.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    url: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    profile: Option<Spanned<String>>,
    metrics_path: Option<Spanned<String>>,
    health_path: Option<Spanned<String>>,
    /// `[target]` only.
    targets_file: Option<Spanned<String>>,
    /// `[[targets]]` only.
    labels: Option<Spanned<BTreeMap<String, String>>>,
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

/// What both tables check the same way.
struct Common {
    url: Option<String>,
    name: Option<String>,
    profile: Option<ProfileChoice>,
    metrics_path: Option<String>,
    health_path: Option<String>,
    http: super::endpoint::HttpSettings,
    http_set: bool,
}

fn common(src: &Source, table: &str, raw: &RawTarget) -> Result<Common, ConfigError> {
    let k = |field: &str| format!("{table}.{field}");
    http::refuse_inline_secrets(
        src,
        table,
        [
            (&raw.bearer_token, "bearer_token"),
            (&raw.basic_auth_password, "basic_auth_password"),
        ],
    )?;
    let url = match &raw.url {
        Some(u) => {
            parse_url(u.get_ref()).map_err(|m| src.error(u.span(), k("url"), m))?;
            Some(u.get_ref().trim().to_string())
        }
        None => None,
    };
    let name = match &raw.name {
        Some(n) if n.get_ref().trim().is_empty() => {
            return Err(src.error(n.span(), k("name"), "is empty"));
        }
        Some(n) => Some(n.get_ref().trim().to_string()),
        None => None,
    };
    let profile = match &raw.profile {
        Some(p) => Some(
            p.get_ref()
                .parse::<ProfileChoice>()
                .map_err(|m| src.error(p.span(), k("profile"), m))?,
        ),
        None => None,
    };
    let mut paths = [None, None];
    for (slot, (value, field, empty_ok)) in paths.iter_mut().zip([
        (&raw.metrics_path, "metrics_path", false),
        (&raw.health_path, "health_path", true),
    ]) {
        if let Some(v) = value {
            check_path(v.get_ref(), empty_ok).map_err(|m| src.error(v.span(), k(field), m))?;
            *slot = Some(v.get_ref().clone());
        }
    }
    let [metrics_path, health_path] = paths;
    let parts = http::parts_of!(raw);
    let http = http::convert(src, table, &parts)?;
    let http_set = raw.headers.is_some()
        || raw.basic_auth_user.is_some()
        || raw.bearer_token_env.is_some()
        || raw.bearer_token_file.is_some()
        || raw.ca_file.is_some()
        || raw.cert_file.is_some()
        || raw.insecure_skip_verify.is_some();
    Ok(Common {
        url,
        name,
        profile,
        metrics_path,
        health_path,
        http,
        http_set,
    })
}

/// Converts `[target]`.
///
/// Errors (file, line, key): a URL that is not http(s) or holds credentials, an empty
/// name, an unknown profile, a path without a leading `/`, `labels` (a `[[targets]]`
/// key), and everything [`http::convert`] checks.
pub(super) fn target(src: &Source, raw: RawTarget) -> Result<TargetConfig, ConfigError> {
    if let Some(l) = &raw.labels {
        return Err(src.error(
            l.span(),
            "target.labels",
            "labels belong to a [[targets]] entry or a targets_file group",
        ));
    }
    let c = common(src, "target", &raw)?;
    let targets_file = match &raw.targets_file {
        Some(f) if f.get_ref().trim().is_empty() => {
            return Err(src.error(f.span(), "target.targets_file", "is empty"));
        }
        f => http::path(src, "target.targets_file", f)?,
    };
    let d = TargetConfig::default();
    Ok(TargetConfig {
        url: c.url,
        name: c.name,
        profile: c.profile.unwrap_or(d.profile),
        metrics_path: c.metrics_path.unwrap_or(d.metrics_path),
        health_path: c.health_path.unwrap_or(d.health_path),
        http: c.http,
        targets_file,
    })
}

/// Converts the `[[targets]]` entries.
///
/// Errors: as [`target`], plus a missing `url` and `targets_file` (a `[target]` key).
pub(super) fn entries(src: &Source, raw: Vec<RawTarget>) -> Result<Vec<TargetEntry>, ConfigError> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        let table = format!("targets[{i}]");
        if let Some(f) = &r.targets_file {
            return Err(src.error(
                f.span(),
                format!("{table}.targets_file"),
                "is a [target] key: one file of targets for all",
            ));
        }
        let c = common(src, &table, &r)?;
        let Some(url) = c.url else {
            return Err(src.error(
                r.name.as_ref().map_or(0..0, Spanned::span),
                format!("{table}.url"),
                "is required: the target's base URL or metrics URL, e.g. \"http://10.0.0.7:9464\"",
            ));
        };
        out.push(TargetEntry {
            url,
            name: c.name,
            profile: c.profile,
            metrics_path: c.metrics_path,
            health_path: c.health_path,
            http: c.http_set.then_some(c.http),
            labels: r.labels.map(Spanned::into_inner).unwrap_or_default(),
        });
    }
    Ok(out)
}
