#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 60), one after another, starting from
# the committed seeds. Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]    # default: 60 s, every target
#   FUZZ_ARGS="-rss_limit_mb=4096" scripts/fuzz.sh 300 discover
#
# The working corpus grows under fuzz/corpus/<target> (not committed); a crash is written to
# fuzz/artifacts/<target>/ and stops the run with cargo-fuzz's exit code. Reproduce one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/crash-…
# then add it as a regression test (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    echo "fuzz: $target for ${seconds}s" >&2
    # 64 KiB inputs reach every structure the parsers have; the RSS cap is above what the default
    # limits allow one input to decompress to (64 MiB floor) with ASan's overhead.
    (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 -timeout=10 -print_final_stats=1 ${FUZZ_ARGS:-})
done
