"""`rasd corpus`: bring the corpus layer (near-duplicates, stories, merged events) up to date with what is stored,
or rebuild it from every stored document.  `rasd analyze` and `rasd watch` keep it up to date as they write;
this command is for databases written before, or for a rebuild after the corpus settings change."""
from __future__ import annotations

import argparse
import sqlite3
import time

from rasd.cli import EMBED_TITLES_HELP, CliError, title_encoder
from rasd.corpus import Corpus
from rasd.runner.resources import Resources
from rasd.store import DEFAULT_DB, Store


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--rebuild", action="store_true", help="empty the corpus tables and add every document again")
    p.add_argument("--embed-titles", action="store_true", help=EMBED_TITLES_HELP)


def run(args: argparse.Namespace) -> int:
    encoder = title_encoder(Resources(embed_titles=args.embed_titles))
    try:
        store = Store(args.db)
    except sqlite3.Error as e:
        raise CliError(f"cannot open database {args.db}: {e}") from None
    t0 = time.perf_counter()
    with store, store.transaction():
        corpus = Corpus(store.conn, encoder)
        placed = corpus.rebuild() if args.rebuild else corpus.update()
        one = lambda sql: store.conn.execute(sql).fetchone()[0]  # noqa: E731
        totals = (one("SELECT count(*) FROM corpus_documents"), one("SELECT count(*) FROM stories"),
                  one("SELECT count(*) FROM stories WHERE documents > 1"), one("SELECT count(*) FROM merged_events"),
                  one("SELECT count(*) FROM merged_events WHERE reports > 1"))
    print(f"added {len(placed)} documents in {time.perf_counter() - t0:.1f} s"
          f" ({sum(p.duplicate_of is not None for p in placed)} near-duplicates)")
    print(f"corpus: {totals[0]} documents, {totals[1]} stories ({totals[2]} of several articles),"
          f" {totals[3]} merged events ({totals[4]} of several reports)")
    return 0
