#!/usr/bin/env bash
# Runs examples/ray/driver.py on a local Ray cluster and checks its outputs against one scan.
#
#   tests/ray/check.sh [path/to/chaff]    (default: the release build; ./test.sh builds it)
#
# 1. A generated crawl (`chaff gen --size 8M --sites 20 --seed 1`) in 4 shards of 2 MiB.
# 2. The driver: 4 count tasks, 3 merge tasks (--partition i/3), 4 learn tasks, one cluster
#    task (over every shard's learned file), 4 mark tasks (each against the clusters file)
#    and one mark task over all 4 shards (--whole), on the local cluster that `ray.init()`
#    starts.
# 3. One `chaff scan` over the same shards with the same flags. The whole-corpus mark must
#    give byte for byte its report and its annotations; the per-shard annotations,
#    concatenated in shard order, must give its annotations byte for byte too (paywall
#    truncation and duplicate clusters included: they come from the clusters file, made of
#    every shard's learned file).
#
# Needs python3 (3.11 here): creates $CARGO_TARGET_DIR/venv-ray (target/ by default) with
# `pip install ray==$RAY_VERSION` when it is missing, about 20 s; the check itself takes
# about 10 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$PWD/target}
chaff=${1:-$target/release/chaff}
venv=$target/venv-ray
RAY_VERSION=2.60.0

check_name="ray check"
source tests/venv.sh
ensure_venv "$venv" ray "$RAY_VERSION"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

"$chaff" gen --quiet --size 8M --sites 20 --seed 1 --shard-size 2M "$work/crawl"
shards=("$work"/crawl/shard-*.jsonl)
[[ ${#shards[@]} -eq 4 ]] || fail "expected 4 shards, got ${#shards[@]}"
flags=(--site-field site)

# No Ray usage statistics, no dashboard: nothing but the local cluster.
RAY_USAGE_STATS_ENABLED=0 "$venv/bin/python" examples/ray/driver.py \
    --chaff "$chaff" --work "$work/ray" --partitions 3 --whole --flags "${flags[*]}" \
    "${shards[@]}"

"$chaff" scan --quiet "${flags[@]}" --report "$work/scan.report.json" \
    --annotations "$work/scan.spans.jsonl" "${shards[@]}" >/dev/null

out=$work/ray/out
cmp -s "$out/all.report.json" "$work/scan.report.json" ||
    fail "the whole-corpus report differs from the scan's"
cmp -s "$out/all.spans.jsonl" "$work/scan.spans.jsonl" ||
    fail "the whole-corpus annotations differ from the scan's"
for k in 0 1 2 3; do
    [[ -s $out/$k.report.json ]] || fail "no report for shard $k"
done
[[ -s $work/ray/corpus.clusters ]] || fail "no clusters file"

cat "$out"/{0,1,2,3}.spans.jsonl >"$work/shards.spans.jsonl"
# Each shard marked against the clusters of every shard: the scan's annotations, in
# shard order, byte for byte (paywall truncation and duplicate clusters included).
cmp -s "$work/shards.spans.jsonl" "$work/scan.spans.jsonl" ||
    fail "the per-shard annotations, in shard order, differ from the scan's"
echo "ray check: ok: the per-shard marks and the whole-corpus mark equal the scan byte for byte ($((SECONDS - start)) s)"
