"""Turn the annotators' .ann files into the repository's gold files: offsets, labels and codes, never text.

    python tools/real_gold/convert.py /work/annotkit --second A2,B1,B2,B3

Every file is checked again (text hash, codebook, registry, gazetteer); a file that fails is reported and left
out.  Writes gold/real/first.jsonl (one annotation per article: the first pass), gold/real/second.jsonl (the
independent second annotations of the agreement subset) and gold/real/adjudicated.jsonl (annotator "ADJ": the
gold of the doubly annotated articles, settled from both).  Each line:

    {"docno", "annotator", "sha256", "split", "outlet", "published",
     "entities": [{"start", "end", "label", "actor"?}],
     "places": [{"start", "end", "source_id", "lat", "lon", "precision"}],
     "events": [{"event_type", "sub_event_type", "actor1", "assoc1", "actor2", "assoc2",
                 "place": {"source_id", "lat", "lon", "precision"}, "date", "fatalities", "evidence", "note"}],
     "nonevents": [{"kind", "start", "end", "note"}]}

Offsets are Python string indices into the article text as `rasd.ingest.ant` reads it; `sha256` is that
text's hash, so a builder can tell when the corpus text it joins is not the one annotated.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from annotation import AnnotationError, Reference, check, parse  # noqa: E402

RESOURCES = REPO / "src" / "rasd" / "resources"
GOLD = REPO / "gold" / "real"


def load_reference_data():
    codebook = json.loads((RESOURCES / "acled_codebook.json").read_text(encoding="utf-8"))
    subtypes = {t["name"]: {s["name"] for s in t["sub_event_types"]} for t in codebook["event_types"]}
    names: dict[str, str] = {}  # every registry actor's English name and English aliases, each to its name
    with (RESOURCES / "actors.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            actor = json.loads(line)
            if "name_en" in actor:
                for alias in actor.get("aliases_en", []):
                    names.setdefault(alias, actor["name_en"])
                names[actor["name_en"]] = actor["name_en"]
    con = sqlite3.connect(f"file:{RESOURCES / 'gazetteer.sqlite'}?mode=ro", uri=True)
    places = {r[0]: (r[1], r[2]) for r in con.execute("select source_id, lat, lon from place")}
    return subtypes, names, places


ADJUDICATOR = "ADJ"


def convert(kit: Path, second: set[str]) -> tuple[list[dict], list[dict], list[dict], list[str]]:
    subtypes, names, places = load_reference_data()
    actors = set(names.values())
    with (GOLD / "articles.tsv").open(encoding="utf-8") as handle:
        articles = {r["docno"]: r for r in csv.DictReader(handle, delimiter="\t")}
    first, seconds, adjudicated, problems = [], [], [], []
    for path in sorted((kit / "ann").glob("*/*.ann")):
        try:
            ann = parse(path.read_text(encoding="utf-8"))
        except AnnotationError as error:
            problems.append(f"{path}: {error}")
            continue
        meta = articles.get(ann.docno)
        if meta is None:
            problems.append(f"{path}: docno {ann.docno} is not in articles.tsv")
            continue
        text = (kit / "articles" / f"{ann.docno}.txt").read_text(encoding="utf-8")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != meta["sha256"]:
            problems.append(f"{path}: the kit's article text is not the selected one")
            continue
        found = check(ann, Reference(text, meta["published"], subtypes, actors, set(places)))
        if found:
            problems.append(f"{path}: {len(found)} problem(s), first: {found[0]}")
            continue
        record = to_record(ann, meta, places, names)
        if ann.annotator == ADJUDICATOR:
            adjudicated.append(record)
        else:
            (seconds if ann.annotator in second else first).append(record)
    return first, seconds, adjudicated, problems


def _place(source_id: str, precision: int, places: dict[str, tuple[float, float]]) -> dict:
    lat, lon = places[source_id]
    return {"source_id": source_id, "lat": round(lat, 5), "lon": round(lon, 5), "precision": precision}


def actor_name(name: str | None, registry_names: dict[str, str]) -> str | None:
    """An actor the registry lacked when it was annotated is written "new: Name"; once the registry has taken the
    actor under that name or English alias, the gold gives the registry's name (two annotators proposed "Joint
    Forces (Yemen)" and "Joint Resistance Forces (Yemen)" for one force), else the proposed name."""
    if not (name and name.startswith("new:")):
        return name
    proposed = name[len("new:"):].strip()
    return registry_names.get(proposed, proposed)


def to_record(ann, meta: dict, places: dict[str, tuple[float, float]], names: dict[str, str]) -> dict:
    entities, spans = [], []
    for s in ann.spans:
        entity = {"start": s.start, "end": s.end, "label": s.label}
        if s.actor:
            entity["actor"] = actor_name(s.actor, names)
        entities.append(entity)
        if s.place:
            spans.append({"start": s.start, "end": s.end, **_place(s.place, s.precision, places)})
    events = [{
        "event_type": e.event_type, "sub_event_type": e.sub_event_type,
        "actor1": actor_name(e.actor1, names), "assoc1": [actor_name(a, names) for a in e.assoc1],
        "actor2": actor_name(e.actor2, names), "assoc2": [actor_name(a, names) for a in e.assoc2],
        "place": _place(e.place, e.precision, places), "date": e.date, "fatalities": e.fatalities,
        "evidence": [list(span) for span in e.evidence], "note": e.note,
    } for e in ann.events]
    nonevents = [{"kind": n.kind, "start": n.start, "end": n.end, "note": n.note} for n in ann.nonevents]
    return {"docno": ann.docno, "annotator": ann.annotator, "sha256": meta["sha256"], "split": meta["split"],
            "outlet": meta["outlet"], "published": meta["published"], "entities": entities, "places": spans,
            "events": events, "nonevents": nonevents}


def write(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in sorted(records, key=lambda r: r["docno"]):
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kit", type=Path)
    parser.add_argument("--second", default="", help="comma-separated ids of the second-pass annotators")
    args = parser.parse_args()
    first, seconds, adjudicated, problems = convert(args.kit, set(filter(None, args.second.split(","))))
    for problem in problems:
        print(problem, file=sys.stderr)
    duplicated = {r["docno"] for r in first if [x["docno"] for x in first].count(r["docno"]) > 1}
    if duplicated:
        print(f"first pass annotated twice: {sorted(duplicated)}", file=sys.stderr)
        return 1
    write(GOLD / "first.jsonl", first)
    write(GOLD / "second.jsonl", seconds)
    write(GOLD / "adjudicated.jsonl", adjudicated)
    print(f"first pass: {len(first)} articles, second pass: {len(seconds)}, adjudicated: {len(adjudicated)}; "
          f"{len(problems)} files left out")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
