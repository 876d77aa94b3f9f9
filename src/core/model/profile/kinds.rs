//! The known exporters: for each detected profile, the metrics and labels it may read.
//!
//! Detection ([`super::Profile::detect`]) tries [`SPECS`] in order and takes the first whose
//! request counter has series:
//!
//! 1. `otel-mcp`: the server side of the OpenTelemetry MCP conventions, what the
//!    specification asks a server to export, and the only shape with per-tool names and
//!    tool errors from the server's own view.
//! 2. `toolhive`, 3. `mcpany`: the gateways' own names (ToolHive ≥ 0.9.4 also exports the
//!    OTel names, which then win).
//! 4. `mcp-tool-calls`: hand-written tool counters of one server.
//! 5. `otel-mcp-client`: the client side (a gateway's calls to its backends), after every
//!    server-side view of the same calls.
//! 6. `http`: any HTTP server's `http_requests_total`, the last resort: it cannot tell a
//!    tool call from a ping, nor see a tool error answered with HTTP 200.
//!
//! An auto-detected profile yields to a better-placed one whose series appear later
//! (OpenTelemetry exports an instrument only after its first data point).

use super::{ModuleRule, ProfileKind};
use crate::model::alerts::matcher::MatchOp;

/// A request counter and the metric family it belongs to (the profile's `why`).
#[derive(Debug)]
pub struct Counter {
    /// Sample name, e.g. `mcp_server_operation_duration_seconds_count`.
    pub sample: &'static str,
    /// Family name, e.g. `mcp_server_operation_duration_seconds`.
    pub family: &'static str,
}

/// What one profile may read; where several names or labels are listed, detection takes
/// the first present (labels: the one on the most series).
#[derive(Debug)]
pub struct Spec {
    pub kind: ProfileKind,
    /// What the profile is for, in a few words.
    pub title: &'static str,
    /// Request counters, first choice first.
    pub requests: &'static [Counter],
    /// Matchers every counted series satisfies: `(label, op, value)`.
    pub required: &'static [(&'static str, MatchOp, &'static str)],
    /// Labels that may hold the status, first choice first.
    pub error_labels: &'static [&'static str],
    /// Regex (anchored) an error's status value matches.
    pub error_match: &'static str,
    /// The error rule in words.
    pub errors_text: &'static str,
    /// Latency histograms (seconds), first choice first; the finer one present wins.
    pub histograms: &'static [&'static str],
    /// Labels that may name the tool or module, first choice first.
    pub tool_labels: &'static [&'static str],
    /// `(label, value)` of the series that are tool calls; `None`: every series is one.
    pub tool_call: Option<(&'static str, &'static str)>,
    pub modules: ModuleRule,
    /// Labels that may hold a request path: series of mcptop's own polling paths are left
    /// out.
    pub path_labels: &'static [&'static str],
    /// What the profile cannot see; `None` when tool errors are counted.
    pub blind_spot: Option<&'static str>,
}

/// A gateway that records only the HTTP status of a request.
const HTTP_ONLY: &str = "HTTP status only: a tool error answered with HTTP 200 is not counted";

pub static OTEL_MCP: Spec = Spec {
    kind: ProfileKind::OtelMcp,
    title: "OpenTelemetry MCP semantic conventions, server side",
    requests: &[Counter {
        sample: "mcp_server_operation_duration_seconds_count",
        family: "mcp_server_operation_duration_seconds",
    }],
    required: &[],
    error_labels: &["error_type"],
    error_match: ".+",
    errors_text: "error_type is set (tool_error, a JSON-RPC code, timeout, ...)",
    histograms: &["mcp_server_operation_duration_seconds"],
    tool_labels: &["gen_ai_tool_name"],
    tool_call: Some(("mcp_method_name", "tools/call")),
    modules: ModuleRule::Pattern,
    path_labels: &[],
    blind_spot: None,
};

pub static TOOLHIVE: Spec = Spec {
    kind: ProfileKind::Toolhive,
    title: "ToolHive MCP proxy, its toolhive_mcp_* names",
    requests: &[Counter {
        sample: "toolhive_mcp_requests_total",
        family: "toolhive_mcp_requests_total",
    }],
    required: &[],
    error_labels: &["status"],
    error_match: "error",
    errors_text: "status=\"error\" (HTTP status 400 or more)",
    histograms: &["toolhive_mcp_request_duration_seconds"],
    tool_labels: &["server"],
    tool_call: Some(("mcp_method", "tools/call")),
    modules: ModuleRule::WholeValue,
    path_labels: &[],
    blind_spot: Some(HTTP_ONLY),
};

