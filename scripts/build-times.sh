#!/usr/bin/env bash
# How long the tests take to build, measured the same way for any revision, so a layout
# change can be compared before and after (README "Development").
#
# Usage: scripts/build-times.sh [--run] REV [REV...]
#        scripts/build-times.sh --ci REV [REV...]
#   For each REV: a fresh clone and a fresh target directory (dependencies are compiled
#   too; only the registry's downloads are shared), then
#     clean     `cargo test --no-run`: every crate and test binary compiled and linked
#     touch     one model file touched (model/series.rs), `cargo test --no-run` again:
#               the incremental rebuild a change to the core costs
#     run       with --run: `cargo test`, everything already built (the tests themselves;
#               they need what .ci/run installs)
#   Prints one line per REV: seconds for each, and the build's share of clean + run.
#   With --ci instead: the revision's own `CI=true .ci/run` in its fresh clone, timed whole,
#   with every `cargo test` it makes timed by a `cargo` shim first in PATH (a run without
#   --no-run is preceded by the same command with --no-run, so building and running are
#   told apart on a revision whose .ci/run does not print them itself).
# Measure on a quiet machine, the revisions one after another in the same invocation.
set -euo pipefail
run=0 ci=0
if [ "${1:-}" = "--run" ]; then run=1; shift; fi
if [ "${1:-}" = "--ci" ]; then ci=1; shift; fi
[ $# -ge 1 ] || { sed -n '2,21p' "$0"; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$ci" = 1 ]; then
  real=$(command -v cargo)
  mkdir "$work/shim"
  cat >"$work/shim/cargo" <<SHIM
#!/usr/bin/env bash
log="\$BUILD_TIMES_LOG"
if [ "\${1:-}" != test ]; then exec "$real" "\$@"; fi
shift
t0=\$SECONDS
if printf '%s\n' "\$@" | grep -qx -- --no-run; then
  "$real" test "\$@"; rc=\$?
  echo "build \$((SECONDS - t0))" >>"\$log"; exit \$rc
fi
"$real" test --no-run "\$@" || exit \$?
echo "build \$((SECONDS - t0))" >>"\$log"
t0=\$SECONDS
"$real" test "\$@"; rc=\$?
echo "run \$((SECONDS - t0))" >>"\$log"; exit \$rc
SHIM
  chmod +x "$work/shim/cargo"
  for rev in "$@"; do
    dir="$work/$rev"
    git clone -q "$repo" "$dir"
    git -C "$dir" checkout -q "$rev"
    export BUILD_TIMES_LOG="$work/$rev.log"
    : >"$BUILD_TIMES_LOG"
    t0=$SECONDS
    (cd "$dir" && unset CARGO_TARGET_DIR && PATH="$work/shim:$PATH" CI=true .ci/run >"$work/$rev.out" 2>&1) \
      || { echo "$rev: .ci/run FAILED; its last lines:"; tail -20 "$work/$rev.out"; }
    total=$((SECONDS - t0))
    built=$(awk '$1 == "build" { s += $2 } END { print s + 0 }' "$BUILD_TIMES_LOG")
    ran=$(awk '$1 == "run" { s += $2 } END { print s + 0 }' "$BUILD_TIMES_LOG")
    echo "$rev: .ci/run ${total} s; its cargo test: ${built} s building, ${ran} s running (build share $((100 * built / (built + ran + 1))) %)"
    rm -rf "$dir"
  done
  exit 0
fi
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
