#!/usr/bin/env bash
# Parquet against JSONL throughput: one generated crawl in both formats, each scanned the same
# way, best of --runs wall times each.
#
#   benches/parquet.sh [--size 1G] [--sites 1000] [--seed 7] [--runs 2]
#
# Generates `chaff gen --size SIZE` as JSONL and `chaff gen --format parquet` (the same pages:
# the same seed, the JSONL shards converted, Snappy, row groups of 8192 rows) into
# target/parquet-bench/ once, reads both into the page cache, then times `chaff scan --quiet
# --site-field site --annotations` on each. MB/s are of the JSONL bytes (the same documents)
# for both, so the ratio is one of documents per second. Not part of ./test.sh or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
size=1G sites=1000 seed=7 runs=2
while [[ $# -gt 0 ]]; do
    case $1 in
        --size) size=$2; shift 2 ;;
        --sites) sites=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "parquet bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet
chaff=$target/release/chaff
dir=$target/parquet-bench/$size-s$sites-$seed
for format in jsonl parquet; do
    if [[ ! -f $dir/$format/.done ]]; then
        rm -rf "$dir/$format"
        "$chaff" gen --quiet --size "$size" --sites "$sites" --seed "$seed" --format "$format" \
            "$dir/$format"
        touch "$dir/$format/.done"
    fi
done
jsonl_bytes=$(cat "$dir"/jsonl/*.jsonl | wc -c)
parquet_bytes=$(cat "$dir"/parquet/*.parquet | wc -c)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A best
for format in jsonl parquet; do
    cat "$dir/$format"/shard-* >/dev/null
    for ((r = 0; r < runs; r++)); do
        t0=$(date +%s.%N)
        "$chaff" scan --quiet --site-field site --annotations "$out/$format.spans.jsonl" \
            "$dir/$format" >"$out/$format.txt"
        t=$(echo "$(date +%s.%N) - $t0" | bc)
        echo "parquet bench: $format run $r: $t s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        if [[ -z ${best[$format]:-} ]] || (($(echo "$t < ${best[$format]}" | bc))); then
            best[$format]=$t
        fi
    done
done
# The same documents give the same spans (ids and file names aside).
cmp -s <(jq -c '.spans' "$out/jsonl.spans.jsonl") <(jq -c '.spans' "$out/parquet.spans.jsonl") ||
    echo "parquet bench: WARNING: the spans differ between the formats" >&2
python3 - "$jsonl_bytes" "$parquet_bytes" "${best[jsonl]}" "${best[parquet]}" "$size" "$(nproc)" <<'PY'
import sys
jb, pb, tj, tp, size, cores = sys.argv[1:]
jb, pb, tj, tp = int(jb), int(pb), float(tj), float(tp)
print(f"corpus: chaff gen --size {size}; JSONL {jb / 1e6:.0f} MB, Parquet {pb / 1e6:.0f} MB; {cores} cores")
print(f"| input | wall (s) | MB/s (of JSONL bytes) |")
print(f"|---|---:|---:|")
print(f"| JSONL | {tj:.1f} | {jb / 1e6 / tj:.0f} |")
print(f"| Parquet | {tp:.1f} | {jb / 1e6 / tp:.0f} |")
print(f"Parquet / JSONL throughput: {tj / tp:.0%}")
PY
