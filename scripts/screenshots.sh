#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real TUI: runs `mcptop demo` in tmux, captures the
# pane with its colours (tmux capture-pane -e), turns the ANSI text into HTML (aha) and
# renders that with headless Chromium.
#
# Needs (Debian): tmux aha chromium fonts-dejavu-core. `--install` installs them with apt-get.
# Usage: scripts/screenshots.sh [--install] [SECONDS_TO_WAIT]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install" ]; then
  shift
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    tmux aha chromium fonts-dejavu-core >/dev/null
fi
wait_secs="${1:-150}"
for p in tmux aha chromium; do
  command -v "$p" >/dev/null || { echo "missing $p (run with --install)" >&2; exit 1; }
done

cargo build --release --locked
work=$(mktemp -d)
sock="mcptop-shot-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cols=120 rows=34
tmux -L "$sock" new-session -d -s shot -x "$cols" -y "$rows" \
  "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state TERM=xterm-256color \
   target/release/mcptop demo --interval 1s --window 1m --history 5m --rate 8"
echo "waiting ${wait_secs}s for the demo's history to fill..."
sleep "$wait_secs"

shoot() { # name
  tmux -L "$sock" capture-pane -e -p -t shot > "$work/$1.ans"
  {
    echo '<!doctype html><meta charset="utf-8"><style>'
    echo 'body{margin:0;background:#000}pre{margin:0;padding:8px;font:15px/1.2 "DejaVu Sans Mono",monospace;color:#ddd}'
    echo '</style><pre>'
    aha --no-header --black < "$work/$1.ans"
    echo '</pre>'
  } > "$work/$1.html"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chrome" --hide-scrollbars \
    --window-size=$((cols * 9 + 16)),$((rows * 18 + 16)) \
    --screenshot="$PWD/screenshots/$1.png" "file://$work/$1.html" 2>/dev/null
  echo "wrote screenshots/$1.png"
}

shoot overview
tmux -L "$sock" send-keys -t shot '?'
sleep 1
shoot help
keys() { tmux -L "$sock" send-keys -t shot "$@"; sleep 1; }
keys Escape
keys 2
shoot tools
keys / && keys -l notion.search && keys Enter && keys Enter
keys -l runbook
shoot form
keys C-s
sleep 1
shoot call
keys Escape
keys 3
shoot calls
tmux -L "$sock" send-keys -t shot 'q'
