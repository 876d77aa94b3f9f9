#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real TUI: runs `mcptop demo` in tmux, captures the
# pane with its colours (tmux capture-pane -e), turns the ANSI text into HTML (aha) and
# renders that with headless Chromium.
#
# Needs (Debian): tmux aha chromium fonts-dejavu-core prometheus prometheus-alertmanager curl.
# `--install` installs them with apt-get. An Alertmanager with a few alerts runs beside the
# demo for the alerts screens; a Prometheus scraping three more demo servers (and one dead
# target) for the fleet screens of query mode; mcptop itself scraping the same three servers
# and the dead target (--target each, no Prometheus) for the fleet screens of scrape mode.
# Usage: scripts/screenshots.sh [--install] [SECONDS_TO_WAIT] [SCENARIO...]
# Scenarios (default: all of them):
#   demo          overview, help, by-tool, tool-view, cursor, tools, form, call, calls,
#                 alerts, alert-detail, silence-form, silences, logs, replay (of the
#                 demo's own recording)
#   light         overview, tools, alerts and logs in the light theme
#   fleet         query mode's fleet from Prometheus (fleet, fleet-instance, fleet-light)
#   scrape-fleet  scrape mode's fleet of --target (scrape-fleet, scrape-fleet-target,
#                 scrape-fleet-light); waits only until its rows have numbers
#   mcp           mcptop as an MCP client alone on server-everything (npm, installed by
#                 scripts/install-peers.sh): mcp-resources, mcp-resource-read,
#                 mcp-prompt, mcp-elicitation
# SECONDS_TO_WAIT (default 150) is how long demo, light and fleet let their history fill.
# The release binary is built into CARGO_TARGET_DIR (default target/).
set -euo pipefail
cd "$(dirname "$0")/.."

all_scenarios="demo light fleet scrape-fleet mcp"
install=""
wait_secs=150
scenarios=""
for a in "$@"; do
  case "$a" in
    --install) install=1 ;;
    '' | *[!0-9]*)
      [[ " $all_scenarios " == *" $a "* ]] ||
        { echo "unknown scenario '$a' (one of: $all_scenarios)" >&2; exit 2; }
      scenarios="$scenarios $a" ;;
    *) wait_secs=$a ;;
  esac
done
scenarios="${scenarios:-$all_scenarios}"
want() { [[ " $scenarios " == *" $1 "* ]]; }

if [ -n "$install" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    tmux aha chromium fonts-dejavu-core prometheus prometheus-alertmanager curl >/dev/null
fi
need="tmux aha chromium curl python3"
if want demo || want light; then need="$need prometheus-alertmanager"; fi
if want fleet; then need="$need prometheus"; fi
everything=tests/peers/node_modules/.bin/mcp-server-everything
if want mcp && [ ! -x "$everything" ]; then
  echo "missing $everything (run scripts/install-peers.sh)" >&2; exit 1
fi
for p in $need; do
  command -v "$p" >/dev/null || { echo "missing $p (run with --install)" >&2; exit 1; }
done

cargo build --release --locked
# The binary cargo just built (CARGO_TARGET_DIR honoured, default target/).
mcptop=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release/mcptop
work=$(mktemp -d)
sock="mcptop-shot-$$"
am_pid=""
loki_pid=""
fleet_pids=()
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "$am_pid" ] && kill "$am_pid" 2>/dev/null || true
  [ -n "$loki_pid" ] && kill "$loki_pid" 2>/dev/null || true
  for p in "${fleet_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cols=120 rows=34

# The fleet: three demo servers (busy, flaky, slow) and a dead target (a port nothing
# listens on), scraped every 1s by a Prometheus (query mode) and by mcptop itself (scrape
# mode), whose histories fill while the main demo runs.
fleet_addrs=()
if want fleet || want scrape-fleet; then
  for spec in "30 0.01 40,300" "8 0.12 40,300" "12 0.01 900,4000"; do
    read -r rate err lat <<<"$spec"
    port=$(free_port)
    "$mcptop" demo --serve-only --port "$port" --rate "$rate" --error-ratio "$err" \
      --latency-ms "$lat" >"$work/demo-$port.log" 2>&1 &
    fleet_pids+=($!)
    fleet_addrs+=("127.0.0.1:$port")
  done
  fleet_addrs+=("127.0.0.1:$(free_port)")
