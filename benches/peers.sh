#!/usr/bin/env bash
# chaff against its peers on one generated crawl, side by side, in one run.
#
#   benches/peers.sh [--size 1G] [--sites 1000] [--seed 7] [--only NAME] [--skip NAME,...]
#
# NAME: floor, chaff (its four runs), chaff-scan (the first alone: for a scaling line),
# dolma, datatrove.
#
# 1. Builds chaff and the floor (examples/floor.rs) in release mode, and installs each peer
#    into its own virtualenv under the target folder when it is missing: venv-dolma
#    (`dolma`, which pins numpy below 2) and venv-datatrove (`datatrove`, which needs numpy
#    2, plus what its SentenceDedup blocks import: regex, xxhash below 4 (4 refuses str),
#    tokenizers, orjson, spacy).
# 2. Generates `chaff gen --size SIZE --sites N --seed S` as JSONL into
#    target/peers/corpus-SIZE-sN-S/ once (shards of SIZE/8, at most 64 MiB, so that every
#    tool has files to spread over the cores), and reads it once to have it in the page cache.
# 3. Times each of these with /usr/bin/time -v on those files, noting the load average:
#    - floor: read every line of the files and xxh3 it (one thread); floor --json: decode
#      each record with serde_json and xxh3 each line of its text;
#    - chaff scan, default threads and --threads 1, duplicates on and --no-dedup, each
#      writing --annotations (the flagged spans of every document);
#    - dolma dedupe, paragraph mode (one paragraph a line), Bloom filter sized for the
#      corpus (estimated_doc_count: its text lines, from floor --json; false positive rate
#      $DOLMA_FPR, default 1e-4), processes = cores and 1; it writes attribute files with
#      the spans of repeated paragraphs;
#    - datatrove SentenceDedup (signature, find dedups, filter, each a
#      LocalPipelineExecutor; split_sentences=False, so one line is one sentence; windows of
#      $DATATROVE_N_SENTENCES lines, default 3 as in datatrove and C4), one task per file,
#      workers = cores; it writes the kept text. Its filter stage's document filters (drop a
#      document left with under 50 words or 3 sentences) are off, as chaff and dolma drop no
#      document: with them (DATATROVE_DOC_FILTERS=1) spaCy tokenizes every changed document
#      and the run takes about 15 times longer.
# 4. Prints a Markdown table (wall time, peak RSS, MB/s of input, each time's ratio to chaff
#    scan's, the load average when the run started) and writes it to target/peers-results.md.
#
# Peak RSS twice: GNU time's (the largest single process it waited for: it misses
# datatrove's pool workers) and the peak of the sum over all the run's processes, sampled
# every 0.1 s from /proc (benches/peers/measure.py), and the CPU time of all the run's
# processes, which varies less than the wall time when others share the machine. Every run's output is in
# target/peers/logs/. Idempotent: installs and the corpus are made only when missing, and
# each tool's output folder is cleared before its run. Not part of ./test.sh or CI: it takes
# minutes per GiB (datatrove most of them). PEERS_TIMEOUT (seconds, default 7200) caps each
# run.
set -euo pipefail
cd "$(dirname "$0")/.."

size=1G
sites=1000
seed=7
only=
skip=,
while [[ $# -gt 0 ]]; do
    case $1 in
        --size) size=$2; shift 2 ;;
        --sites) sites=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --skip) skip=,$2,; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
        *) echo "peers: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ ${CI:-} == true ]]; then
    echo "peers: not run in CI (it installs the peers and takes minutes)" >&2
    exit 0
fi

target=${CARGO_TARGET_DIR:-$PWD/target}
peers=$target/peers
logs=$peers/logs
mkdir -p "$logs"
cores=$(nproc)
DOLMA_VERSION=1.2.1
DATATROVE_VERSION=0.10.1
DOLMA_FPR=${DOLMA_FPR:-0.0001}
DATATROVE_N_SENTENCES=${DATATROVE_N_SENTENCES:-3}
DATATROVE_DOC_FILTERS=${DATATROVE_DOC_FILTERS:-}
PEERS_TIMEOUT=${PEERS_TIMEOUT:-7200}

log() { echo "peers: $*" >&2; }
wanted() { [[ -z $only || $only == "$1" ]] && [[ $skip != *",$1,"* ]]; }

# --- 1. Build and install -------------------------------------------------------------------
log "building chaff and the floor"
cargo build --release --quiet --bin chaff --example floor
chaff=$target/release/chaff
floor=$target/release/examples/floor

