#!/usr/bin/env bash
# scripts/profile.sh: where the running dashboard's time goes, per mode, in steady state.
#
# Builds the release binary with line tables (CARGO_PROFILE_RELEASE_DEBUG=line-tables-only:
# the same code, with symbols and lines for perf) unless --bin, starts the demo server
# (`mcptop demo --serve-only`) and, side by side in tmux at --size (default 200x50), at a
# refresh of --interval (default 1 s):
#   scrape    mcptop --target <demo>
#   fleet     mcptop --prometheus <engine> --selector 'job="mcp"' (query mode, the fleet)
#   instance  the same, drilled into the demo's instance with Enter (its overview)
# each query mode with a Prometheus of its own (scripts/engine-lib.sh) scraping the demo
# every second. After --warmup (default 360 s: the 5-minute rate window full), for each
# mode in turn:
#   - `perf record -F FREQ --call-graph dwarf -p PID` for --duration (default 60 s; FREQ
#     default 4999 Hz of cpu-clock), then `perf report` of the symbols by self time and by
#     time with their callees (children; without tokio's, std's and the kernel's frames,
#     which every task runs under), and by thread;
#   - over the same window: threads and their wakeups (the number of times each ran, the
#     third field of /proc/PID/task/TID/schedstat) per second; bytes written to the
#     terminal (tmux pipe-pane) per second; for a query mode the engine's requests
#     (prometheus_http_requests_total, every handler but /metrics) per refresh, its CPU,
#     and its time answering a query and a query_range (from
#     prometheus_http_request_duration_seconds);
#   - then for --strace seconds (default 20): `strace -c -f` (system calls by count), and
#     `strace -f -tt` for the system calls per thread, the files opened, the frames (a burst of writes to
#     the terminal, fd 1, with no gap of 20 ms or more, is one frame: frames per second and
#     bytes per frame) and the new connections (connect() calls: 0 over the window when the
#     HTTP connections are reused); `ss -tnp` before and after says which stayed open;
#   - at the end: VmHWM, VmRSS, RssAnon and RssFile, and the resident share of the
#     binary's own mapping from /proc/PID/smaps.
# strace and perf slow the process while attached; the windows do not overlap.
#
# Usage: scripts/profile.sh [options]
#   --warmup SECS     time from the start to the first profile (default 360)
#   --duration SECS   perf's window per mode (default 60)
#   --strace SECS     strace's window per mode (default 20)
#   --freq HZ         perf's sampling frequency (default 4999)
#   --modes "M ..."   which modes, in this order (default "scrape fleet instance")
#   --size WxH        the terminal size (default 200x50)
#   --interval SECS   the refresh interval (default 1)
#   --top N           entries per perf list (default 20)
#   --bin PATH        mcptop binary (default: ${CARGO_TARGET_DIR:-target}/release/mcptop, built first)
#   --no-build        do not build first
#   --out DIR         results directory (default /tmp/mcptop-perf/profile)
#   -h, --help        this text
# Results: DIR/summary.txt (printed at the end), DIR/MODE.perf.data (`perf report -i` it
# for more), DIR/MODE.self.txt, MODE.children.txt, MODE.threads.txt, MODE.strace-c.txt,
# MODE.strace.txt, MODE.smaps.txt, MODE.term, MODE.screen.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=perf-lib.sh
. "$(dirname "$0")/perf-lib.sh"
# shellcheck source-path=SCRIPTDIR source=engine-lib.sh
. "$(dirname "$0")/engine-lib.sh"

warmup=360
duration=60
strace_secs=20
freq=4999
modes="scrape fleet instance"
size=200x50
ivl=1
top=20
build=1
bin=""
out=/tmp/mcptop-perf/profile

while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) warmup=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --strace) strace_secs=$2; shift 2 ;;
    --freq) freq=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --interval) ivl=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    *) perf_arg "$@"; shift "$perf_shift" ;;
  esac
done
for m in $modes; do
  case "$m" in scrape | fleet | instance) ;; *) echo "profile.sh: unknown mode $m" >&2; exit 2 ;; esac
done
for p in perf strace ss tmux curl; do
  command -v "$p" > /dev/null || { echo "profile.sh: needs $p" >&2; exit 1; }
done

perf_setup profile
if [ "$build" = 1 ]; then
  log "cargo build --release with line tables (log: $out/build.log)"
  (cd "$repo" && CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release) > "$out/build.log" 2>&1
fi
[ -x "$bin" ] || { echo "profile.sh: no binary at $bin" >&2; exit 1; }
readelf -S "$bin" 2>/dev/null | grep -q '\.debug_line' ||
  log "warning: $bin has no line tables (built without CARGO_PROFILE_RELEASE_DEBUG?): perf shows symbols only"

"$bin" demo --serve-only --port 0 > "$work/demo.out" 2> "$work/demo.err" &
perf_pids+=("$!")
demo_url=""
for _ in $(seq 100); do
  demo_url=$(grep -o 'metrics at http://[0-9.:]*' "$work/demo.out" 2>/dev/null | sed 's/^metrics at //') || true
  [ -n "$demo_url" ] && curl -sf -o /dev/null "$demo_url/metrics" && break
  sleep 0.1
