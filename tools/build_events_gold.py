"""Build gold/events_dev.jsonl from the hand-annotated sources in gold/events_src/.

The held-out test set uses the same format and rules, from its own sources and places.tsv:
``--src gold/events_test_src --out gold/events_test.jsonl``.

The sources keep the article text readable with inline markup, so that offsets are never
typed by hand: this script strips the markup, computes exact character offsets into the
clean text, and refuses to write anything that breaks the annotation rules (unknown labels,
event types outside the ACLED codebook, event locations that are not places of the article,
dates after publication, ...).

Source file layout (one article per ``*.txt``; see gold/README.md):

    id: sy-01
    published: 2025-10-14
    outlet: Levant Wire
    ---
    text with [[ORG:هيئة تحرير الشام|Hayat Tahrir al-Sham]] and [[LOC:ريف حماة@sy.hama/2]]
    nested: [[QUANTITY:ثلاث [[WEAPON:طائرات مسيرة]]]]
    ---
    event: Battles | Armed clash | Actor A; Actor B | sy.hama | 2025-10-13 | 3
    nonevent: negated | لم تسجل أي اشتباكات

``places.tsv`` maps each place key to the gazetteer coordinate it was looked up from.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tools" / "real_gold"))

import annotation  # noqa: E402  (the one markup format of the gold sources)
NONEVENT_KINDS = {"negated", "future", "conditional"}
MIN_WORDS, MAX_WORDS = 120, 350
MAX_EVENT_AGE_DAYS = 62  # an event older than this would be history, not news of the day


class GoldError(ValueError):
    pass


@dataclass
class Place:
    key: str
    lat: float
    lon: float


@dataclass
class Article:
    id: str
    published: str
    outlet: str
    text: str
    entities: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    place_keys: set[str] = field(default_factory=set)
    events: list[dict] = field(default_factory=list)
    nonevents: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "published": self.published,
            "outlet": self.outlet,
            "entities": self.entities,
            "places": self.places,
            "events": self.events,
        }


def load_codebook(path: Path) -> dict[str, set[str]]:
    codebook = json.loads(path.read_text(encoding="utf-8"))
    return {t["name"]: {s["name"] for s in t["sub_event_types"]} for t in codebook["event_types"]}


def load_places(path: Path) -> dict[str, Place]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {r["key"]: Place(r["key"], float(r["lat"]), float(r["lon"])) for r in rows}


def strip_markup(marked: str, places: dict[str, Place], where: str) -> tuple[str, list[dict], list[dict], set[str]]:
    """Return clean text plus entity and place spans; the markup is the real-news annotation format's
    (tools/real_gold/annotation.py), with place keys of places.tsv where that format has gazetteer ids."""
    try:
        text, spans = annotation.strip_markup(marked)
    except annotation.AnnotationError as error:
        raise GoldError(f"{where}: {error}") from None
    entities, place_spans, place_keys = [], [], set()
    for span in spans:
        entity = {"start": span.start, "end": span.end, "label": span.label}
        if span.actor:
            entity["actor"] = span.actor
        entities.append(entity)
        if span.place:
            if span.place not in places:
                raise GoldError(f"{where}: unknown place key {span.place!r} on {text[span.start:span.end]!r}")
            place = places[span.place]
            place_spans.append({"start": span.start, "end": span.end, "lat": place.lat, "lon": place.lon,
                                "precision": span.precision})
            place_keys.add(span.place)
    for stray in ("[[", "]]"):
        if stray in text:
            raise GoldError(f"{where}: stray {stray!r} in clean text")
    place_spans.sort(key=lambda p: p["start"])
    return text, entities, place_spans, place_keys


def parse_event(line: str, article: Article, codebook: dict[str, set[str]], places: dict[str, Place], where: str) -> dict:
    fields = [f.strip() for f in line.split("|")]
    if len(fields) != 6:
        raise GoldError(f"{where}: an event needs 6 '|'-separated fields: {line!r}")
    event_type, sub_event_type, actors, location, date, fatalities = fields
    if sub_event_type not in codebook.get(event_type, set()):
        raise GoldError(f"{where}: {event_type!r} / {sub_event_type!r} is not in the ACLED codebook")
    actor_names = [a.strip() for a in actors.split(";") if a.strip()]
    if not actor_names:
        raise GoldError(f"{where}: event without actors: {line!r}")
    if location == "-":
        coords = None
    elif location in article.place_keys:
        coords = {"lat": places[location].lat, "lon": places[location].lon}
    else:
        raise GoldError(f"{where}: event location {location!r} is not a place marked in the article")
    if date != "-":
        published = dt.date.fromisoformat(article.published)
        age = (published - dt.date.fromisoformat(date)).days
        if not 0 <= age <= MAX_EVENT_AGE_DAYS:
            raise GoldError(f"{where}: event date {date} is {age} days before publication")
    if fatalities != "-" and not fatalities.isdigit():
        raise GoldError(f"{where}: fatalities must be a count or '-': {fatalities!r}")
    return {
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actors": actor_names,
        "location": coords,
        "date": None if date == "-" else date,
        "fatalities": None if fatalities == "-" else int(fatalities),
    }


def parse_article(path: Path, codebook: dict[str, set[str]], places: dict[str, Place]) -> Article:
    parts = path.read_text(encoding="utf-8").split("\n---\n")
    if len(parts) != 3:
        raise GoldError(f"{path.name}: expected header, text and annotation blocks separated by '---' lines")
    header = dict(line.split(":", 1) for line in parts[0].strip().splitlines())
    header = {k.strip(): v.strip() for k, v in header.items()}
    where = f"{path.name} ({header.get('id')})"
    dt.date.fromisoformat(header["published"])
    text, entities, place_spans, place_keys = strip_markup(parts[1].strip(), places, where)
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise GoldError(f"{where}: {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    article = Article(header["id"], header["published"], header["outlet"], text, entities, place_spans, place_keys)
    for line in parts[2].strip().splitlines():
        kind, _, body = line.partition(":")
        if kind == "event":
            article.events.append(parse_event(body, article, codebook, places, where))
        elif kind == "nonevent":
            modality, _, statement = (s.strip() for s in body.partition("|"))
            if modality not in NONEVENT_KINDS or statement not in text:
                raise GoldError(f"{where}: bad nonevent line {line!r}")
            article.nonevents.append((modality, statement))
        elif line.strip():
            raise GoldError(f"{where}: unknown annotation line {line!r}")
    return article


def build(src_dir: Path, codebook_path: Path) -> list[Article]:
    codebook = load_codebook(codebook_path)
    places = load_places(src_dir / "places.tsv")
    articles = [parse_article(p, codebook, places) for p in sorted(src_dir.glob("*.txt"))]
    ids = [a.id for a in articles]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise GoldError(f"duplicate article ids: {sorted(duplicates)}")
    return articles


def write_jsonl(articles: list[Article], out_path: Path) -> None:
    with out_path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")


def summary(articles: list[Article]) -> str:
    by_type: dict[str, int] = {}
    by_sub: dict[str, int] = {}
    nonevents: dict[str, int] = {}
    for article in articles:
        for event in article.events:
            by_type[event["event_type"]] = by_type.get(event["event_type"], 0) + 1
            sub = f"{event['event_type']} / {event['sub_event_type']}"
            by_sub[sub] = by_sub.get(sub, 0) + 1
        for modality, _ in article.nonevents:
            nonevents[modality] = nonevents.get(modality, 0) + 1
    lines = [
        f"articles {len(articles)}, events {sum(by_type.values())}, "
        f"entities {sum(len(a.entities) for a in articles)}, places {sum(len(a.places) for a in articles)}",
        "articles without events: " + str(sum(1 for a in articles if not a.events)),
        "non-event statements: " + ", ".join(f"{k} {v}" for k, v in sorted(nonevents.items())),
    ]
    lines += [f"  {name}: {count}" for name, count in sorted(by_type.items())]
    lines += [f"    {name}: {count}" for name, count in sorted(by_sub.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=REPO_ROOT / "gold" / "events_src")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "gold" / "events_dev.jsonl")
    parser.add_argument("--codebook", type=Path, default=REPO_ROOT / "src" / "rasd" / "resources" / "acled_codebook.json")
    args = parser.parse_args(argv)
    try:
        articles = build(args.src, args.codebook)
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    write_jsonl(articles, args.out)
    print(summary(articles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
