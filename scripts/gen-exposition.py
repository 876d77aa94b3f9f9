#!/usr/bin/env python3
"""Writes a large, histogram-heavy Prometheus text exposition (format 0.0.4) of an MCP
gateway for the parser benchmarks: 112,026 lines and 14,292,106 bytes.

It has the shape of the demo server's /metrics (`mcptop demo`): one
`mcp_server_operation_duration_seconds` histogram family with the OpenTelemetry MCP labels
`mcp_method_name`, `gen_ai_tool_name` and `error_type` (empty on success), the recommended
buckets (written `le="1.0"` as prometheus-client does, `le` first), `_sum` and `_count`
before the buckets, then `mcp_server_session_duration_seconds`. The gateway fronts 1,680
tools (`<service>.<verb>_<object>`); every tool has a success series and some of four error
types (4,717 series with the non-tool methods'). It also keeps its older instrumentation,
`mcp_requests_total{tool,status}` and `mcp_request_duration_seconds{tool}` (`le` last, the
Python client's default buckets; 1,680 series), and ends with the `process_*` metrics.

Deterministic: a fixed seed and an integer PRNG (splitmix64); all values are integers or
decimals formatted from integers, so the output is byte-identical to the Rust generator in
benches/support/exposition.rs (scripts/parse-vs-promtool.sh checks that with `cmp`). A
change here must be made there too.

Usage: scripts/gen-exposition.py OUT [--scrape N]
  OUT        file to write
  --scrape N the N-th scrape of the same server (counters grown N scrape intervals; default 0)
"""
import sys

SEED = 0x6D63_7074_6F70  # "mcptop"
MASK = (1 << 64) - 1

FAMILY = "mcp_server_operation_duration_seconds"
HELP = (
    "MCP request or notification duration as observed on the receiver from the time it was "
    "received until the result or ack is sent."
)
# (le label, bound in ms)
BUCKETS = [
    ("0.01", 10), ("0.02", 20), ("0.05", 50), ("0.1", 100), ("0.2", 200), ("0.5", 500),
    ("1.0", 1000), ("2.0", 2000), ("5.0", 5000), ("10.0", 10000), ("30.0", 30000),
    ("60.0", 60000), ("120.0", 120000), ("300.0", 300000),
]
# Cumulative percentage of calls at or below a bucket, by its distance from the tool's
# typical bucket (-2, -1, 0, +1, +2; below: 0, above: 100).
SHAPE = [5, 30, 80, 95, 99]

SERVICES = [
    "notion", "github", "jira", "calendar", "cache", "slack", "gdrive", "linear",
    "confluence", "sentry", "pagerduty", "postgres", "redis", "s3", "stripe", "zendesk",
    "hubspot", "figma", "asana", "trello", "gitlab", "datadog", "grafana", "okta",
    "salesforce", "intercom", "dropbox", "airtable", "mongo", "kafka",
]
VERBS = ["get", "list", "search", "create", "update", "delete", "sync", "export"]
OBJECTS = ["items", "pages", "issues", "events", "users", "files", "comments"]
METHODS = [
    "initialize", "notifications/initialized", "ping", "tools/list", "resources/list",
    "resources/read", "prompts/list", "prompts/get",
]
# error_type and the percentage of tools that have seen it
ERRORS = [("tool_error", 75), ("cancelled", 35), ("-32602", 25), ("-32603", 46)]

# The gateway's own, older instrumentation, kept next to the OpenTelemetry one: a call
# counter and a histogram per tool with the Python client's default buckets (`le` last).
LEGACY_COUNTER = "mcp_requests_total"
LEGACY_HISTOGRAM = "mcp_request_duration_seconds"
LEGACY_BUCKETS = [
    ("0.005", 5), ("0.01", 10), ("0.025", 25), ("0.05", 50), ("0.075", 75), ("0.1", 100),
    ("0.25", 250), ("0.5", 500), ("0.75", 750), ("1.0", 1000), ("2.5", 2500), ("5.0", 5000),
    ("7.5", 7500), ("10.0", 10000),
]

