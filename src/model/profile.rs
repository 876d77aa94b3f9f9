//! Metric profiles: which series mean requests, errors, latency and tool calls.
//!
//! - `otel-mcp`: the OpenTelemetry MCP semantic conventions
//!   (`mcp_server_operation_duration_seconds{mcp_method_name, gen_ai_tool_name, error_type}`);
//!   an error is a series whose `error_type` is present and not empty.
//! - `http`: `http_requests_total{status}` + `http_request_duration_seconds`, errors = 5xx
//!   (the shape FastAPI-based MCP gateways expose).
//! - `custom`: names and labels from the config's `[custom_profile]`.

use std::fmt;
use std::str::FromStr;

use regex::Regex;
use serde::Deserialize;

/// The profile asked for in config or flags.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileChoice {
    /// Detect from the first scrape.
    #[default]
    Auto,
    OtelMcp,
    Http,
    Custom,
}

impl FromStr for ProfileChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "otel-mcp" => Ok(Self::OtelMcp),
            "http" => Ok(Self::Http),
            "custom" => Ok(Self::Custom),
            other => Err(format!(
                "unknown profile `{other}` (expected auto, otel-mcp, http or custom)"
            )),
        }
    }
}

/// `[custom_profile]` in the config.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomProfile {
    /// Counter (or histogram `_count`) sample name counting requests.
    pub requests: String,
    /// Label whose value marks an error.
    pub error_label: String,
    /// Regex (anchored, as a PromQL `=~`) that an error's label value matches.
    pub error_match: String,
    /// Histogram `_bucket` sample name of the request duration in seconds, if any.
    pub latency_bucket: Option<String>,
    /// Label naming the tool, if any.
    pub tool_label: Option<String>,
}

/// Which profile is active, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    OtelMcp,
    Http,
    Custom,
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProfileKind::OtelMcp => "otel-mcp",
            ProfileKind::Http => "http",
            ProfileKind::Custom => "custom",
        })
    }
}

/// A resolved profile: sample names and matchers the model queries.
#[derive(Debug, Clone)]
pub struct Profile {
    pub kind: ProfileKind,
    /// Sample name of the request counter.
    pub requests: String,
    /// Label that marks errors, and the anchored regex its value must match.
    pub error_label: String,
    pub error_match: Regex,
    /// Sample name of the latency histogram's `_bucket` series (seconds).
    pub latency_bucket: Option<String>,
    /// Label naming the tool of a request.
    pub tool_label: Option<String>,
    /// Only series with this label value are tool calls (e.g. `mcp_method_name="tools/call"`).
    pub tool_call_matcher: Option<(String, String)>,
    /// Series with any of these label values are not requests: mcptop's own polling of
    /// `/metrics` and `/health`, which HTTP instrumentation records like any request.
    pub ignored: Vec<(String, String)>,
}

/// Sample names of the process metrics kept besides the profile's.
pub const PROCESS_METRICS: &[&str] = &[
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
    "process_start_time_seconds",
];

/// Request counter of the OpenTelemetry MCP conventions (the histogram's `_count`).
pub const OTEL_REQUESTS: &str = "mcp_server_operation_duration_seconds_count";
const HTTP_REQUESTS: &str = "http_requests_total";

impl Profile {
    /// The OpenTelemetry MCP semantic-conventions profile.
    pub fn otel_mcp() -> Profile {
        Profile {
            kind: ProfileKind::OtelMcp,
            requests: OTEL_REQUESTS.into(),
            error_label: "error_type".into(),
            error_match: Regex::new("^(?:.+)$").expect("literal regex"),
            latency_bucket: Some("mcp_server_operation_duration_seconds_bucket".into()),
            tool_label: Some("gen_ai_tool_name".into()),
            tool_call_matcher: Some(("mcp_method_name".into(), "tools/call".into())),
            ignored: Vec::new(),
        }
    }

    /// The HTTP profile (`http_requests_total`, 5xx = error).
    pub fn http() -> Profile {
        Profile {
            kind: ProfileKind::Http,
            requests: HTTP_REQUESTS.into(),
            error_label: "status".into(),
            error_match: Regex::new("^(?:5..)$").expect("literal regex"),
            latency_bucket: Some("http_request_duration_seconds_bucket".into()),
            tool_label: None,
            tool_call_matcher: None,
            ignored: ["handler", "path", "route", "endpoint"]
                .iter()
                .flat_map(|l| ["/metrics", "/health"].map(|p| (l.to_string(), p.to_string())))
                .collect(),
        }
    }

    /// A profile from `[custom_profile]`. Errors: `error_match` is not a valid regex.
    pub fn custom(c: &CustomProfile) -> Result<Profile, String> {
        Ok(Profile {
            kind: ProfileKind::Custom,
            requests: c.requests.clone(),
            error_label: c.error_label.clone(),
            error_match: anchored(&c.error_match)
                .map_err(|e| format!("custom_profile.error_match: {e}"))?,
            latency_bucket: c.latency_bucket.clone(),
            tool_label: c.tool_label.clone(),
            tool_call_matcher: None,
            ignored: Vec::new(),
        })
    }

