"""Annotation kit: check .ann files against their articles and the rules of the guide.

    python3 check.py ann/A1/BB-middleEast-17-20180220.ann [more files...]

Prints every problem with a hint, or a one-line summary of a good file.  Exit status 1 if any file has problems.
"""
from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

from annotation import AnnotationError, Reference, check, parse, summary

HERE = Path(__file__).resolve().parent


def load_static():
    codebook = json.loads((HERE / "acled_codebook.json").read_text(encoding="utf-8"))
    subtypes = {t["name"]: {s["name"] for s in t["sub_event_types"]} for t in codebook["event_types"]}
    actors = {json.loads(line).get("name_en") for line in (HERE / "actors.jsonl").open(encoding="utf-8")}
    con = sqlite3.connect(f"file:{HERE / 'gazetteer.sqlite'}?mode=ro", uri=True)
    place_ids = {r[0] for r in con.execute("select source_id from place")}
    with (HERE / "articles.tsv").open(encoding="utf-8") as handle:
        published = {r["docno"]: r["published"] for r in csv.DictReader(handle, delimiter="\t")}
    return subtypes, actors - {None}, place_ids, published


def main(paths: list[str]) -> int:
    subtypes, actors, place_ids, published = load_static()
    bad = 0
    for path in paths:
        try:
            ann = parse(Path(path).read_text(encoding="utf-8"))
        except AnnotationError as error:
            print(f"{path}: {error}")
            bad += 1
            continue
        article = HERE / "articles" / f"{ann.docno}.txt"
        if not article.exists() or ann.docno not in published:
            print(f"{path}: unknown docno {ann.docno}")
            bad += 1
            continue
        ref = Reference(article.read_text(encoding="utf-8"), published[ann.docno], subtypes, actors, place_ids)
        problems = check(ann, ref)
        if problems:
            bad += 1
            print(f"{path}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"OK {summary(ann)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