fi
if want fleet; then
  fleet_targets=$(printf '"%s", ' "${fleet_addrs[@]}")
  prom_port=$(free_port)
  printf 'global: {scrape_interval: 1s, scrape_timeout: 900ms}\nscrape_configs:\n  - job_name: mcp\n    static_configs: [{targets: [%s]}]\n' \
    "${fleet_targets%, }" > "$work/prom.yml"
  prometheus --config.file="$work/prom.yml" --storage.tsdb.path="$work/prom" \
    --web.listen-address="127.0.0.1:$prom_port" 2>"$work/prom.log" &
  fleet_pids+=($!)
fi
if want scrape-fleet; then
  # Scrape mode: one --target per server (and the dead one), in both themes from the start.
  scrape_args=$(printf ' --target http://%s' "${fleet_addrs[@]}")
  for s in scrape-fleet scrape-fleet-light; do
    theme=""
    [ "$s" = scrape-fleet-light ] && theme="--theme light"
    tmux -L "$sock" new-session -d -s "$s" -x "$cols" -y "$rows" \
      "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state-$s TERM=xterm-256color \
       $mcptop$scrape_args --interval 1s --window 1m --history 5m $theme"
  done
fi

if want demo || want light; then
  # An Alertmanager on a free port, with alerts of each priority and state.
  am_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$work/am.yml" <<'YAML'
route: {receiver: "null", group_by: [alertname, service], group_wait: 1s}
receivers: [{name: "null"}]
inhibit_rules:
  - source_matchers: ['alertname="McpServerDown"']
    target_matchers: ['severity="warning"']
    equal: [service]
YAML
  prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= 2>"$work/am.log" &
  am_pid=$!
  am="http://127.0.0.1:$am_port"
  for _ in $(seq 50); do curl -fs "$am/-/ready" >/dev/null && break; sleep 0.2; done
  curl -fs -XPOST -H 'content-type: application/json' "$am/api/v2/alerts" -d '[
 {"labels":{"alertname":"McpServerDown","severity":"critical","service":"search-mcp","env":"prod"},
  "annotations":{"summary":"search-mcp has not answered /health for 2 minutes","runbook_url":"https://runbooks.example/McpServerDown"}},
 {"labels":{"alertname":"HighErrorRate","severity":"critical","service":"notion-mcp","env":"prod"},
  "annotations":{"summary":"5xx above 5% for 5 minutes","description":"notion.search fails with upstream 502s"}},
 {"labels":{"alertname":"HighLatencyP95","severity":"warning","service":"github-mcp","env":"prod"},
  "annotations":{"summary":"P95 above 3 s"}},
 {"labels":{"alertname":"HighLatencyP95","severity":"warning","service":"search-mcp","env":"prod"},
  "annotations":{"summary":"P95 above 3 s (inhibited: the service is down)"}},
 {"labels":{"alertname":"TokenRefreshFailed","severity":"info","service":"jira-mcp","env":"stage"},
  "annotations":{"summary":"OAuth refresh failed once"}}]' >/dev/null
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ); later=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
  curl -fs -XPOST -H 'content-type: application/json' "$am/api/v2/silences" -d "{
 \"matchers\":[{\"name\":\"alertname\",\"value\":\"TokenRefreshFailed\",\"isRegex\":false,\"isEqual\":true}],
 \"startsAt\":\"$now\",\"endsAt\":\"$later\",\"createdBy\":\"oncall\",\"comment\":\"jira OAuth app rotation, INC-2041\"}" >/dev/null
  mkdir -p "$work/runbooks"
  cat > "$work/runbooks/HighErrorRate.md" <<'MD'
# HighErrorRate

**Impact:** the MCP server cannot answer tool calls correctly.

## Steps
1. Check error logs in Grafana: `{app="mcpist"} | json | level="error"`
2. Is one module affected more than the others? (Overview, tool calls by module)
3. Check the status pages of the external services.
4. If it persists, check the deploy log and roll back.

