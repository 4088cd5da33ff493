"""`rasd search QUERY`: full-text search with the Arabic normalisation and clitic stripping."""
from __future__ import annotations

import argparse
import json

from rasd.cli import open_store
from rasd.store import DEFAULT_DB


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="+")
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    with store:
        hits = store.search(" ".join(args.query), limit=args.limit)
    for h in hits:
        if args.json:
            print(json.dumps(h, ensure_ascii=False))
        else:
            print(f"{h['id']}  {h['published'] or '-'}  {h['outlet'] or '-'}  {h['title'] or ''}\n    {h['snippet']}")
    if not args.json:
        print(f"{len(hits)} documents" if hits else "no results")
    return 0  # finding nothing is an answer; exit 1 means that some documents failed
