#!/usr/bin/env bash
# How long the tests take to build, measured the same way for any revision, so a layout
# change can be compared before and after (README "Development").
#
# Usage: scripts/build-times.sh [--run] REV [REV...]
#   For each REV: a fresh clone and a fresh target directory (dependencies are compiled
#   too; only the registry's downloads are shared), then
#     clean     `cargo test --no-run`: every crate and test binary compiled and linked
#     touch     one model file touched (model/series.rs), `cargo test --no-run` again:
#               the incremental rebuild a change to the core costs
#     run       with --run: `cargo test`, everything already built (the tests themselves;
#               they need what .ci/run installs)
#   Prints one line per REV: seconds for each, and the build's share of clean + run.
# Measure on a quiet machine, the revisions one after another in the same invocation.
set -euo pipefail
run=0
if [ "${1:-}" = "--run" ]; then run=1; shift; fi
[ $# -ge 1 ] || { sed -n '2,16p' "$0"; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for rev in "$@"; do
  dir="$work/$rev"
  git clone -q "$repo" "$dir"
  git -C "$dir" checkout -q "$rev"
  export CARGO_TARGET_DIR="$dir/target" CARGO_INCREMENTAL=1
  (cd "$dir" && cargo fetch --locked -q)
  t0=$SECONDS
  (cd "$dir" && cargo test --locked --no-run -q 2>/dev/null)
  clean=$((SECONDS - t0))
  file=$(cd "$dir" && find src -path '*/model/series.rs' | head -1)
  touch "$dir/$file"
  t0=$SECONDS
  (cd "$dir" && cargo test --locked --no-run -q 2>/dev/null)
  touched=$((SECONDS - t0))
  line="$rev: clean build ${clean} s; after touching $file ${touched} s"
  if [ "$run" = 1 ]; then
    t0=$SECONDS
    (cd "$dir" && cargo test --locked -q >/dev/null 2>&1) || line="$line; TESTS FAILED"
    ran=$((SECONDS - t0))
    line="$line; tests ${ran} s; build share $((100 * clean / (clean + ran))) %"
  fi
  echo "$line"
  rm -rf "$dir"
done
