#!/usr/bin/env bash
# scripts/rss-series.sh: what mcptop's memory comes to for a target of many series.
#
# Serves a /metrics on loopback (a Python server, below) holding SERIES series that the
# otel-mcp profile stores: `mcp_server_operation_duration_seconds` histograms of the
# OpenTelemetry MCP conventions, each 15 `_bucket` series and one `_count` (so SERIES/16
# tools x error types), plus their `_sum` and JUNK series of a family no profile reads
# (dropped in the scrape task). Every counter grows at its own steady rate, so the values
# change from scrape to scrape as a busy gateway's do (a third of the tools are called
# about once a minute, the others several times a second).
#
# Runs the release binary in tmux at 200x50 (`mcptop --target URL --interval I`, no user
# config) for WINDOW seconds plus the rate window's margin, so that every series holds a
# full window of samples, sampling VmRSS every 10 s; then reports VmRSS and VmHWM (peak)
# from /proc/PID/status, and the last screen's status line.
#
# Usage: scripts/rss-series.sh [options]
#   --series N      series the profile stores (default 100000, rounded down to 16s)
#   --junk N        series of a family no profile reads (default 0)
#   --interval S    scrape interval in seconds (default 2)
#   --window S      seconds measured after the first scrape (default 330: the counters'
#                   window of 5m + one timeline step + two intervals, and a margin)
#   --bin PATH      mcptop binary (default: ${CARGO_TARGET_DIR:-target}/release/mcptop, built first)
#   --no-build      do not run `cargo build --release` first
#   --out DIR       results directory (default /tmp/mcptop-perf/rss-series)
#   -h, --help      this text
# Results: DIR/rss.csv (seconds, VmRSS kB), DIR/summary.txt, DIR/screen.txt.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=perf-lib.sh
. "$(dirname "$0")/perf-lib.sh"

series=100000
junk=0
interval=2
window=330
build=1
bin=
out=/tmp/mcptop-perf/rss-series
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series=$2; shift 2 ;;
    --junk) junk=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    *) perf_arg "$@"; shift "$perf_shift" ;;
  esac
done
perf_setup rss-series
perf_build

port=$(free_port)
cat > "$work/serve.py" <<'EOF'
import http.server, sys, threading, time
port, series, junk = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
FAM = "mcp_server_operation_duration_seconds"
LES = ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "30", "60", "120", "300", "+Inf"]
ERRS = ["", "tool_error", "-32603", "timeout"]
combos = []
for i in range(series // 16):
    tool, err = f"service{i // 40}.tool_{i % 40}", ERRS[i % len(ERRS)]
    lab = f'mcp_method_name="tools/call",gen_ai_tool_name="{tool}",error_type="{err}"'
    rate = 1 / 60 if i % 3 == 0 else 0.5 + (i % 7)  # calls per second
    mode = i % 12  # the bucket most calls fall in
    shares = [0.0 if k < mode - 1 else 0.3 if k == mode - 1 else 0.8 if k == mode else 1.0
              for k in range(len(LES))]
    combos.append(([f"{FAM}_bucket{{{lab},le=\"{le}\"}} " for le in LES], shares,
                   f"{FAM}_count{{{lab}}} ", f"{FAM}_sum{{{lab}}} ", rate))
junk_lines = [f'go_junk_series{{i="{i}"}} ' for i in range(junk)]
start = time.time()

def body():
    t = time.time() - start
    out = [f"# TYPE {FAM} histogram\n"]
    for buckets, shares, count, total, rate in combos:
        n = int(rate * t)
        for b, sh in zip(buckets, shares):
            out.append(f"{b}{int(n * sh)}\n")
        out.append(f"{count}{n}\n{total}{n * 0.25}\n")
    out.extend(f"{j}{int(t)}\n" for j in junk_lines)
    out.append("process_resident_memory_bytes 4.2e7\n")
    return "".join(out).encode()

# A body is built every second in the background and served as it stands, so that a
# scrape is answered at once however long building takes on a loaded machine.
latest = [body()]
def rebuild():
    while True:
        time.sleep(1)
        latest[0] = body()
threading.Thread(target=rebuild, daemon=True).start()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        b = latest[0] if self.path == "/metrics" else b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        try:
            self.wfile.write(b)
        except OSError:  # mcptop gave up on this scrape (a timeout): its error says so
            pass
    def log_message(self, *a):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
python3 "$work/serve.py" "$port" "$series" "$junk" &
perf_pids+=($!)
wait_http "http://127.0.0.1:$port/metrics"
bytes=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
log "serving $((series / 16 * 16)) profile series + $junk junk ($bytes bytes) on port $port"
if [ "$bytes" -gt 16777216 ]; then
  echo "$perf_prog: the body ($bytes bytes) is over scrape.max_body_bytes: fewer series" >&2
  exit 1
fi

mkdir -p "$work/cfg"
perf_new_session rss "$work/cfg" "$bin" --target "http://127.0.0.1:$port" \
  --interval "${interval}s"
pid=$(tm display -p -t rss '#{pane_pid}')
echo "seconds,vmrss_kb" > "$out/rss.csv"
elapsed=0
while [ "$elapsed" -lt "$window" ]; do
  sleep 10
  elapsed=$((elapsed + 10))
  kill -0 "$pid" 2>/dev/null || { echo "mcptop exited early" >&2; exit 1; }
  echo "$elapsed,$(status_kb "$pid" VmRSS)" >> "$out/rss.csv"
done
rss=$(status_kb "$pid" VmRSS)
hwm=$(status_kb "$pid" VmHWM)
tm capture-pane -p -t rss > "$out/screen.txt"
{
  echo "series stored: $((series / 16 * 16)) (+ $junk junk, $bytes bytes a scrape)"
  echo "interval: ${interval} s, measured after ${window} s"
  echo "VmRSS: $((rss / 1024)) MiB ($rss kB)"
  echo "VmHWM: $((hwm / 1024)) MiB ($hwm kB)"
  echo "load: $(load1)"
} | tee "$out/summary.txt"
