#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 60), one after another, starting from
# the committed seeds (and, for the targets that read whole files, the hostile-input corpus the
# tests carry in tests/fixtures/hostile/). CI runs it for a few seconds per target (.ci/run).
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]    # default: 60 s, every target
#   FUZZ_ARGS="-rss_limit_mb=4096" scripts/fuzz.sh 300 discover
#
# Needs cargo-fuzz (installed here with `cargo install cargo-fuzz --locked` when missing) and a
# nightly toolchain; without one, the machine's stable toolchain is used with RUSTC_BOOTSTRAP=1
# (the sanitizer flags cargo-fuzz passes are nightly-only; stable ships the ASan runtime).
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

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked --quiet
fi
toolchain=()
if cargo +nightly --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    echo "fuzz: no nightly toolchain; using $(rustc --version) with RUSTC_BOOTSTRAP=1" >&2
    export RUSTC_BOOTSTRAP=1
fi

if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo "${toolchain[@]}" fuzz list)
fi

for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    seeds=("seeds/$target")
    case "$target" in
        analyze | discover) [ -d tests/fixtures/hostile ] && seeds+=(../tests/fixtures/hostile) ;;
    esac
    # 64 KiB inputs reach every structure the parsers have (a report PDF needs more); the RSS cap is
    # above what the default limits allow one input to decompress to (64 MiB floor) with ASan's
    # overhead, and far below what a bomb that escapes them takes.
    max_len=65536
    [ "$target" = verify ] && max_len=262144
    echo "fuzz: $target for ${seconds}s" >&2
    (cd fuzz && cargo "${toolchain[@]}" fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -max_len="$max_len" -timeout=10 -print_final_stats=1 ${FUZZ_ARGS:-})
done
