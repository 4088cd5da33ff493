"""Why events are missed or spurious on a real-news split, counted by kind (never on the frozen test split).

    python tools/event_error_kinds.py [--split dev] [--engine learned|rules]

rasd eval matches a predicted event to a gold one of the same event type within 50 km (rasd.evaluate.events).
A miss is then counted as: no predicted event of its type in the article (detection); its type predicted but
every such prediction matched another gold event (fewer events than the gold: merged, or other sentences not
detected); or its type predicted but placed more than 50 km away (or unplaced).  Spurious events are counted the
same way round.  Read with `rasd eval --errors`, it says where the learned coder's errors lie.

With --perfect-detector the learned coder's sentence models are replaced by the gold: a sentence a gold event
cites as evidence reports that event's sub-type, every other sentence reports none, and no second event is read.
Everything after detection (places, dates, roles, decoding) is rasd's own, so the event scores printed then are
the ceiling that detection alone could reach.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rasd.evaluate import FROZEN_SPLIT, evaluate, predict
from rasd.evaluate.events import _match
from rasd.events.learned import LearnedCoder
from rasd.resources.taxonomy import Modality, SubEventType
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
    ap.add_argument("--perfect-detector", action="store_true",
                    help="the gold's evidence sentences decide which sentences report which sub-type")
    args = ap.parse_args()
    if args.split == FROZEN_SPLIT:
        raise SystemExit(f"the {FROZEN_SPLIT} split's errors are never read")
    gold = [r for r in map(json.loads, args.gold.open(encoding="utf-8")) if r.get("split") == args.split]
    if args.perfect_detector:
        if args.engine != "learned":
            raise SystemExit("--perfect-detector replaces the learned coder's sentence models")
        detect_from_gold({r["id"]: r for r in gold})
    documents = predict(gold, Resources(event_engine=args.engine))
    total: Counter = Counter()
    for record, doc in zip(gold, documents):
        total += kinds(record, [e for e in doc.events if e.modality == Modality.ASSERTED])
    for kind, n in sorted(total.items()):
        print(f"{n:5d}  {kind}")
    events = evaluate(gold, documents)["events"]
    kind, sub = events["event_type"], events["sub_event_type"]
    print(f"event type F1 {kind['f1']:.3f} (P {kind['precision']:.3f}, R {kind['recall']:.3f}), "
          f"sub-type F1 {sub['f1']:.3f}")


def detect_from_gold(by_id: dict[str, dict]) -> None:
    """Make every LearnedCoder of this process decide from the gold's evidence sentences."""
    def decide(self, reading, i):
        s = reading.sentences[i]
        cited = [e for e in by_id[s.ctx.doc.id]["events"]
                 if any(a < s.sentence.end and s.sentence.start < b for a, b in e["evidence"])]
        return (1.0, SubEventType(cited[0]["sub_event_type"]), 1.0) if cited else (0.0, SubEventType.OTHER, 0.0)

    LearnedCoder.decide = decide
    LearnedCoder.second_events = lambda self, reading, i, first, p_event: []


if __name__ == "__main__":
    main()
