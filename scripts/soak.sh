#!/usr/bin/env bash
# scripts/soak.sh: does the dashboard's memory stay flat over a long run under load?
#
# Runs the dashboard (`mcptop --target URL --mcp demo=URL/mcp --loki URL`) in tmux at
# 200x50 for --duration seconds against:
#   - the demo server as its own process (`mcptop demo --serve-only --rate R`): its load
#     generator calls the tools at R calls/s (Poisson) with bursts of 4x R for 10 s about
#     every 45 s (src/demo/load.rs, Bursts), so the scrape sees the series move;
#   - scripts/loki-sample.py, a stand-in for Loki (4 lines/s of an MCP server's JSON
#     logs), followed through its tail WebSocket (`[loki] mode = "tail"`; --loki-mode poll
#     polls query_range instead), with the count_over_time matrices of the error summary;
#   - the demo server's MCP endpoint as an MCP server (pings, the tools list).
# The demo server runs its load for --warmup seconds before the dashboard starts, as a server
# that has been up a while: it adds series as rare tool and error-type pairs first occur
# (400 to 600 at one minute, about 690 at five, 820 at fifteen), and the soak is about the
# dashboard's memory, not the source's growing cardinality. The summary gives the demo's
# series count at the dashboard's first minute and at the end, and the log lines held.
# The screen cycles overview -> logs -> tools -> calls every 30 s. Every 5 s the
# dashboard's VmRSS, VmHWM and CPU time (/proc/PID/status, /proc/PID/stat) go to a CSV.
# At the end it prints the RSS after the first minute, the RSS at the end and the change,
# PASS when the end is within 10 % of the first-minute figure, FAIL otherwise (or when the
# dashboard exited). It also prints the change from 360 s on: with the default 5m rate
# window the sample stores fill for the first 312 s (5m + one 10 s timeline step + two
# intervals, Dashboard::new in src/core/model/dashboard.rs), so only from then on is a flat
# line expected; and the anonymous part (RssAnon) apart from the pages of the binary and
# libraries (RssFile), which grow as code runs for the first time.
#
# Usage: scripts/soak.sh [options]
#   --duration SECS   length of the soak (default 600)
#   --warmup SECS     the demo server's load before the dashboard starts (default 300; 0:
#                     none)
#   --interval DUR    refresh interval of the dashboard (default 1s)
#   --rate N          mean tools/call rate of the demo's load generator (default 20)
#   --no-loki         no log source
#   --loki-mode MODE  how the dashboard follows the log stream: tail (default) or poll
#   --bin PATH        mcptop binary (default: ${CARGO_TARGET_DIR:-target}/release/mcptop, built first)
#   --no-build        do not run `cargo build --release` first
#   --out DIR         results directory (default /tmp/mcptop-perf/soak)
#   -h, --help        this text
# Results: DIR/rss.csv, DIR/summary.txt, DIR/*.screen (the overview and logs screens at
# the end), DIR/demo-metrics.txt (the demo server's /metrics at the end).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=perf-lib.sh
. "$(dirname "$0")/perf-lib.sh"

duration=600
warmup=300
interval=1s
rate=20
loki=1
loki_mode="tail"
build=1
bin=""
out=/tmp/mcptop-perf/soak

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --no-loki) loki=0; shift ;;
    --loki-mode) loki_mode=$2; shift 2 ;;
    *) perf_arg "$@"; shift "$perf_shift" ;;
  esac
done

case "$warmup" in
  '' | *[!0-9]*) echo "soak.sh: --warmup takes whole seconds, not '$warmup'" >&2; exit 2 ;;
esac
perf_setup soak
demo_pid=""
loki_pid=""

perf_build

# --- the demo server and the log source ---------------------------------------------------
demo_port=$(free_port)
"$bin" demo --serve-only --port "$demo_port" --rate "$rate" > "$work/demo.out" 2> "$work/demo.err" &
demo_pid=$!
perf_pids+=("$demo_pid")
demo_url="http://127.0.0.1:$demo_port"
wait_http "$demo_url/metrics"
log "demo server at $demo_url (pid $demo_pid), $rate calls/s with bursts of 4x"
# Series in the demo server's exposition (lines that are not comments).
demo_series() { curl -s "$demo_url/metrics" | grep -vc '^#' || true; }
# tools/call requests the demo server has handled (the sum of its duration histogram's counts).
demo_calls() {
  awk '/^mcp_server_operation_duration_seconds_count/ && /tools\/call/ { n += $NF } END { printf "%d", n }' "$@"
}
if [ "$warmup" -gt 0 ]; then
  log "warming the demo server up for ${warmup}s"
  sleep "$warmup"
  log "demo server series after the warm-up: $(demo_series)"
fi

mkdir -p "$work/config/mcptop"
: > "$work/config/mcptop/config.toml"
loki_args=()
if [ "$loki" = 1 ]; then
  loki_port=$(free_port)
  python3 "$here/loki-sample.py" "$loki_port" > "$work/loki.log" 2>&1 &
  loki_pid=$!
  perf_pids+=("$loki_pid")
  wait_http "http://127.0.0.1:$loki_port/"
  printf '[loki]\nmode = "%s"\n' "$loki_mode" > "$work/config/mcptop/config.toml"
  loki_args=(--loki "http://127.0.0.1:$loki_port" --logql '{app="mcpist"}')
  log "Loki stand-in at http://127.0.0.1:$loki_port (pid $loki_pid), mode $loki_mode"
