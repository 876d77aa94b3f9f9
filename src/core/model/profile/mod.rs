//! Metric profiles: which series mean requests, errors, latency and tool calls.
//!
//! A profile is detected from the series keys (names and labels) of a scrape, or of a query
//! API's answer ([`Profile::detect`]), or named in the config. The exporters known, what
//! each profile reads and the order detection tries them in are in [`kinds`];
//! `mcptop --profile list` prints them ([`list::describe`]). `custom` takes names and labels
//! from the config's `[custom_profile]`.
//!
//! Every resolved [`Profile`] says why it matched ([`Profile::why`]), which latency histogram
//! it reads and what it passed over ([`Latency`]), and what it cannot see
//! ([`Profile::blind_spot`]).

mod detect;
pub mod kinds;
pub mod list;

use std::fmt;
use std::str::FromStr;

use regex::Regex;
use serde::Deserialize;

use super::alerts::matcher::Matcher;
use super::series::SeriesKey;

/// The profile asked for in config (`target.profile`) or flags (`--profile`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileChoice {
    /// Detect from the series of the first scrape (or of the query API).
    #[default]
    Auto,
    OtelMcp,
    OtelMcpClient,
    Toolhive,
    Mcpany,
    McpToolCalls,
    Http,
    Custom,
}

impl ProfileChoice {
    /// The kind asked for; `None` for `auto`.
    pub fn kind(&self) -> Option<ProfileKind> {
        Some(match self {
            ProfileChoice::Auto => return None,
            ProfileChoice::OtelMcp => ProfileKind::OtelMcp,
            ProfileChoice::OtelMcpClient => ProfileKind::OtelMcpClient,
            ProfileChoice::Toolhive => ProfileKind::Toolhive,
            ProfileChoice::Mcpany => ProfileKind::Mcpany,
            ProfileChoice::McpToolCalls => ProfileKind::McpToolCalls,
            ProfileChoice::Http => ProfileKind::Http,
            ProfileChoice::Custom => ProfileKind::Custom,
        })
    }
}

impl FromStr for ProfileChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "auto" => Self::Auto,
            "otel-mcp" => Self::OtelMcp,
            "otel-mcp-client" => Self::OtelMcpClient,
            "toolhive" => Self::Toolhive,
            "mcpany" => Self::Mcpany,
            "mcp-tool-calls" => Self::McpToolCalls,
            "http" => Self::Http,
            "custom" => Self::Custom,
            other => {
                return Err(format!(
                    "unknown profile `{other}` (expected auto, {}; `mcptop --profile list` \
                     says what each reads)",
                    ProfileKind::ALL
                        .iter()
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        })
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
    OtelMcpClient,
    Toolhive,
    Mcpany,
    McpToolCalls,
    Http,
    Custom,
}

impl ProfileKind {
    /// Every kind, the detected ones in the order detection prefers them, `custom` last.
    pub const ALL: [ProfileKind; 7] = [
        ProfileKind::OtelMcp,
        ProfileKind::Toolhive,
        ProfileKind::Mcpany,
        ProfileKind::McpToolCalls,
        ProfileKind::OtelMcpClient,
        ProfileKind::Http,
        ProfileKind::Custom,
    ];

    /// The name shown and accepted by `--profile`, e.g. `otel-mcp`.
    pub fn name(self) -> &'static str {
        match self {
            ProfileKind::OtelMcp => "otel-mcp",
            ProfileKind::OtelMcpClient => "otel-mcp-client",
            ProfileKind::Toolhive => "toolhive",
            ProfileKind::Mcpany => "mcpany",
            ProfileKind::McpToolCalls => "mcp-tool-calls",
            ProfileKind::Http => "http",
            ProfileKind::Custom => "custom",
        }
    }

    /// Position in detection's order of preference (0 = most preferred).
    pub fn rank(self) -> usize {
        ProfileKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(usize::MAX)
    }
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a tool label's value becomes a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleRule {
    /// `modules.pattern` applies ([`super::stats::module_of`]): `notion.search` -> `notion`.
    Pattern,
    /// The label's whole value is the module (ToolHive's `server`, MCP Any's `service_id`).
    WholeValue,
}

