"""Join the real-news gold (offsets only) with the corpus text into the file `rasd eval` reads.

    python tools/real_gold/build.py [--ant ../shared/data/arabic-news-text/ant-multisource-v2.1]
                                    [--out build/gold/real.jsonl]

For each annotated article the gold is the adjudicated annotation when there is one (gold/real/adjudicated.jsonl),
else the first pass (gold/real/first.jsonl).  The article text is read from the ANT corpus by
`rasd.ingest.ant`, and its SHA-256 must equal the annotated text's: a changed corpus is an error, never a
silent misalignment.  The output holds corpus text, so it lives in build/ (not committed).

Output lines (the `rasd eval` gold format, plus the split and the real-news extras):
    {"id", "text", "title", "published", "outlet", "split", "entities", "places", "toponyms",
     "events": [{"event_type", "sub_event_type", "actors", "actor1", "actor2", "location", "precision",
                 "date", "fatalities", "evidence"}], "nonevents"}
"""
from __future__ import annotations

import argparse
from collections import Counter
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from rasd.ingest.ant import iter_articles  # noqa: E402

GOLD = REPO / "gold" / "real"
OUTLETS = {"bbc": "BBC Arabic", "skynews": "Sky News Arabia", "alarabia": "Al Arabiya", "cnn": "CNN Arabic",
           "france24": "France 24"}
DEFAULT_ANT = REPO.parent / "shared" / "data" / "arabic-news-text" / "ant-multisource-v2.1"


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_annotations() -> dict[str, dict]:
    """docno → the annotation that is the gold: adjudicated where there is one, else the first pass."""
    chosen = {r["docno"]: r for r in read_jsonl(GOLD / "first.jsonl")}
    chosen.update({r["docno"]: r for r in read_jsonl(GOLD / "adjudicated.jsonl")})
    return chosen


def eval_record(annotation: dict, text: str) -> dict:
    placed = {(p["start"], p["end"]) for p in annotation["places"]}
    events = []
    for e in annotation["events"]:
        actors = [a for a in (e["actor1"], *e["assoc1"], e["actor2"], *e["assoc2"]) if a]
        place = e["place"]
        events.append({"event_type": e["event_type"], "sub_event_type": e["sub_event_type"], "actors": actors,
                       "actor1": e["actor1"], "actor2": e["actor2"],
                       "location": {"lat": place["lat"], "lon": place["lon"]}, "precision": place["precision"],
                       "date": e["date"], "fatalities": e["fatalities"], "evidence": e["evidence"]})
    return {
        "id": annotation["docno"], "text": text, "title": text.split("\n", 1)[0],
        "published": annotation["published"], "outlet": OUTLETS[annotation["outlet"]], "split": annotation["split"],
        "entities": annotation["entities"],
        "places": [{k: p[k] for k in ("start", "end", "lat", "lon", "precision")} for p in annotation["places"]],
        "toponyms": [{"start": e["start"], "end": e["end"]} for e in annotation["entities"]
                     if e["label"] == "LOC" and (e["start"], e["end"]) not in placed],
        "events": events, "nonevents": annotation["nonevents"],
    }


def build(ant_root: Path, annotations: dict[str, dict]) -> list[dict]:
    out = []
    for article in iter_articles(ant_root, set(annotations)):
        annotation = annotations[article.docno]
        if article.sha256 != annotation["sha256"]:
            raise SystemExit(f"{article.docno}: the corpus text differs from the annotated one (sha256)")
        out.append(eval_record(annotation, article.text))
    missing = set(annotations) - {r["id"] for r in out}
    if missing:
        raise SystemExit(f"{len(missing)} annotated articles are not in {ant_root}: {sorted(missing)[:5]}")
    return sorted(out, key=lambda r: r["id"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ant", type=Path, default=DEFAULT_ANT)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "gold" / "real.jsonl")
    args = parser.parse_args()
    records = build(args.ant, gold_annotations())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    splits = Counter(r["split"] for r in records)
    print(f"{len(records)} articles ({', '.join(f'{k} {v}' for k, v in sorted(splits.items()))}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
