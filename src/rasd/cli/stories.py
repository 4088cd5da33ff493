"""`rasd stories`: the stories of the database, the most recent first, or one story with its articles and
merged events."""
from __future__ import annotations

import argparse
import json

from rasd.cli import CliError, open_store
from rasd.corpus.read import list_stories, story
from rasd.store import DEFAULT_DB


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", nargs="?", type=int, help="one story's id: its articles and merged events")
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--limit", type=int, default=20, help="stories listed (default 20)")
    p.add_argument("--min-documents", type=int, default=1, metavar="N", help="only stories of at least N articles")
    p.add_argument("--json", action="store_true", help="JSON instead of text")


def run(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        if not store.has_corpus:
            raise CliError(f"{args.db} has no corpus tables yet: run rasd corpus --db {args.db}")
        if args.id is not None:
            found = story(store.conn, args.id)
            if found is None:
                raise CliError(f"no story {args.id}", 4)
            _print_story(found, args.json)
            return 0
        stories = list_stories(store.conn, args.limit, min_documents=args.min_documents)
    if args.json:
        print(json.dumps(stories, ensure_ascii=False, indent=2))
        return 0
    for s in stories:
        days = s["first_day"] if s["first_day"] == s["last_day"] else f"{s['first_day']}..{s['last_day']}"
        print(f"{s['id']:>6}  {days:<22} {s['documents']:>3} articles  {s['merged_events']:>3} events"
              f"  {', '.join(s['outlets']) or '-'}  {s['title'] or ''}")
    return 0


def _print_story(s: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return
    print(f"story {s['id']}: {s['title'] or ''}  ({s['first_day']}..{s['last_day']}, {s['documents']} articles)")
    for a in s["articles"]:
        copy = f"  (copy of {a['duplicate_of']})" if a["duplicate_of"] else ""
        print(f"  {a['day']}  {a['id']}  {a['outlet'] or '-'}  {a['title'] or ''}{copy}")
    for e in s["merged_events"]:
        print(f"  event {e['id']}: {e['sub_event_type']} at {e['location'] or '-'} on {e['event_date']},"
              f" {e['reports']} reports, {e['independent_outlets']} independent ({', '.join(e['outlets'])})"
              + (f", fatalities {e['fatalities']}" if e["fatalities"] is not None else ""))
