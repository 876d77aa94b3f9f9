//! The HTTP settings an endpoint table shares (`[target]`, `[[targets]]`, `[mcp.servers.NAME]`,
//! `[prometheus]`, `[alertmanager]`, `[loki]`): extra headers,
//! basic or bearer auth with secrets named by variable or file, TLS files. Checked here
//! with errors that point at the line.

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml::Spanned;

use super::ConfigError;
use super::endpoint::{HttpAuth, HttpSettings, TlsConfig};
use super::error::Source;
use super::file::key_segment;
use super::mcp::{SecretSource, expand_home};

/// Extra headers as written, with the places of names and values.
pub(super) type IndexedHeaders = BTreeMap<Spanned<String>, Spanned<String>>;

/// The raw fields of one table that make its HTTP settings.
pub(super) struct Parts<'a> {
    pub headers: &'a Option<IndexedHeaders>,
    pub basic_auth_user: &'a Option<Spanned<String>>,
    pub basic_auth_password_env: &'a Option<Spanned<String>>,
    pub basic_auth_password_file: &'a Option<Spanned<String>>,
    pub bearer_token_env: &'a Option<Spanned<String>>,
    pub bearer_token_file: &'a Option<Spanned<String>>,
    pub ca_file: &'a Option<Spanned<String>>,
    pub cert_file: &'a Option<Spanned<String>>,
    pub key_file: &'a Option<Spanned<String>>,
    pub insecure_skip_verify: Option<bool>,
}

/// The [`Parts`] of a raw table struct that has the HTTP fields under their usual names
/// (`headers`, `basic_auth_*`, `bearer_token_*`, `ca_file`, `cert_file`, `key_file`,
/// `insecure_skip_verify`). A macro because serde cannot flatten a shared struct into
/// a table that denies unknown fields.
macro_rules! parts_of {
    ($raw:expr) => {
        $crate::config::http::Parts {
            headers: &$raw.headers,
            basic_auth_user: &$raw.basic_auth_user,
            basic_auth_password_env: &$raw.basic_auth_password_env,
            basic_auth_password_file: &$raw.basic_auth_password_file,
            bearer_token_env: &$raw.bearer_token_env,
            bearer_token_file: &$raw.bearer_token_file,
            ca_file: &$raw.ca_file,
            cert_file: &$raw.cert_file,
            key_file: &$raw.key_file,
            insecure_skip_verify: $raw.insecure_skip_verify,
        }
    };
}
pub(super) use parts_of;

/// Refuses a secret written in the config itself (`bearer_token = "..."`), saying where it
/// goes instead.
pub(super) fn refuse_inline_secrets(
    src: &Source,
    table: &str,
    secrets: [(&Option<Spanned<toml::Value>>, &str); 2],
) -> Result<(), ConfigError> {
    for (value, field) in secrets {
        if let Some(v) = value {
            return Err(src.error(
                v.span(),
                format!("{table}.{field}"),
                format!(
                    "secrets are never written in the config: use {field}_env = \"VAR\" or \
                     {field}_file = \"PATH\""
                ),
            ));
        }
    }
    Ok(())
}

