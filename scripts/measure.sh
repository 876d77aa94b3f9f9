#!/usr/bin/env bash
# scripts/measure.sh: what the dashboard costs while it runs, beside grafatui and btop.
#
# Runs side by side, each in its own tmux session, at every size (120x40 and 200x50 by
# default) and refresh interval (1 s by default), against the demo server
# (`mcptop demo --serve-only`, a separate process whose cost is not counted):
#   mcptop-scrape    mcptop --target <demo> --interval I (scrape mode)
#   mcptop-fleet     mcptop --prometheus <engine> --selector 'job="mcp"' --interval I
#                    (query mode, the fleet screen)
#   mcptop-instance  the same, drilled into the demo's instance with Enter (its overview)
#   grafatui         grafatui 0.1.18 --prometheus-url <engine> --grafana-json <dashboard>
#                    --refresh-rate I*1000 --scrape-interval 1s: a Grafana dashboard of the
#                    four numbers of mcptop's tiles (requests/min, error rate, P95, P99; see
#                    scripts/engine-lib.sh), default range (5m) and step; installed with
#                    `cargo install grafatui@0.1.18 --locked` into /tmp/mcptop-perf/grafatui
#                    (GRAFATUI_ROOT) when not on PATH, reused by later runs
#   btop             btop with update_ms = I in a btop.conf of a temporary XDG_CONFIG_HOME
#                    (Debian package `btop`, installed with apt-get if missing)
# Each query-mode row and each grafatui row has a Prometheus of its own (Debian
# `prometheus`, on 127.0.0.1, scraping the demo every second as job "mcp"), so that the
# engine's cost is that row's alone; one more Prometheus scrapes the demo with no client
# (`engine alone`: what scraping costs the engine, included in every engine figure).
# All run with TERM=tmux-256color, COLORTERM=truecolor, LANG=C.UTF-8.
#
# Steady state: every program starts at once, then --warmup passes (default 600 s: the
# 5-minute rate window full, as the steady state from 10 minutes on), then --rounds windows
# of --duration each (default 3 of 60 s). Every row runs through every window, so the
# programs see the same machine at the same time: each round is the side-by-side
# measurement of all of them, and the table gives the median and the range over the
# rounds. Per row and round:
#   - CPU: the time its threads spent on a CPU over the window (the scheduler's ns,
#     /proc/PID/task/*/schedstat), as % of one core; and, as a cross-check, utime+stime
#     from /proc/PID/stat (10 ms ticks: about nine a minute at these loads, so one tick is a
#     tenth of the figure; the last column of results.tsv);
#   - bytes written to the terminal per second: `tmux pipe-pane -o` appends everything the
#     program writes to a file; its growth over the window;
#   - for the query rows and grafatui, the engine's cost: the deltas of its own
#     process_cpu_seconds_total and prometheus_http_requests_total (every handler but
#     /metrics) from its /metrics before and after the window;
# and per row at the end, peak RSS: VmHWM from /proc/PID/status. The ratios are mcptop's
# median over grafatui's (and btop's) at the same size and interval.
#
# RSS with 1 h of history: a separate mcptop --target <demo> --interval 1s --history 1h at
# 200x50, started with the others, samples VmRSS, RssAnon and RssFile every 5 s. History is
# bounded by time, not by run length (src/core/model/dashboard.rs, Dashboard::new): the
# timeline keeps at most 360 points (src/core/model/timeline.rs, POINTS), one every
# history/360 = 10 s, each a 24-byte Point; the raw samples are kept only for the newest
# rate window plus one timeline step and two intervals (5m + 10s + 2s = 312 s for the
# counters, 5m + 2s for the latency buckets; SeriesStore::trim in src/core/model/series.rs
# drops older ones at every scrape). So past 312 s each series holds all the samples it
# ever will, and what the history still grows are the timeline's points (at most 360 x
# 24 B), each tool's sparkline points (360 x 16 B a tool) and the time cursor's past tiles
# (src/core/model/past.rs: one set of tiles and packed tool rows a step, 5-6 KB each with
# the demo's 14 tools, so about 2 MB at 360). What can also grow is the number of
# series: the demo server exports a series per
# tool and error type only once that combination has happened, so rarer combinations keep
# appearing for a long while (531 series after 6 minutes, 707 after an hour in one run,
# flat for its last 10 minutes), and RSS with them. The default --rss-seconds 360 is
# therefore a lower bound of the 1 h figure, reached in six minutes; `--history-hour` runs
# the full hour (3,660 s) for the figure itself. The script ends when both the rounds and
# the RSS run are done.
#
# Usage: scripts/measure.sh [options] [-- extra mcptop arguments]
#   --duration SECS     length of each measured window (default 60)
#   --warmup SECS       time from the start to the first window (default 600)
#   --rounds N          measured windows (default 3)
#   --sizes "WxH ..."   terminal sizes (default "120x40 200x50")
#   --intervals "1 2"   refresh intervals in seconds (default "1")
#   --rows "ROW ..."    which rows (default "mcptop-scrape mcptop-fleet mcptop-instance
#                       grafatui btop")
#   --grafatui-panel P  the dashboard's panel type: stat (default: the four in a row, as
#                       mcptop's tiles) or timeseries (two by two)
#   --no-btop           skip btop (--rows without it)
#   --no-query          skip the rows that need Prometheus (mcptop-fleet, mcptop-instance,
#                       grafatui)
#   --rss-seconds SECS  length of the 1 h-history RSS run (default 360: a lower bound)
#   --history-hour      the RSS run lasts 3,660 s (a full hour of history)
#   --rss-only          only the RSS run (no rows)
#   --no-rss            skip the RSS run
#   --bin PATH          mcptop binary (default: ${CARGO_TARGET_DIR:-target}/release/mcptop, built first)
#   --no-build          do not run `cargo build --release` first
#   --out DIR           results directory (default /tmp/mcptop-perf/measure)
#   -h, --help          this text
# Results: DIR/results.tsv (a line per row and round), DIR/peak.tsv (VmHWM per row),
# DIR/summary.txt (the table printed at the end), DIR/rss.csv, DIR/dashboard.json,
# DIR/*.term (what each program wrote to the terminal), DIR/*.screen (its last screen).
# Run it on an otherwise idle machine: other processes' CPU use distorts the CPU figures;
# the load average at each window is recorded.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=perf-lib.sh
. "$(dirname "$0")/perf-lib.sh"
# shellcheck source-path=SCRIPTDIR source=engine-lib.sh
. "$(dirname "$0")/engine-lib.sh"

