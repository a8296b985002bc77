#!/usr/bin/env bash
# Fuzz chaff with cargo-fuzz (libFuzzer), on a stable toolchain.
#
#   fuzz/run.sh                      list the targets
#   fuzz/run.sh TARGET [SECONDS]     run one target (default 600 s), nice'd
#   fuzz/run.sh --smoke [SECONDS]    run every target briefly (default 20 s each)
#
# cargo-fuzz needs nightly-only flags (-Z sanitizer); RUSTC_BOOTSTRAP=1 lets the stable compiler
# accept them. cargo-fuzz is installed here when it is missing, so a fresh machine needs only
# this script. Corpora grow under fuzz/corpus/TARGET (not committed); crashes land in
# fuzz/artifacts/TARGET, and each one found so far has a regression test named after it.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target}/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz
fi

TARGETS=(text_file jsonl warc decompress normalize scan_docs)

run() {
    local target=$1 seconds=$2
    mkdir -p "corpus/$target" "artifacts/$target"
    # -rss_limit_mb: the readers must stay bounded; -timeout: one input may not take a second.
    nice -n 10 cargo fuzz run --release "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=65536 \
        -print_final_stats=1 2>&1 | tee "artifacts/$target/last-run.log" | tail -n 20
}

case "${1:-}" in
    "") printf '%s\n' "${TARGETS[@]}" ;;
    --smoke)
        for t in "${TARGETS[@]}"; do run "$t" "${2:-20}"; done ;;
    *) run "$1" "${2:-600}" ;;
esac