    /// Resolves a choice; `Auto` looks at the sample names of a scrape and returns `None`
    /// when none of the known request metrics is there (yet).
    pub fn resolve<'a>(
        choice: &ProfileChoice,
        custom: Option<&CustomProfile>,
        mut names: impl Iterator<Item = &'a str>,
    ) -> Result<Option<Profile>, String> {
        match choice {
            ProfileChoice::OtelMcp => Ok(Some(Profile::otel_mcp())),
            ProfileChoice::Http => Ok(Some(Profile::http())),
            ProfileChoice::Custom => match custom {
                Some(c) => Profile::custom(c).map(Some),
                None => Err("profile custom needs a [custom_profile] table".into()),
            },
            ProfileChoice::Auto => {
                let mut http = false;
                for n in names.by_ref() {
                    if n == OTEL_REQUESTS {
                        return Ok(Some(Profile::otel_mcp()));
                    }
                    http |= n == HTTP_REQUESTS;
                }
                Ok(http.then(Profile::http))
            }
        }
    }

    /// Whether samples of this name are kept for the whole history (request counters,
    /// process metrics) rather than only for the rate window (histogram buckets).
    pub fn keeps_history(&self, name: &str) -> bool {
        name == self.requests || PROCESS_METRICS.contains(&name)
    }

    /// Whether samples of this name are used at all.
    pub fn wants(&self, name: &str) -> bool {
        self.keeps_history(name) || self.latency_bucket.as_deref() == Some(name)
    }

    /// Whether a series counts as requests (it is not one of the ignored polling paths).
    pub fn counts(&self, key: &super::series::SeriesKey) -> bool {
        !self
            .ignored
            .iter()
            .any(|(label, value)| key.label(label) == Some(value.as_str()))
    }

    /// The error regex as written, without the anchoring PromQL adds itself (`5..`).
    pub fn error_pattern(&self) -> &str {
        let re = self.error_match.as_str();
        re.strip_prefix("^(?:")
            .and_then(|r| r.strip_suffix(")$"))
            .unwrap_or(re)
    }

    /// What this profile's error rate cannot see, said under the error tile: the `http`
    /// profile counts HTTP statuses only, and a gateway answers a failed tool call
    /// (`isError: true`) with HTTP 200.
    pub fn tool_error_blind_spot(&self) -> Option<&'static str> {
        (self.kind == ProfileKind::Http).then_some("HTTP status only: tool errors not seen")
    }

    /// Whether a series with this label value is an error (missing label = not an error).
    pub fn is_error(&self, label_value: Option<&str>) -> bool {
        label_value.is_some_and(|v| self.error_match.is_match(v))
    }
}

/// Compiles `re` anchored at both ends, as PromQL's `=~` does.
pub fn anchored(re: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("^(?:{re})$"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_detects_otel_before_http() {
        let names = ["process_cpu_seconds_total", HTTP_REQUESTS, OTEL_REQUESTS];
        let p = Profile::resolve(&ProfileChoice::Auto, None, names.into_iter())
            .expect("ok")
            .expect("detected");
        assert_eq!(p.kind, ProfileKind::OtelMcp);
        let p = Profile::resolve(&ProfileChoice::Auto, None, [HTTP_REQUESTS].into_iter())
            .expect("ok")
            .expect("detected");
        assert_eq!(p.kind, ProfileKind::Http);
        let none = Profile::resolve(&ProfileChoice::Auto, None, ["up"].into_iter()).expect("ok");
        assert!(none.is_none());
    }

    #[test]
    fn error_matching_is_anchored() {
        let http = Profile::http();
        assert!(http.is_error(Some("503")));
        assert!(!http.is_error(Some("404")));
        assert!(!http.is_error(Some("5003")));
        let otel = Profile::otel_mcp();
        assert!(otel.is_error(Some("tool_error")));
        assert!(!otel.is_error(Some("")));
        assert!(!otel.is_error(None));
    }

    #[test]
    fn http_profile_ignores_the_polling_paths() {
        use crate::model::series::SeriesKey;
        let http = Profile::http();
        let own = SeriesKey::new(HTTP_REQUESTS, [("handler", "/metrics"), ("status", "200")]);
        let real = SeriesKey::new(HTTP_REQUESTS, [("handler", "/mcp"), ("status", "200")]);
        assert!(!http.counts(&own));
        assert!(http.counts(&real));
    }

    #[test]
    fn custom_profile_rejects_bad_regex() {
        let c = CustomProfile {
            requests: "x_total".into(),
            error_label: "status".into(),
            error_match: "(".into(),
            latency_bucket: None,
            tool_label: None,
        };
        assert!(Profile::custom(&c).is_err());
    }
}
