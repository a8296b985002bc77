#!/usr/bin/env bash
# Runs examples/datatrove/driver.py on LocalPipelineExecutor and checks its outputs against
# one scan, as tests/ray/check.sh does for Ray.
#
#   tests/datatrove/check.sh [path/to/chaff]    (default: the release build; ./test.sh builds it)
#
# 1. A generated crawl (`chaff gen --size 8M --sites 20 --seed 1`) in 4 shards of 2 MiB.
# 2. The driver: count (4 tasks), merge (3 tasks, --partition i/3), learn (4), cluster (1),
#    mark (4, each against the clusters file) and one mark task over all 4 shards (--whole),
#    each stage a LocalPipelineExecutor with 2 workers.
# 3. One `chaff scan` over the same shards with the same flags: the whole-corpus mark must
#    give byte for byte its report and annotations, and the per-shard annotations,
#    concatenated in shard order, its annotations.
#
# Needs python3: creates $CARGO_TARGET_DIR/venv-datatrove-steps (target/ by default; not
# benches/peers.sh's venv-datatrove, which adds spaCy and more) with
# `pip install datatrove==$DATATROVE_VERSION` (numpy 2) when it is missing, about 20 s; the
# check itself takes about 10 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$PWD/target}
chaff=${1:-$target/release/chaff}
venv=$target/venv-datatrove-steps
DATATROVE_VERSION=0.10.1

check_name="datatrove check"
source tests/venv.sh
ensure_venv "$venv" datatrove "$DATATROVE_VERSION"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

"$chaff" gen --quiet --size 8M --sites 20 --seed 1 --shard-size 2M "$work/crawl"
shards=("$work"/crawl/shard-*.jsonl)
[[ ${#shards[@]} -eq 4 ]] || fail "expected 4 shards, got ${#shards[@]}"
flags=(--site-field site)

# The README's example.
"$venv/bin/python" examples/datatrove/driver.py --chaff "$chaff" --work "$work/dt" \
    --partitions 3 --workers 2 --whole --flags "${flags[*]}" "${shards[@]}" \
    >"$work/driver.log" 2>&1 || fail "the driver failed: $(tail -30 "$work/driver.log")"

"$chaff" scan --quiet "${flags[@]}" --report "$work/scan.report.json" \
    --annotations "$work/scan.spans.jsonl" "${shards[@]}" >/dev/null

out=$work/dt/out
cmp -s "$out/all.report.json" "$work/scan.report.json" ||
    fail "the whole-corpus report differs from the scan's"
cmp -s "$out/all.spans.jsonl" "$work/scan.spans.jsonl" ||
    fail "the whole-corpus annotations differ from the scan's"
for k in 0 1 2 3; do
    [[ -s $out/$k.report.json ]] || fail "no report for shard $k"
done
cat "$out"/{0,1,2,3}.spans.jsonl >"$work/shards.spans.jsonl"
cmp -s "$work/shards.spans.jsonl" "$work/scan.spans.jsonl" ||
    fail "the per-shard annotations, in shard order, differ from the scan's"
echo "datatrove check: ok: the per-shard marks and the whole-corpus mark equal the scan byte for byte ($((SECONDS - start)) s)"
