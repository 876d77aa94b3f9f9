#!/usr/bin/env bash
# The crate graph states the architecture (README "Layout"); this fails when a member
# depends on what its layer must not know. Each member is resolved alone (`-p`), so a
# feature another member turns on cannot hide a dependency.
#   mcptop-core     no terminal, async runtime, HTTP or MCP crate
#   mcptop-sources  no terminal crate, not the app, not the demo server
#   mcptop-demo     nothing of mcptop, no terminal crate
# Usage: scripts/check-layers.sh   (exit 1 and the offending lines when a rule is broken)
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
forbid() {
  local member=$1 pattern=$2 found
  found=$(cargo tree --locked -p "$member" -e normal --prefix none | sort -u | grep -E "^($pattern) v" || true)
  if [ -n "$found" ]; then
    echo "check-layers: $member must not depend on:" >&2
    echo "$found" | sed 's/^/  /' >&2
    status=1
  fi
}
forbid mcptop-core 'ratatui|ratatui-core|ratatui-widgets|ratatui-textarea|crossterm|tokio|reqwest|hyper|rmcp|axum|mcptop-sources|mcptop-demo|mcptop'
forbid mcptop-sources 'ratatui|ratatui-core|crossterm|mcptop|mcptop-demo'
forbid mcptop-demo 'ratatui|ratatui-core|crossterm|mcptop|mcptop-core|mcptop-sources'
if [ "$status" = 0 ]; then
  echo "check-layers: mcptop-core, mcptop-sources and mcptop-demo depend only on what their layer may know"
fi
exit "$status"
