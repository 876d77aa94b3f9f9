#!/usr/bin/env bash
# scripts/side-by-side.sh: two or more builds of mcptop in scrape mode at once, before and
# after a change, measured over the same window.
#
# Starts one demo server (`mcptop demo --serve-only`, from the first build) and, each in a
# tmux pane of its own at --size (default 200x50), every build given as NAME=BINARY:
#   BINARY --target <demo> --interval 1s
# all at once, so that they share the machine's load and the demo's traffic. After --warmup
# (default 300 s: the 5-minute rate window full) it reads each one's CPU (the scheduler's
# ns over its threads, /proc/PID/task/*/schedstat) over --window seconds (default 240), then
# its VmHWM, RssAnon and RssFile, and its main thread's run count over the whole run (the
# third field of /proc/PID/schedstat). The ratio to the first build is the figure to read;
# the absolute CPU moves with the machine's load between runs, the ratio much less.
#
# Release builds of two commits to compare: build each into a target directory of its own
# (`CARGO_TARGET_DIR=/tmp/a cargo build --release`), copy the binaries out, and pass them.
#
# Usage: scripts/side-by-side.sh [options] NAME=BINARY NAME=BINARY...
#   --warmup SECS  time from the start to the window (default 300)
#   --window SECS  the measured window (default 240)
#   --size WxH     the panes' size (default 200x50)
#   --out DIR      results directory (default /tmp/mcptop-perf/side-by-side)
#   -h, --help     this text
# NAME is a tmux session name: letters, digits, - and _.
# Results: DIR/summary.tsv (name, CPU % of a core, / first, VmHWM kB, RssAnon kB, RssFile
# kB, main-thread runs), printed at the end.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=perf-lib.sh
. "$(dirname "$0")/perf-lib.sh"

warmup=300 window=240 size=200x50 out=/tmp/mcptop-perf/side-by-side build=0
builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) warmup=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "$perf_prog: unknown argument $1 (see --help)" >&2; exit 2 ;;
    *=*) builds+=("$1"); shift ;;
    *) echo "$perf_prog: $1 is not NAME=BINARY (see --help)" >&2; exit 2 ;;
  esac
done
[ "${#builds[@]}" -ge 2 ] || { echo "$perf_prog: give at least two NAME=BINARY (see --help)" >&2; exit 2; }
seen=" "
for b in "${builds[@]}"; do
  name=${b%%=*}
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || { echo "$perf_prog: NAME $name: letters, digits, - and _ only (a tmux session name)" >&2; exit 2; }
  [[ $seen == *" $name "* ]] && { echo "$perf_prog: NAME $name given twice" >&2; exit 2; }
  seen+="$name "
  [ -x "${b#*=}" ] || { echo "$perf_prog: no binary at ${b#*=}" >&2; exit 1; }
done
bin=${builds[0]#*=}
perf_setup side-by-side

port=$(free_port)
"$bin" demo --serve-only --port "$port" > "$work/demo.log" 2>&1 &
perf_pids+=($!)
wait_http "http://127.0.0.1:$port/metrics"
log "demo server at http://127.0.0.1:$port"

names=() pids=()
for b in "${builds[@]}"; do
  name=${b%%=*}
  mkdir -p "$work/$name"
  perf_new_session_sized "$name" "$size" "$work/$name" "${b#*=}" \
    --target "http://127.0.0.1:$port" --interval 1s
  names+=("$name")
done
for name in "${names[@]}"; do
  wait_screen "$name" "the overview" 30 "Requests/min"
  pids+=("$(tm display-message -p -t "$name" '#{pane_pid}')")
done
log "${names[*]} running at $size; warm-up ${warmup}s, then ${window}s measured"
alive() {
  local i
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2> /dev/null || { echo "$perf_prog: ${names[$i]} exited during the run" >&2; exit 1; }
  done
}
sleep "$warmup"
alive
start=()
for p in "${pids[@]}"; do start+=("$(cpu_ns "$p")"); done
sleep "$window"
alive

{
  printf 'name\tcpu_pct\tto_first\tvmhwm_kb\trssanon_kb\trssfile_kb\tmain_runs\n'
  first=
  for i in "${!pids[@]}"; do
    p=${pids[$i]}
    ns=$(( $(cpu_ns "$p") - ${start[$i]} ))
    first=${first:-$ns}
    read -r _ _ runs < "/proc/$p/schedstat"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${names[$i]}" \
      "$(awk -v n="$ns" -v w="$window" 'BEGIN { printf "%.3f", n / (w * 1e7) }')" \
      "$(awk -v n="$ns" -v f="$first" 'BEGIN { if (f > 0) printf "%.3f", n / f; else print "-" }')" \
      "$(status_kb "$p" VmHWM)" "$(status_kb "$p" RssAnon)" "$(status_kb "$p" RssFile)" "$runs"
  done
} > "$out/summary.tsv"
column -t -s $'\t' "$out/summary.tsv"