duration=60
warmup=600
rounds=3
sizes="120x40 200x50"
intervals="1"
rows="mcptop-scrape mcptop-fleet mcptop-instance grafatui btop"
panel=stat
rss_seconds=360
do_rss=1
do_cpu=1
build=1
bin=""
out=/tmp/mcptop-perf/measure
extra=()
drop_rows() { local r; for r in "$@"; do rows=" $rows "; rows=${rows// $r / }; done; }

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --intervals) intervals=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --grafatui-panel) panel=$2; shift 2 ;;
    --no-btop) drop_rows btop; shift ;;
    --no-query) drop_rows mcptop-fleet mcptop-instance grafatui; shift ;;
    --rss-seconds) rss_seconds=$2; shift 2 ;;
    --history-hour) rss_seconds=3660; shift ;;
    --rss-only) do_cpu=0; shift ;;
    --no-rss) do_rss=0; shift ;;
    --) shift; extra=("$@"); break ;;
    *) perf_arg "$@"; shift "$perf_shift" ;;
  esac
done
for r in $rows; do
  case "$r" in
    mcptop-scrape | mcptop-fleet | mcptop-instance | grafatui | btop) ;;
    *) echo "measure.sh: unknown row $r (see --help)" >&2; exit 2 ;;
  esac
done
case "$panel" in stat | timeseries) ;; *) echo "measure.sh: --grafatui-panel stat or timeseries" >&2; exit 2 ;; esac
[ "$do_cpu" = 1 ] || rows=""
has_row() { [[ " $rows " == *" $1 "* ]]; }

