"""`rasd analyze --dask SCHEDULER`: the analysis on a dask.distributed cluster, this process the one writer.

A worker plugin gives every worker the Analysis and has it load the read-only resources once, as it joins
(again for a worker that replaces a dead one).  Inputs are read here and sent in chunks; each task returns its
chunk's document rows, and this process writes them in input order (rasd.runner.distribute), so the workers
never need to reach the database and the database is the one a single process would have written.

A worker that dies mid-run loses nothing: the scheduler runs its unfinished chunks again on another worker, and
each chunk's result is written once, when this process receives it; an input already stored is never written
twice (rasd.runner.batch).  The workers need rasd installed, the same version as here.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, get_worker

from rasd.limits import CHUNKS_AHEAD_PER_WORKER
from rasd.runner.batch import AnalysedInputs, Analysis
from rasd.runner.distribute import ChunkResult, WorkerLost, WorkerStats, analyse_chunk, in_input_order

PLUGIN_NAME = "rasd-analysis"


class ClusterUnavailable(RuntimeError):
    """The cluster cannot be reached, or has no worker to analyse anything."""


@contextmanager
def connect(scheduler: str, local_workers: int) -> Iterator[Client]:
    """A client of the cluster at `scheduler` ('tcp://HOST:PORT'), or of a LocalCluster started here with
    `local_workers` single-threaded worker processes when `scheduler` is 'local'."""
    if scheduler == "local":
        with LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterUnavailable(f"cannot connect to the Dask scheduler {scheduler}: {e}") from None
    with client:
        yield client


class DaskCluster:
    """The workers of a cluster; `stats` holds what each reported during the last run (load time, peak memory)."""

    def __init__(self, client: Client):
        self.client = client
        self.stats: dict[str, WorkerStats] = {}

    @contextmanager
    def start(self, analysis: Analysis) -> Iterator[AnalysedInputs]:
        workers = len(self.client.scheduler_info()["workers"])
        if not workers:
            raise ClusterUnavailable(f"the Dask cluster at {self.client.scheduler.address} has no workers")
        self.client.register_plugin(AnalysisPlugin(analysis), name=PLUGIN_NAME)
        ahead = workers * CHUNKS_AHEAD_PER_WORKER
        try:
            yield lambda items: in_input_order(
                items, lambda chunk: self.client.submit(_analyse, chunk, pure=False), ahead, self.stats)
        except KilledWorker as e:  # the scheduler gave up on a chunk after it took several workers down with it
            raise WorkerLost(f"Dask workers died analysing one chunk: {e}") from e


class AnalysisPlugin(WorkerPlugin):
    """Gives a worker the Analysis and loads its resources once, as the worker joins."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.load_s = 0.0

    async def setup(self, worker) -> None:
        # loading takes seconds: in a thread, so that the worker keeps answering the scheduler meanwhile
        self.load_s = await asyncio.get_running_loop().run_in_executor(None, self.analysis.pipeline.warm_up)


def _analyse(chunk) -> ChunkResult:
    plugin: AnalysisPlugin = get_worker().plugins[PLUGIN_NAME]
    return analyse_chunk(plugin.analysis, chunk, plugin.load_s)
