"""`rasd export`: the database as JSONL (the export contract), ACLED-layout CSV or GeoJSON, or as a folder of
Parquet datasets partitioned by month (rasd.export.parquet)."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rasd.cli import EXIT_USAGE, CliError, open_store
from rasd.export import WRITERS
from rasd.store import DEFAULT_DB


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=sorted([*WRITERS, "parquet"]))
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("-o", "--output", help="output file (default stdout); for parquet, a new or empty folder")


def run(args: argparse.Namespace) -> int:
    if args.format == "parquet":
        return _parquet(args)
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


def _parquet(args: argparse.Namespace) -> int:
    """Parquet is a folder of files: it needs -o, and a folder that holds nothing yet, so that no month of an
    earlier export is left among the new ones."""
    from rasd.export.parquet import write_parquet

    if not args.output:
        raise CliError("--format parquet writes a folder: give it with -o FOLDER", EXIT_USAGE)
    folder = Path(args.output)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CliError(f"{folder} is not an empty folder: parquet is written into a new or empty one", EXIT_USAGE)
    store = open_store(args.db)
    with store:
        try:
            counts = write_parquet(store, folder)
        except OSError as e:
            raise CliError(f"cannot write {folder}: {e.strerror or e}") from None
    print(f"wrote {', '.join(f'{n} {table}' for table, n in counts.items())} to {folder}", file=sys.stderr)
    return 0