perf_setup measure
now() { echo "$EPOCHREALTIME"; }
fsize() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }

# --- build, the demo server, the peers --------------------------------------------------
perf_build

demo_pid=""
demo_url=""
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
start_demo
demo_addr=${demo_url#http://}
log "demo server at $demo_url (pid $demo_pid, default load: 5 calls/s with bursts)"

if has_row btop && ! command -v btop > /dev/null; then
  log "installing btop (apt-get update; apt-get install -y btop)"
  apt-get update > "$out/apt.log" 2>&1
  apt-get install -y btop >> "$out/apt.log" 2>&1
fi
if has_row grafatui; then
  grafatui_find
  log "grafatui: $grafatui_bin ($("$grafatui_bin" --version))"
  grafatui_dashboard "$out/dashboard.json" 'job="mcp"' "$panel"
fi
engines=()
if has_row mcptop-fleet || has_row mcptop-instance || has_row grafatui; then
  command -v prometheus > /dev/null || { echo "measure.sh: the query rows need prometheus (Debian package), or --no-query" >&2; exit 1; }
  prom_start alone "$demo_addr"
  engines+=(alone)
fi

btop_home() {
  local dir="$work/btop-$1"
  mkdir -p "$dir/btop"
  printf 'update_ms = %d\n' "$(($1 * 1000))" > "$dir/btop/btop.conf"
  echo "$dir"
}

# --- the rows -----------------------------------------------------------------------------
names=()
declare -A row_pid row_engine row_of size_of ivl_of
mkdir -p "$work/mcptop-home/mcptop" "$work/grafatui-home"

# start_row ROW SIZE INTERVAL: its engine (when it has one) and its tmux session
start_row() {
  local row=$1 size=$2 ivl=$3 name="$1-$2-$3s" cfg=$work/mcptop-home cmd
  local term="$out/$name.term"
  case "$row" in
    mcptop-scrape) cmd=("$bin" --target "$demo_url" --interval "${ivl}s" "${extra[@]}") ;;
    mcptop-fleet | mcptop-instance)
      prom_start "$name" "$demo_addr"
      cmd=("$bin" --prometheus "${prom_url[$name]}" --selector 'job="mcp"' --interval "${ivl}s" "${extra[@]}") ;;
    grafatui)
      prom_start "$name" "$demo_addr"
      cfg=$work/grafatui-home
      cmd=("$grafatui_bin" --prometheus-url "${prom_url[$name]}" --grafana-json "$out/dashboard.json"
        --refresh-rate "$((ivl * 1000))" --scrape-interval 1s) ;;
    btop) cfg=$(btop_home "$ivl"); cmd=(btop) ;;
  esac
  [ -n "${prom_url[$name]:-}" ] && { row_engine[$name]=$name; engines+=("$name"); }
  rm -f "$term"
  perf_new_session_sized "$name" "$size" "$cfg" "${cmd[@]}"
  row_pid[$name]=$(tm display-message -p -t "$name" '#{pane_pid}')
  perf_pids+=("${row_pid[$name]}")
  tm pipe-pane -o -t "$name" "cat >> $(printf '%q' "$term")"
  row_of[$name]=$row size_of[$name]=$size ivl_of[$name]=$ivl
  names+=("$name")
}


for ivl in $intervals; do
  for size in $sizes; do
    for row in $rows; do start_row "$row" "$size" "$ivl"; done
  done
done
# Query mode one instance: Enter on the fleet's (only) row opens its overview.
for name in "${names[@]}"; do
  [ "${row_of[$name]}" = mcptop-instance ] || continue
  wait_screen "$name" "the demo's row" 60 "● up" "$demo_addr"
  tm send-keys -t "$name" Enter
  wait_screen "$name" "the instance's overview" 20 "· $demo_addr" "Requests/min"
done

