"""Helper of tests/dolma/check.sh.

    check.py write CORPUS DOCUMENTS   DOCUMENTS/a.jsonl.gz and DOCUMENTS/sub/b.jsonl.gz
    check.py compare WORK             WORK/mixed/*.gz against WORK/clean.jsonl, by id
"""

import glob
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pipeline_records import records  # noqa: E402


def write(corpus, documents):
    rows = records(corpus)
    half = len(rows) // 2
    for name, part in (("a", rows[:half]), ("sub/b", rows[half:])):
        path = os.path.join(documents, name + ".jsonl.gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8") as f:
            for r in part:
                doc = {"id": r["id"], "text": r["text"], "source": "chaff-test", "site": r["site"]}
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")


def compare(work):
    with open(os.path.join(work, "clean.jsonl"), encoding="utf-8") as f:
        clean = {r["id"]: r["text"] for r in map(json.loads, f)}
    mixed = {}
    for path in sorted(glob.glob(os.path.join(work, "mixed", "*.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                mixed[r["id"]] = r["text"]
    ok = True
    if set(mixed) != set(clean):
        print(f"ids: {len(mixed)} mixed, {len(clean)} clean; differ: {sorted(set(mixed) ^ set(clean))[:5]}", file=sys.stderr)
        ok = False
    non_ascii_cleaned = 0
    for id_, text in clean.items():
        got = mixed.get(id_)
        if got is not None and got != text:
            print(f"{id_}: dolma gives\n {got[:300]!r}\nchaff --clean gives\n {text[:300]!r}", file=sys.stderr)
            ok = False
    rows = {r["id"]: r["text"] for r in records("corpus")}
    for id_, text in clean.items():
        original = rows.get(id_)
        if original is not None and text != original and not original.isascii():
            non_ascii_cleaned += 1
    if non_ascii_cleaned < 8:
        print(f"only {non_ascii_cleaned} non-ASCII documents had spans removed", file=sys.stderr)
        ok = False
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    else:
        sys.exit(0 if compare(sys.argv[2]) else 1)
