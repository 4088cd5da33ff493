"""`rasd analyze PATH...`: analyse inputs into the database and print a summary.

The analysis runs in this process, in worker processes (`--workers N`) or on a Dask cluster (`--dask`); this
process reads the inputs and writes every result, so the database is the same whichever runs it.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rasd.cli import (EMBED_TITLES_HELP, EXIT_FAILURES, EXIT_INPUT, EXIT_USAGE, CliError, load_ner, title_encoder,
                      unreadable)
from rasd.limits import DOCUMENT_TIME_BUDGET_S
from rasd.text.dates import parse_iso
from rasd.runner.batch import Workers, run_batch
from rasd.runner.distribute import WorkerLost
from rasd.runner.pipeline import Pipeline
from rasd.runner.processes import Processes
from rasd.runner.resources import DEFAULT_ENGINE, ENGINES, Resources
from rasd.store import DEFAULT_DB, Store


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive); '-' reads stdin")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--published", help="publication date YYYY-MM-DD for inputs that do not give one")
    p.add_argument("--outlet", help="outlet name for inputs that do not give one")
    p.add_argument("--ner", metavar="BACKEND",
                   help="NER backend: 'accurate' for the fine-tuned encoder (after `rasd build-encoder`), "
                        "'crf:PATH' for a CRF trained by `rasd train-ner --out PATH`, 'hf:PATH' for a local transformers "
                        "model (default: the shipped CRF)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                   help=f"event coder (default {DEFAULT_ENGINE})")
    p.add_argument("--embed-titles", action="store_true", help=EMBED_TITLES_HELP)
    p.add_argument("--time-budget", type=float, default=DOCUMENT_TIME_BUDGET_S, metavar="SECONDS",
                   help=f"a document that takes longer is recorded as failed (default {DOCUMENT_TIME_BUDGET_S:g})")
    p.add_argument("--workers", type=int, metavar="N",
                   help="analyse in N worker processes (default 1: in this process); with --dask local, the"
                        " local cluster's workers (default: one per core)")
    p.add_argument("--dask", metavar="SCHEDULER",
                   help="analyse on a Dask cluster: 'local' starts one here, tcp://HOST:PORT uses a running one"
                        " (its workers need rasd installed)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    if args.published and parse_iso(args.published) is None:
        raise CliError(f"--published must be YYYY-MM-DD, got {args.published!r}", EXIT_USAGE)
    if not args.time_budget > 0:
        raise CliError(f"--time-budget must be a positive number of seconds, got {args.time_budget:g}", EXIT_USAGE)
    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers must be at least 1, got {args.workers}", EXIT_USAGE)
    if args.workers is not None and args.dask not in (None, "local"):
        raise CliError("--workers sets the processes of this machine or of --dask local; a running cluster has"
                       " its own workers", EXIT_USAGE)
    if args.ner:
        load_ner(args.ner)  # a backend that cannot load is one error line, not a failure per document
    resources = Resources(ner_backend=args.ner, event_engine=args.engine, embed_titles=args.embed_titles)
    title_encoder(resources)  # likewise for the title encoder
    try:
        store = Store(args.db)
    except sqlite3.Error as e:
        raise CliError(f"cannot open database {args.db}: {e}") from None
    with store, _workers(args) as workers:
        pipeline = Pipeline.default(resources)
        try:
            summary = run_batch(args.paths, store, pipeline, {"published": args.published, "outlet": args.outlet},
                                progress=False if args.no_progress else None, time_budget_s=args.time_budget,
                                workers=workers)
        except sqlite3.Error as e:  # the database itself failed (disk full, file changed under the run): dead batch
            raise CliError(f"database {args.db} failed during the run: {e} (documents written before it are"
                           " stored; running again resumes)") from None
        except WorkerLost as e:
            raise CliError(f"{e} (documents written before it are stored; running again resumes)") from None
    for line in summary.lines():
        print(line)
    print(f"database: {args.db}")
    if summary.read == 0:
        print("rasd analyze: no supported input found (.txt .html .htm .jsonl .jsonl.gz)", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_INPUT if unreadable(args.paths) else EXIT_FAILURES if summary.failed else 0


@contextmanager
def _workers(args: argparse.Namespace) -> Iterator[Workers | None]:
    """Where the analysis runs: this process, worker processes, or a Dask cluster (connected for the run)."""
    if args.dask is None:
        yield None if (args.workers or 1) == 1 else Processes(args.workers)
        return
    try:
        from rasd.runner.cluster import ClusterUnavailable, DaskCluster, connect
    except ImportError as e:
        raise CliError(f"--dask needs dask.distributed ({e}): pip install 'rasd[dask]'", EXIT_USAGE) from None
    try:
        with connect(args.dask, args.workers or os.cpu_count() or 1) as client:
            yield DaskCluster(client)
    except ClusterUnavailable as e:
        raise CliError(str(e)) from None
