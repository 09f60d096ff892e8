#!/usr/bin/env bash
# Entra sign-in benchmark: a portal sign-in CSV of ROWS rows (default 500,000) written by gapscope-gen,
# analysed by gapscope; beside it the floor of reading the file (wc -l) and, where installed, DuckDB
# reading the same CSV. Prints a Markdown table for the README.
#
#   scripts/bench-entra.sh [ROWS]
#   BENCH_DIR=/somewhere scripts/bench-entra.sh      # default /tmp/gapscope-bench-entra
set -euo pipefail

cd "$(dirname "$0")/.."
rows="${1:-500000}"
work="${BENCH_DIR:-/tmp/gapscope-bench-entra}"
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
if ! python3 -c 'import duckdb' 2>/dev/null; then
    python3 -m pip install --quiet duckdb 2>/dev/null || echo "bench: DuckDB not installable here; skipping it" >&2
fi

cargo build --release --quiet --workspace --bins
rm -rf "$work" && mkdir -p "$work"
target/release/gapscope-gen entra --out "$work/evidence" --signins "$rows" --only-signins-csv >/dev/null 2>&1
csv=$(ls "$work"/evidence/*.csv | head -1)
mb=$(du -m "$csv" | cut -f1)

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo
echo "Sign-in CSV: $rows rows, $mb MB"
echo
echo "| tool | wall | rows/s | peak RSS |"
echo "|---|---|---|---|"
measure() { # label, then the command
    local label=$1 stats
    shift
    stats=$(mktemp)
    /usr/bin/time -o "$stats" -f '%e %M' "$@" >/dev/null 2>&1 || echo "bench: failed: $*" >&2
    read -r secs rss <"$stats"
    rm -f "$stats"
    awk -v l="$label" -v s="$secs" -v r="$rss" -v n="$rows" \
        'BEGIN { printf "| %s | %.2f s | %.0f | %.0f MB |\n", l, s, (s > 0 ? n / s : 0), r / 1024 }'
}
measure "wc -l (reading floor)" wc -l "$csv"
measure "gapscope analyze (all outputs)" target/release/gapscope -q analyze "$work/evidence" -o "$work/out"
measure "gapscope analyze --format json" target/release/gapscope -q analyze "$work/evidence" -o "$work/out-json" --format json
if python3 -c 'import duckdb' 2>/dev/null; then
    measure "DuckDB read_csv, single-factor users" python3 -c "
import duckdb
duckdb.sql(\"select count(distinct Username) from read_csv('$csv', all_varchar=true) where Status='Success' and \\\"Authentication requirement\\\"='Single-factor authentication'\").fetchall()"
fi