/// The latency histogram a profile reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Latency {
    /// `_bucket` sample name (seconds), e.g. `http_request_duration_highr_seconds_bucket`.
    pub bucket: String,
    /// The histogram passed over for this one, which has more distinct finite `le` bounds
    /// (e.g. `http_request_duration_seconds`, buckets 0.1 0.5 1).
    pub passed_over: Option<String>,
    /// The histogram has no path label, so mcptop's own polling (`/metrics`, `/health`)
    /// cannot be left out of the quantiles as it is left out of the request rate.
    pub includes_polling: bool,
    /// The lowest positive finite `le` bound (seconds), when it is 1 s or more: quantiles
    /// below it are interpolated from 0 and say little (ToolHive < 0.9.4 used its
    /// millisecond bounds 0, 5, 10 … as seconds).
    pub coarse_from: Option<f64>,
    /// The highest finite `le` bound seen (seconds): `histogram_quantile` answers exactly
    /// this bound when the rank falls in `+Inf`, which is how query mode, given only the
    /// value, tells a lower bound ([`crate::model::query_mode::Shape::top_bucket_s`]).
    pub top_finite: Option<f64>,
}

impl Latency {
    /// The histogram's name: the bucket sample name without `_bucket`.
    pub fn histogram(&self) -> &str {
        self.bucket
            .strip_suffix("_bucket")
            .unwrap_or(self.bucket.as_str())
    }
}

/// The paths mcptop polls when a target does not say otherwise.
pub const DEFAULT_POLLING_PATHS: [&str; 2] = ["/metrics", "/health"];

/// [`DEFAULT_POLLING_PATHS`] as owned strings, for [`super::dashboard::ModelConfig`].
pub fn default_polling_paths() -> Vec<String> {
    DEFAULT_POLLING_PATHS
        .iter()
        .map(|p| p.to_string())
        .collect()
}

/// A resolved profile: the sample names and matchers the model reads, and why.
#[derive(Debug, Clone)]
pub struct Profile {
    pub kind: ProfileKind,
    /// The metric whose series chose the profile, e.g. `toolhive_mcp_requests_total` (for a
    /// profile named in the config, the metric it reads requests from).
    pub why: String,
    /// Whether series of the request metric were there when the profile was resolved. A
    /// profile named in the config resolves without them (with its first-choice labels)
    /// and is resolved again once they appear.
    pub matched: bool,
    /// Sample name of the request counter.
    pub requests: String,
    /// Every matcher a request or latency-bucket series must satisfy to count: required
    /// labels (MCP Any's `status=~".+"`, which leaves out the go-metrics twin series) and
    /// the polling-path exclusions (`handler!="/metrics"`). Missing labels read as `""`.
    pub select: Vec<Matcher>,
    /// Label that marks errors, and the anchored regex its value must match.
    pub error_label: String,
    pub error_match: Regex,
    /// The latency histogram, if any.
    pub latency: Option<Latency>,
    /// Label naming the tool (or module) of a request.
    pub tool_label: Option<String>,
    /// Only series with this label value are tool calls (e.g. `mcp_method_name="tools/call"`).
    pub tool_call_matcher: Option<(String, String)>,
    /// How a tool label's value becomes a module.
    pub modules: ModuleRule,
    /// What the profile cannot see, in words: `None` when tool errors (an `isError`
    /// result) are counted as errors.
    pub blind_spot: Option<&'static str>,
}

/// Sample names of the process metrics kept besides the profile's.
pub const PROCESS_METRICS: &[&str] = &[
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
    "process_start_time_seconds",
];

/// What a custom profile cannot vouch for.
const CUSTOM_BLIND_SPOT: &str =
    "custom profile: whether tool errors are among its errors depends on its error_match";

impl Profile {
    /// The OpenTelemetry MCP semantic-conventions profile, with its first-choice labels.
    pub fn otel_mcp() -> Profile {
        detect::unseen(&kinds::OTEL_MCP, &default_polling_paths())
    }

    /// The HTTP profile (`http_requests_total`, 5xx = error), with its first-choice labels
    /// and every path label excluding the default polling paths.
    pub fn http() -> Profile {
        detect::unseen(&kinds::HTTP, &default_polling_paths())
    }

    /// A known profile as named in the config before any series is seen: first-choice
    /// labels and histogram; `polling_paths` are left out of the request rate. `None` for
    /// `custom`, which comes from the config ([`Profile::custom`]).
    pub fn known(kind: ProfileKind, polling_paths: &[String]) -> Option<Profile> {
        kinds::spec(kind).map(|s| detect::unseen(s, polling_paths))
    }

