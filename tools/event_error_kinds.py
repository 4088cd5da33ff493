"""Why events are missed or spurious on a real-news split, counted by kind (never on the frozen test split).

    python tools/event_error_kinds.py [--split dev] [--engine learned|rules]

rasd eval matches a predicted event to a gold one of the same event type within 50 km (rasd.evaluate.events).
A miss is then counted as: no predicted event of its type in the article (detection); its type predicted but
every such prediction matched another gold event (fewer events than the gold: merged, or other sentences not
detected); or its type predicted but placed more than 50 km away (or unplaced).  Spurious events are counted the
same way round.  Read with `rasd eval --errors`, it says where the learned coder's errors lie.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rasd.evaluate import FROZEN_SPLIT, predict
from rasd.evaluate.events import _match
from rasd.resources.taxonomy import Modality
from rasd.runner.resources import ENGINES, Resources

REPO = Path(__file__).resolve().parents[1]


def kinds(gold: dict, predicted: list) -> Counter:
    counts: Counter = Counter()
    pairs = _match(predicted, gold["events"], "event_type")
    matched_gold, matched_pred = {id(g) for _, g in pairs}, {id(p) for p, _ in pairs}
    for g in gold["events"]:
        if id(g) in matched_gold:
            counts["gold events matched"] += 1
            continue
        same = [p for p in predicted if p.event_type == g["event_type"]]
        if not same:
            counts["miss: no predicted event of its type in the article"] += 1
        elif all(id(p) in matched_pred for p in same):
            counts["miss: fewer predicted events of its type than gold ones"] += 1
        else:
            counts["miss: its type predicted more than 50 km away or unplaced"] += 1
    for p in predicted:
        if id(p) in matched_pred:
            continue
        same = [g for g in gold["events"] if g["event_type"] == p.event_type]
        if not same:
            counts["spurious: no gold event of its type in the article"] += 1
        elif all(id(g) in matched_gold for g in same):
            counts["spurious: more predicted events of its type than gold ones"] += 1
        else:
            counts["spurious: a gold event of its type more than 50 km away"] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--engine", choices=ENGINES, default="learned")
    args = ap.parse_args()
    if args.split == FROZEN_SPLIT:
        raise SystemExit(f"the {FROZEN_SPLIT} split's errors are never read")
    gold = [r for r in map(json.loads, args.gold.open(encoding="utf-8")) if r.get("split") == args.split]
    total: Counter = Counter()
    for record, doc in zip(gold, predict(gold, Resources(event_engine=args.engine))):
        total += kinds(record, [e for e in doc.events if e.modality == Modality.ASSERTED])
    for kind, n in sorted(total.items()):
        print(f"{n:5d}  {kind}")


if __name__ == "__main__":
    main()
