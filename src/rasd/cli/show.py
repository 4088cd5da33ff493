"""`rasd show ID`: one stored document, readable or as its export-contract JSON."""
from __future__ import annotations

import argparse
import json

from rasd.cli import CliError, open_store
from rasd.store import DEFAULT_DB


MAX_CANDIDATES = 10  # ids listed when a prefix begins more than one


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="document id (a unique prefix is enough)")
    p.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    p.add_argument("--json", action="store_true", help="print the export-contract JSON object")


def run(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    with store:
        doc = store.document(args.id)
        candidates = store.document_ids(args.id, MAX_CANDIDATES + 1) if doc is None else []
    if len(candidates) > 1:
        listed = "".join(f"\n  {c}" for c in candidates[:MAX_CANDIDATES])
        more = "\n  …" if len(candidates) > MAX_CANDIDATES else ""
        raise CliError(f"{args.id!r} begins more than one document id; give more of the one you mean:{listed}{more}", 4)
    if doc is None:
        raise CliError(f"no document id begins with {args.id!r}", 4)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(f"{doc['id']}  {doc.get('outlet') or '-'}  {doc.get('published') or '-'}  [{doc.get('language')}]")
    if doc.get("title"):
        print(doc["title"])
    print()
    print(doc["text"])
    print()
    for r in doc["removed"]:
        print(f"removed {r['kind']}: {r['text'][:80]}")
    for e in doc["entities"]:
        print(f"entity {e['label']:<8} {e['text']}" + (f"  → {e['actor']}" if e.get("actor") else ""))
    for pl in doc["places"]:
        print(f"place  {pl['text']}  → {pl['name_en']} ({pl['lat']:.4f}, {pl['lon']:.4f}) {pl['country']} p{pl['precision']}")
    for ev in doc["events"]:
        where = ev["location"]["name_en"] if ev.get("location") else "-"
        print(f"event  {ev['event_type']} / {ev['sub_event_type']}  {ev.get('actor1') or '-'} → {ev.get('actor2') or '-'}"
              f"  at {where} on {ev.get('event_date') or '-'}  [{ev['modality']}, confidence {ev['confidence']:.2f}]")
    return 0
