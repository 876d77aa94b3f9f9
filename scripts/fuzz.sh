#!/usr/bin/env bash
# scripts/fuzz.sh: builds the cargo-fuzz targets of fuzz/ and runs each one for a fixed number
# of executions, starting from its seeds (fuzz/seeds/<target>/, small inputs taken from the
# project's own fixtures and unit tests). Exits non-zero when any target crashes, panics,
# hangs (an input taking longer than 10 s) or runs out of memory (2 GiB); libFuzzer then
# names the input it saved under fuzz/artifacts/<target>/.
#
# Targets and what they call:
#   exposition        model::exposition::parse (text format and OpenMetrics)
#   prometheus_api    sources::prometheus::api::{query, targets, number}
#   loki_api          sources::loki::api::{streams, tail_frame, level_counts, error_text}
#   alertmanager_api  sources::alertmanager::api::{parse_alerts, parse_groups, parse_silences,
#                     parse_status, parse_created, error_text}
#   matchers          model::alerts::Matcher::parse_list, config::prometheus::parse_selector
#   config            config::Config::from_toml
#
# Usage: scripts/fuzz.sh [RUNS] [TARGET...]
#   RUNS     executions per target (default 50000)
#   TARGET   only these targets (default: all of the above)
#
# CI runs `scripts/fuzz.sh` with the default: on 2 cores about 50 s once fuzz/target is built
# (matchers, which compiles a regex per input, takes half of it), and 6 to 7 minutes more
# for a cold build of the library and its dependencies with coverage instrumentation.
#
# For a longer search, give more runs (1000000: about 15 minutes), or run one target for a
# fixed time and keep what it learns in fuzz/corpus/<target>/ for the next run:
#   scripts/fuzz.sh 1000000
#   cargo fuzz run --sanitizer none exposition fuzz/corpus/exposition fuzz/seeds/exposition \
#       -- -max_total_time=600 -max_len=8192 -dict=fuzz/dicts/exposition.dict
#
# Sanitizer: none. mcptop forbids unsafe code, so AddressSanitizer could only catch memory
# errors inside dependencies, while it needs a nightly toolchain and a slower build; without
# it the targets build with the stable toolchain, still with coverage instrumentation, debug
# assertions and overflow checks, and a panic, a hang or too much memory fails the run.
# FUZZ_SANITIZER=address scripts/fuzz.sh uses it (with +nightly). FUZZ_SEED (default 1)
# fixes libFuzzer's random seed so a CI run is repeatable; FUZZ_SEED=0 lets libFuzzer pick.
#
# A crash becomes a regression test: minimise the input with
#   cargo fuzz tmin --sanitizer none <target> fuzz/artifacts/<target>/<crash-file>
# fix the code, and add the input to tests/it/fuzz_regressions.rs.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

runs=50000
targets=()
for arg in "$@"; do
  case "$arg" in
    -h | --help)
      usage
      exit 0
      ;;
    *[!0-9]*) targets+=("$arg") ;;
    *) runs="$arg" ;;
  esac
done

cd "$(dirname "$0")/.."

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is needed: cargo install --locked cargo-fuzz" >&2
  exit 2
fi

# Longest input per target, bytes: a little above the largest seed, so that mutations stay
# around the sizes the real bodies and files have without one execution taking long.
max_len_of() {
  case "$1" in
    exposition) echo 8192 ;;
    prometheus_api | loki_api) echo 4096 ;;
    alertmanager_api | config) echo 8192 ;;
    matchers) echo 512 ;;
    *)
      echo "fuzz.sh: unknown target $1" >&2
      return 1
      ;;
  esac
}

if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(exposition prometheus_api loki_api alertmanager_api matchers config)
fi
for t in "${targets[@]}"; do
  max_len_of "$t" >/dev/null
done

sanitizer="${FUZZ_SANITIZER:-none}"
toolchain=()
if [[ "$sanitizer" != none ]]; then
  toolchain=(+nightly)
fi
seed="${FUZZ_SEED:-1}"
# Release with 16 codegen units: builds faster than cargo-fuzz's default of one unit, for a
# little speed; a debug build (--dev) saves some compile time but runs the targets 20 times
# slower.
build=(--sanitizer "$sanitizer" --codegen-units 16)

start=$SECONDS
cargo "${toolchain[@]}" fuzz build "${build[@]}"
echo "fuzz.sh: built in $((SECONDS - start)) s" >&2

failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  dict=()
  if [[ -f "fuzz/dicts/$t.dict" ]]; then
    dict=(-dict="fuzz/dicts/$t.dict")
  fi
  echo "fuzz.sh: $t, $runs runs" >&2
  t0=$SECONDS
  if ! cargo "${toolchain[@]}" fuzz run "${build[@]}" "$t" \
    "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -runs="$runs" -max_len="$(max_len_of "$t")" -seed="$seed" "${dict[@]}" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
    failed+=("$t")
  fi
  echo "fuzz.sh: $t took $((SECONDS - t0)) s" >&2
done

echo "fuzz.sh: done in $((SECONDS - start)) s" >&2
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: FAILED: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
  exit 1
fi
