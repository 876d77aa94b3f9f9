//! Scrape targets, as Prometheus' scrape configs name them: `[target]` is one target and the
//! settings every target takes unless it sets its own (paths, profile, headers, auth, TLS);
//! `[[targets]]` adds more; `target.targets_file` reads Prometheus' `file_sd_configs` format
//! ([`super::file_sd`]); `--target` (repeatable) replaces them all.
//!
//! ```toml
//! [target]
//! metrics_path = "/metrics/prometheus"
//! bearer_token_env = "GATEWAY_TOKEN"
//! ca_file = "/etc/ssl/internal-ca.pem"
//!
//! [[targets]]
//! url = "https://gw-0.internal:8443"
//!
//! [[targets]]
//! url = "https://gw-1.internal:8443"
//! name = "gw-1"
//! ```
//!
//! A URL without a path is a base: `metrics_path` (default `/metrics`) and `health_path`
//! (default `/health`, `""` for no health check) are appended. A URL with a path is the
//! metrics URL exactly as written; its health check is `health_path` beside it when the
//! path ends in `/metrics` (`/app/metrics` -> `/app/health`), else at the URL's root.

use std::collections::BTreeMap;
use std::path::PathBuf;

use url::Url;

use super::endpoint::HttpSettings;
use crate::model::profile::ProfileChoice;

/// The metrics path when none is set, as Prometheus' `metrics_path`.
pub const DEFAULT_METRICS_PATH: &str = "/metrics";
/// The health path when none is set.
pub const DEFAULT_HEALTH_PATH: &str = "/health";

/// `[target]`: one target (its `url`), and the defaults of every other one.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetConfig {
    /// The target: a base URL (`metrics_path` and `health_path` are appended) or the metrics
    /// URL itself; `host:port` means `http://host:port`.
    pub url: Option<String>,
    /// Name shown in the header and the fleet; default: the URL's `host:port`.
    pub name: Option<String>,
    /// Which metrics mean requests, errors and latency.
    pub profile: ProfileChoice,
    /// Path of the metrics, appended to a base URL. Default `/metrics`.
    pub metrics_path: String,
    /// Path of the health check; `""` turns it off. Default `/health`.
    pub health_path: String,
    /// Headers, auth and TLS of every target that does not set its own.
    pub http: HttpSettings,
    /// A Prometheus `file_sd_configs` file (JSON, or YAML by its `.yml`/`.yaml` extension)
    /// of more targets, read again when it changes.
    pub targets_file: Option<PathBuf>,
}

impl Default for TargetConfig {
    fn default() -> Self {
        TargetConfig {
            url: None,
            name: None,
            profile: ProfileChoice::Auto,
            metrics_path: DEFAULT_METRICS_PATH.into(),
            health_path: DEFAULT_HEALTH_PATH.into(),
            http: HttpSettings::default(),
            targets_file: None,
        }
    }
}

/// One more target (`[[targets]]`, a `--target` flag, or a `targets_file` entry). Whatever
/// it leaves unset comes from `[target]`; HTTP settings are taken as a whole (an entry that
/// sets any of headers, auth or TLS gets none of `[target]`'s).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetEntry {
    pub url: String,
    pub name: Option<String>,
    pub profile: Option<ProfileChoice>,
    pub metrics_path: Option<String>,
    pub health_path: Option<String>,
    pub http: Option<HttpSettings>,
    /// Labels shown in the fleet (`job`, `env`, ...), as `file_sd` gives them.
    pub labels: BTreeMap<String, String>,
}

/// A target with everything resolved: what the scrape and health sources fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Shown in the header, the fleet and the `instance` label of its local alerts.
    pub name: String,
    /// The URL scraped, exactly.
    pub metrics_url: Url,
    /// The URL of the health check; `None` when it is off.
    pub health_url: Option<Url>,
    pub profile: ProfileChoice,
    pub http: HttpSettings,
    pub labels: BTreeMap<String, String>,
}

impl Target {
    /// The target at `url` with every default (`/metrics`, `/health`, no auth).
    ///
    /// Errors: as [`TargetConfig::resolve`].
    pub fn at(url: &str) -> Result<Target, String> {
        TargetConfig::default().resolve(&TargetEntry {
            url: url.to_string(),
            ..TargetEntry::default()
        })
    }