# --- the RSS run, beside the rows ---------------------------------------------------------
rss_sampler=""
rss_run() {
  trap - EXIT INT TERM
  local name=mcptop-rss pid t0 c0 el
  pid=$(tm display-message -p -t "$name" '#{pane_pid}')
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
}
rss_la=""
if [ "$do_rss" = 1 ]; then
  rss_la=$(load1)
  perf_new_session mcptop-rss "$work/mcptop-home" "$bin" --target "$demo_url" --interval 1s --history 1h "${extra[@]}"
  log "mcptop-rss: --interval 1s --history 1h for ${rss_seconds}s, VmRSS every 5 s to $out/rss.csv"
  rss_run &
  rss_sampler=$!
  perf_pids+=("$rss_sampler")
fi

# --- the rounds ---------------------------------------------------------------------------
alive() {
  local name
  for name in "${names[@]}"; do
    kill -0 "${row_pid[$name]}" 2>/dev/null || { echo "measure.sh: $name exited early" >&2; exit 1; }
  done
}
# snapshot: per row "NAME TIME TICKS TERM_BYTES NS", per engine "engine NAME TIME CPU REQ Q QR"
snapshot() {
  local name
  for name in "${names[@]}"; do
    echo "$name $(now) $(cpu_ticks "${row_pid[$name]}") $(fsize "$out/$name.term") $(cpu_ns "${row_pid[$name]}")"
  done
  for name in "${engines[@]}"; do
    echo "engine $name $(now) $(prom_counters "${prom_url[$name]}")"
  done
}