PROCESS = [
    ("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds", "8312.47"),
    ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes", "734003200.0"),
    ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes", "3221225472.0"),
    ("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds", "1795305600.0"),
    ("process_open_fds", "gauge", "Number of open file descriptors", "1432.0"),
    ("process_max_fds", "gauge", "Maximum number of open file descriptors", "1048576.0"),
    ("process_threads", "gauge", "Number of OS threads in the process", "64.0"),
]


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def histogram(out, name, labels, rng, scrape, big, buckets=BUCKETS, le_first=True):
    """One histogram series: _sum, _count, then the buckets, `le` first (prometheus-client)
    or last (the Go and Python clients)."""
    base = rng.below(2_000_000 if big else 20_000)
    step = rng.below(300 if big else 10)
    mode = rng.below(10)
    count = base + scrape * step
    sum_ms = count * buckets[mode][1] * 7 // 10
    brace = "{" + labels + "}" if labels else ""
    out.append(f"{name}_sum{brace} {sum_ms // 1000}.{sum_ms % 1000:03}\n")
    out.append(f"{name}_count{brace} {count}\n")
    for i, (le, _) in enumerate(buckets + [("+Inf", 0)]):
        d = i - mode
        pct = 0 if d < -2 else 100 if d > 2 else SHAPE[d + 2]
        value = count if le == "+Inf" else count * pct // 100
        if not labels:
            inner = f'le="{le}"'
        elif le_first:
            inner = f'le="{le}",{labels}'
        else:
            inner = f'{labels},le="{le}"'
        out.append(f"{name}_bucket{{{inner}}} {value}\n")


def generate(scrape):
    """The whole exposition of the `scrape`-th scrape, as one string."""
    rng = SplitMix64(SEED)
    out = [f"# HELP {FAMILY} {HELP}\n", f"# TYPE {FAMILY} histogram\n"]
    for method in METHODS:
        for err in ["", "-32603"]:
            labels = f'mcp_method_name="{method}",gen_ai_tool_name="",error_type="{err}"'
            histogram(out, FAMILY, labels, rng, scrape, err == "")
    tools = [f"{s}.{v}_{o}" for s in SERVICES for v in VERBS for o in OBJECTS]
    failing = []
    for tool in tools:
        failed = False
        for err, pct in [("", 100)] + ERRORS:
            if rng.below(100) >= pct:
                continue
            failed = failed or err != ""
            labels = f'mcp_method_name="tools/call",gen_ai_tool_name="{tool}",error_type="{err}"'
            histogram(out, FAMILY, labels, rng, scrape, err == "")
        failing.append(failed)
    session = "mcp_server_session_duration_seconds"
    out.append(f"# HELP {session} The duration of the MCP session as observed on the MCP server.\n")
    out.append(f"# TYPE {session} histogram\n")
    histogram(out, session, "", rng, scrape, False)
    out.append(f"# HELP {LEGACY_COUNTER} MCP tool calls handled, by tool and outcome.\n")
    out.append(f"# TYPE {LEGACY_COUNTER} counter\n")
    for tool, failed in zip(tools, failing):
        for status in ["ok", "error"] if failed else ["ok"]:
            value = rng.below(2_000_000 if status == "ok" else 20_000)
            value += scrape * rng.below(300 if status == "ok" else 10)
            out.append(f'{LEGACY_COUNTER}{{tool="{tool}",status="{status}"}} {value}\n')
    out.append(f"# HELP {LEGACY_HISTOGRAM} MCP tool call latency in seconds.\n")
    out.append(f"# TYPE {LEGACY_HISTOGRAM} histogram\n")
    for tool in tools:
        histogram(out, LEGACY_HISTOGRAM, f'tool="{tool}"', rng, scrape, True, LEGACY_BUCKETS, False)
    for name, kind, text, value in PROCESS:
        out.append(f"# HELP {name} {text}\n# TYPE {name} {kind}\n{name} {value}\n")
    return "".join(out)


def main(argv):
    args = argv[1:]
    scrape = 0
    if "--scrape" in args:
        i = args.index("--scrape")
        if i + 1 >= len(args) or not args[i + 1].isdigit():
            sys.exit("--scrape needs a non-negative integer")
        scrape = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 1:
        sys.exit(__doc__.split("\n\n")[-1])
    text = generate(scrape)
    with open(args[0], "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{args[0]}: {text.count(chr(10))} lines, {len(text.encode())} bytes", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
