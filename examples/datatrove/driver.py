#!/usr/bin/env python3
"""Run chaff's count -> merge -> learn -> cluster -> mark flow as datatrove executors.

    python driver.py --chaff /shared/bin/chaff --work /shared/run --partitions 3 \\
        /shared/crawl/shard-00000.jsonl /shared/crawl/shard-00001.jsonl ...

Five LocalPipelineExecutors, run one after the other, each once every task of the one
before has completed: count (tasks = shards), merge (tasks = partitions), learn (tasks =
shards), cluster (one task), mark (tasks = shards), plus with --whole one mark task over
every shard. Outputs are chaff_steps.py's, under --work; datatrove's logs and completion
markers under --work/logs (a rerun skips the tasks that completed: remove them to redo).
The stages are not chained with `depends=`: a local executor whose dependency has a failed
task waits for it in a loop of two-minute sleeps, where this driver stops and says which.

On a Slurm cluster the same steps run unchanged under SlurmPipelineExecutor: replace
`LocalPipelineExecutor(pipeline=..., tasks=..., workers=..., logging_dir=..., depends=...)`
with `SlurmPipelineExecutor(pipeline=..., tasks=..., logging_dir=..., depends=...,
partition="cpu", time="02:00:00", cpus_per_task=THREADS, job_name="chaff-count")`, with
the chaff binary, the shards and --work on a file system every node mounts. Each stage is
then a Slurm job array that waits for the one before (`depends` becomes an afterok
dependency), and a failed task is rerun alone by launching the driver again.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time

from datatrove.executor import LocalPipelineExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chaff_steps import ChaffCluster, ChaffCount, ChaffLearn, ChaffMark, ChaffMerge  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("shards", nargs="+", help="input shards, in order")
    p.add_argument("--chaff", required=True, help="path of the chaff binary")
    p.add_argument("--work", required=True, help="folder for counts, outputs and logs")
    p.add_argument("--partitions", type=int, default=1, help="hash partitions of the merge")
    p.add_argument("--workers", type=int, default=-1, help="tasks run at once (-1: all)")
    p.add_argument("--threads", type=int, default=1, help="threads per chaff task")
    p.add_argument("--flags", default="", help="input and detection flags, e.g. '--site-field site'")
    p.add_argument("--dedup-flags", default="", help="duplicate detection flags, e.g. '--no-dedup'")
    p.add_argument("--mark-flags", default="", help="more mark outputs ({name}: the shard)")
    p.add_argument("--whole", action="store_true", help="also one mark task over every shard")
    args = p.parse_args()
    if args.partitions < 1:
        p.error("--partitions must be at least 1")

    work = os.path.abspath(args.work)
    logs = os.path.join(work, "logs")
    step = dict(
        chaff=args.chaff,
        work=work,
        shards=args.shards,
        flags=shlex.split(args.flags),
        threads=args.threads,
    )
    n, k = args.partitions, len(args.shards)
    dedup = shlex.split(args.dedup_flags)

    mark_flags = shlex.split(args.mark_flags)
    stages = [
        ("count", ChaffCount(**step), k),
        ("merge", ChaffMerge(**step), n),
        ("learn", ChaffLearn(**step, partitions=n, dedup_flags=dedup), k),
        ("cluster", ChaffCluster(**step, partitions=n), 1),
        ("mark", ChaffMark(**step, partitions=n, dedup_flags=dedup, outputs=mark_flags), k),
    ]
    if args.whole:
        whole = ChaffMark(**step, partitions=n, dedup_flags=dedup, outputs=mark_flags, whole=True)
        stages.append(("mark-whole", whole, 1))
    started = time.monotonic()
    for name, chaff_step, tasks in stages:
        executor = LocalPipelineExecutor(
            pipeline=[chaff_step],
            tasks=tasks,
            workers=min(args.workers, tasks) if args.workers > 0 else tasks,
            logging_dir=os.path.join(logs, name),
        )
        executor.run()
        incomplete = executor.get_incomplete_ranks(range(tasks))
        if incomplete:
            print(f"driver: {name}: tasks {incomplete} failed; see {logs}/{name}/logs", file=sys.stderr)
            return 1
    print(
        f"driver: {k} shards, {n} partitions{' and the whole corpus' if args.whole else ''}"
        f" in {time.monotonic() - started:.1f} s; outputs in {work}/out",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
