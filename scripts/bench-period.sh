#!/usr/bin/env bash
# Observation-period (SOC 2 Type II) benchmark, issue 16: twelve monthly snapshots of ACCOUNTS accounts
# (default 20) plus a year of CloudTrail for CT of them (default 3), written by `gapscope-gen period`, analysed
# by gapscope with the period analysis and without it (`analyze --no-period`), RUNS runs each (default 3).
# Prints wall time and peak RSS (GNU time) of every run, the medians and the period analysis' overhead, as
# Markdown for the README.
#
#   scripts/bench-period.sh [ACCOUNTS] [CT]
#   BENCH_DIR=/somewhere RUNS=5 USERS=1000 FILES_PER_DAY=24 EVENTS_PER_FILE=50 scripts/bench-period.sh
set -euo pipefail

cd "$(dirname "$0")/.."
accounts="${1:-20}"
ct="${2:-3}"
runs="${RUNS:-3}"
users="${USERS:-1000}"
files_per_day="${FILES_PER_DAY:-24}"
events_per_file="${EVENTS_PER_FILE:-50}"
work="${BENCH_DIR:-/tmp/gapscope-bench-period}"
period="2026-01-01..2026-12-31"
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet --workspace --bins
rm -rf "$work" && mkdir -p "$work"
target/release/gapscope-gen period --out "$work/evidence" --accounts "$accounts" --cloudtrail-accounts "$ct" \
    --users "$users" --files-per-day "$files_per_day" --events-per-file "$events_per_file" 2>"$work/gen.txt"
files=$(find "$work/evidence" -type f | wc -l)
mb=$(du -sm "$work/evidence" | cut -f1)
ct_mb=$(du -sm "$work/evidence/cloudtrail" | cut -f1)

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo
echo "Evidence: $accounts accounts × 12 monthly snapshots ($((users + 6)) IAM users each), CloudTrail for $ct of them"
echo "($files_per_day files/day × ~$events_per_file records); $files files, $mb MB on disk ($ct_mb MB CloudTrail gzip)."
sed 's/^gapscope-gen: /generator: /' "$work/gen.txt"
echo
echo "| run | wall | peak RSS |"
echo "|---|---|---|"

# One run of analyze: prints its table row, appends its wall seconds and peak RSS (KiB) to the named arrays.
measure() { # label, out dir, seconds array, rss array, then the extra analyze arguments
    local label=$1 out=$2 secs_var=$3 rss_var=$4 stats secs rss
    shift 4
    stats=$(mktemp)
    rm -rf "$out"
    /usr/bin/time -o "$stats" -f '%e %M' target/release/gapscope -q analyze "$work/evidence" -o "$out" \
        --period "$period" "$@" >/dev/null 2>&1 || echo "bench: failed: analyze $*" >&2
    read -r secs rss <"$stats"
    rm -f "$stats"
    eval "$secs_var+=(\"$secs\"); $rss_var+=(\"$rss\")"
    awk -v l="$label" -v s="$secs" -v r="$rss" 'BEGIN { printf "| %s | %.2f s | %.0f MB |\n", l, s, r / 1024 }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

with_s=() with_r=() without_s=() without_r=()
for n in $(seq 1 "$runs"); do
    # Alternated, so that a slow moment of the shared machine falls on both.
    measure "without (\`--no-period\`), run $n" "$work/out-without" without_s without_r --no-period
    measure "with the period analysis, run $n" "$work/out-with" with_s with_r
done
a=$(median "${without_s[@]}")
b=$(median "${with_s[@]}")
ra=$(median "${without_r[@]}")
rb=$(median "${with_r[@]}")
echo
awk -v a="$a" -v b="$b" -v ra="$ra" -v rb="$rb" 'BEGIN {
    printf "Medians: %.2f s / %.0f MB without, %.2f s / %.0f MB with: the period analysis adds %+.1f %% wall time (target: at most +20 %%) and %+.1f %% peak RSS.\n",
        a, ra / 1024, b, rb / 1024, (a > 0 ? (b - a) / a * 100 : 0), (ra > 0 ? (rb - ra) / ra * 100 : 0) }'
controls=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['period']; print(len(p.get('controls', [])), 'period controls,', len(p.get('snapshots', [])), 'snapshots')" \
    "$work/out-with/findings.json" 2>/dev/null || echo "no period block")
echo "With the period analysis: $controls."