# venv NAME CHECK PACKAGES...: creates target/venv-NAME and pip-installs PACKAGES when the
# Python snippet CHECK fails in it.
venv() {
    local dir=$target/venv-$1 check=$2
    shift 2
    if ! "$dir/bin/python" -c "$check" 2>/dev/null; then
        log "installing $* into $dir"
        python3 -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
        "$dir/bin/python" -c "$check"
    fi
}
if wanted dolma; then
    # s3fs==2023.6.0 (a dolma pin) wants aiobotocore 2.5, which wants boto3 1.28.17: without
    # these two pins pip backtracks through every boto3 release for many minutes.
    venv dolma "import dolma, importlib.metadata as m; assert m.version('dolma') == '$DOLMA_VERSION'" \
        "dolma==$DOLMA_VERSION" boto3==1.28.17 aiobotocore==2.5.4
fi
if wanted datatrove; then
    venv datatrove "import datatrove, spacy, xxhash, orjson, tokenizers, regex, importlib.metadata as m; \
assert m.version('datatrove') == '$DATATROVE_VERSION'" \
        "datatrove==$DATATROVE_VERSION" regex 'xxhash<4' tokenizers orjson spacy
fi

# --- 2. The corpus --------------------------------------------------------------------------
bytes=$(numfmt --from=iec "$size")
shard=$((bytes / 8 < 64 << 20 ? bytes / 8 : 64 << 20))
corpus=$peers/corpus-$size-s$sites-$seed
if [[ ! -f $corpus/.done ]]; then
    rm -rf "$corpus"
    log "generating $size ($sites sites, seed $seed) into $corpus"
    "$chaff" gen --quiet --size "$size" --sites "$sites" --seed "$seed" --shard-size "$shard" \
        "$corpus"
    touch "$corpus/.done"
