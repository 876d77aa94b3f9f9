//! The large exposition the parser and model benchmarks read: a Prometheus text exposition
//! (format 0.0.4) of an MCP gateway, 112,026 lines and 14,292,106 bytes (scrape 0).
//!
//! The same text as `scripts/gen-exposition.py`, byte for byte: a fixed seed, the same
//! integer PRNG (splitmix64) drawn in the same order, and only integers or decimals
//! formatted from integers, so no float formatting can differ between the two.
//! `scripts/parse-vs-promtool.sh` checks it with `cmp`; a change here must be made there too.
//!
//! Shape: the demo server's `mcp_server_operation_duration_seconds` histogram (labels
//! `mcp_method_name`, `gen_ai_tool_name`, `error_type`; `le` first; `_sum`, `_count`, then
//! the buckets) for 8 non-tool methods and 1,680 tools with some of four error types (4,717
//! series), `mcp_server_session_duration_seconds`, the gateway's older
//! `mcp_requests_total{tool,status}` and `mcp_request_duration_seconds{tool}` (`le` last, the
//! Python client's default buckets; 1,680 series), then the `process_*` metrics: 6,398
//! histograms, 112,004 samples.

use std::fmt::Write as _;

/// Lines of [`generate`]`(0)`, as `scripts/gen-exposition.py` writes them.
pub const LINES: usize = 112_026;
/// Bytes of [`generate`]`(0)`.
pub const BYTES: usize = 14_292_106;

const SEED: u64 = 0x6D63_7074_6F70; // "mcptop"

const FAMILY: &str = "mcp_server_operation_duration_seconds";
const HELP: &str = "MCP request or notification duration as observed on the receiver from the \
                    time it was received until the result or ack is sent.";
/// `(le label, bound in ms)`.
const BUCKETS: [(&str, u64); 14] = [
    ("0.01", 10),
    ("0.02", 20),
    ("0.05", 50),
    ("0.1", 100),
    ("0.2", 200),
    ("0.5", 500),
    ("1.0", 1000),
    ("2.0", 2000),
    ("5.0", 5000),
    ("10.0", 10000),
    ("30.0", 30000),
    ("60.0", 60000),
    ("120.0", 120000),
    ("300.0", 300000),
];
/// Cumulative percentage of calls at or below a bucket, by its distance from the series'
/// typical bucket (-2, -1, 0, +1, +2; below: 0, above: 100).
const SHAPE: [u64; 5] = [5, 30, 80, 95, 99];

const SERVICES: [&str; 30] = [
    "notion",
    "github",
    "jira",
    "calendar",
    "cache",
    "slack",
    "gdrive",
    "linear",
    "confluence",
    "sentry",
    "pagerduty",
    "postgres",
    "redis",
    "s3",
    "stripe",
    "zendesk",
    "hubspot",
    "figma",
    "asana",
    "trello",
    "gitlab",
    "datadog",
    "grafana",
    "okta",
    "salesforce",
    "intercom",
    "dropbox",
    "airtable",
    "mongo",
    "kafka",
];
const VERBS: [&str; 8] = [
    "get", "list", "search", "create", "update", "delete", "sync", "export",
];
const OBJECTS: [&str; 7] = [
    "items", "pages", "issues", "events", "users", "files", "comments",
];
const METHODS: [&str; 8] = [
    "initialize",
    "notifications/initialized",
    "ping",
    "tools/list",
    "resources/list",
    "resources/read",
    "prompts/list",
    "prompts/get",
];
/// `(error_type, percentage of tools that have seen it)`; `""` is success.
const ERRORS: [(&str, u64); 5] = [
    ("", 100),
    ("tool_error", 75),
    ("cancelled", 35),
    ("-32602", 25),
    ("-32603", 46),
];

const LEGACY_COUNTER: &str = "mcp_requests_total";
const LEGACY_HISTOGRAM: &str = "mcp_request_duration_seconds";
const LEGACY_BUCKETS: [(&str, u64); 14] = [
    ("0.005", 5),
    ("0.01", 10),
    ("0.025", 25),
    ("0.05", 50),
    ("0.075", 75),
    ("0.1", 100),
    ("0.25", 250),
    ("0.5", 500),
    ("0.75", 750),
    ("1.0", 1000),
    ("2.5", 2500),
    ("5.0", 5000),
    ("7.5", 7500),
    ("10.0", 10000),
];

/// `(name, type, help, value)`.
const PROCESS: [(&str, &str, &str, &str); 7] = [
    (
        "process_cpu_seconds_total",
        "counter",
        "Total user and system CPU time spent in seconds",
        "8312.47",
    ),
    (
        "process_resident_memory_bytes",
        "gauge",
        "Resident memory size in bytes",
        "734003200.0",
    ),
    (
        "process_virtual_memory_bytes",
        "gauge",
        "Virtual memory size in bytes",
        "3221225472.0",
    ),
    (
        "process_start_time_seconds",
        "gauge",
        "Start time of the process since unix epoch in seconds",
        "1795305600.0",
    ),
    (
        "process_open_fds",
        "gauge",
        "Number of open file descriptors",
        "1432.0",
    ),
    (
        "process_max_fds",
        "gauge",
        "Maximum number of open file descriptors",
        "1048576.0",
    ),
    (
        "process_threads",
        "gauge",
        "Number of OS threads in the process",
        "64.0",
    ),
];

