"""`rasd export`: the database as JSONL (the export contract), ACLED-layout CSV or GeoJSON."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from rasd.cli import CliError, open_store
from rasd.export import WRITERS
from rasd.store import DEFAULT_DB


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=sorted(WRITERS))
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("-o", "--output", help="output file (default stdout)")


def run(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    with store, _open_output(args.output) as fh:
        n = WRITERS[args.format](store, fh)
    if args.output:
        print(f"wrote {n} {'documents' if args.format == 'jsonl' else 'rows' if args.format == 'csv' else 'features'}"
              f" to {args.output}", file=sys.stderr)
    return 0


@contextmanager
def _open_output(path: str | None) -> Iterator[IO[str]]:
    if not path:
        yield sys.stdout
        return
    try:
        fh = open(path, "w", encoding="utf-8", newline="")
    except OSError as e:
        raise CliError(f"cannot write {path}: {e.strerror}") from None
    with fh:
        yield fh
