"""Helper of tests/parquet/check.sh: writes the inputs, then compares the outputs.

    check.py write CORPUS WORK     WORK/in/{a,sub/b}.parquet and WORK/in-jsonl/{a,sub/b}.jsonl
    check.py compare WORK          WORK/out/... against WORK/in/... and WORK/clean.jsonl
"""

import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pipeline_records import records  # noqa: E402


def table(rows):
    """Rows with more columns of several types, the text column in the middle."""
    n = len(rows)
    return pa.table(
        {
            "id": pa.array([r["id"] for r in rows], pa.string()),
            "text": pa.array([r["text"] for r in rows], pa.string()),
            "url": pa.array([r["url"] for r in rows], pa.string()),
            "site": pa.array([r["site"] for r in rows], pa.string()),
            "token_count": pa.array([len(r["text"] or "") // 4 for r in rows], pa.int64()),
            "score": pa.array([i / 7 for i in range(n)], pa.float64()),
            "tags": pa.array([[r["site"], "x" * (i % 3)] for i, r in enumerate(rows)], pa.list_(pa.string())),
            "meta": pa.array([{"dump": "CC-MAIN-2024-10", "row": i} for i in range(n)]),
        }
    ).replace_schema_metadata({"made_by": "tests/parquet/check.py"})


def write(corpus, work):
    rows = records(corpus)
    # One row with a null text: a bad record, copied through unchanged.
    rows.insert(8, {"id": "null-text", "url": "https://null.example/", "site": "null.example", "text": None})
    half = 25
    for name, part in (("a", rows[:half]), ("sub/b", rows[half:])):
        path = os.path.join(work, "in", name + ".parquet")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pq.write_table(table(part), path, row_group_size=7)
        path = os.path.join(work, "in-jsonl", name + ".jsonl")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


def compare(work):
    with open(os.path.join(work, "clean.jsonl"), encoding="utf-8") as f:
        clean = [json.loads(line) for line in f]
    kept = iter(r["text"] for r in clean)
    ok = True
    changed = 0
    for name in ("a", "sub/b"):
        original = pq.read_table(os.path.join(work, "in", name + ".parquet"))
        cleaned = pq.read_table(os.path.join(work, "out", name + ".parquet"))
        if not cleaned.schema.equals(original.schema, check_metadata=True):
            print(f"{name}: schema\n{cleaned.schema}\nis not\n{original.schema}", file=sys.stderr)
            ok = False
        if cleaned.num_rows != original.num_rows:
            print(f"{name}: {cleaned.num_rows} rows, not {original.num_rows}", file=sys.stderr)
            return False
        for column in original.column_names:
            if column != "text" and not cleaned[column].equals(original[column]):
                print(f"{name}: column {column} changed", file=sys.stderr)
                ok = False
        for i, (before, after) in enumerate(zip(original["text"].to_pylist(), cleaned["text"].to_pylist())):
            if before is None:
                if after is not None:
                    print(f"{name}: row {i}: the null text became {after!r}", file=sys.stderr)
                    ok = False
                continue
            want = next(kept)
            changed += after != before
            if after != want:
                print(f"{name}: row {i}: {after[:200]!r}\n is not the JSONL clean text\n {want[:200]!r}", file=sys.stderr)
                ok = False
    if next(kept, None) is not None:
        print("the JSONL clean output has more records", file=sys.stderr)
        ok = False
    if changed == 0:
        print("no text was cleaned at all", file=sys.stderr)
        ok = False
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    else:
        sys.exit(0 if compare(sys.argv[2]) else 1)
