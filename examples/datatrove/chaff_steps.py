"""chaff's distributed passes (docs/distributed.md) as datatrove pipeline steps.

Each step runs the chaff binary on one task's share of the work: the task's `rank` picks
its shard (count, learn, mark) or its hash partition (merge). datatrove schedules the tasks
(LocalPipelineExecutor on one machine, SlurmPipelineExecutor on a cluster) and records which
finished; the counts and the marked outputs stay files under `work`, on a path every task
sees, and never pass through the pipeline. The steps pass any documents they are given
through unchanged, so they sit in a pipeline of other steps as well.

    work/counts/K.counts        shard K's counts              (ChaffCount, tasks = shards)
    work/parts/part-I.counts    partition I of the merge      (ChaffMerge, tasks = partitions)
    work/learned/K.learned      what was learned of shard K   (ChaffLearn, tasks = shards)
    work/corpus.clusters        site medians, duplicates      (ChaffCluster, tasks = 1)
    work/out/K.*                shard K marked as one scan    (ChaffMark, tasks = shards)
                                would mark it

See driver.py for the five executors chained with `depends`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import Iterable, Sequence

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep


class ChaffStep(PipelineStep):
    """A step that runs one chaff command per task; subclasses say which."""

    type = "🌾 - CHAFF"

    def __init__(
        self,
        chaff: str,
        work: str,
        shards: Sequence[str],
        flags: Sequence[str] = (),
        threads: int = 1,
    ):
        super().__init__()
        self.chaff = os.path.abspath(chaff)
        self.work = os.path.abspath(work)
        self.shards = [os.path.abspath(s) for s in shards]
        self.flags = list(flags)
        self.threads = threads

    def common(self) -> list[str]:
        return [self.chaff, "--quiet", "--threads", str(self.threads)]

    def counts(self, partitions: int) -> list[str]:
        """`--counts` of every merged partition."""
        return [
            a for i in range(partitions) for a in ("--counts", f"{self.work}/parts/part-{i}.counts")
        ]

    def shard(self, rank: int, world_size: int) -> str:
        if world_size != len(self.shards):
            raise ValueError(f"{self.name}: run with tasks = {len(self.shards)} (one per shard)")
        return self.shards[rank]

    def chaff_run(self, argv: list[str]) -> None:
        """Runs chaff; a failure fails the task (datatrove then reruns only the failed ones)."""
        with self.track_time():
            proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace")[-4000:]
            raise RuntimeError(f"{shlex.join(argv)} exited {proc.returncode}:\n{err}")
        self.stat_update("chaff_runs")

    def command(self, rank: int, world_size: int) -> list[str]:
        raise NotImplementedError

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for sub in ("counts", "parts", "learned", "out"):
            os.makedirs(os.path.join(self.work, sub), exist_ok=True)
        self.chaff_run(self.command(rank, world_size))
        if data:
            yield from data


class ChaffCount(ChaffStep):
    """Map: task K counts shard K."""

    name = "chaff count"

    def command(self, rank: int, world_size: int) -> list[str]:
        shard = self.shard(rank, world_size)
        chaff, *rest = self.common()
        return [chaff, "count", *rest, *self.flags, "-o", f"{self.work}/counts/{rank}.counts", shard]


class ChaffMerge(ChaffStep):
    """Reduce: task I of N merges hash partition I/N of every shard's counts."""

    name = "chaff merge"

    def command(self, rank: int, world_size: int) -> list[str]:
        counts = [f"{self.work}/counts/{k}.counts" for k in range(len(self.shards))]
        return [
            self.chaff, "merge", "--quiet", *counts, "--partition", f"{rank}/{world_size}",
            "-o", f"{self.work}/parts/part-{rank}.counts",
        ]


class ChaffLearn(ChaffStep):
    """Map: task K learns shard K's kept lengths and duplicate signatures."""

    name = "chaff learn"

    def __init__(self, *args, partitions: int = 1, dedup_flags: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.partitions = partitions
        self.dedup_flags = list(dedup_flags)

    def command(self, rank: int, world_size: int) -> list[str]:
        shard = self.shard(rank, world_size)
        chaff, *rest = self.common()
        return [
            chaff, "learn", *rest, *self.flags, *self.dedup_flags, *self.counts(self.partitions),
            "-o", f"{self.work}/learned/{rank}.learned", shard,
        ]


class ChaffCluster(ChaffStep):
    """Reduce: one task clusters every shard's learned file."""

    name = "chaff cluster"

    def __init__(self, *args, partitions: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.partitions = partitions

    def command(self, rank: int, world_size: int) -> list[str]:
        if world_size != 1:
            raise ValueError("chaff cluster: run with tasks = 1")
        learned = [
            a for k in range(len(self.shards)) for a in ("--learned", f"{self.work}/learned/{k}.learned")
        ]
        return [
            self.chaff, "cluster", "--quiet", *self.counts(self.partitions), *learned,
            "-o", f"{self.work}/corpus.clusters",
        ]


class ChaffMark(ChaffStep):
    """Map: task K marks shard K against the merged counts and the clusters file, writing
    work/out/K.report.json and K.spans.jsonl plus any `outputs` ({name} is K): the outputs
    one scan of the whole corpus gives for those documents. With `whole`, one task marks
    every shard at once (work/out/all.*), as one scan would."""

    name = "chaff mark"

    def __init__(
        self,
        *args,
        partitions: int = 1,
        dedup_flags: Sequence[str] = (),
        outputs: Iterable[str] = (),
        whole: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.partitions = partitions
        self.dedup_flags = list(dedup_flags)
        self.outputs = list(outputs)
        self.whole = whole

    def command(self, rank: int, world_size: int) -> list[str]:
        if self.whole:
            if world_size != 1:
                raise ValueError("chaff mark (whole): run with tasks = 1")
            name, inputs, learned = "all", self.shards, []
        else:
            name = str(rank)
            inputs = [self.shard(rank, world_size)]
            learned = ["--clusters", f"{self.work}/corpus.clusters"]
        out = f"{self.work}/out/{name}"
        extra = [a.replace("{name}", name) for a in self.outputs]
        chaff, *rest = self.common()
        return [
            chaff, "mark", *rest, *self.flags, *self.dedup_flags, *self.counts(self.partitions),
            *learned, "--report", f"{out}.report.json", "--annotations", f"{out}.spans.jsonl",
            *extra, *inputs,
        ]
