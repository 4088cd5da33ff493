"""`rasd watch SOURCE...`: analyse what is new in feeds, URL lists and folders, pass after pass (rasd.runner.watch).

A source is an RSS or Atom feed URL (its items' pages are fetched and analysed), a text file of article URLs,
one per line, or a folder (its new files, as `rasd analyze` reads them; write files elsewhere and move them in,
so that none is read half written).  Each pass prints a line per source; a restarted watch goes on where the
last one stopped, and no item is ever analysed twice.
"""
from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

from rasd.cli import EXIT_FAILURES, EXIT_USAGE, CliError
from rasd.ingest.fetch import Fetcher
from rasd.limits import DOCUMENT_TIME_BUDGET_S, WATCH_HOST_DELAY_S, WATCH_INTERVAL_S, WATCH_TIMEOUT_S
from rasd.runner.batch import Analysis
from rasd.runner.pipeline import Pipeline
from rasd.runner.watch import Watcher, is_feed_url
from rasd.store import DEFAULT_DB, Store


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="an RSS or Atom feed URL, a file of article URLs (one per line) or a folder")
    p.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")
    p.add_argument("--interval", type=float, default=WATCH_INTERVAL_S, metavar="SECONDS",
                   help=f"seconds between passes (default {WATCH_INTERVAL_S:g})")
    p.add_argument("--once", action="store_true", help="make one pass and stop")
    p.add_argument("--timeout", type=float, default=WATCH_TIMEOUT_S, metavar="SECONDS",
                   help=f"wait this long for a server to connect and for each read (default {WATCH_TIMEOUT_S:g})")
    p.add_argument("--host-delay", type=float, default=WATCH_HOST_DELAY_S, metavar="SECONDS",
                   help=f"seconds between two requests to one host (default {WATCH_HOST_DELAY_S:g})")


def run(args: argparse.Namespace) -> int:
    for source in args.sources:
        if not (is_feed_url(source) or Path(source).exists()):
            raise CliError(f"{source}: not a feed URL (http:// or https://), a URL list or a folder", EXIT_USAGE)
    if not (args.interval > 0 and args.timeout > 0 and args.host_delay >= 0):
        raise CliError("--interval and --timeout must be positive and --host-delay not negative", EXIT_USAGE)
    try:
        store = Store(args.db)
    except sqlite3.Error as e:
        raise CliError(f"cannot open database {args.db}: {e}") from None
    fetcher = Fetcher(args.timeout, args.host_delay)
    watcher = Watcher(store, Analysis(Pipeline.default(), {}, DOCUMENT_TIME_BUDGET_S), fetcher)
    with store:
        try:
            while True:
                reports = watcher.pass_over(args.sources)
                for report in reports:
                    print("\n".join(report.lines()), flush=True)
                if args.once:
                    return EXIT_FAILURES if any(r.error or r.summary.failed for r in reports) else 0
                print(flush=True)
                time.sleep(args.interval)
        except sqlite3.Error as e:
            raise CliError(f"database {args.db} failed: {e} (what was written before stays; watching again"
                           " goes on from there)") from None
        finally:
            fetcher.close()