**Root fix:** code fix or redeploy.
MD
  # A stand-in for Loki (query_range only, so mcptop polls it) with an MCP server's lines.
  loki_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 scripts/loki-sample.py "$loki_port" &
  loki_pid=$!
  printf '[alerts]\nrunbooks = "%s"\n\n[loki]\nurl = "http://127.0.0.1:%s"\nquery = %s\nmode = "poll"\ncounts_interval = "5s"\n' \
    "$work/runbooks" "$loki_port" "'{app=\"mcpist\"}'" > "$work/mcptop.toml"

  demo_port=$(free_port)
  tmux -L "$sock" new-session -d -s shot -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state TERM=xterm-256color \
     $mcptop --config $work/mcptop.toml --alertmanager $am \
     demo --port $demo_port --interval 1s --window 1m --history 5m --rate 8 \
     --record $work/demo.rec"
  # The same demo in the light theme, from its own dashboard.
  tmux -L "$sock" new-session -d -s light -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state-light TERM=xterm-256color \
     $mcptop --config $work/mcptop.toml --alertmanager $am --theme light \
     --target http://127.0.0.1:$demo_port --mcp demo=http://127.0.0.1:$demo_port/mcp \
     --interval 1s --window 1m --history 5m"
fi
if want demo || want light || want fleet; then
  echo "waiting ${wait_secs}s for the demo's history to fill..."
  sleep "$wait_secs"
fi

shoot() { # name; shot_target=SESSION and shot_bg=light change what and how
  tmux -L "$sock" capture-pane -e -p -t "${shot_target:-shot}" > "$work/$1.ans"
  {
    echo '<!doctype html><meta charset="utf-8"><style>'
    if [ "${shot_bg:-dark}" = light ]; then
      echo 'body{margin:0;background:#fff}pre{margin:0;padding:8px;font:15px/1.2 "DejaVu Sans Mono",monospace;color:#222}'
    else
      echo 'body{margin:0;background:#000}pre{margin:0;padding:8px;font:15px/1.2 "DejaVu Sans Mono",monospace;color:#ddd}'
    fi
    echo '</style><pre>'
    if [ "${shot_bg:-dark}" = light ]; then
      aha --no-header < "$work/$1.ans"
    else
      aha --no-header --black < "$work/$1.ans"
    fi
    echo '</pre>'
  } > "$work/$1.html"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chrome" --hide-scrollbars \
    --window-size=$((cols * 9 + 16)),$((rows * 18 + 16)) \
    --screenshot="$PWD/screenshots/$1.png" "file://$work/$1.html" 2>/dev/null
  echo "wrote screenshots/$1.png"
}

if want demo; then
  shoot overview
  tmux -L "$sock" send-keys -t shot '?'
  sleep 1
  shoot help
  keys() { tmux -L "$sock" send-keys -t shot "$@"; sleep 1; }
  keys Escape
  # Tools by their numbers, one tool's view (the first row is a module: j to its first
  # tool), and the time cursor held back 40 steps.
  keys 7
  shoot by-tool
  keys j
  keys Enter
  shoot tool-view
  keys Escape
  keys 1
  for _ in $(seq 40); do tmux -L "$sock" send-keys -t shot Left; sleep 0.05; done
  sleep 1
  shoot cursor
  keys End
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
  keys 5
  shoot alerts
  keys j && keys Enter
  shoot alert-detail
  keys s && keys -l "notion rollout, INC-2042"
  shoot silence-form
  keys Escape
  keys 6
  shoot silences
  keys 4
  shoot logs
  tmux -L "$sock" send-keys -t shot 'q'
  # The recording of this session played back at 10x, paused.
  sleep 2
  tmux -L "$sock" new-session -d -s replay -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state TERM=xterm-256color \
     $mcptop replay $work/demo.rec; sleep 60"
  rkeys() { tmux -L "$sock" send-keys -t replay "$@"; sleep 1; }
  rkeys '>'
  sleep 8
  rkeys Space
  shot_target=replay shoot replay
fi

# The light theme: overview, tools, alerts, logs.
if want light; then
  lkeys() { tmux -L "$sock" send-keys -t light "$@"; sleep 1; }
  shot_target=light shot_bg=light shoot overview-light
  lkeys 2
  shot_target=light shot_bg=light shoot tools-light
  lkeys 5
  shot_target=light shot_bg=light shoot alerts-light
  lkeys 4
  shot_target=light shot_bg=light shoot logs-light
  tmux -L "$sock" send-keys -t light 'q'
  sleep 1
fi

