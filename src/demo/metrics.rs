//! The server's Prometheus registry: the OpenTelemetry MCP server histograms plus the
//! `process_*` collector, encoded as OpenMetrics or as text format 0.0.4.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::{expo, process};

/// Bucket bounds the OpenTelemetry MCP conventions recommend for both histograms.
pub(crate) const DURATION_BUCKETS: [f64; 14] = [
    0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
];

/// `error_type` of a `tools/call` answered with `isError: true`.
pub(crate) const TOOL_ERROR: &str = "tool_error";
/// `error_type` of a request the client cancelled before it finished.
pub(crate) const CANCELLED: &str = "cancelled";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct OperationLabels {
    pub mcp_method_name: String,
    pub gen_ai_tool_name: String,
    pub error_type: String,
}

type HistogramFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    operation_duration: HistogramFamily,
    session_duration: Histogram,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::default();
        let operation_duration: HistogramFamily =
            Family::new_with_constructor(duration_histogram as fn() -> Histogram);
        registry.register(
            "mcp_server_operation_duration_seconds",
            "MCP request or notification duration as observed on the receiver from the time it \
             was received until the result or ack is sent",
            operation_duration.clone(),
        );
        let session_duration = duration_histogram();
        registry.register(
            "mcp_server_session_duration_seconds",
            "The duration of the MCP session as observed on the MCP server",
            session_duration.clone(),
        );
        registry.register_collector(Box::new(process::ProcessCollector::new()));
        Self {
            registry,
            operation_duration,
            session_duration,
        }
    }

    /// Records one MCP operation. `tool` is empty for non-tool methods and `error_type` empty
    /// on success.
    pub(crate) fn observe_operation(
        &self,
        method: &str,
        tool: &str,
        error_type: &str,
        elapsed: Duration,
    ) {
        let labels = OperationLabels {
            mcp_method_name: method.to_owned(),
            gen_ai_tool_name: tool.to_owned(),
            error_type: error_type.to_owned(),
        };
        self.operation_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Exports a zero `tools/call` success series for every tool up front, as Prometheus'
    /// instrumentation practice advises: `rate()` cannot see the first calls of a series
    /// that appears mid-window, so a series born at zero keeps every call countable.
    pub(crate) fn initialize_tools<'a>(&self, tools: impl Iterator<Item = &'a str>) {
        for tool in tools {
            let labels = OperationLabels {
                mcp_method_name: "tools/call".to_owned(),
                gen_ai_tool_name: tool.to_owned(),
                error_type: String::new(),
            };
            let _ = self.operation_duration.get_or_create(&labels);
        }
    }

    pub(crate) fn observe_session(&self, elapsed: Duration) {
        self.session_duration.observe(elapsed.as_secs_f64());
    }

    /// The registry in OpenMetrics 1.0 text, ending with `# EOF`.
    pub(crate) fn openmetrics(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::with_capacity(16 * 1024);
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }

    /// The registry in Prometheus text format 0.0.4.
    pub(crate) fn text_004(&self) -> Result<String, std::fmt::Error> {
        Ok(expo::openmetrics_to_text(&self.openmetrics()?))
    }
}
