#!/usr/bin/env bash
# chaff eval on every labelled file of the dev data, as one Markdown table.
#
#   benches/eval-dev.sh [DATA_DIR] [-- chaff eval flags...]
#
# DATA_DIR defaults to ../shared/data/dev (relative to the repository). Builds chaff in
# release mode, runs `chaff eval FILE --site-field site -q --worst 0 --json [flags]` on every
# *.jsonl.gz there that has a gold_main field (swde-books has none and is skipped), and
# prints: file, pages, kept-text char precision / recall / F1 overall and for the pages of
# sites with at least 5 pages ("large sites"; n/a when a file has none), and, where records
# carry gold_with / gold_without (wcxb-2025), the share of those strings chaff keeps / drops.
# Flags after `--` go to every chaff eval run, e.g. `benches/eval-dev.sh -- --list-run-lines 0`
# to measure a rule's effect.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$repo/../shared/data/dev"
if [[ $# -gt 0 && "$1" != "--" ]]; then
    data="$1"
    shift
fi
if [[ $# -gt 0 && "$1" == "--" ]]; then
    shift
fi
[[ -d "$data" ]] || { echo "no data folder: $data" >&2; exit 2; }

target="${CARGO_TARGET_DIR:-$repo/target}"
(cd "$repo" && cargo build --release --quiet)
chaff="$target/release/chaff"

echo "| file | pages | P | R | F1 | large-site pages | P | R | F1 | gold_with kept | gold_without dropped |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for f in "$data"/*.jsonl.gz; do
    name="$(basename "$f" .jsonl.gz)"
    # Files without gold (swde-books) are for throughput, not scoring.
    first="$(zcat "$f" 2>/dev/null | head -n 1 || true)"
    if [[ "$first" != *'"gold_main"'* ]]; then
        continue
    fi
    "$chaff" eval "$f" --site-field site -q --worst 0 --json "$@" | python3 -c '
import json, sys
name = sys.argv[1]
r = json.load(sys.stdin)
o, l = r["overall"], r["large_sites"]
def prf(s):
    k = s["kept_chars"]
    return "%.3f | %.3f | %.3f" % (k["precision"], k["recall"], k["f1"])
large = prf(l) if l["pages"] else "n/a | n/a | n/a"
g = r.get("gold_strings") or {}
def share(key):
    s = g.get(key)
    if not s or not s["present"]:
        return "n/a"
    return "%.3f (%d)" % (s["share"], s["present"])
print("| %s | %d | %s | %d | %s | %s | %s |" % (
    name, o["pages"], prf(o), l["pages"], large, share("with_kept"), share("without_dropped")))
' "$name"
done