done
[ -n "$demo_url" ] || { cat "$work/demo.err" >&2; exit 1; }
demo_addr=${demo_url#http://}
log "demo server at $demo_url"

declare -A pid_of
mkdir -p "$work/home/mcptop"
for m in $modes; do
  case "$m" in
    scrape) args=(--target "$demo_url") ;;
    *) prom_start "$m" "$demo_addr"; args=(--prometheus "${prom_url[$m]}" --selector 'job="mcp"') ;;
  esac
  rm -f "$out/$m.term"
  perf_new_session_sized "$m" "$size" "$work/home" "$bin" "${args[@]}" --interval "${ivl}s"
  pid_of[$m]=$(tm display-message -p -t "$m" '#{pane_pid}')
  tm pipe-pane -o -t "$m" "cat >> $(printf '%q' "$out/$m.term")"
done

if [ -n "${pid_of[instance]:-}" ]; then
  wait_screen instance "the demo's row" 60 "● up" "$demo_addr"
  tm send-keys -t instance Enter
  wait_screen instance "the instance's overview" 20 "· $demo_addr" "Requests/min"
fi

log "modes $modes at $size every ${ivl}s; warm-up ${warmup}s, then per mode ${duration}s of perf and ${strace_secs}s of strace"
sleep "$warmup"

# "TID COMM RUNS" per thread of $1
thread_runs() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' '_' < "$t/comm")" "$(cut -d' ' -f3 "$t/schedstat")"
  done
}
fsize() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
# the pid's TCP connections, "local peer" per line
conns() { ss -tnpH state established 2>/dev/null | awk -v p="pid=$1," '$0 ~ p { print $3, $4 }' | sort; }