pub static MCPANY: Spec = Spec {
    kind: ProfileKind::Mcpany,
    title: "MCP Any gateway, its tool-call middleware",
    requests: &[Counter {
        sample: "mcpany_tools_call_total",
        family: "mcpany_tools_call_total",
    }],
    // The go-metrics sink writes a `{service_id,tool}` twin of every call into the same
    // family: only the middleware's series, which carry `status`, are counted.
    required: &[("status", MatchOp::Re, ".+")],
    error_labels: &["status"],
    error_match: "error",
    errors_text: "status=\"error\" (the call failed)",
    histograms: &["mcpany_tools_call_latency_seconds"],
    tool_labels: &["service_id"],
    tool_call: None,
    modules: ModuleRule::WholeValue,
    path_labels: &[],
    blind_spot: Some("a tool result with isError counts as a success: tool errors are not counted"),
};

pub static MCP_TOOL_CALLS: Spec = Spec {
    kind: ProfileKind::McpToolCalls,
    title: "hand-written tool-call counters of one server",
    requests: &[
        Counter {
            sample: "mcp_tool_calls_total",
            family: "mcp_tool_calls_total",
        },
        Counter {
            sample: "mcp_tool_invocations_total",
            family: "mcp_tool_invocations_total",
        },
    ],
    required: &[],
    error_labels: &["status"],
    error_match: "error|failure",
    errors_text: "status is error or failure",
    histograms: &[
        "mcp_tool_duration_seconds",
        "mcp_tool_call_duration_seconds",
    ],
    tool_labels: &["tool_name", "tool"],
    tool_call: None,
    modules: ModuleRule::Pattern,
    path_labels: &[],
    blind_spot: None,
};

pub static OTEL_MCP_CLIENT: Spec = Spec {
    kind: ProfileKind::OtelMcpClient,
    title: "OpenTelemetry MCP semantic conventions, client side (a gateway's backends)",
    requests: &[Counter {
        sample: "mcp_client_operation_duration_seconds_count",
        family: "mcp_client_operation_duration_seconds",
    }],
    required: &[],
    error_labels: &["error_type"],
    error_match: ".+",
    errors_text: "error_type is set (tool_error, a JSON-RPC code, timeout, ...)",
    histograms: &["mcp_client_operation_duration_seconds"],
    tool_labels: &["gen_ai_tool_name"],
    tool_call: Some(("mcp_method_name", "tools/call")),
    modules: ModuleRule::Pattern,
    path_labels: &[],
    blind_spot: None,
};

pub static HTTP: Spec = Spec {
    kind: ProfileKind::Http,
    title: "any HTTP server's request counter",
    requests: &[Counter {
        sample: "http_requests_total",
        family: "http_requests_total",
    }],
    required: &[],
    error_labels: &["status", "status_code", "code"],
    // `5..` also matches the class `5xx` of grouped status codes.
    error_match: "5..",
    errors_text: "status, status_code or code is 5xx (a code such as 503, or the class 5xx)",
    histograms: &[
        "http_request_duration_seconds",
        "http_request_duration_highr_seconds",
    ],
    tool_labels: &[],
    tool_call: None,
    modules: ModuleRule::Pattern,
    path_labels: &["handler", "path", "route", "endpoint"],
    blind_spot: Some(HTTP_ONLY),
};

/// The detected profiles in detection's order of preference.
pub static SPECS: [&Spec; 6] = [
    &OTEL_MCP,
    &TOOLHIVE,
    &MCPANY,
    &MCP_TOOL_CALLS,
    &OTEL_MCP_CLIENT,
    &HTTP,
];

/// The spec of a detected kind; `None` for `custom`.
pub fn spec(kind: ProfileKind) -> Option<&'static Spec> {
    SPECS.iter().copied().find(|s| s.kind == kind)
}

/// The rank ([`ProfileKind::rank`]) of the profile whose request counter `name` is.
pub fn counter_rank(name: &str) -> Option<usize> {
    SPECS
        .iter()
        .find(|s| s.requests.iter().any(|c| c.sample == name))
        .map(|s| s.kind.rank())
}

/// Whether detection looks at series of this sample name: a request counter or a latency
/// histogram's `_bucket` of some profile.
pub fn is_candidate(name: &str) -> bool {
    SPECS.iter().any(|s| {
        s.requests.iter().any(|c| c.sample == name)
            || name
                .strip_suffix("_bucket")
                .is_some_and(|h| s.histograms.contains(&h))
    })
}

/// Every label name some profile reads (status, tool, path, required and tool-call
/// labels), sorted and without repeats: what query mode groups by to detect.
pub fn label_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = SPECS
        .iter()
        .flat_map(|s| {
            s.error_labels
                .iter()
                .chain(s.tool_labels)
                .chain(s.path_labels)
                .copied()
                .chain(s.required.iter().map(|(l, _, _)| *l))
                .chain(s.tool_call.map(|(l, _)| l))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Every request counter's sample name, in [`SPECS`] order.
pub fn request_samples() -> Vec<&'static str> {
    SPECS
        .iter()
        .flat_map(|s| s.requests.iter().map(|c| c.sample))
        .collect()
}

/// Every latency histogram's `_bucket` sample name, in [`SPECS`] order.
pub fn bucket_samples() -> Vec<String> {
    SPECS
        .iter()
        .flat_map(|s| s.histograms.iter().map(|h| format!("{h}_bucket")))
        .collect()
}
