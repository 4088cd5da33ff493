"""`rasd analyze --workers N`: the analysis in N worker processes on this machine, this process the one writer.

Each worker receives the Analysis once, as it starts, and loads the read-only resources once (they are the
process's shared loaders); inputs travel to it in chunks and each chunk's document rows travel back
(rasd.runner.distribute).  The processes are started the platform's default way (fork on Linux, spawn
elsewhere) before this process starts any thread, and this process never loads the resources itself, so no
model has run (torch's thread pool, for one, hangs in a child forked after it ran) when the workers fork.

A worker that dies ends the run with WorkerLost; what was written before stays and a re-run resumes.
Workers follow their parent: killed with SIGKILL, it cannot stop them, so each one exits when it finds that
its parent has gone, and none is left analysing for nobody.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from rasd.limits import CHUNKS_AHEAD_PER_WORKER
from rasd.runner.batch import AnalysedInputs, Analysis
from rasd.runner.distribute import ChunkResult, WorkerLost, WorkerStats, analyse_chunk, in_input_order

_ORPHAN_CHECK_S = 1.0


class Processes:
    """N worker processes; `stats` holds what each reported during the last run (load time, peak memory)."""

    def __init__(self, count: int):
        self.count = count
        self.stats: dict[str, WorkerStats] = {}

    @contextmanager
    def start(self, analysis: Analysis) -> Iterator[AnalysedInputs]:
        pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context(),
                                   initializer=_start_worker, initargs=(analysis, os.getpid()))
        try:
            pool.submit(_ready).result()  # the processes start now, and the first has loaded its resources
            ahead = self.count * CHUNKS_AHEAD_PER_WORKER
            yield lambda items: in_input_order(items, lambda chunk: pool.submit(_analyse, chunk), ahead, self.stats)
        except BrokenProcessPool as e:
            raise WorkerLost(f"a worker process died: {e}") from e
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# In a worker process: the analysis it was started with and how long its resources took to load.
_ANALYSIS: Analysis | None = None
_LOAD_S = 0.0


def _start_worker(analysis: Analysis, parent_pid: int) -> None:
    global _ANALYSIS, _LOAD_S
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent stops the workers
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True).start()
    _ANALYSIS = analysis
    _LOAD_S = analysis.pipeline.warm_up()


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_ORPHAN_CHECK_S)
    os._exit(1)


def _ready() -> None:
    """A task that returns once a worker has started."""


def _analyse(chunk) -> ChunkResult:
    return analyse_chunk(_ANALYSIS, chunk, _LOAD_S)
