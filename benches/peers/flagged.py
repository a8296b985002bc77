"""Lines each tool flagged, for benches/peers.sh's table: `flagged.py KIND PATH`.

- chaff PATH: the --annotations file; lines inside spans (boilerplate, first copies included);
- dolma PATH: the attributes folder; one span per repeated paragraph (every copy after the
  first one the Bloom filter saw, and its false positives);
- datatrove PATH: the filter stage's stats.json; lines removed (those in a window of N lines
  seen before, every copy after the first).
"""

import json
import pathlib
import sys

kind, path = sys.argv[1], pathlib.Path(sys.argv[2])
n = 0
if kind == "chaff":
    with open(path, "rb") as f:
        for line in f:
            for span in json.loads(line).get("spans") or []:
                n += span["last_line"] - span["first_line"] + 1
elif kind == "dolma":
    for attrs in sorted(path.rglob("*.jsonl")):
        with open(attrs, "rb") as f:
            for line in f:
                for spans in json.loads(line)["attributes"].values():
                    n += len(spans)
elif kind == "datatrove":
    for step in json.loads(path.read_text()):
        removed = step["stats"].get("removed_sentences")
        if removed:
            n += removed["total"] if isinstance(removed, dict) else removed
else:
    sys.exit(f"unknown kind {kind}")
print(n)
