#!/usr/bin/env bash
# Parquet in and out, checked with pyarrow: `chaff scan --clean DIR/` of Parquet input writes
# Parquet with the input's schema and every other column unchanged, the kept text equal to
# the JSONL --clean of the same records.
#
#   tests/parquet/check.sh [path/to/chaff]    (default: the release build; ./test.sh builds it)
#
# 1. check.py writes the sample crawl (corpus/) plus pages with non-ASCII text as two Parquet
#    files (in/a.parquet, in/sub/b.parquet: string, integer, float, list and struct columns,
#    row groups of 7 rows, one row with a null text) and the same records as two JSONL files.
# 2. chaff scans both, `--clean out/` for the Parquet, `--clean clean.jsonl` for the JSONL;
#    both runs report the null text as a bad record (exit status 2, file, row group and row).
# 3. check.py reads out/a.parquet and out/sub/b.parquet back: the same schema (metadata
#    included), the same rows, every other column equal, the null text still null, each text
#    the JSONL clean output's.
#
# Needs python3: creates $CARGO_TARGET_DIR/venv-pyarrow (target/ by default) with
# `pip install pyarrow==$PYARROW_VERSION` when it is missing, about 15 s; the check itself
# takes about 1 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$PWD/target}
chaff=${1:-$target/release/chaff}
venv=$target/venv-pyarrow
PYARROW_VERSION=21.0.0

check_name="parquet check"
source tests/venv.sh
ensure_venv "$venv" pyarrow "$PYARROW_VERSION"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

"$venv/bin/python" tests/parquet/check.py write corpus "$work"

# The README's example: FineWeb's columns need no flags; this crawl names its sites.
status=0
"$chaff" scan --quiet --site-field site "$work/in" --clean "$work/out/" \
    --removed "$work/removed.jsonl" >/dev/null 2>"$work/parquet.err" || status=$?
[[ $status -eq 1 ]] || fail "the Parquet scan exited $status, not 1 (a bad record): $(cat "$work/parquet.err")"
grep -q 'a.parquet: record 9 .*row group 1, row 1: text column "text" is null' "$work/parquet.err" ||
    fail "the null text was not reported with its row group and row: $(cat "$work/parquet.err")"
status=0
"$chaff" scan --quiet --site-field site "$work/in-jsonl" --clean "$work/clean.jsonl" \
    >/dev/null 2>"$work/jsonl.err" || status=$?
[[ $status -eq 1 ]] || fail "the JSONL scan exited $status, not 1: $(cat "$work/jsonl.err")"

"$venv/bin/python" tests/parquet/check.py compare "$work" ||
    fail "the cleaned Parquet differs (above)"
echo "parquet check: ok: schema, rows and other columns unchanged, text equal to the JSONL clean output ($((SECONDS - start)) s)"