: > "$out/summary.txt"
for m in $modes; do
  pid=${pid_of[$m]}
  kill -0 "$pid" 2>/dev/null || { echo "profile.sh: $m exited early" >&2; exit 1; }
  log "$m: perf for ${duration}s"
  thread_runs "$pid" > "$work/$m.runs0"
  b0=$(fsize "$out/$m.term"); c0=$(cpu_ticks "$pid"); t0=$EPOCHREALTIME
  e0=""; [ -n "${prom_url[$m]:-}" ] && e0=$(prom_counters "${prom_url[$m]}")
  perf record -q -F "$freq" -e cpu-clock --call-graph dwarf,16384 -p "$pid" -o "$out/$m.perf.data" -- sleep "$duration" 2> "$work/$m.perf.err" ||
    { cat "$work/$m.perf.err" >&2; exit 1; }
  t1=$EPOCHREALTIME; c1=$(cpu_ticks "$pid"); b1=$(fsize "$out/$m.term")
  e1=""; [ -n "${prom_url[$m]:-}" ] && e1=$(prom_counters "${prom_url[$m]}")
  thread_runs "$pid" > "$work/$m.runs1"

  log "$m: strace for ${strace_secs}s"
  conns "$pid" > "$work/$m.conns0"
  timeout -s INT "$strace_secs" strace -c -f -p "$pid" -o "$out/$m.strace-c.txt" 2> /dev/null || true
  timeout -s INT "$strace_secs" strace -f -tt -p "$pid" -o "$out/$m.strace.txt" 2> /dev/null || true
  for t in /proc/"$pid"/task/*; do echo "${t##*/} $(tr ' ' '_' < "$t/comm")"; done > "$work/$m.comm"
  conns "$pid" > "$work/$m.conns1"

  log "$m: perf report"
  # perf report's lines without its comments, blank lines, the IPC columns (no hardware
  # counters here) and the unwinder's unknown root (0xffffffffffffffff)
  report() {
    perf report -i "$out/$m.perf.data" --stdio --no-inline -g none --percent-limit 0.5 "$@" 2> /dev/null |
      grep -v -e '^#' -e '^$' -e '0xffffffffffffffff' | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//; s/[[:space:]]+$//' || true
  }
  # (|| true: head ends the pipe early)
  report --no-children --sort symbol | head -n "$top" > "$out/$m.self.txt" || true
  # with callees: without the runtime's and the threads' own frames, which hold everything
  report --children --sort symbol |
    grep -v -E 'tokio::runtime|std::sys|clone3|start_thread|core::ops::function|poll_fn|__rust_begin|thread_start|\[k\]' |
    head -n "$top" > "$out/$m.children.txt" || true
  report --no-children --sort comm > "$out/$m.threads.txt"
  cp "/proc/$pid/smaps" "$out/$m.smaps.txt"

  {
    echo "== $m: mcptop $(case $m in scrape) echo "--target";; *) echo "--prometheus (query mode, $m)";; esac) at $size every ${ivl}s, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s of perf after ${warmup}s"
    awk -v a="$t0" -v b="$t1" -v c0="$c0" -v c1="$c1" -v t="$clk_tck" -v b0="$b0" -v b1="$b1" -v i="$ivl" 'BEGIN {
      w = b - a; printf "CPU %.3f %% of a core; %.0f bytes/s to the terminal (%.0f per refresh)\n", (c1 - c0) / t / w * 100, (b1 - b0) / w, (b1 - b0) / w * i }'
    awk 'FNR == NR { r0[$1] = $3; next } { d = $3 - r0[$1]; tot += d; n++; per[$2] += d; cnt[$2]++ }
      END {
        printf "threads: %d; wakeups (times run) %.1f/s:", n, tot / w
        for (c in per) printf " %s x%d %.1f/s;", c, cnt[c], per[c] / w
        printf "\n"
      }' w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$work/$m.runs0" "$work/$m.runs1"
    if [ -n "$e0" ]; then
      echo "$e0 $e1" | awk -v a="$t0" -v b="$t1" -v i="$ivl" '{ w = b - a
        printf "engine: %.1f requests/s = %.1f per refresh (query %d, query_range %d in %.0f s); its CPU %.3f %% of a core; answering took %.1f ms a query, %.1f ms a query_range (wall)\n",
          ($8 - $2) / w, ($8 - $2) / w * i, $9 - $3, $10 - $4, w, ($7 - $1) / w * 100,
          ($9 > $3) ? ($11 - $5) / ($9 - $3) * 1000 : 0, ($10 > $4) ? ($12 - $6) / ($10 - $4) * 1000 : 0 }'
    fi
    # frames: bursts of writes to fd 1 with gaps under 20 ms inside
    awk -v s="$strace_secs" '
      function sec(ts,   f) { split(ts, f, ":"); return f[1] * 3600 + f[2] * 60 + f[3] }
      $3 ~ /^(write|writev)\(1,/ { t = sec($2); if (t - last >= 0.02) frames++; last = t; writes++
        if (match($0, /= [0-9]+$/)) bytes += substr($0, RSTART + 2) }
      $3 ~ /^connect\(/ { connects++ }
      END { printf "terminal: %d frames in %d s (%.2f/s), %d writes (%.1f a frame), %.0f bytes a frame; connect() calls: %d\n",
        frames, s, frames / s, writes, frames ? writes / frames : 0, frames ? bytes / frames : 0, connects + 0 }' "$out/$m.strace.txt"
    awk 'FNR == NR { before[$0] = 1; n0++; next } { n1++; if ($0 in before) kept++; peer[$2] = 1 }
      END { for (p in peer) peers = peers " " p
        printf "TCP connections: %d before strace'"'"'s window, %d after, %d of them the same (to%s)\n", n0, n1, kept, peers }' "$work/$m.conns0" "$work/$m.conns1"
    awk '$3 ~ /^openat\(/ && match($0, /"[^"]*"/) { n++; f[substr($0, RSTART, RLENGTH)]++ }
      END { printf "files opened: %d in %d s", n, s; for (p in f) printf " %s x%d", p, f[p]; printf "\n" }' s="$strace_secs" "$out/$m.strace.txt"
    awk 'FNR == NR { comm[$1] = $2; next }
      $3 ~ /^[a-z_0-9]+\(/ { c = (($1 in comm) ? comm[$1] : "?") "/" $1; sub(/\(.*/, "", $3); n[c]++; k[c, $3]++ }
      END {
        printf "system calls per thread (name/tid; strace -f, %d s):", s
        for (c in n) {
          top = ""; best = 0
          for (x in k) { split(x, f, SUBSEP); if (f[1] == c && k[x] > best) { best = k[x]; top = f[2] } }
          printf " %s %.1f/s (most: %s %.1f/s);", c, n[c] / s, top, best / s
        }
        printf "\n"
      }' s="$strace_secs" "$work/$m.comm" "$out/$m.strace.txt"
    echo "system calls in ${strace_secs}s (strace -c -f, top 8 by count):"
    awk '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { print }' "$out/$m.strace-c.txt" | sort -k4,4nr | head -n 8 |
      awk '{ printf "  %-16s %6d calls\n", $NF, $4 }' || true
    echo "memory: VmHWM $(status_kb "$pid" VmHWM) kB, VmRSS $(status_kb "$pid" VmRSS) kB, RssAnon $(status_kb "$pid" RssAnon) kB, RssFile $(status_kb "$pid" RssFile) kB; the binary's mapping: $(awk -v b="$(readlink -f "$bin")" '/^[0-9a-f]+-[0-9a-f]+ / { mine = ($NF == b) } mine && $1 == "Rss:" { r += $2 } mine && $1 == "Size:" { s += $2 } END { printf "%d kB resident of %d kB", r, s }' "$out/$m.smaps.txt")"
    echo "perf, by thread:"
    sed 's/^/  /' "$out/$m.threads.txt"
    echo "perf, top $top by self time:"
    sed 's/^/  /' "$out/$m.self.txt"
    echo "perf, top $top with callees (children):"
    sed 's/^/  /' "$out/$m.children.txt"
    echo
  } >> "$out/summary.txt"
  tm capture-pane -p -t "$m" > "$out/$m.screen"
done
cat "$out/summary.txt"
