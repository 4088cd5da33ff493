"""`rasd bench --workers N [--dask local|tcp://...]`: the batch runner with N workers against one process.

The generated articles are written as one JSONL file and analysed into a new database twice, as `rasd analyze`
would: with the workers (processes of this machine, or a Dask cluster) and in this process.  The workers run
first, while this process has loaded no resource, so forked workers load their own as they do under
`rasd analyze`.  Each time is the whole batch, storing included, from reading the first input to committing the
last; for Dask the cluster's start is timed apart.  The two databases are compared, and each worker reports how
long its resources took to load and its peak memory.

The processor time of each run (this process, and its worker processes once they have ended) is measured too:
on a machine that other work shares, the wall-clock speed-up says how much of the machine the run got, and the
processor time per article says what the work costs wherever it runs (the cost model of MEASUREMENTS.md).
"""
from __future__ import annotations

import json
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from rasd.runner.batch import Workers, run_batch
from rasd.runner.pipeline import Pipeline
from rasd.runner.processes import Processes
from rasd.runner.resources import Resources
from rasd.store import Store


def scale_benchmark(articles: list[str], workers: int, dask: str | None = None, engine: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "articles.jsonl"
        with corpus.open("w", encoding="utf-8") as handle:
            for text in articles:
                handle.write(json.dumps({"text": text, "published": "2026-11-20"}, ensure_ascii=False) + "\n")
        cpu0 = _cpu_s()
        if dask is None:
            runner = Processes(workers)
            parallel = _run(corpus, Path(tmp) / "workers.db", runner, engine)
            label, cluster_start_s = f"{workers} worker processes", None
        else:
            from rasd.runner.cluster import DaskCluster, connect

            t0 = time.perf_counter()
            with connect(dask, workers) as client:
                cluster_start_s = time.perf_counter() - t0
                runner = DaskCluster(client)
                parallel = _run(corpus, Path(tmp) / "workers.db", runner, engine)
                workers = len(runner.stats)
            label = f"Dask {dask}, {workers} workers"
        cpu1 = _cpu_s()
        single = _run(corpus, Path(tmp) / "one.db", None, engine)
        cpu2 = _cpu_s()
        same = _content(Path(tmp) / "workers.db") == _content(Path(tmp) / "one.db")
    stats = runner.stats.values()
    result: dict[str, object] = {
        "articles": len(articles),
        "words": sum(len(a.split()) for a in articles),
        "one_process_articles_per_s": len(articles) / single,
        "one_process_cpu_ms_per_article": 1000 * (cpu2 - cpu1) / len(articles),
        "runner": label,
        "articles_per_s": len(articles) / parallel,
        "speedup": single / parallel,
        "cpu_ms_per_article": 1000 * (cpu1 - cpu0) / len(articles),  # workers, writer (and a local cluster's start)
        "cores_used": (cpu1 - cpu0) / (parallel + (cluster_start_s or 0.0)),
        "worker_peak_rss_mb": max(s.peak_rss_mb for s in stats),
        "worker_resource_load_s": max(s.load_s for s in stats),
        "same_database": same,
    }
    if cluster_start_s is not None:
        result["cluster_start_s"] = cluster_start_s
    return result


def _run(corpus: Path, db: Path, workers: Workers | None, engine: str | None) -> float:
    """Seconds to analyse and store the corpus."""
    with Store(db) as store:
        t0 = time.perf_counter()
        summary = run_batch([str(corpus)], store, Pipeline.default(Resources(event_engine=engine) if engine else None), progress=False, workers=workers)
        seconds = time.perf_counter() - t0
    if summary.failed:
        raise RuntimeError(f"{summary.failed} articles failed: {summary.failures[:3]}")
    return seconds


def _cpu_s() -> float:
    """Processor seconds of this process and of its child processes that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _content(db: Path) -> tuple:
    """What the two runs must agree on: each document and its events and mentions, in full."""
    with sqlite3.connect(db) as c:
        return tuple(c.execute(sql).fetchall() for sql in (
            "SELECT id, text, analysis FROM documents ORDER BY id",
            "SELECT id, data FROM events ORDER BY id",
            "SELECT doc_id, start, label, actor FROM mentions ORDER BY doc_id, start, label"))
