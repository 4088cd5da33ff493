"""Counts of the real-news gold, for its README and closing notes.

    python tools/real_gold/stats.py
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import GOLD, gold_annotations, read_jsonl  # noqa: E402


def main() -> None:
    gold = gold_annotations()
    by_split = Counter(a["split"] for a in gold.values())
    by_outlet = Counter(a["outlet"] for a in gold.values())
    events = [e for a in gold.values() for e in a["events"]]
    sub_types = Counter(f"{e['event_type']} / {e['sub_event_type']}" for e in events)
    labels = Counter(e["label"] for a in gold.values() for e in a["entities"])
    places = [p for a in gold.values() for p in a["places"]]
    nonevents = Counter(n["kind"] for a in gold.values() for n in a["nonevents"])
    without = sum(1 for a in gold.values() if not a["events"])
    print(f"articles {len(gold)} ({', '.join(f'{k} {v}' for k, v in sorted(by_split.items()))}); "
          f"outlets {dict(sorted(by_outlet.items()))}; {without} with no event")
    print(f"events {len(events)}; entity spans {sum(labels.values())} ({dict(sorted(labels.items()))}); "
          f"places {len(places)} (precision {dict(sorted(Counter(p['precision'] for p in places).items()))}); "
          f"non-events {sum(nonevents.values())} ({dict(sorted(nonevents.items()))})")
    for name, n in sorted(sub_types.items()):
        print(f"  {name}: {n}")
    windows = sorted((GOLD / "stories").glob("*.json"))
    for path in windows:
        stories = json.loads(path.read_text(encoding="utf-8"))["stories"]
        print(f"stories {path.stem}: {sum(len(s['docnos']) for s in stories)} articles, {len(stories)} stories "
              f"({sum(len(s['docnos']) > 1 for s in stories)} with several articles), "
              f"{sum(len(s['events']) for s in stories)} events")
    print(f"second annotations {len(read_jsonl(GOLD / 'second.jsonl'))}, adjudicated "
          f"{len(read_jsonl(GOLD / 'adjudicated.jsonl'))}")


if __name__ == "__main__":
    main()
