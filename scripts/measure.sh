#!/usr/bin/env bash
# scripts/measure.sh: what the dashboard costs while it runs, beside btop.
#
# Measures the dashboard process alone (`mcptop --target URL`, the demo server running
# as a separate `mcptop demo --serve-only` process whose cost is not counted), in tmux at
# 200x50, at each refresh interval (1 s and 2 s by default):
#   - CPU: utime+stime of the process from /proc/PID/stat over the steady-state window
#     (after --warmup), as CPU seconds per wall minute and as % of one core;
#   - peak RSS: VmHWM from /proc/PID/status at the end of the run;
#   - bytes written to the terminal per second: `tmux pipe-pane -o` appends everything
#     the program writes to a file; its growth over the steady-state window.
# Then the same on btop (Debian package `btop`, installed with apt-get if missing) at the
# same size with `update_ms` set to the same interval in a btop.conf of a temporary
# XDG_CONFIG_HOME (the user's own btop config is not touched), and the ratios
# mcptop/btop. Both run with TERM=tmux-256color, COLORTERM=truecolor, LANG=C.UTF-8.
#
# RSS with 1 h of history: a separate run at 1 s refresh with `--history 1h` samples
# VmRSS, RssAnon and RssFile every 5 s. History is bounded by time, not by run length
# (src/core/model/dashboard.rs, Dashboard::new): the timeline keeps at most 360 points
# (src/core/model/timeline.rs, POINTS), one every history/360 = 10 s, each a 24-byte Point;
# the raw samples are kept only for the newest rate window plus one timeline step and two
# intervals (5m + 10s + 2s = 312 s for the counters, 5m + 2s for the latency buckets;
# SeriesStore::trim in src/core/model/series.rs drops older ones at every scrape). So past
# 312 s each series holds all the samples it ever will, and of the history only the
# timeline's VecDeque still grows, by at most 360 x 24 B. What can still grow is the
# number of series: the demo server exports a series per tool and error type only once
# that combination has happened, so rarer combinations keep appearing for a long while
# (531 series after 6 minutes, 707 after an hour in one run, flat for its last 10
# minutes), and RSS with them. The default --rss-seconds 360 is therefore a lower bound
# of the 1 h figure, reached in six minutes; `--history-hour` runs the full hour
# (3,660 s) for the figure itself.
#
# Usage: scripts/measure.sh [options] [-- extra mcptop arguments]
#   --duration SECS     steady-state window of each CPU/bytes run (default 60)
#   --warmup SECS       time before the window starts (default 20)
#   --intervals "1 2"   refresh intervals in seconds to measure (default "1 2")
#   --rss-seconds SECS  length of the 1 h-history RSS run (default 360: a lower bound)
#   --history-hour      the RSS run lasts 3,660 s (a full hour of history)
#   --rss-only          only the RSS run (no CPU/bytes runs, no btop)
#   --no-rss            skip the RSS run
#   --no-btop           skip btop
#   --bin PATH          mcptop binary (default: target/release/mcptop, built first)
#   --no-build          do not run `cargo build --release` first
#   --out DIR           results directory (default /tmp/mcptop-perf/measure)
#   -h, --help          this text
# Results: DIR/results.tsv, DIR/summary.txt (the table printed at the end), DIR/rss.csv,
# DIR/*.term (what each program wrote to the terminal), DIR/*.screen (its last screen).
# Run it on an otherwise idle machine: other processes' CPU use distorts the CPU figures;
# the load average before each run is recorded in the summary.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=perf-lib.sh
. "$(dirname "$0")/perf-lib.sh"

duration=60
warmup=20
intervals="1 2"
rss_seconds=360
do_rss=1
do_cpu=1
do_btop=1
build=1
bin=""
out=/tmp/mcptop-perf/measure
extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --intervals) intervals=$2; shift 2 ;;
    --rss-seconds) rss_seconds=$2; shift 2 ;;
    --history-hour) rss_seconds=3660; shift ;;
    --rss-only) do_cpu=0; do_btop=0; shift ;;
    --no-rss) do_rss=0; shift ;;
    --no-btop) do_btop=0; shift ;;
    --) shift; extra=("$@"); break ;;
    *) perf_arg "$@"; shift "$perf_shift" ;;
  esac
done

perf_setup measure
demo_pid=""

now() { echo "$EPOCHREALTIME"; }
fsize() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }

# start_pane NAME CONFIG_HOME PROGRAM ARGS... -> prints the program's pid
start_pane() {
  perf_new_session "$@"
  tm display-message -p -t "$1" '#{pane_pid}'
}

# --- build and the demo server -----------------------------------------------------------
perf_build

