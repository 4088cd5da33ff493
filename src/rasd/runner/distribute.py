"""What the worker processes and the Dask runner share: inputs cut into chunks, a bounded number of chunks sent
ahead, results handed back in input order, and what each worker reports about itself.

Results come back in the order the inputs were read, so the one writer writes them as a single process would:
the first of two identical articles is stored and the second is its duplicate, whichever worker finished first.
"""
from __future__ import annotations

import os
import resource
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from rasd.ingest import InputItem
from rasd.limits import CHUNK_CHARS, CHUNK_DOCUMENTS
from rasd.runner.batch import Analysis, Outcome


class WorkerLost(RuntimeError):
    """A worker died in a way the runner cannot recover from; what was written before stays."""


@dataclass(frozen=True)
class WorkerStats:
    """What a worker says of itself with every chunk it returns: how long its resources took to load, and
    its peak memory so far (for `rasd bench`)."""

    load_s: float
    peak_rss_mb: float


@dataclass(frozen=True)
class ChunkResult:
    worker: str  # host:pid
    stats: WorkerStats
    outcomes: list[Outcome]


def analyse_chunk(analysis: Analysis, chunk: list[InputItem], load_s: float) -> ChunkResult:
    """In a worker: the outcome of every input of a chunk."""
    outcomes = [analysis(item) for item in chunk]
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return ChunkResult(f"{socket.gethostname()}:{os.getpid()}", WorkerStats(load_s, peak_rss_mb), outcomes)


def chunked(items: Iterable[InputItem]) -> Iterator[list[InputItem]]:
    """Consecutive inputs, CHUNK_DOCUMENTS at a time or fewer when their text reaches CHUNK_CHARS."""
    chunk: list[InputItem] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item.document.raw) if item.document else 0
        if len(chunk) >= CHUNK_DOCUMENTS or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


class Pending(Protocol):
    """A chunk's result to come: a concurrent.futures or a dask.distributed future."""

    def result(self) -> Any: ...


def in_input_order(items: Iterable[InputItem], submit: Callable[[list[InputItem]], Pending], ahead: int,
                   stats: dict[str, WorkerStats]) -> Iterator[tuple[InputItem, Outcome]]:
    """Every input with its outcome, in input order, keeping `ahead` chunks submitted beyond the one waited
    for; `stats` receives what each worker reports."""
    waiting: deque[tuple[list[InputItem], Pending]] = deque()
    for chunk in chunked(items):
        waiting.append((chunk, submit(chunk)))
        if len(waiting) > ahead:
            yield from _results(*waiting.popleft(), stats)
    while waiting:
        yield from _results(*waiting.popleft(), stats)


def _results(chunk: list[InputItem], pending: Pending, stats: dict[str, WorkerStats]
             ) -> Iterator[tuple[InputItem, Outcome]]:
    result: ChunkResult = pending.result()
    stats[result.worker] = result.stats
    return zip(chunk, result.outcomes)
