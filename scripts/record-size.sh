#!/usr/bin/env bash
# How large a recording of the demo grows: runs `mcptop --interval 2s --record FILE demo`
# in a tmux session of its own for MINUTES (default 10), then prints the file's size and
# the bytes per hour it makes (the README's "Recordings" states the figure against the
# 20 MB/hour target).
#   scripts/record-size.sh [MINUTES]     MCPTOP_BIN=path/to/mcptop to use another binary
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
bin=${MCPTOP_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=${CARGO_TARGET_DIR:-target}/release/mcptop
fi
command -v tmux >/dev/null || { echo "record-size: tmux is needed" >&2; exit 1; }
dir=$(mktemp -d)
socket="mcptop-record-size-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
file="$dir/demo.rec"
tmux -L "$socket" new-session -d -s main -x 150 -y 40 \
  env XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" \
  "$bin" --interval 2s --record "$file" demo
sleep $((minutes * 60))
tmux -L "$socket" send-keys -t main q
for _ in $(seq 50); do
  tmux -L "$socket" has-session -t main 2>/dev/null || break
  sleep 0.1
done
bytes=$(stat -c %s "$file")
scrapes=$(zstdcat "$file" 2>/dev/null | grep -c '"k":"scrape"' || true)
echo "recorded the demo at 2s for ${minutes} min: ${bytes} bytes, ${scrapes} scrapes"
echo "per hour: $((bytes * 60 / minutes)) bytes ($(awk -v b="$bytes" -v m="$minutes" 'BEGIN { printf "%.2f", b * 60 / m / 1e6 }') MB; target 20 MB)"
