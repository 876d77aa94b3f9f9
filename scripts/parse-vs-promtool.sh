#!/usr/bin/env bash
# Compares mcptop's exposition parser with `promtool check metrics` on the same large text:
# the 112,026-line, 14.3 MB histogram-heavy exposition of scripts/gen-exposition.py.
#
# Usage: scripts/parse-vs-promtool.sh            (RUNS=10 scripts/parse-vs-promtool.sh)
#
# Honours CARGO_TARGET_DIR (default target/) for the example it builds.
# Needs python3, cargo and promtool (Debian package `prometheus`; PROMTOOL=/path overrides).
# Timing is plain bash: wall-clock nanoseconds from `date +%s%N` around each promtool
# process, RUNS runs (default 5), mean and minimum. promtool's time is a whole process:
# start-up, reading stdin, parsing and linting (promlint checks names, units and help of
# every family), so the script also times it on empty input to show the start-up share.
# mcptop's time is measured in process by examples/parse_exposition.rs (the file read once,
# then parsed 20 times): the zero-copy `model::exposition::parse`, and `sources::scrape::parse`,
# which also builds the owned series keys a scrape hands to the model.
# The script also checks that the benchmarks' Rust generator (benches/support/exposition.rs)
# writes the same bytes as the Python one.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
PROMTOOL=${PROMTOOL:-promtool}
command -v "$PROMTOOL" >/dev/null || {
    echo "promtool not found: install the Debian package prometheus or set PROMTOOL" >&2
    exit 1
}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive integer" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file=$dir/metrics.txt

python3 scripts/gen-exposition.py "$file"
cargo build --quiet --release --example parse_exposition
example=${CARGO_TARGET_DIR:-target}/release/examples/parse_exposition
"$example" --generate "$dir/rust.txt"
if ! cmp -s "$file" "$dir/rust.txt"; then
    echo "the Python and Rust generators disagree (cmp $file $dir/rust.txt)" >&2
    exit 1
fi
lines=$(wc -l <"$file")
bytes=$(wc -c <"$file")

# Prints "mean min" in seconds of RUNS runs of promtool reading $1 on stdin.
time_promtool() {
    local input=$1 i t0 t1 rc
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        rc=0
        "$PROMTOOL" check metrics <"$input" >/dev/null 2>"$dir/promtool.err" || rc=$?
        t1=$(date +%s%N)
        # 3 means lint findings; anything else but 0 is a failure to parse.
        if ((rc != 0 && rc != 3)); then
            echo "promtool check metrics failed ($rc):" >&2
            cat "$dir/promtool.err" >&2
            exit 1
        fi
        echo $((t1 - t0))
    done | awk '{ s += $1; if (NR == 1 || $1 < m) m = $1 } END { printf "%.4f %.4f\n", s / NR / 1e9, m / 1e9 }'
}

read -r p_mean p_min < <(time_promtool "$file")
: >"$dir/empty.txt"
read -r e_mean e_min < <(time_promtool "$dir/empty.txt")
findings=$("$PROMTOOL" check metrics <"$file" 2>&1 | wc -l || true)

out=$("$example" "$file" 20)
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$out"; }
zc=$(field zero_copy_mean_s)
owned=$(field owned_mean_s)

echo "exposition: $lines lines, $bytes bytes (scripts/gen-exposition.py; the Rust generator writes the same bytes)"
echo "promtool check metrics, whole process ($RUNS runs): mean ${p_mean} s, min ${p_min} s; $findings lint findings"
echo "  (promtool also lints every family; on empty input, i.e. start-up: mean ${e_mean} s)"
echo "mcptop parser, in process (20 runs): zero-copy exposition::parse mean ${zc} s, owned scrape::parse mean ${owned} s"
awk -v p="$p_mean" -v e="$e_mean" -v z="$zc" -v o="$owned" 'BEGIN {
    printf "ratio promtool / mcptop: %.1fx (zero-copy), %.1fx (owned)\n", p / z, p / o
    printf "  without promtool start-up: %.1fx (zero-copy), %.1fx (owned)\n", (p - e) / z, (p - e) / o
}'
