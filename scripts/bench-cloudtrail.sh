#!/usr/bin/env bash
# CloudTrail benchmark: generates archives of the given uncompressed sizes (MB) with gapscope-gen and
# measures, on the same files in the same run: the decompression floor (single-core zcat), gapscope,
# and where installed jq and DuckDB computing the same per-region-per-day record counts.
#
#   scripts/bench-cloudtrail.sh [SIZE_MB ...]        # default: 1100 4400 (>= 1 GB and 4x)
#   BENCH_DIR=/somewhere scripts/bench-cloudtrail.sh  # where archives go (default /tmp/gapscope-bench)
#   BENCH_SKIP_JQ=1 ...                               # jq is slow on large archives
#
# Prints a Markdown table per size, ready for the README.
set -euo pipefail

cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1100 4400)
work="${BENCH_DIR:-/tmp/gapscope-bench}"
mkdir -p "$work"

command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
if ! python3 -c 'import duckdb' 2>/dev/null; then
    python3 -m pip install --quiet duckdb 2>/dev/null || echo "bench: DuckDB not installable here; skipping it" >&2
fi

cargo build --release --quiet --workspace --bins
gen="${GEN:-target/release/gapscope-gen}"

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr)"
echo

# seconds, peak RSS in MB of a command (stdout discarded)
measure() {
    local stats
    stats=$(mktemp)
    /usr/bin/time -o "$stats" -f '%e %M' "$@" >/dev/null 2>"$stats.err" || { echo "bench: failed: $* ($(tail -1 "$stats.err"))" >&2; }
    awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$stats"
    rm -f "$stats" "$stats.err"
}

row() { # tool seconds rss_mb events compressed_mb uncompressed_mb
    awk -v t="$1" -v s="$2" -v r="$3" -v e="$4" -v c="$5" -v u="$6" 'BEGIN {
        printf "| %s | %.2f s | %.0f | %.1f | %.1f | %.0f MB |\n", t, s, e / s, c / s, u / s, r }'
}

for size in "${sizes[@]}"; do
    dir="$work/ct-$size"
    if [ ! -f "$dir/planted.json" ]; then
        rm -rf "$dir"
        echo "generating ~${size} MB (uncompressed) into $dir ..." >&2
        "$gen" cloudtrail --out "$dir" --seed 2026 \
            --accounts 111122223333,444455556666 --regions us-east-1,eu-west-1,ap-southeast-2 \
            --from 2026-07-01 --to 2026-07-31 --target-mb "$size" --no-config >&2
    fi
    list="$work/list-$size"
    find "$dir/AWSLogs" -path '*/CloudTrail/*' -name '*.json.gz' -print0 | sort -z > "$list"
    files=$(tr -cd '\0' < "$list" | wc -c)
    compressed=$(du -cb --files0-from="$list" | tail -1 | cut -f1)
    uncompressed=$(xargs -0 -n 100000 zcat < "$list" | wc -c)
    cmb=$(awk -v b="$compressed" 'BEGIN { printf "%.1f", b / 1e6 }')
    umb=$(awk -v b="$uncompressed" 'BEGIN { printf "%.1f", b / 1e6 }')
    out="$work/out-$size"
    rm -rf "$out"
    read -r gs gr < <(measure target/release/gapscope -q analyze "$dir" -o "$out" --format json,csv)
    events=$(python3 -c "import json,sys,re; n=[x for x in json.load(open(sys.argv[1]))['notes'] if x.startswith('CloudTrail: ')]; print(re.match(r'CloudTrail: (\d+) records read', n[0]).group(1))" "$out/findings.json")
    read -r zs zr < <(measure sh -c "xargs -0 -n 100000 zcat < '$list'")

    echo "### ${umb} MB uncompressed, ${cmb} MB compressed, ${files} files, ${events} events"
    echo
    echo "| tool | wall | events/s | compressed MB/s | uncompressed MB/s | peak RSS |"
    echo "|---|---|---|---|---|---|"
    row "zcat, 1 core (decompression floor)" "$zs" "$zr" "$events" "$cmb" "$umb"
    row "gapscope analyze ($(nproc) threads)" "$gs" "$gr" "$events" "$cmb" "$umb"
    gs_counts=$(awk -F, 'NR > 1 && $4 > 0 { n[$2 " " $3] += $4 } END { for (k in n) print k, n[k] }' "$out/coverage.csv" | sort)

    if command -v jq >/dev/null && [ -z "${BENCH_SKIP_JQ:-}" ]; then
        jq_prog='reduce (inputs.Records[]) as $r ({}; .[$r.awsRegion + " " + $r.eventTime[0:10]] += 1) | to_entries[] | "\(.key) \(.value)"'
        read -r s r < <(measure sh -c "xargs -0 -n 100000 zcat < '$list' | jq -rn '$jq_prog'")
        row "jq 1.x, per-region-per-day counts" "$s" "$r" "$events" "$cmb" "$umb"
        jq_counts=$(xargs -0 -n 100000 zcat < "$list" | jq -rn "$jq_prog" | awk '{ n[$1 " " $2] += $3 } END { for (k in n) print k, n[k] }' | sort)
        [ "$jq_counts" = "$gs_counts" ] || echo "WARNING: jq's per-region-per-day counts differ from gapscope's coverage.csv" >&2
    fi

    if python3 -c 'import duckdb' 2>/dev/null; then
        cat > "$work/duck.py" <<'PY'
import sys, duckdb
con = duckdb.connect()
con.execute("SET threads = 2")
rows = con.execute("""
    SELECT r.awsRegion AS region, substr(r.eventTime, 1, 10) AS day, count(*) AS n
    FROM (SELECT unnest(Records) AS r FROM read_json(?, format = 'unstructured', compression = 'gzip',
          maximum_object_size = 1073741824,
          columns = {Records: 'STRUCT(awsRegion VARCHAR, eventTime VARCHAR)[]'}))
    GROUP BY ALL ORDER BY ALL""", [sys.argv[1] + "/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz"]).fetchall()
for region, day, n in rows:
    print(region, day, n)
PY
        read -r s r < <(measure python3 "$work/duck.py" "$dir")
        row "DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)') read_json, 2 threads" "$s" "$r" "$events" "$cmb" "$umb"
        duck_counts=$(python3 "$work/duck.py" "$dir" | awk '{ n[$1 " " $2] += $3 } END { for (k in n) print k, n[k] }' | sort)
        [ "$duck_counts" = "$gs_counts" ] || echo "WARNING: DuckDB's per-region-per-day counts differ from gapscope's coverage.csv" >&2
    fi
    echo
done