# Query mode: the fleet from Prometheus, then one instance drilled into.
if want fleet; then
  printf '[scrape]\ninterval = "1s"\n\n[window]\nrange = "1m"\n\n[[environments]]\nname = "production"\nurl = "http://127.0.0.1:%s"\nselector = %s\n\n[[environments]]\nname = "staging"\nurl = "http://127.0.0.1:%s"\nselector = %s\n' \
    "$prom_port" "'job=\"mcp\"'" "$prom_port" "'job=\"staging\"'" > "$work/fleet.toml"
  tmux -L "$sock" new-session -d -s fleet -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state TERM=xterm-256color \
     $mcptop --config $work/fleet.toml"
  sleep 8
  tmux -L "$sock" send-keys -t fleet o o o
  sleep 1
  shot_target=fleet shoot fleet
  tmux -L "$sock" send-keys -t fleet g Enter
  sleep 2
  shot_target=fleet shoot fleet-instance
  tmux -L "$sock" send-keys -t fleet Escape 'q'
  tmux -L "$sock" new-session -d -s fleet-light -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state TERM=xterm-256color \
     $mcptop --config $work/fleet.toml --theme light"
  sleep 8
  tmux -L "$sock" send-keys -t fleet-light o o o
  sleep 1
  shot_target=fleet-light shot_bg=light shoot fleet-light
  tmux -L "$sock" send-keys -t fleet-light 'q'
fi

# Waits (at most $2 seconds) until session $1's fleet has three rows up with numbers, the
# DOWN row with its error, and no target warming up any more (its rate window is full).
wait_scrape_fleet() {
  local deadline=$((SECONDS + $2)) pane
  while :; do
    pane=$(tmux -L "$sock" capture-pane -p -t "$1")
    if [ "$(grep -cE '● up +[0-9.]+[kM]? +[0-9.]+% +>?[0-9.]+m?s +>?[0-9.]+m?s' <<<"$pane")" -eq 3 ] &&
      grep -qE '✖ DOWN +– +– +– +– +[^ │]' <<<"$pane" && ! grep -q 'warming up' <<<"$pane"; then
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf '%s: no fleet with numbers after %ss; its pane:\n%s\n' "$1" "$2" "$pane" >&2
      exit 1
    fi
    sleep 1
  done
}
# Scrape mode: the fleet of --target (sorted by req/s, the busiest on top and selected, the
# dead target last), then the busiest drilled into; the same fleet in the light theme.
if want scrape-fleet; then
  echo "waiting for the scrape-mode fleet's rows to have numbers..."
  wait_scrape_fleet scrape-fleet 150
  tmux -L "$sock" send-keys -t scrape-fleet o o g
  sleep 1
  shot_target=scrape-fleet shoot scrape-fleet
  tmux -L "$sock" send-keys -t scrape-fleet g Enter
  sleep 2
  shot_target=scrape-fleet shoot scrape-fleet-target
  tmux -L "$sock" send-keys -t scrape-fleet Escape 'q'
  wait_scrape_fleet scrape-fleet-light 30
  tmux -L "$sock" send-keys -t scrape-fleet-light o o g
  sleep 1
  shot_target=scrape-fleet-light shot_bg=light shoot scrape-fleet-light
  tmux -L "$sock" send-keys -t scrape-fleet-light 'q'
fi

# The MCP client alone (no target) on server-everything over stdio (its path relative to the
# repository, where tmux starts): its resources, one read,
# a prompt got with an argument, and the form of the elicitation it asks for.
if want mcp; then
  printf '{"mcpServers": {"everything": {"command": "%s", "args": []}}}\n' \
    "$everything" > "$work/claude.json"
  tmux -L "$sock" new-session -d -s mcp -x "$cols" -y "$rows" \
    "env XDG_CONFIG_HOME=$work/cfg XDG_STATE_HOME=$work/state-mcp TERM=xterm-256color \
     $mcptop --mcp-config $work/claude.json"
  mkeys() { tmux -L "$sock" send-keys -t mcp "$@"; sleep 1; }
  for _ in $(seq 1 30); do
    tmux -L "$sock" capture-pane -p -t mcp | grep -q "connected" && break
    sleep 1
  done
  mkeys v
  shot_target=mcp shoot mcp-resources
  mkeys Enter
  shot_target=mcp shoot mcp-resource-read
  mkeys Escape && mkeys v && mkeys j && mkeys Enter
  mkeys -l Lisbon && mkeys C-s
  shot_target=mcp shoot mcp-prompt
  mkeys Escape && mkeys v && mkeys / && mkeys -l elicit && mkeys Enter && mkeys Enter && mkeys y
  sleep 1
  shot_target=mcp shoot mcp-elicitation
  mkeys Escape && mkeys q
fi