printf 'round\tname\trow\tsize\tinterval_s\twall_s\tcpu_s\tcpu_pct_core\tterm_bytes_per_s\tengine_cpu_pct_core\tengine_requests_per_s\tengine_query\tengine_query_range\tload1\tcpu_pct_core_ticks\n' > "$out/results.tsv"
if [ ${#names[@]} -gt 0 ]; then
  log "${#names[@]} rows started ($rows at $sizes, every $intervals s); warm-up ${warmup}s, then $rounds x ${duration}s"
  sleep "$warmup"
  for r in $(seq "$rounds"); do
    alive
    la=$(load1)
    snapshot > "$work/before"
    sleep "$duration"
    snapshot > "$work/after"
    alive
    # One line per row: its figures and its engine's over the window.
    awk -v r="$r" -v tck="$clk_tck" -v la="$la/$(load1)" -v rowsof="$(for n in "${names[@]}"; do printf '%s=%s=%s=%s=%s ' "$n" "${row_of[$n]}" "${size_of[$n]}" "${ivl_of[$n]}" "${row_engine[$n]:-}"; done)" '
      FNR == NR { if ($1 == "engine") { et0[$2] = $3; ec0[$2] = $4; er0[$2] = $5; eq0[$2] = $6; eqr0[$2] = $7 }
                  else { t0[$1] = $2; c0[$1] = $3; b0[$1] = $4; n0[$1] = $5 }; next }
      $1 == "engine" { et1[$2] = $3; ec1[$2] = $4; er1[$2] = $5; eq1[$2] = $6; eqr1[$2] = $7; next }
      { t1[$1] = $2; c1[$1] = $3; b1[$1] = $4; n1[$1] = $5 }
      function engine(e,   w) {
        if (e == "" || !(e in et1)) return "-\t-\t-\t-"
        w = et1[e] - et0[e]
        return sprintf("%.3f\t%.2f\t%d\t%d", (ec1[e] - ec0[e]) / w * 100, (er1[e] - er0[e]) / w, eq1[e] - eq0[e], eqr1[e] - eqr0[e])
      }
      END {
        n = split(rowsof, spec, " ")
        for (i = 1; i <= n; i++) {
          split(spec[i], f, "=")
          k = f[1]; w = t1[k] - t0[k]; ticks = (c1[k] - c0[k]) / tck; cpu = (n1[k] - n0[k]) / 1e9
          printf "%s\t%s\t%s\t%s\t%s\t%.1f\t%.3f\t%.4f\t%.1f\t%s\t%s\t%.3f\n", r, k, f[2], f[3], f[4], w, cpu, cpu / w * 100, (b1[k] - b0[k]) / w, engine(f[5]), la, ticks / w * 100
        }
        if ("alone" in et1) printf "%s\talone\tengine-alone\t-\t-\t%.1f\t-\t-\t-\t%s\t%s\t-\n", r, et1["alone"] - et0["alone"], engine("alone"), la
      }' "$work/before" "$work/after" >> "$out/results.tsv"
    log "round $r of $rounds done (load average $la)"
  done
fi
printf 'name\trow\tsize\tinterval_s\tvmhwm_kb\tvmrss_kb\n' > "$out/peak.tsv"
for name in "${names[@]}"; do
  pid=${row_pid[$name]}
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${row_of[$name]}" "${size_of[$name]}" "${ivl_of[$name]}" \
    "$(status_kb "$pid" VmHWM)" "$(status_kb "$pid" VmRSS)" >> "$out/peak.tsv"
  tm capture-pane -p -t "$name" > "$out/$name.screen"
  tm kill-session -t "$name"
  perf_stop "$pid"
done

rss_line=""
if [ -n "$rss_sampler" ]; then
  log "waiting for the RSS run (${rss_seconds}s from its start)"
  wait "$rss_sampler" || { echo "measure.sh: the RSS run failed" >&2; exit 1; }
  series=$(grep -o '[0-9,]* series' "$out/mcptop-rss.screen" | head -n1) || true
  rss_line=$(awk -F, -v la="$rss_la" -v series="${series:-? series}" 'NR > 1 { e[NR] = $1; r[NR] = $2; h[NR] = $3; a[NR] = $4; f[NR] = $5; n = NR }
    END {
      # the sample a minute before the last one
      for (i = n; i > 2 && e[n] - e[i] < 60; i--) ;
      printf "%.0f\t%d\t%d\t%d\t%.0f\t%s\t%d\t%d\t%s\n", e[n], r[n], h[n], r[n] - r[i], e[n] - e[i], la, a[n], f[n], series
    }' "$out/rss.csv")
fi

# --- the table ----------------------------------------------------------------------------
{
  echo "mcptop measure.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $("$bin" --version)"
  has_row grafatui && echo "grafatui: $("$grafatui_bin" --version) ($panel panels, $out/dashboard.json)"
  has_row btop && echo "btop: $(btop --version 2>/dev/null | head -n1)"
  has_row mcptop-fleet || has_row mcptop-instance || has_row grafatui && echo "engine: $(prometheus --version 2>&1 | head -n1), one per row, scraping the demo every 1s"
  echo "demo: mcptop demo --serve-only (5 calls/s, bursts)"
  [ ${#extra[@]} -gt 0 ] && echo "extra mcptop arguments: ${extra[*]}"
  if [ ${#names[@]} -gt 0 ]; then
    echo "side by side; $rounds window(s) of ${duration}s after ${warmup}s of warm-up; median (min-max) over the windows"
    echo
    awk -f "$here/measure-table.awk" -v sizes="$sizes" -v ivls="$intervals" -v rows="$rows" "$out/results.tsv" "$out/peak.tsv"
  fi
  if [ -n "$rss_line" ]; then
    echo
    echo "$rss_line" | awk -F'\t' '{
      printf "RSS with --history 1h at 1s refresh, after %ss: VmRSS %.1f MiB (%.1f MB), VmHWM %.1f MiB (%.1f MB; target <= 20 MB); RssAnon %.1f MiB, RssFile (binary and libraries) %.1f MiB; VmRSS moved %+d KiB over the last %ss; %s at the end; load average before: %s\n",
        $1, $2 / 1024, $2 * 1.024 / 1000, $3 / 1024, $3 * 1.024 / 1000, $7 / 1024, $8 / 1024, $4, $5, $9, $6 }'
  fi
} > "$out/summary.txt"
cat "$out/summary.txt"
