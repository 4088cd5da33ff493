"""Inter-annotator agreement on the doubly annotated real-news articles: the ceiling for rasd's figures.

    python tools/real_gold/agreement.py [--json]

The second annotation of each article (gold/real/second.jsonl) is scored against the first (first.jsonl) with
the very scorer `rasd eval` uses for the system: entity F1 by exact span and label, places within 25 km,
events by type and sub-type (matched within 50 km), actor1, date and fatalities over matched events.  Event and
entity F1 are symmetric in the two annotators; place agreement is read from the first annotator's side.
Needs the corpus text (as tools/real_gold/build.py does) for the place names in the report only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tools" / "real_gold"))

from build import DEFAULT_ANT, eval_record, read_jsonl  # noqa: E402

from rasd.evaluate import evaluate  # noqa: E402
from rasd.ingest.ant import iter_articles  # noqa: E402
from rasd.model import Document, Entity, Event, Place  # noqa: E402
from rasd.resources.taxonomy import EventType, SubEventType  # noqa: E402

GOLD = REPO / "gold" / "real"


def as_document(record: dict, text: str) -> Document:
    """An annotation in the shape of rasd's output, so that the system's scorer compares two annotators."""
    doc = Document(raw=text, id=record["id"], text=text, published=record["published"])
    doc.entities = [Entity(e["start"], e["end"], text[e["start"]:e["end"]], e["label"], actor=e.get("actor"))
                    for e in record["entities"]]
    doc.places = [Place(p["start"], p["end"], text[p["start"]:p["end"]], "", "", p["lat"], p["lon"], "",
                        precision=p["precision"]) for p in record["places"]]
    doc.events = []
    for e in record["events"]:
        others = [a for a in e["actors"] if a not in (e["actor1"], e["actor2"])]
        location = Place(0, 0, "", "", "", e["location"]["lat"], e["location"]["lon"], "", precision=e["precision"])
        doc.events.append(Event(EventType(e["event_type"]), SubEventType(e["sub_event_type"]), [], actor1=e["actor1"],
                                actor2=e["actor2"], assoc_actor_1="; ".join(others) or None, location=location,
                                event_date=e["date"], fatalities=e["fatalities"]))
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ant", type=Path, default=DEFAULT_ANT)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    first = {r["docno"]: r for r in read_jsonl(GOLD / "first.jsonl")}
    second = {r["docno"]: r for r in read_jsonl(GOLD / "second.jsonl") if r["docno"] in first}
    texts = {a.docno: a.text for a in iter_articles(args.ant, set(second))}
    gold = [eval_record(first[d], texts[d]) for d in sorted(second)]
    other = [as_document(eval_record(second[d], texts[d]), texts[d]) for d in sorted(second)]
    result = evaluate(gold, other)
    ev, pl, en = result["events"], result["places"], result["entities"]
    print(f"articles annotated twice: {len(gold)} "
          f"(annotators: {sorted({first[d]['annotator'] for d in second} | {second[d]['annotator'] for d in second})})")
    print(f"events by type: F1 {ev['event_type']['f1']:.3f} (first {ev['event_type']['gold']}, "
          f"second {ev['event_type']['predicted']}, matched {ev['event_type']['matched']})")
    print(f"events by sub-type: F1 {ev['sub_event_type']['f1']:.3f} (matched {ev['sub_event_type']['matched']})")
    print(f"over matched events: actor1 {ev['actor1_accuracy']}, date {ev['date_accuracy']:.3f}, "
          f"fatalities {ev['fatalities_accuracy']:.3f}")
    print(f"places: {pl['within_25km']}/{pl['gold']} of the first annotator's places within 25 km "
          f"({pl['within_25km_share']:.3f}); the second marked {pl['predicted']}, {pl['spurious']} where the first "
          f"marked no toponym")
    print(f"entities (exact span and label): F1 {en['micro']['f1']:.3f}; " + ", ".join(
        f"{label} {s['f1']:.3f}" for label, s in sorted(en["per_label"].items())))
    if args.json:
        print(json.dumps({"articles": len(gold), "event_type_f1": ev["event_type"]["f1"],
                          "sub_event_type_f1": ev["sub_event_type"]["f1"], "actor1_accuracy": ev["actor1_accuracy"],
                          "date_accuracy": ev["date_accuracy"], "fatalities_accuracy": ev["fatalities_accuracy"],
                          "places_within_25km": pl["within_25km_share"], "entity_f1": en["micro"]["f1"],
                          "entity_f1_by_label": {k: v["f1"] for k, v in en["per_label"].items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