    /// The paths mcptop itself requests of this target (scrapes and health checks): HTTP
    /// instrumentation counts them like any request, so the `http` profile leaves them out.
    pub fn polling_paths(&self) -> Vec<String> {
        let mut out = vec![self.metrics_url.path().to_string()];
        if let Some(h) = &self.health_url {
            out.push(h.path().to_string());
        }
        out
    }

    /// The metrics URL as it may be shown or logged (credentials and query values masked).
    pub fn shown_url(&self) -> String {
        crate::text::url::redact(self.metrics_url.as_str())
    }
}

/// Reads a target URL as written: `host:port` (no scheme) means `http://host:port`, as a
/// Prometheus target does.
///
/// Errors (never repeating the URL, which may carry a secret): not http(s), no host, or a
/// user and password in it (they go in `basic_auth_user` and `basic_auth_password_env`).
pub fn parse_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    let full = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    super::mcp::check_http_url(&full)?;
    Url::parse(&full).map_err(|e| format!("is not a URL ({e})"))
}

impl TargetConfig {
    /// `entry` with what it leaves unset taken from these defaults.
    ///
    /// Errors: the entry's URL (see [`parse_url`]) or a path that does not start with `/`.
    pub fn resolve(&self, entry: &TargetEntry) -> Result<Target, String> {
        let url = parse_url(&entry.url)?;
        let metrics_path = entry.metrics_path.as_deref().unwrap_or(&self.metrics_path);
        let health_path = entry.health_path.as_deref().unwrap_or(&self.health_path);
        check_path(metrics_path, false).map_err(|m| format!("metrics_path {m}"))?;
        check_path(health_path, true).map_err(|m| format!("health_path {m}"))?;
        let (metrics_url, health_url) = endpoints(&url, metrics_path, health_path);
        Ok(Target {
            name: entry.name.clone().unwrap_or_else(|| host_port(&url)),
            metrics_url,
            health_url,
            profile: entry
                .profile
                .clone()
                .unwrap_or_else(|| self.profile.clone()),
            http: entry.http.clone().unwrap_or_else(|| self.http.clone()),
            labels: entry.labels.clone(),
        })
    }
}

/// Errors: a path that does not start with `/` (an empty one only where `empty_ok`).
pub(super) fn check_path(path: &str, empty_ok: bool) -> Result<(), String> {
    if path.is_empty() && empty_ok {
        return Ok(());
    }
    if !path.starts_with('/') {
        return Err(format!(
            "must start with / (e.g. \"{}\")",
            if empty_ok { "/health" } else { "/metrics" }
        ));
    }
    Ok(())
}

/// The metrics and health URLs of `url` (see the module's rules).
pub fn endpoints(url: &Url, metrics_path: &str, health_path: &str) -> (Url, Option<Url>) {
    let path = url.path().trim_end_matches('/');
    let mut metrics = url.clone();
    metrics.set_fragment(None);
    let health_root = if path.is_empty() {
        metrics.set_path(metrics_path);
        String::new()
    } else {
        path.strip_suffix("/metrics").unwrap_or("").to_string()
    };
    let health = (!health_path.is_empty()).then(|| {
        let mut h = url.clone();
        h.set_query(None);
        h.set_fragment(None);
        h.set_path(&format!("{health_root}{health_path}"));
        h
    });
    (metrics, health)
}