    /// A profile from `[custom_profile]`. Errors: `error_match` is not a valid regex.
    pub fn custom(c: &CustomProfile) -> Result<Profile, String> {
        Ok(Profile {
            kind: ProfileKind::Custom,
            why: c.requests.clone(),
            matched: true,
            requests: c.requests.clone(),
            select: Vec::new(),
            error_label: c.error_label.clone(),
            error_match: anchored(&c.error_match)
                .map_err(|e| format!("custom_profile.error_match: {e}"))?,
            latency: c.latency_bucket.clone().map(|bucket| Latency {
                bucket,
                passed_over: None,
                includes_polling: false,
                coarse_from: None,
                top_finite: None,
            }),
            tool_label: c.tool_label.clone(),
            tool_call_matcher: None,
            modules: ModuleRule::Pattern,
            blind_spot: Some(CUSTOM_BLIND_SPOT),
        })
    }

    /// `modules.label` in the config: tools are read from `label`, and `modules.pattern`
    /// names their modules.
    #[must_use]
    pub fn with_module_label(mut self, label: Option<&str>) -> Profile {
        if let Some(label) = label {
            self.tool_label = Some(label.to_string());
            self.modules = ModuleRule::Pattern;
        }
        self
    }

    /// `_bucket` sample name of the latency histogram, if any.
    pub fn latency_bucket(&self) -> Option<&str> {
        self.latency.as_ref().map(|l| l.bucket.as_str())
    }

    /// Whether samples of this name are kept for the whole history (request counters,
    /// process metrics) rather than only for the rate window (histogram buckets).
    pub fn keeps_history(&self, name: &str) -> bool {
        name == self.requests || PROCESS_METRICS.contains(&name)
    }

    /// Whether samples of this name are used at all.
    pub fn wants(&self, name: &str) -> bool {
        self.keeps_history(name) || self.latency_bucket() == Some(name)
    }

    /// Whether a request or bucket series counts: it satisfies every matcher of
    /// [`Profile::select`] (so it is not one of mcptop's own polls, nor a twin series).
    pub fn counts(&self, key: &SeriesKey) -> bool {
        self.select
            .iter()
            .all(|m| m.matches_value(key.label(&m.name).unwrap_or("")))
    }

    /// Whether a series is a tool call (every series, without a tool-call matcher).
    pub fn is_tool_call(&self, key: &SeriesKey) -> bool {
        match &self.tool_call_matcher {
            Some((label, value)) => key.label(label) == Some(value.as_str()),
            None => true,
        }
    }

    /// The module of a tool label's value (see [`ModuleRule`]).
    pub fn module_of<'a>(&self, tool: &'a str, pattern: &Regex) -> &'a str {
        match self.modules {
            ModuleRule::Pattern => super::stats::module_of(tool, pattern),
            ModuleRule::WholeValue => tool,
        }
    }

    /// The error regex as written, without the anchoring PromQL adds itself (`5..`).
    pub fn error_pattern(&self) -> &str {
        let re = self.error_match.as_str();
        re.strip_prefix("^(?:")
            .and_then(|r| r.strip_suffix(")$"))
            .unwrap_or(re)
    }

    /// Whether a series with this label value is an error (missing label = not an error).
    pub fn is_error(&self, label_value: Option<&str>) -> bool {
        label_value.is_some_and(|v| self.error_match.is_match(v))
    }

    /// Whether a failed tool call answered as a result (`isError: true`) counts as an error.
    pub fn sees_tool_errors(&self) -> bool {
        self.blind_spot.is_none()
    }

    /// What to know about the latency numbers, in a sentence; `None` when nothing is
    /// worth saying.
    pub fn latency_note(&self) -> Option<String> {
        let l = self.latency.as_ref()?;
        let mut parts = Vec::new();
        if let Some(other) = &l.passed_over {
            parts.push(format!(
                "latency from {}, finer than {other}",
                l.histogram()
            ));
        }
        if l.includes_polling {
            parts.push(format!(
                "{} has no path label, so mcptop's own polling is in its quantiles",
                l.histogram()
            ));
        }
        if let Some(b) = l.coarse_from {
            parts.push(format!(
                "its lowest bucket is {b} s: quantiles below it are interpolated from 0"
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// [`Profile::latency_note`] in a few words for the header, e.g.
    /// `latency http_request_duration_highr_seconds (finer), incl. polling`.
    pub fn latency_caveat(&self) -> Option<String> {
        let l = self.latency.as_ref()?;
        let mut parts = Vec::new();
        if l.passed_over.is_some() {
            parts.push(format!("latency {} (finer)", l.histogram()));
        }
        if l.includes_polling {
            parts.push("incl. polling".to_string());
        }
        if let Some(b) = l.coarse_from {
            parts.push(format!("lowest bucket {b}s"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Compiles `re` anchored at both ends, as PromQL's `=~` does.
pub fn anchored(re: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("^(?:{re})$"))
}

#[cfg(test)]
mod detect_tests;
#[cfg(test)]
mod tests;
