#!/usr/bin/env bash
# scripts/suite-under-load.sh: does the whole test suite pass every time on a loaded machine?
#
# Builds the tests once, then runs `cargo test --no-fail-fast` RUNS times in a row (default
# 5) with CI=true (so no test skips for a missing program) while a second cargo process
# compiles mcptop in release mode over and over in a target dir of its own: the load a
# developer's parallel build puts on a 2-core machine. Each run's log is kept in
# $CARGO_TARGET_DIR/suite-under-load/run-N.log (default target/); the summary gives per run
# the tests passed and failed, the failing tests by name, and the wall time. Exit 0 when
# every run passed.
#
# Usage: scripts/suite-under-load.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
out=${CARGO_TARGET_DIR:-target}/suite-under-load
mkdir -p "$out"
load_dir="$(mktemp -d)"
export CI=true

cargo test --no-run --quiet

# The load: a release build of mcptop, its own crate cleaned and built again, until stopped.
(
  while true; do
    CARGO_TARGET_DIR="$load_dir" cargo build --release --quiet >/dev/null 2>&1 || true
    CARGO_TARGET_DIR="$load_dir" cargo clean --release -p mcptop >/dev/null 2>&1 || true
  done
) &
load=$!
# The builder's children first (their parent is the loop), then the loop itself.
cleanup() {
  pkill -P "$load" 2>/dev/null || true
  kill "$load" 2>/dev/null || true
  wait "$load" 2>/dev/null || true
  rm -rf "$load_dir"
}
trap cleanup EXIT

failed_runs=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if cargo test --no-fail-fast >"$out/run-$i.log" 2>&1; then status=ok; else status=FAILED; failed_runs=$((failed_runs + 1)); fi
  secs=$(( $(date +%s) - start ))
  passed=$(grep -o '[0-9]* passed' "$out/run-$i.log" | awk '{s+=$1} END {print s+0}')
  failed=$(grep -o '[0-9]* failed' "$out/run-$i.log" | awk '{s+=$1} END {print s+0}')
  load1=$(cut -d' ' -f1 /proc/loadavg)
  echo "run $i: $status, $passed passed, $failed failed, ${secs}s, load average $load1"
  grep -E '^test .* FAILED$' "$out/run-$i.log" | sed 's/^/    /' || true
done
echo "$((runs - failed_runs)) of $runs runs passed"
exit $(( failed_runs > 0 ? 1 : 0 ))
