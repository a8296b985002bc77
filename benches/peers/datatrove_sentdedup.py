"""datatrove's SentenceDedup, as benches/peers.sh runs it: one line of text is one sentence.

    python datatrove_sentdedup.py INPUT_DIR WORK_DIR --tasks T --workers W [--n-sentences N]

The three stages of datatrove's sentence dedup, each a LocalPipelineExecutor:
1. JsonlReader + SentenceDedupSignature: hashes of every N consecutive lines, per task;
2. SentenceFindDedups: merges the sorted signatures, finds the repeated windows (one task);
3. JsonlReader + SentenceDedupFilter + JsonlWriter: drops them and writes the kept text.

`split_sentences=False` makes datatrove split on newlines instead of running a sentence
splitter, so that it compares the same lines as chaff and dolma. Its filter stage also drops
a document left with under 50 words or 3 sentences, which word-tokenizes every changed
document with spaCy (about 0.15 MB/s a core here, 95% of the run); chaff and dolma drop
nothing, so that is off unless --doc-filters.
"""

import argparse
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.sentence_dedup import (
    SentDedupConfig,
    SentenceDedupFilter,
    SentenceDedupSignature,
    SentenceFindDedups,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("input_dir")
    p.add_argument("work_dir")
    p.add_argument("--tasks", type=int, required=True, help="tasks of stages 1 and 3")
    p.add_argument("--workers", type=int, required=True, help="processes at once")
    p.add_argument("--n-sentences", type=int, default=3, help="lines per hashed window")
    p.add_argument(
        "--doc-filters",
        action="store_true",
        help="keep datatrove's document filters (drop a deduplicated document under 50 words "
        "or 3 sentences, which word-tokenizes every changed document with spaCy)",
    )
    args = p.parse_args()

    config = SentDedupConfig(n_sentences=args.n_sentences, split_sentences=False)
    if not args.doc_filters:
        # Dedup alone, as chaff and dolma do: no document is dropped for what is left of it.
        config.min_doc_words = 0
        config.min_num_sentences = 0
    work = args.work_dir
    logs = f"{work}/logs"

    def reader():
        return JsonlReader(args.input_dir, glob_pattern="*.jsonl", text_key="text", id_key="id")

    stages = [
        LocalPipelineExecutor(
            pipeline=[reader(), SentenceDedupSignature(output_folder=f"{work}/sigs", config=config)],
            tasks=args.tasks,
            workers=args.workers,
            logging_dir=f"{logs}/signatures",
            skip_completed=False,
        ),
        LocalPipelineExecutor(
            pipeline=[
                SentenceFindDedups(data_folder=f"{work}/sigs", output_folder=f"{work}/dups", config=config)
            ],
            tasks=1,
            workers=1,
            logging_dir=f"{logs}/find",
            skip_completed=False,
        ),
        LocalPipelineExecutor(
            pipeline=[
                reader(),
                SentenceDedupFilter(data_folder=f"{work}/dups", config=config),
                JsonlWriter(f"{work}/output", compression=None),
            ],
            tasks=args.tasks,
            workers=args.workers,
            logging_dir=f"{logs}/filter",
            skip_completed=False,
        ),
    ]
    for name, stage in zip(["signatures", "find dedups", "filter"], stages):
        started = time.monotonic()
        stage.run()
        print(f"datatrove {name}: {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
