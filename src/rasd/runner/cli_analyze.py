"""`rasd analyze PATH...`: analyse inputs into the database and print a summary."""
from __future__ import annotations

import argparse
import sqlite3
import sys

from rasd.cli import EXIT_FAILURES, EXIT_USAGE, CliError
from rasd.text.dates import parse_iso
from rasd.runner.batch import run_batch
from rasd.runner.pipeline import Pipeline
from rasd.runner.resources import Resources
from rasd.store import DEFAULT_DB, Store


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive); '-' reads stdin")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--published", help="publication date YYYY-MM-DD for inputs that do not give one")
    p.add_argument("--outlet", help="outlet name for inputs that do not give one")
    p.add_argument("--ner", metavar="BACKEND",
                   help="NER backend: 'accurate' for the fine-tuned encoder (after `rasd build-encoder`), "
                        "'hf:PATH' for a local transformers model (default: the shipped CRF)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    if args.published and parse_iso(args.published) is None:
        raise CliError(f"--published must be YYYY-MM-DD, got {args.published!r}", EXIT_USAGE)
    try:
        store = Store(args.db)
    except sqlite3.DatabaseError as e:
        raise CliError(f"cannot open database {args.db}: {e}") from None
    if args.ner:
        _check_backend(args.ner)
    with store:
        pipeline = Pipeline.default(Resources(ner_backend=args.ner))
        summary = run_batch(args.paths, store, pipeline, {"published": args.published, "outlet": args.outlet},
                            progress=False if args.no_progress else None)
    for line in summary.lines():
        print(line)
    print(f"database: {args.db}")
    if summary.read == 0:
        print("rasd analyze: no supported input found (.txt .html .htm .jsonl .jsonl.gz)", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FAILURES if summary.failed else 0


def _check_backend(backend: str) -> None:
    """Load the NER backend once before any document, so a missing model is one clear error, not a failure
    per document (the loader is shared: the pipeline reuses what is loaded here)."""
    from rasd.nlp.encoder import EncoderNotBuilt
    from rasd.nlp.ner import load_recognizer

    try:
        load_recognizer(backend)
    except (EncoderNotBuilt, FileNotFoundError, ImportError, ValueError) as e:
        raise CliError(f"NER backend {backend!r}: {e}", EXIT_USAGE) from None
