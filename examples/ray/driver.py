#!/usr/bin/env python3
"""Run chaff's count -> merge -> learn -> cluster -> mark flow (docs/distributed.md) as Ray tasks.

    python driver.py --chaff /shared/bin/chaff --work /shared/run --partitions 3 \\
        /shared/crawl/shard-00000.jsonl /shared/crawl/shard-00001.jsonl ...

One task per input shard runs `chaff count`, one task per hash partition runs
`chaff merge --partition i/n` over every shard's counts, one task per shard runs
`chaff learn` against all the partitions (each document's kept length and duplicate
signature), one task runs `chaff cluster` over every shard's learned file (the site medians
and the duplicate clusters, worked out once), and one task per shard runs `chaff mark`
against all the partitions and that clusters file, so that each shard is marked exactly as
one scan would mark it. Ray only schedules the binary over paths: the
inputs, the chaff binary and --work must be on a path every node sees (a shared file
system), and no counts ever pass through Ray's object store.

Outputs under --work:

    counts/K.counts            the counts of shard K
    parts/part-I.counts        hash partition I of N of the merged counts
    learned/K.learned          what was learned of shard K
    corpus.clusters            the site medians and duplicate clusters of the corpus
    out/K.report.json          report and annotations of shard K (its documents, marked
    out/K.spans.jsonl          as one scan of the whole corpus marks them)
    out/all.report.json        with --whole: one mark task over every shard, byte for byte
    out/all.spans.jsonl        the report and annotations of one `chaff scan`

The same driver runs on a local cluster (no --address: `ray.init()` starts one on this
machine) and on a real one (`--address auto` on a cluster node, or `ray://HEAD:10001`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time

import ray


@ray.remote
def chaff_task(argv: list[str], *after: str) -> str:
    """Runs one chaff command; `after` holds the outputs of the tasks it waits for.

    Returns a line for the log: the time it took and the file it wrote.
    """
    del after  # Only there so that Ray schedules this task after those.
    started = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")[-4000:]
        raise RuntimeError(f"{shlex.join(argv)} exited {proc.returncode}:\n{err}")
    wrote = argv[argv.index("-o") + 1] if "-o" in argv else argv[argv.index("--report") + 1]
    return f"{time.monotonic() - started:6.2f} s  chaff {argv[1]:5}  {wrote}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("shards", nargs="+", help="input shards (files or folders), in order")
    p.add_argument("--chaff", required=True, help="path of the chaff binary on every node")
    p.add_argument("--work", required=True, help="shared folder for counts and outputs")
    p.add_argument("--partitions", type=int, default=1, help="hash partitions of the merge")
    p.add_argument("--address", help="Ray cluster to join (default: start a local one)")
    p.add_argument(
        "--flags",
        default="",
        help="input and detection flags for count and mark alike, e.g. '--site-field site'",
    )
    p.add_argument(
        "--dedup-flags",
        default="",
        help="duplicate detection flags for learn and mark alike, e.g. '--no-dedup'",
    )
    p.add_argument(
        "--mark-flags",
        default="",
        help="extra flags for mark only (more outputs), e.g. '--html report.html'",
    )
    p.add_argument(
        "--threads", type=int, default=1, help="threads (and Ray CPUs) per task"
    )
    p.add_argument(
        "--whole",
        action="store_true",
        help="also run one mark task over every shard (the report of the whole corpus)",
    )
    args = p.parse_args()
    if args.partitions < 1:
        p.error("--partitions must be at least 1")

    chaff = os.path.abspath(args.chaff)
    work = os.path.abspath(args.work)
    shards = [os.path.abspath(s) for s in args.shards]
    for sub in ("counts", "parts", "learned", "out"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)

    ray.init(address=args.address, log_to_driver=False)
    try:
        run(args, chaff, work, shards)
    finally:
        ray.shutdown()
    return 0


def run(args: argparse.Namespace, chaff: str, work: str, shards: list[str]) -> None:
    """Submits every task, with their dependencies, and waits for the last ones."""
    flags = shlex.split(args.flags)
    mark_flags = shlex.split(args.mark_flags)
    dedup_flags = shlex.split(args.dedup_flags)
    common = ["--quiet", "--threads", str(args.threads)]
    task = chaff_task.options(num_cpus=args.threads)
    started = time.monotonic()

    # Map: one count per shard.
    counts = [
        task.remote(
            [chaff, "count", *common, *flags, "-o", f"{work}/counts/{k}.counts", shard]
        )
        for k, shard in enumerate(shards)
    ]
    count_files = [f"{work}/counts/{k}.counts" for k in range(len(shards))]

    # Reduce: one merge per hash partition, each after every count.
    n = args.partitions
    parts = [
        task.remote(
            [
                chaff, "merge", *count_files, "--partition", f"{i}/{n}",
                "-o", f"{work}/parts/part-{i}.counts",
            ],
            *counts,
        )
        for i in range(n)
    ]
    with_counts = [a for i in range(n) for a in ("--counts", f"{work}/parts/part-{i}.counts")]

    # Map again: one learn per shard, after every merge.
    learns = [
        task.remote(
            [
                chaff, "learn", *common, *flags, *dedup_flags, *with_counts,
                "-o", f"{work}/learned/{k}.learned", shard,
            ],
            *parts,
        )
        for k, shard in enumerate(shards)
    ]
    with_learned = [
        a for k in range(len(shards)) for a in ("--learned", f"{work}/learned/{k}.learned")
    ]

    # Reduce again: one cluster task over every shard's learned file, so that no mark task
    # reads the signatures of the whole corpus.
    clusters = task.remote(
        [
            chaff, "cluster", "--quiet", *with_counts, *with_learned,
            "-o", f"{work}/corpus.clusters",
        ],
        *learns,
    )
    with_clusters = ["--clusters", f"{work}/corpus.clusters"]

    # And again: one mark per shard, after the cluster task (with --whole, one over them
    # all, which learns for itself).
    def mark(inputs: list[str], name: str, learned: list[str]):
        outputs = [
            "--report", f"{work}/out/{name}.report.json",
            "--annotations", f"{work}/out/{name}.spans.jsonl",
        ]
        argv = [
            chaff, "mark", *common, *flags, *dedup_flags, *mark_flags, *with_counts, *learned,
            *outputs, *inputs,
        ]
        return task.remote(argv, *parts, clusters)

    marks = [mark([shard], str(k), with_clusters) for k, shard in enumerate(shards)]
    if args.whole:
        marks.append(mark(shards, "all", []))
    for line in ray.get(counts + parts + learns + [clusters] + marks):
        print(line)
    print(
        f"driver: {len(shards)} shards, {n} partitions"
        f"{' and the whole corpus' if args.whole else ''} in {time.monotonic() - started:.1f} s;"
        f" outputs in {work}/out",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
