# scripts/perf-lib.sh: helpers shared by scripts/measure.sh, scripts/profile.sh,
# scripts/keylatency.sh, scripts/rss-series.sh, scripts/soak.sh and scripts/side-by-side.sh;
# sourced by them
# (`. "$(dirname "$0")/perf-lib.sh"`), not run on its own.
#
# Provides:
#   here, repo           the scripts directory and the repository root
#   usage                prints the calling script's header comment (its --help text)
#   perf_arg ARGS...     the options all three take (--bin, --no-build, --out, -h/--help)
#                        and the error for an unknown one; sets perf_shift to the number
#                        of arguments it consumed (the caller shifts them)
#   perf_setup NAME      after the arguments: the default binary, DIR (--out), a temporary
#                        work directory /tmp/mcptop-NAME.XXXXXX, the tmux socket
#                        mcptop-NAME-PID and its tmux.conf, and the EXIT/INT/TERM traps
#                        (kill the tmux server and every pid in perf_pids, remove the work
#                        directory)
#   perf_pids            the pids of background servers, killed on exit
#   perf_stop PID        SIGTERM, then SIGKILL when PID still runs after 2 s
#   target_dir           cargo's target directory: CARGO_TARGET_DIR (relative to the
#                        repository root when relative, as cargo reads it there), default
#                        target/ of the repository
#   perf_build           `cargo build --release` (into target_dir) unless --bin or
#                        --no-build; checks the binary
#   log MESSAGE          a timestamped line on stderr
#   clk_tck, cpu_ticks PID, cpu_ns PID, status_kb PID FIELD, load1
#                        process figures from /proc (utime+stime in clock ticks, a
#                        /proc/PID/status field in kB, the 1-minute load average)
#   free_port, wait_http URL
#                        a free TCP port on 127.0.0.1; wait (10 s at most) until URL answers
#   tm ARGS...           tmux on the script's own socket and config
#   perf_new_session NAME CONFIG_HOME PROGRAM ARGS...
#                        starts PROGRAM in a detached 200x50 tmux session with the
#                        environment all measurements use (truecolor, C.UTF-8, no
#                        NO_COLOR/SSH_*, XDG_CONFIG_HOME=CONFIG_HOME, XDG_STATE_HOME in
#                        the work directory)
#   perf_new_session_sized NAME COLSxROWS CONFIG_HOME PROGRAM ARGS...
#                        the same at another size
# Expects the caller to define bin, build and out (the option defaults) before perf_arg.
# shellcheck shell=bash disable=SC2034,SC2154 # variables are set and read across the files

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
perf_prog=${0##*/}
target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in /*) ;; *) target_dir=$repo/$target_dir ;; esac
perf_pids=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

perf_arg() {
  case "$1" in
    --bin) bin=$2; build=0; perf_shift=2 ;;
    --no-build) build=0; perf_shift=1 ;;
    --out) out=$2; perf_shift=2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$perf_prog: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

perf_cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  local p
  for p in "${perf_pids[@]}"; do perf_stop "$p"; done
  rm -rf "$work"
}

# perf_stop PID: SIGTERM, then SIGKILL if it still runs after 2 s (grafatui 0.1.18 outlives
# its closed pane, ignoring SIGHUP and SIGTERM, and spins a core)
perf_stop() {
  local i
  kill "$1" 2>/dev/null || return 0
  for i in $(seq 20); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
}

perf_setup() {
  bin=${bin:-$target_dir/release/mcptop}
  mkdir -p "$out"
  work=$(mktemp -d "/tmp/mcptop-$1.XXXXXX")
  sock="mcptop-$1-$$"
  trap perf_cleanup EXIT
  trap 'exit 130' INT TERM
  cat > "$work/tmux.conf" <<'EOF'
set -g default-terminal tmux-256color
set -g status off
set -g history-limit 200
set -g exit-empty off
EOF
}

perf_build() {
  if [ "$build" = 1 ]; then
    log "cargo build --release (log: $out/build.log)"
    (cd "$repo" && cargo build --release) > "$out/build.log" 2>&1
  fi
  [ -x "$bin" ] || { echo "$perf_prog: no binary at $bin" >&2; exit 1; }
}

# --- process figures from /proc -------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
# utime+stime in clock ticks (fields 14 and 15; the comm field may hold spaces).
cpu_ticks() {
  local stat rest
  stat=$(< "/proc/$1/stat")
  rest=${stat##*) }
  # shellcheck disable=SC2086 # word splitting of the fields is the point
  set -- $rest
  echo $(( ${12} + ${13} ))
}
# Time on a CPU in ns, summed over the process's threads (the first field of each
# /proc/PID/task/TID/schedstat, the scheduler's own account). utime+stime count 10 ms
# ticks: at 0.15 % of a core a 60 s window holds 9 of them, so one tick more or less is
# 11 % of the figure. A thread that exits inside a window takes its time with it.
cpu_ns() {
  local f ns rest sum=0
  for f in /proc/"$1"/task/*/schedstat; do
    read -r ns rest 2> /dev/null < "$f" || continue
    sum=$((sum + ns))
  done
  echo "$sum"
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# --- local servers ----------------------------------------------------------------------
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
  local tries=100
  while [ "$tries" -gt 0 ]; do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
    tries=$((tries - 1))
  done
  echo "$perf_prog: nothing answers at $1" >&2
  exit 1
}

# --- tmux -----------------------------------------------------------------------------
tm() { tmux -L "$sock" -f "$work/tmux.conf" "$@"; }

perf_new_session() {
  local name=$1
  shift
  perf_new_session_sized "$name" 200x50 "$@"
}

perf_new_session_sized() {
  local name=$1 size=$2 cfg=$3 cmd
  shift 3
  cmd=$(printf '%q ' env -u NO_COLOR -u SSH_CONNECTION -u SSH_TTY COLORTERM=truecolor \
    LANG=C.UTF-8 XDG_CONFIG_HOME="$cfg" XDG_STATE_HOME="$work/state" "$@")
  tm new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" "exec $cmd"
}

# wait_screen NAME WHAT SECS PATTERN...: until tmux pane NAME shows every (fixed-string)
# pattern, else exits naming the script and WHAT with the pane's screen.
wait_screen() {
  local name=$1 what=$2 secs=$3 i p screen ok
  shift 3
  for i in $(seq $((secs * 10))); do
    screen=$(tm capture-pane -p -t "$name")
    ok=1
    for p in "$@"; do [[ $screen == *"$p"* ]] || ok=0; done
    [ "$ok" = 1 ] && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): $name never showed $what; its screen:" >&2
  echo "$screen" >&2
  exit 1
}