/// `host:port` of a URL, the scheme's default port when none is written: what Prometheus
/// puts in a target's `instance` label.
pub fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// Makes the names of `targets` unique: a name shared by several (one host scraped at two
/// paths) gets the metrics path appended, then a number.
pub fn unique_names(targets: &mut [Target]) {
    let shared: Vec<bool> = targets
        .iter()
        .map(|t| targets.iter().filter(|o| o.name == t.name).count() > 1)
        .collect();
    for (t, shared) in targets.iter_mut().zip(shared) {
        if shared {
            t.name = format!("{}{}", t.name, t.metrics_url.path());
        }
    }
    for i in 0..targets.len() {
        let mut n = 2;
        let base = targets[i].name.clone();
        while targets[..i].iter().any(|t| t.name == targets[i].name) {
            targets[i].name = format!("{base} #{n}");
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str) -> TargetEntry {
        TargetEntry {
            url: url.into(),
            ..TargetEntry::default()
        }
    }

    fn urls(t: &Target) -> (String, Option<String>) {
        (
            t.metrics_url.to_string(),
            t.health_url.as_ref().map(Url::to_string),
        )
    }

    #[test]
    fn a_base_url_gets_the_paths_and_a_path_is_kept_exactly() {
        let d = TargetConfig::default();
        let t = d.resolve(&entry("http://127.0.0.1:8080")).expect("ok");
        assert_eq!(
            urls(&t),
            (
                "http://127.0.0.1:8080/metrics".into(),
                Some("http://127.0.0.1:8080/health".into())
            )
        );
        assert_eq!(t.name, "127.0.0.1:8080");
        let t = d
            .resolve(&entry("https://gw.example/metrics/prometheus"))
            .expect("ok");
        assert_eq!(
            urls(&t),
            (
                "https://gw.example/metrics/prometheus".into(),
                Some("https://gw.example/health".into())
            )
        );
        assert_eq!(t.name, "gw.example:443");
        let t = d
            .resolve(&entry("https://mcp.example/app/metrics"))
            .expect("ok");
        assert_eq!(
            urls(&t),
            (
                "https://mcp.example/app/metrics".into(),
                Some("https://mcp.example/app/health".into())
            )
        );
        let t = d
            .resolve(&entry("http://h:1/metrics?format=prometheus"))
            .expect("ok");
        assert_eq!(
            t.metrics_url.as_str(),
            "http://h:1/metrics?format=prometheus"
        );
        assert_eq!(
            t.health_url.map(|u| u.to_string()).as_deref(),
            Some("http://h:1/health")
        );
    }

    #[test]
    fn paths_come_from_the_entry_or_the_defaults_and_health_can_be_off() {
        let d = TargetConfig {
            metrics_path: "/metrics/prometheus".into(),
            health_path: String::new(),
            ..TargetConfig::default()
        };
        let t = d.resolve(&entry("gw:9000")).expect("ok");
        assert_eq!(urls(&t), ("http://gw:9000/metrics/prometheus".into(), None));
        assert_eq!(t.polling_paths(), ["/metrics/prometheus"]);
        let e = TargetEntry {
            health_path: Some("/healthz".into()),
            ..entry("gw:9000")
        };
        let t = d.resolve(&e).expect("ok");
        assert_eq!(
            t.health_url.map(|u| u.to_string()).as_deref(),
            Some("http://gw:9000/healthz")
        );
        let bad = TargetEntry {
            metrics_path: Some("metrics".into()),
            ..entry("gw:9000")
        };
        assert!(
            d.resolve(&bad)
                .unwrap_err()
                .starts_with("metrics_path must start with /")
        );
    }

    #[test]
    fn no_scheme_means_http_and_credentials_are_refused() {
        let t = parse_url("127.0.0.1:8080").expect("ok");
        assert_eq!(t.as_str(), "http://127.0.0.1:8080/");
        let t = parse_url("localhost:9464").expect("ok");
        assert_eq!(t.as_str(), "http://localhost:9464/");
        let err = parse_url("https://ops:hunter2@gw.example/metrics").unwrap_err();
        assert!(!err.contains("hunter2") && !err.contains("ops"), "{err}");
        assert!(err.contains("basic_auth_user"), "{err}");
        assert!(err.contains("basic_auth_password_env"), "{err}");
        assert!(parse_url("ftp://x").unwrap_err().contains("http"));
    }

    #[test]
    fn http_settings_are_inherited_as_a_whole() {
        use crate::config::endpoint::{HttpAuth, SecretSource};
        let d = TargetConfig {
            http: HttpSettings {
                auth: Some(HttpAuth::Bearer(SecretSource::Env("T".into()))),
                ..HttpSettings::default()
            },
            ..TargetConfig::default()
        };
        assert!(d.resolve(&entry("a:1")).expect("ok").http.auth.is_some());
        let own = TargetEntry {
            http: Some(HttpSettings::default()),
            ..entry("a:1")
        };
        assert!(d.resolve(&own).expect("ok").http.auth.is_none());
    }

    #[test]
    fn shared_names_are_made_unique() {
        let d = TargetConfig::default();
        let mut ts: Vec<Target> = ["http://h:1/a/metrics", "http://h:1/b/metrics", "h:2", "h:2"]
            .iter()
            .map(|u| d.resolve(&entry(u)).expect("ok"))
            .collect();
        unique_names(&mut ts);
        let names: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "h:1/a/metrics",
                "h:1/b/metrics",
                "h:2/metrics",
                "h:2/metrics #2"
            ]
        );
    }
}