/// Checks and converts the headers, auth and TLS of `[table]`.
///
/// Errors (file, line, `table.key`): a header name or value HTTP does not allow, an
/// `Authorization` header (credentials belong in `*_env`/`*_file`), two sources for one
/// secret, basic auth and a bearer token together, a user without a password (or the
/// reverse), `cert_file` without `key_file` (or the reverse).
pub(super) fn convert(
    src: &Source,
    table: &str,
    raw: &Parts<'_>,
) -> Result<HttpSettings, ConfigError> {
    let k = |field: &str| format!("{table}.{field}");
    let mut headers = BTreeMap::new();
    for (name, value) in raw.headers.iter().flatten() {
        let field = k(&format!("headers.{}", key_segment(name.get_ref())));
        if http::HeaderName::from_bytes(name.get_ref().as_bytes()).is_err() {
            return Err(src.error(name.span(), field, "is not a valid HTTP header name"));
        }
        if name.get_ref().eq_ignore_ascii_case("authorization") {
            return Err(src.error(
                name.span(),
                field,
                "would put a credential in the config: use bearer_token_env or basic_auth_user \
                 with basic_auth_password_env",
            ));
        }
        if http::HeaderValue::from_str(value.get_ref()).is_err() {
            return Err(src.error(
                value.span(),
                field,
                "is not a valid HTTP header value (control characters or non-ASCII)",
            ));
        }
        headers.insert(name.get_ref().clone(), value.get_ref().clone());
    }
    let password = secret(
        src,
        &k("basic_auth_password"),
        raw.basic_auth_password_env,
        raw.basic_auth_password_file,
    )?;
    let bearer = secret(
        src,
        &k("bearer_token"),
        raw.bearer_token_env,
        raw.bearer_token_file,
    )?;
    let auth = match (raw.basic_auth_user, password, bearer) {
        (Some(_), _, Some(_)) | (None, Some(_), Some(_)) => {
            let at = raw
                .bearer_token_env
                .as_ref()
                .or(raw.bearer_token_file.as_ref());
            return Err(src.error(
                at.map_or(0..0, Spanned::span),
                k("bearer_token_env"),
                "basic auth and a bearer token are two ways to log in: keep one",
            ));
        }
        (Some(user), Some(password), None) => Some(HttpAuth::Basic {
            username: user.get_ref().clone(),
            password,
        }),
        (Some(user), None, None) => {
            return Err(src.error(
                user.span(),
                k("basic_auth_user"),
                "needs basic_auth_password_env or basic_auth_password_file",
            ));
        }
        (None, Some(_), None) => {
            let at = raw
                .basic_auth_password_env
                .as_ref()
                .or(raw.basic_auth_password_file.as_ref());
            return Err(src.error(
                at.map_or(0..0, Spanned::span),
                k("basic_auth_password_env"),
                "needs basic_auth_user",
            ));
        }
        (None, None, Some(b)) => Some(HttpAuth::Bearer(b)),
        (None, None, None) => None,
    };
    let tls = TlsConfig {
        ca_file: path(src, &k("ca_file"), raw.ca_file)?,
        cert_file: path(src, &k("cert_file"), raw.cert_file)?,
        key_file: path(src, &k("key_file"), raw.key_file)?,
        insecure_skip_verify: raw.insecure_skip_verify.unwrap_or(false),
    };
    if let (Some(c), None) | (None, Some(c)) = (raw.cert_file, raw.key_file) {
        return Err(src.error(
            c.span(),
            k(if raw.cert_file.is_some() {
                "cert_file"
            } else {
                "key_file"
            }),
            "cert_file and key_file go together (a client certificate needs its key)",
        ));
    }
    Ok(HttpSettings { headers, auth, tls })
}

pub(super) fn secret(
    src: &Source,
    key: &str,
    env: &Option<Spanned<String>>,
    file: &Option<Spanned<String>>,
) -> Result<Option<SecretSource>, ConfigError> {
    match (env, file) {
        (Some(_), Some(f)) => Err(src.error(
            f.span(),
            format!("{key}_file"),
            format!("and {key}_env are two sources for one secret: keep one"),
        )),
        (Some(v), None) => {
            let name = v.get_ref().trim();
            if name.is_empty() || name.contains('=') || name.contains('\0') {
                return Err(src.error(
                    v.span(),
                    format!("{key}_env"),
                    "must name an environment variable (e.g. \"AM_TOKEN\")",
                ));
            }
            Ok(Some(SecretSource::Env(name.to_string())))
        }
        (None, Some(f)) => {
            if f.get_ref().trim().is_empty() {
                return Err(src.error(f.span(), format!("{key}_file"), "is empty"));
            }
            let path = expand_home(f.get_ref())
                .map_err(|m| src.error(f.span(), format!("{key}_file"), m))?;
            Ok(Some(SecretSource::File(path)))
        }
        (None, None) => Ok(None),
    }
}

pub(super) fn path(
    src: &Source,
    key: &str,
    v: &Option<Spanned<String>>,
) -> Result<Option<PathBuf>, ConfigError> {
    v.as_ref()
        .map(|p| expand_home(p.get_ref()).map_err(|m| src.error(p.span(), key, m)))
        .transpose()
}