fi
files=("$corpus"/*.jsonl)
input_bytes=$(cat "${files[@]}" | wc -c)
cat "${files[@]}" >/dev/null # into the page cache, for every tool alike
log "corpus: ${#files[@]} files, $input_bytes bytes; $cores cores"

# --- 3. The runs ----------------------------------------------------------------------------
results=$peers/results.tsv
flagged=$peers/flagged.tsv
: >"$results"
: >"$flagged"

# flagged NAME KIND PATH: records how many lines the run NAME flagged (benches/peers/flagged.py).
flagged() {
    local n
    n=$(python3 benches/peers/flagged.py "$2" "$3") && printf '%s\t%s\n' "$1" "$n" >>"$flagged"
}

# run NAME COMMAND...: times COMMAND, appends NAME, wall seconds, CPU seconds (all its
# processes), peak RSS KiB (GNU time's:
# the largest process), peak RSS KiB of all its processes together (benches/peers/measure.py)
# and the load to $results; its output goes to $logs/NAME.log.
slug() { tr -c 'a-zA-Z0-9\n' '-' <<<"$1"; }

run() {
    local name=$1 slug
    shift
    slug=$(slug "$name")
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    log "$name (load $load)"
    local status=0
    timeout "$PEERS_TIMEOUT" python3 benches/peers/measure.py "$logs/$slug.measure" \
        /usr/bin/time -v -o "$logs/$slug.time" "$@" >"$logs/$slug.log" 2>&1 || status=$?
    if [[ $status -ne 0 ]]; then
        log "$name failed (exit $status): see $logs/$slug.log"
        printf '%s\t\t\t\t\t%s\tfailed (exit %s)\n' "$name" "$load" "$status" >>"$results"
        return 0
    fi
    local wall cpu tree rss
    read -r wall cpu tree <"$logs/$slug.measure"
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$logs/$slug.time")
    # A run shorter than the sampling step is missed by the sampler but not by GNU time, which
    # misses processes it does not wait for: the larger of the two.
    cpu=$(awk -F': ' -v s="$cpu" '/(User|System) time/ { t += $2 } END { print (t > s ? t : s) }' \
        "$logs/$slug.time")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t\n' "$name" "$wall" "$cpu" "$rss" "$tree" "$load" \
        >>"$results"
    log "$name: $wall s, $((rss / 1024)) MiB"
}

lines=
if wanted floor || wanted dolma; then
    run "floor (read + xxh3 per file line, 1 thread)" "$floor" "${files[@]}"
    run "floor --json (+ serde_json, xxh3 per text line)" "$floor" --json "${files[@]}"
    lines=$(grep -o '[0-9]* lines' "$logs/$(slug "floor --json (+ serde_json, xxh3 per text line)").log" |
        cut -d' ' -f1)
fi

if wanted chaff || wanted chaff-scan; then
    out=$peers/chaff
    rm -rf "$out" && mkdir -p "$out"
    run "chaff scan" "$chaff" scan --quiet --annotations "$out/spans.jsonl" "${files[@]}"
    flagged "chaff scan" chaff "$out/spans.jsonl"
fi
if wanted chaff; then
    run "chaff scan --threads 1" "$chaff" scan --quiet --threads 1 \
        --annotations "$out/spans.jsonl" "${files[@]}"
    run "chaff scan --no-dedup" "$chaff" scan --quiet --no-dedup \
        --annotations "$out/spans.jsonl" "${files[@]}"
    run "chaff scan --no-dedup --threads 1" "$chaff" scan --quiet --no-dedup --threads 1 \
        --annotations "$out/spans.jsonl" "${files[@]}"
fi

if wanted dolma; then
    # dolma reads paths under a `documents` folder and writes `attributes/NAME/` beside it; it
    # loads the Bloom filter file when it exists, so each run starts without one.
    for processes in "$cores" 1; do
        work=$peers/dolma
        rm -rf "$work" && mkdir -p "$work/documents"
        ln -s "${files[@]}" "$work/documents/"
        cat >"$work/config.json" <<EOF
{
  "documents": ["$work/documents/*.jsonl"],
  "dedupe": {
    "name": "dedupe_paragraphs",
    "paragraphs": {"attribute_name": "bff_duplicate_paragraph_spans"},
    "skip_empty": true
  },
  "bloom_filter": {
    "file": "$work/bloom.bin",
    "read_only": false,
    "estimated_doc_count": ${lines:-$((input_bytes / 40))},
    "desired_false_positive_rate": $DOLMA_FPR
  },
  "processes": $processes
}
EOF
        name="dolma dedupe, $processes process"
        [[ $processes -eq 1 ]] || name+=es
        run "$name" "$target/venv-dolma/bin/dolma" -c "$work/config.json" dedupe
        flagged "$name" dolma "$work/attributes"
    done
fi

if wanted datatrove; then
    work=$peers/datatrove
    rm -rf "$work"
    name="datatrove SentenceDedup, $cores workers${DATATROVE_DOC_FILTERS:+, doc filters}"
    run "$name" "$target/venv-datatrove/bin/python" benches/peers/datatrove_sentdedup.py "$corpus" \
        "$work" --tasks "${#files[@]}" --workers "$cores" \
        --n-sentences "$DATATROVE_N_SENTENCES" ${DATATROVE_DOC_FILTERS:+--doc-filters}
    flagged "$name" datatrove "$work/logs/filter/stats.json"
fi

# --- 4. The table ---------------------------------------------------------------------------
table=$target/peers-results.md
python3 - "$results" "$flagged" "$input_bytes" "$size" "${#files[@]}" "$sites" "$seed" \
    "$cores" "${lines:-0}" >"$table" <<'EOF'
import sys

path, flagged, nbytes, size, nfiles, sites, seed, cores, lines = sys.argv[1:]
nbytes, lines = int(nbytes), int(lines)
rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
flagged = dict(line.rstrip("\n").split("\t") for line in open(flagged) if line.strip())
base = next((float(r[1]) for r in rows if r[0] == "chaff scan" and r[1]), None)
print(
    f"Corpus: `chaff gen --size {size} --sites {sites} --seed {seed}`, {nfiles} JSONL files, "
    f"{nbytes / 1e6:.0f} MB, {lines} lines of text; {cores} cores. `vs chaff`: wall time over "
    "`chaff scan`'s. `load`: the 1-minute load average as the run started. `flagged`: lines "
    "in chaff's spans (boilerplate, first copies included), dolma's repeated paragraphs, "
    "datatrove's removed lines (both: every copy after the first). `peak RSS`: GNU time's "
    "(the largest single process); `all processes`: the peak of their sum, sampled every 0.1 s. "
    "`CPU`: user + system time of all processes: on a shared machine it varies less than "
    "the wall time."
)
print()
print(
    "| run | wall (s) | CPU (s) | MB/s | vs chaff | peak RSS (MiB) | all processes (MiB) "
    "| load | flagged |"
)
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, wall, cpu, rss, tree, load, note in rows:
    if not wall:
        print(f"| {name} | {note} | | | | | | {load} | |")
        continue
    wall = float(wall)
    ratio = f"{wall / base:.3g}x" if base else ""
    mbs = nbytes / 1e6 / wall if wall > 0 else float("inf")
    n = flagged.get(name)
    share = f"{int(n) / lines:.1%}" if n and lines else (n or "")
    print(
        f"| {name} | {wall:.3g} | {float(cpu):.3g} | {mbs:.0f} | {ratio} | {int(rss) / 1024:.0f} "
        f"| {int(tree) / 1024:.0f} | {load} | {share} |"
    )
EOF
echo
cat "$table"
log "written to $table"