fi

# --- the dashboard --------------------------------------------------------------------------
perf_new_session soak "$work/config" \
  "$bin" --target "$demo_url" --interval "$interval" --mcp "demo=$demo_url/mcp" "${loki_args[@]}"
pid=$(tm display-message -p -t soak '#{pane_pid}')
calls_before=$(curl -s "$demo_url/metrics" | demo_calls || true)
load_before=$(load1)
log "dashboard pid $pid, ${duration}s, RSS every 5 s to $out/rss.csv"

echo "elapsed_s,vmrss_kb,vmhwm_kb,rssanon_kb,rssfile_kb,cpu_s,screen" > "$out/rss.csv"
screens=(1 4 2 3)
screen_i=0
start=$EPOCHREALTIME
next_switch=30
alive=1
series_first=""
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then alive=0; break; fi
  el=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if awk -v e="$el" -v n="$next_switch" 'BEGIN { exit !(e >= n) }'; then
    screen_i=$(( (screen_i + 1) % ${#screens[@]} ))
    tm send-keys -t soak "${screens[$screen_i]}"
    next_switch=$(( next_switch + 30 ))
  fi
  if [ -z "$series_first" ] && awk -v e="$el" 'BEGIN { exit !(e >= 60) }'; then
    series_first=$(demo_series)
  fi
  printf '%s,%s,%s,%s,%s,%s,%s\n' "$el" "$(status_kb "$pid" VmRSS)" "$(status_kb "$pid" VmHWM)" \
    "$(status_kb "$pid" RssAnon)" "$(status_kb "$pid" RssFile)" "$(awk -v c="$(cpu_ticks "$pid")" -v t="$clk_tck" 'BEGIN { printf "%.2f", c / t }')" \
    "${screens[$screen_i]}" >> "$out/rss.csv"
  awk -v e="$el" -v s="$duration" 'BEGIN { exit !(e >= s) }' && break
  sleep 5
done

if [ "$alive" = 1 ]; then
  tm send-keys -t soak 4; sleep 1.5
  tm capture-pane -p -t soak > "$out/logs.screen"
  tm send-keys -t soak 1; sleep 1.5
  tm capture-pane -p -t soak > "$out/overview.screen"
fi
curl -s "$demo_url/metrics" > "$out/demo-metrics.txt" || true
series_end=$(grep -vc '^#' "$out/demo-metrics.txt" || true)
if [ -s "$out/demo-metrics.txt" ]; then
  calls=$(( $(demo_calls "$out/demo-metrics.txt") - ${calls_before:-0} ))
else
  calls="? (the demo server did not answer at the end)"
fi
load_after=$(load1)

{
  echo "mcptop soak.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $("$bin" --version)"
  echo "dashboard: --interval $interval, history 1h (default), 200x50; demo: --rate $rate with bursts, warmed up ${warmup}s; loki stand-in: $([ "$loki" = 1 ] && echo "$loki_mode, 4 lines/s" || echo none)"
  echo "demo server series: ${series_first:-?} at the dashboard's first minute, $series_end at the end"
  echo "tools/call handled by the demo server during the soak: $calls; load average before/after: $load_before/$load_after"
  awk -F, -v alive="$alive" 'NR > 1 { n++; e[n] = $1; r[n] = $2; h[n] = $3; a[n] = $4; fl[n] = $5; c[n] = $6
      if (!f && $1 >= 60) f = n
      if (!g && $1 >= 360) g = n }
    END {
      if (!alive) { print "FAIL: the dashboard exited during the soak"; exit }
      if (!f) { print "FAIL: the soak was shorter than a minute"; exit }
      ch = (r[n] - r[f]) / r[f] * 100
      printf "RSS after the first minute (%.0f s): %.1f MiB\n", e[f], r[f] / 1024
      printf "RSS at the end (%.0f s):            %.1f MiB (peak %.1f MiB)\n", e[n], r[n] / 1024, h[n] / 1024
      printf "change: %+.1f %%  %s (target: end within 10 %% of the first minute)\n", ch, (ch <= 10 ? "PASS" : "FAIL")
      printf "  of which RssAnon %.1f -> %.1f MiB (%+.1f %%), RssFile %.1f -> %.1f MiB\n", a[f] / 1024, a[n] / 1024, (a[n] - a[f]) / a[f] * 100, fl[f] / 1024, fl[n] / 1024
      if (g) printf "from %.0f s (sample stores full) to the end: VmRSS %+.1f %%, RssAnon %+.1f %%\n", e[g], (r[n] - r[g]) / r[g] * 100, (a[n] - a[g]) / a[g] * 100
      printf "CPU: %.2f s over %.0f s (%.3f %% of one core on average)\n", c[n] - c[1], e[n] - e[1], (c[n] - c[1]) / (e[n] - e[1]) * 100
    }' "$out/rss.csv"
  if [ -f "$out/logs.screen" ]; then
    grep -o '[0-9,]* lines ([^)]*)' "$out/logs.screen" | head -n1 | sed 's/^/logs pane at the end: /' || true
  fi
} > "$out/summary.txt"
cat "$out/summary.txt"
