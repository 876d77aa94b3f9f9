# scripts/engine-lib.sh: the query engine and the Grafana-like peer for scripts/measure.sh
# and scripts/profile.sh; sourced after perf-lib.sh (it uses work, out, perf_pids, log,
# free_port), not run on its own.
#
# Provides:
#   prom_start NAME HOST:PORT  a Prometheus (Debian `prometheus`, as tests/support/prometheus.rs
#                        starts it) on 127.0.0.1 scraping HOST:PORT every second as job
#                        "mcp", its TSDB in the work directory; waits (60 s at most) until
#                        it has scraped the target once. Sets prom_url[NAME], prom_pid[NAME].
#   prom_counters URL    prints "CPU_S REQUESTS QUERY QUERY_RANGE QUERY_S QUERY_RANGE_S"
#                        from the engine's own /metrics: process_cpu_seconds_total, the sum
#                        of prometheus_http_requests_total over every handler but /metrics
#                        (the scripts' own reads of it), then /api/v1/query's and
#                        /api/v1/query_range's alone, and the seconds spent answering each
#                        of the two (prometheus_http_request_duration_seconds_sum)
#   grafatui_find        sets grafatui_bin: `grafatui` on PATH when it is 0.1.18, else the
#                        copy installed under GRAFATUI_ROOT (default
#                        /tmp/mcptop-perf/grafatui), installed there first with
#                        `cargo install grafatui@0.1.18 --locked --root ...` when missing
#                        (a few minutes; later runs reuse it)
#   grafatui_dashboard FILE SELECTOR PANEL
#                        writes a Grafana (classic) dashboard JSON with the four numbers of
#                        mcptop's tiles as panels of type PANEL (stat or timeseries), over
#                        the series SELECTOR picks, refresh 1s:
#                          Requests/min  60 * sum(rate(C[5m]))
#                          Error rate    sum(rate(C{error_type=~".+"}[5m])) / sum(rate(C[5m]))
#                          P95, P99      histogram_quantile(q, sum by (le) (rate(B[5m])))
#                        with C and B the otel-mcp profile's mcp_server_operation_duration_seconds
#                        _count and _bucket (README "How the numbers are computed"; mcptop itself
#                        sends the longer `counted()` form of the first two, so the engine does
#                        more work for it than for these)
# shellcheck shell=bash disable=SC2034,SC2154 # variables are set and read across the files

declare -A prom_url prom_pid

prom_start() {
  local name=$1 target=$2 port dir tries=600
  port=$(free_port)
  dir="$work/prom-$name"
  mkdir -p "$dir"
  cat > "$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: "mcp"
    static_configs:
      - targets: ["$target"]
EOF
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" > "$dir/prometheus.log" 2>&1 &
  prom_pid[$name]=$!
  perf_pids+=("$!")
  prom_url[$name]="http://127.0.0.1:$port"
  # Ready, and the target scraped once: `up` answers 1.
  while [ "$tries" -gt 0 ]; do
    if curl -sf "${prom_url[$name]}/api/v1/query?query=up" 2>/dev/null | grep -q '"value":\[[0-9.]*,"1"\]'; then
      return 0
    fi
    kill -0 "${prom_pid[$name]}" 2>/dev/null || break
    sleep 0.1
    tries=$((tries - 1))
  done
  echo "$perf_prog: Prometheus $name did not scrape $target (log: $dir/prometheus.log)" >&2
  tail -n 5 "$dir/prometheus.log" >&2
  exit 1
}

prom_counters() {
  curl -sf "$1/metrics" | awk '
    $1 == "process_cpu_seconds_total" { cpu = $2 }
    /^prometheus_http_requests_total\{/ && $1 !~ /handler="\/metrics"/ {
      req += $2
      if ($1 ~ /handler="\/api\/v1\/query"/) q += $2
      if ($1 ~ /handler="\/api\/v1\/query_range"/) qr += $2
    }
    /^prometheus_http_request_duration_seconds_sum\{/ {
      if ($1 ~ /handler="\/api\/v1\/query"/) qs += $2
      if ($1 ~ /handler="\/api\/v1\/query_range"/) qrs += $2
    }
    END { printf "%s %d %d %d %.6f %.6f\n", cpu + 0, req, q, qr, qs, qrs }'
}

grafatui_version=0.1.18
grafatui_find() {
  local root=${GRAFATUI_ROOT:-/tmp/mcptop-perf/grafatui}
  if command -v grafatui > /dev/null && grafatui --version 2>/dev/null | grep -q " $grafatui_version\$"; then
    grafatui_bin=$(command -v grafatui)
  elif [ -x "$root/bin/grafatui" ] && "$root/bin/grafatui" --version 2>/dev/null | grep -q " $grafatui_version\$"; then
    grafatui_bin=$root/bin/grafatui
  else
    log "installing grafatui $grafatui_version into $root (cargo install --locked; log: $out/grafatui-install.log)"
    cargo install "grafatui@$grafatui_version" --locked --root "$root" > "$out/grafatui-install.log" 2>&1 ||
      { echo "$perf_prog: cargo install grafatui failed (see $out/grafatui-install.log)" >&2; exit 1; }
    grafatui_bin=$root/bin/grafatui
  fi
}

grafatui_dashboard() {
  local file=$1 sel=$2 panel=$3
  python3 - "$file" "$sel" "$panel" <<'EOF'
import json, sys
path, sel, panel = sys.argv[1:4]
c = "mcp_server_operation_duration_seconds_count"
b = "mcp_server_operation_duration_seconds_bucket"
err = sel + ',error_type=~".+"'
total = f"sum(rate({c}{{{sel}}}[5m]))"
panels = [
    ("Requests/min", f"60 * {total}", "short"),
    ("Error rate", f"sum(rate({c}{{{err}}}[5m])) / {total}", "percentunit"),
    ("P95", f"histogram_quantile(0.95, sum by (le) (rate({b}{{{sel}}}[5m])))", "s"),
    ("P99", f"histogram_quantile(0.99, sum by (le) (rate({b}{{{sel}}}[5m])))", "s"),
]
dashboard = {
    "title": "mcptop's tiles",
    "refresh": "1s",
    "time": {"from": "now-5m", "to": "now"},
    "panels": [
        {
            "id": i + 1,
            "type": panel,
            "title": title,
            # stat: the four in a row, as mcptop's tiles; timeseries: two by two
            "gridPos": {"x": 6 * i, "y": 0, "w": 6, "h": 8}
            if panel == "stat"
            else {"x": 12 * (i % 2), "y": 8 * (i // 2), "w": 12, "h": 8},
            "targets": [{"refId": "A", "expr": expr, "legendFormat": title}],
            "fieldConfig": {"defaults": {"unit": unit}},
        }
        for i, (title, expr, unit) in enumerate(panels)
    ],
}
with open(path, "w") as f:
    json.dump(dashboard, f, indent=2)
EOF
}