start_demo() {
  "$bin" demo --serve-only --port 0 > "$work/demo.out" 2> "$work/demo.err" &
  demo_pid=$!
  perf_pids+=("$demo_pid")
  local i
  for i in $(seq 100); do
    demo_url=$(grep -o 'metrics at http://[0-9.:]*' "$work/demo.out" 2>/dev/null | sed 's/^metrics at //') || true
    if [ -n "$demo_url" ] && curl -sf -o /dev/null "$demo_url/metrics"; then return; fi
    sleep 0.1
    [ "$i" -lt 100 ] || { cat "$work/demo.err" >&2; exit 1; }
  done
}
demo_url=""
start_demo
log "demo server at $demo_url (pid $demo_pid, default load: 5 calls/s with bursts)"

# --- one CPU/bytes run ------------------------------------------------------------------
# run_cpu LABEL INTERVAL_S CONFIG_HOME PROGRAM ARGS... -> appends a row to results.tsv
run_cpu() {
  local label=$1 ivl=$2 cfg=$3
  shift 3
  local name="$label-${ivl}s" term="$out/$label-${ivl}s.term"
  rm -f "$term"
  local la pid
  la=$(load1)
  pid=$(start_pane "$name" "$cfg" "$@")
  tm pipe-pane -o -t "$name" "cat >> $(printf '%q' "$term")"
  log "$name: pid $pid, warm-up ${warmup}s, then ${duration}s measured (load average $la)"
  sleep "$warmup"
  kill -0 "$pid" 2>/dev/null || { echo "measure.sh: $name exited early" >&2; exit 1; }
  local t0 c0 b0 t1 c1 b1
  t0=$(now); c0=$(cpu_ticks "$pid"); b0=$(fsize "$term")
  sleep "$duration"
  t1=$(now); c1=$(cpu_ticks "$pid"); b1=$(fsize "$term")
  kill -0 "$pid" 2>/dev/null || { echo "measure.sh: $name exited early" >&2; exit 1; }
  local hwm rss
  hwm=$(status_kb "$pid" VmHWM); rss=$(status_kb "$pid" VmRSS)
  tm capture-pane -p -t "$name" > "$out/$name.screen"
  tm kill-session -t "$name"
  awk -v l="$label" -v i="$ivl" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
    -v tck="$clk_tck" -v b0="$b0" -v b1="$b1" -v hwm="$hwm" -v rss="$rss" -v la="$la" \
    -v la2="$(load1)" 'BEGIN {
      wall = t1 - t0; cpu = (c1 - c0) / tck
      printf "%s\t%s\t%.1f\t%.2f\t%.4f\t%.3f\t%d\t%d\t%.1f\t%s\t%s\n", l, i, wall, cpu,
        cpu / wall * 60, cpu / wall * 100, hwm, rss, (b1 - b0) / wall, la, la2
    }' >> "$out/results.tsv"
  tail -n1 "$out/results.tsv" | awk -F'\t' '{ printf "  cpu %.3f s/min (%.3f%% of a core), peak RSS %.1f MiB, %.0f B/s to the terminal\n", $5, $6, $7/1024, $9 }' >&2
}

btop_home() {
  local ivl=$1 dir="$work/btop-$1"
  mkdir -p "$dir/btop"
  printf 'update_ms = %d\n' "$((ivl * 1000))" > "$dir/btop/btop.conf"
  echo "$dir"
}

printf 'program\tinterval_s\twall_s\tcpu_s\tcpu_s_per_min\tcpu_pct_core\tvmhwm_kb\tvmrss_kb\tterm_bytes_per_s\tload1_before\tload1_after\n' > "$out/results.tsv"

if [ "$do_btop" = 1 ] && ! command -v btop > /dev/null; then
  log "installing btop (apt-get update; apt-get install -y btop)"
  apt-get update > "$out/apt.log" 2>&1
  apt-get install -y btop >> "$out/apt.log" 2>&1
fi

mkdir -p "$work/mcptop-home/mcptop"
if [ "$do_cpu" = 1 ]; then
  for ivl in $intervals; do
    run_cpu mcptop "$ivl" "$work/mcptop-home" "$bin" --target "$demo_url" --interval "${ivl}s" "${extra[@]}"
    if [ "$do_btop" = 1 ]; then
      home=$(btop_home "$ivl")
      run_cpu btop "$ivl" "$home" btop
      grep -o "[0-9]*ms" "$out/btop-${ivl}s.screen" | head -n1 | sed "s/^/  btop's own header shows the update interval: /" >&2 || true
    fi
  done
fi

