#!/usr/bin/env bash
# Report benchmark: the cost of report.pdf on a large generated evidence set (a credential report of
# USERS users and a CloudTrail archive of FILES small log files). Runs analyze with and without the PDF
# (unsigned and signed) on the same evidence and prints a Markdown table for the README.
#
#   scripts/bench-report.sh [USERS] [FILES_PER_DAY]   # default: 3000 users, 84 files per account/region/day
#                                                     # (2 accounts x 2 regions x 30 days = 10,080 files)
#   BENCH_DIR=/somewhere scripts/bench-report.sh       # where the evidence goes (default /tmp/gapscope-bench-report)
set -euo pipefail

cd "$(dirname "$0")/.."
users="${1:-3000}"
per_day="${2:-84}"
work="${BENCH_DIR:-/tmp/gapscope-bench-report}"
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
command -v pdfinfo >/dev/null || { echo "bench: needs pdfinfo (apt-get install poppler-utils)" >&2; exit 2; }

cargo build --release --quiet --workspace --bins
bin=target/release/gapscope
gen=target/release/gapscope-gen
rm -rf "$work" && mkdir -p "$work/evidence"
"$gen" credential-report --account 111122223333 --as-of 2026-09-30T17:45:12Z --users "$users" --format csv \
    --out "$work/evidence/credential_report.csv" 2>/dev/null
"$gen" cloudtrail --out "$work/evidence/cloudtrail" --from 2026-09-01 --to 2026-09-30 --files-per-day "$per_day" \
    --events-per-file 1 --no-config 2>/dev/null
"$bin" keygen --out "$work/key" --name "Bench Signer" >/dev/null

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo
measure() { # label, then the command
    local label=$1 stats
    shift
    stats=$(mktemp)
    /usr/bin/time -o "$stats" -f '%e %M' "$@" >/dev/null 2>&1
    read -r secs rss <"$stats"
    rm -f "$stats"
    printf '| %s | %s s | %.0f MB |' "$label" "$secs" "$(echo "$rss / 1024" | bc -l)"
}
inputs=$(find "$work/evidence" -type f | wc -l)
echo "Evidence: $inputs files, $users IAM users"
echo
echo "| run | wall | peak RSS | report.pdf |"
echo "|---|---|---|---|"
measure "analyze --format json,csv (no PDF)" "$bin" -q analyze "$work/evidence" -o "$work/out-nopdf" --format json,csv
echo " - |"
measure "analyze (unsigned PDF)" "$bin" -q analyze "$work/evidence" -o "$work/out-pdf"
echo " $(du -h "$work/out-pdf/report.pdf" | cut -f1), $(pdfinfo "$work/out-pdf/report.pdf" | awk '/^Pages:/{print $2}') pages |"
measure "analyze (signed PDF)" "$bin" -q analyze "$work/evidence" -o "$work/out-signed" \
    --sign-key "$work/key/key.pem" --sign-cert "$work/key/cert.pem"
echo " $(du -h "$work/out-signed/report.pdf" | cut -f1), $(pdfinfo "$work/out-signed/report.pdf" | awk '/^Pages:/{print $2}') pages |"
failed=$(grep -c '"status": "fail"' "$work/out-pdf/findings.json" || true)
echo
echo "Failed results in the report: $failed"