/// splitmix64, as `SplitMix64` in the Python script.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Where a histogram's `le` goes among its labels.
#[derive(Clone, Copy, PartialEq)]
enum Le {
    /// prometheus-client (the demo server).
    First,
    /// The Go and Python clients.
    Last,
}

/// One histogram series: `_sum` (seconds), `_count`, then the buckets and `+Inf`.
#[allow(clippy::too_many_arguments)]
fn histogram(
    out: &mut String,
    name: &str,
    labels: &str,
    rng: &mut SplitMix64,
    scrape: u64,
    big: bool,
    buckets: &[(&str, u64)],
    le: Le,
) {
    let base = rng.below(if big { 2_000_000 } else { 20_000 });
    let step = rng.below(if big { 300 } else { 10 });
    let mode = rng.below(10) as usize;
    let count = base + scrape * step;
    let sum_ms = count * buckets[mode].1 * 7 / 10;
    let brace = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    let _ = writeln!(
        out,
        "{name}_sum{brace} {}.{:03}",
        sum_ms / 1000,
        sum_ms % 1000
    );
    let _ = writeln!(out, "{name}_count{brace} {count}");
    let bounds = buckets.iter().map(|(le, _)| *le).chain(["+Inf"]);
    for (i, bound) in bounds.enumerate() {
        let d = i as i64 - mode as i64;
        let pct = match d {
            ..-2 => 0,
            3.. => 100,
            _ => SHAPE[(d + 2) as usize],
        };
        let value = if bound == "+Inf" {
            count
        } else {
            count * pct / 100
        };
        let _ = match (labels.is_empty(), le) {
            (true, _) => writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {value}"),
            (false, Le::First) => {
                writeln!(out, "{name}_bucket{{le=\"{bound}\",{labels}}} {value}")
            }
            (false, Le::Last) => {
                writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {value}")
            }
        };
    }
}

/// The whole exposition of the `scrape`-th scrape of the gateway: counters grow by a
/// per-series step each scrape, everything else stays. Same text as
/// `scripts/gen-exposition.py OUT --scrape N`.
pub fn generate(scrape: u64) -> String {
    let mut rng = SplitMix64(SEED);
    let mut out = String::with_capacity(BYTES + BYTES / 8);
    let _ = writeln!(out, "# HELP {FAMILY} {HELP}\n# TYPE {FAMILY} histogram");
    for method in METHODS {
        for err in ["", "-32603"] {
            let labels =
                format!("mcp_method_name=\"{method}\",gen_ai_tool_name=\"\",error_type=\"{err}\"");
            let big = err.is_empty();
            histogram(
                &mut out,
                FAMILY,
                &labels,
                &mut rng,
                scrape,
                big,
                &BUCKETS,
                Le::First,
            );
        }
    }
    let tools: Vec<String> = SERVICES
        .iter()
        .flat_map(|s| {
            VERBS
                .iter()
                .flat_map(move |v| OBJECTS.iter().map(move |o| format!("{s}.{v}_{o}")))
        })
        .collect();
    let mut failing = Vec::with_capacity(tools.len());
    for tool in &tools {
        let mut failed = false;
        for (err, pct) in ERRORS {
            if rng.below(100) >= pct {
                continue;
            }
            failed |= !err.is_empty();
            let labels = format!(
                "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"{tool}\",error_type=\"{err}\""
            );
            let big = err.is_empty();
            histogram(
                &mut out,
                FAMILY,
                &labels,
                &mut rng,
                scrape,
                big,
                &BUCKETS,
                Le::First,
            );
        }
        failing.push(failed);
    }
    let session = "mcp_server_session_duration_seconds";
    let _ = writeln!(
        out,
        "# HELP {session} The duration of the MCP session as observed on the MCP server.\n\
         # TYPE {session} histogram"
    );
    histogram(
        &mut out,
        session,
        "",
        &mut rng,
        scrape,
        false,
        &BUCKETS,
        Le::First,
    );
    let _ = writeln!(
        out,
        "# HELP {LEGACY_COUNTER} MCP tool calls handled, by tool and outcome.\n\
         # TYPE {LEGACY_COUNTER} counter"
    );
    for (tool, failed) in tools.iter().zip(&failing) {
        let statuses: &[&str] = if *failed { &["ok", "error"] } else { &["ok"] };
        for &status in statuses {
            let ok = status == "ok";
            let mut value = rng.below(if ok { 2_000_000 } else { 20_000 });
            value += scrape * rng.below(if ok { 300 } else { 10 });
            let _ = writeln!(
                out,
                "{LEGACY_COUNTER}{{tool=\"{tool}\",status=\"{status}\"}} {value}"
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP {LEGACY_HISTOGRAM} MCP tool call latency in seconds.\n\
         # TYPE {LEGACY_HISTOGRAM} histogram"
    );
    for tool in &tools {
        let labels = format!("tool=\"{tool}\"");
        histogram(
            &mut out,
            LEGACY_HISTOGRAM,
            &labels,
            &mut rng,
            scrape,
            true,
            &LEGACY_BUCKETS,
            Le::Last,
        );
    }
    for (name, kind, help, value) in PROCESS {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
    out
}
