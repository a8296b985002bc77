#!/usr/bin/env bash
# chaff's dolma attributes applied by the real `dolma mix`: its output text must equal
# chaff's --clean text for every document, non-ASCII text included.
#
#   tests/dolma/check.sh [path/to/chaff]    (default: the release build; ./test.sh builds it)
#
# 1. check.py writes the sample crawl (corpus/) plus pages in German and Japanese as dolma
#    documents: data/documents/a.jsonl.gz and data/documents/sub/b.jsonl.gz.
# 2. `chaff scan data/documents --attributes data/attributes --clean clean.jsonl` writes
#    data/attributes/chaff/a.jsonl.gz and data/attributes/chaff/sub/b.jsonl.gz beside them.
# 3. `dolma -c mix.json mix`, with a span replacement that removes `chaff__boilerplate`
#    spans (README, "dolma").
# 4. check.py compares, by id, every mixed document's text with the clean output's.
#
# Needs python3: creates $CARGO_TARGET_DIR/venv-dolma (target/ by default; the venv
# benches/peers.sh uses) with `pip install dolma==$DOLMA_VERSION` (which pins numpy below 2)
# when it is missing, about a minute; the check itself takes about 2 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-$PWD/target}
chaff=${1:-$target/release/chaff}
venv=$target/venv-dolma
DOLMA_VERSION=1.2.1

check_name="dolma check"
source tests/venv.sh
# As benches/peers.sh: without the boto3 and aiobotocore pins pip backtracks for minutes.
ensure_venv "$venv" dolma "$DOLMA_VERSION" boto3==1.28.17 aiobotocore==2.5.4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
python3 tests/dolma/check.py write corpus "$work/data/documents"

cd "$work"
# The README's example.
"$chaff" scan --quiet --site-field site data/documents --attributes data/attributes \
    --clean clean.jsonl >/dev/null
cat >mix.json <<JSON
{
  "streams": [{
    "name": "chaff-clean",
    "documents": ["data/documents/*.jsonl.gz", "data/documents/sub/*.jsonl.gz"],
    "attributes": ["chaff"],
    "span_replacement": [{"span": "$.attributes.chaff__boilerplate", "min_score": 0.5, "replacement": ""}],
    "output": {"path": "mixed", "max_size_in_bytes": 1000000000}
  }],
  "processes": 1
}
JSON
"$venv/bin/dolma" -c mix.json mix >dolma.log 2>&1 || fail "dolma mix failed: $(tail -20 dolma.log)"
cd - >/dev/null

python3 tests/dolma/check.py compare "$work" || fail "dolma's mixed text differs from chaff's --clean (above)"
echo "dolma check: ok: dolma mix applied chaff's attributes to the --clean text of every document ($((SECONDS - start)) s)"