# --- the 1 h-history RSS run ------------------------------------------------------------
rss_line=""
if [ "$do_rss" = 1 ]; then
  name="mcptop-rss"
  la=$(load1)
  pid=$(start_pane "$name" "$work/mcptop-home" "$bin" --target "$demo_url" --interval 1s --history 1h "${extra[@]}")
  log "$name: pid $pid, --interval 1s --history 1h for ${rss_seconds}s, VmRSS every 5 s to $out/rss.csv"
  echo "elapsed_s,vmrss_kb,vmhwm_kb,rssanon_kb,rssfile_kb,cpu_s" > "$out/rss.csv"
  t0=$(now)
  c0=$(cpu_ticks "$pid")
  while :; do
    kill -0 "$pid" 2>/dev/null || { echo "measure.sh: $name exited early" >&2; exit 1; }
    el=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    printf '%s,%s,%s,%s,%s,%s\n' "$el" "$(status_kb "$pid" VmRSS)" "$(status_kb "$pid" VmHWM)" \
      "$(status_kb "$pid" RssAnon)" "$(status_kb "$pid" RssFile)" "$(awk -v c="$(cpu_ticks "$pid")" -v c0="$c0" -v t="$clk_tck" 'BEGIN { printf "%.2f", (c - c0) / t }')" >> "$out/rss.csv"
    awk -v e="$el" -v s="$rss_seconds" 'BEGIN { exit !(e >= s) }' && break
    sleep 5
  done
  tm capture-pane -p -t "$name" > "$out/$name.screen"
  tm kill-session -t "$name"
  series=$(grep -o '[0-9,]* series' "$out/$name.screen" | head -n1) || true
  rss_line=$(awk -F, -v la="$la" 'NR > 1 { e[NR] = $1; r[NR] = $2; h[NR] = $3; a[NR] = $4; f[NR] = $5; n = NR }
    END {
      # the sample a minute before the last one
      for (i = n; i > 2 && e[n] - e[i] < 60; i--) ;
      printf "%.0f\t%d\t%d\t%d\t%.0f\t%s\t%d\t%d\t%s\n", e[n], r[n], h[n], r[n] - r[i], e[n] - e[i], la, a[n], f[n], series
    }' "$out/rss.csv" series="${series:-? series}")
fi

# --- the table ----------------------------------------------------------------------------
{
  echo "mcptop measure.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$bin" --version)"
  [ "$do_btop" = 1 ] && echo "btop: $(btop --version 2>/dev/null | head -n1)"
  echo "dashboard: mcptop --target <demo server> at 200x50; demo: mcptop demo --serve-only (5 calls/s, bursts)"
  [ ${#extra[@]} -gt 0 ] && echo "extra mcptop arguments: ${extra[*]}"
  if [ "$do_cpu" = 1 ]; then
    echo "CPU and bytes over ${duration}s after ${warmup}s of warm-up"
    echo
    awk -F'\t' -v ivls="$intervals" '
      NR == 1 { next }
      { k = $1 SUBSEP $2; cpu[k] = $5; pct[k] = $6; hwm[k] = $7 / 1024; bps[k] = $9
        la[k] = $10 "/" $11 }
      function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
      function row(name, ivl, m, b, fmt) {
        mm = sprintf(fmt, m); bb = (b == "") ? "-" : sprintf(fmt, b)
        printf "| %-34s | %4ss | %12s | %12s | %11s |\n", name, ivl, mm, bb, (b == "") ? "-" : ratio(m, b)
      }
      END {
        printf "| %-34s | %5s | %12s | %12s | %11s |\n", "metric", "every", "mcptop", "btop", "mcptop/btop"
        printf "|%s|%s|%s|%s|%s|\n", "------------------------------------", "-------", "--------------", "--------------", "-------------"
        n = split(ivls, order, " ")
        for (j = 1; j <= n; j++) {
          i = order[j]; m = "mcptop" SUBSEP i; b = "btop" SUBSEP i
          hb = (b in cpu)
          row("CPU seconds per wall minute", i, cpu[m], hb ? cpu[b] : "", "%.3f")
          row("CPU, % of one core", i, pct[m], hb ? pct[b] : "", "%.3f%%")
          row("peak RSS (VmHWM), MiB", i, hwm[m], hb ? hwm[b] : "", "%.1f")
          row("bytes to the terminal per second", i, bps[m], hb ? bps[b] : "", "%.0f")
        }
        print ""
        for (j = 1; j <= n; j++) {
          i = order[j]
          for (q = 1; q <= 2; q++) {
            k = (q == 1 ? "mcptop" : "btop") SUBSEP i
            if (k in la) printf "load average (1 min) before/after the %s %ss run: %s\n", (q == 1 ? "mcptop" : "btop"), i, la[k]
          }
        }
      }' "$out/results.tsv"
  fi
  if [ -n "$rss_line" ]; then
    echo
    echo "$rss_line" | awk -F'\t' '{
      printf "RSS with --history 1h at 1s refresh, after %ss: VmRSS %.1f MiB (%.1f MB), VmHWM %.1f MiB (target < 30 MB); RssAnon %.1f MiB, RssFile (binary and libraries) %.1f MiB; VmRSS moved %+d KiB over the last %ss; %s at the end; load average before: %s\n",
        $1, $2 / 1024, $2 * 1.024 / 1000, $3 / 1024, $7 / 1024, $8 / 1024, $4, $5, $9, $6 }'
  fi
} > "$out/summary.txt"
cat "$out/summary.txt"
