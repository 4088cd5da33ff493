"""Convert gold/places_src/places_dev.txt (inline [[text|REF|precision]] markup) to gold/places_dev.jsonl.

Coordinates are looked up in the gazetteer built from shared data (tools/build_gazetteer.py),
never typed by hand; the chosen row is printed for review.  See the source file's header for
the REF forms.

Usage: python tools/build_places_gold.py [--src FILE] [--out FILE] [--quiet]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from rasd.resolve.gazetteer import Gazetteer, GazPlace  # noqa: E402

MARK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]|]+))?(?:\|(\d))?\]\]")
HEADER = re.compile(r"^## (\S+) \| (\d{4}-\d{2}-\d{2}) \| (\S+)$")


def resolve_ref(gaz: Gazetteer, ref: str) -> GazPlace:
    if ref.startswith("country:"):
        return gaz.countries[ref.split(":", 1)[1]]
    if ref.startswith("adm1:"):
        cc, name = ref.split(":", 1)[1].split("/", 1)
        return gaz.admin1[(cc, name)]
    if "@" in ref:
        name, where = ref.split("@", 1)
        cc, _, admin1 = where.partition("/")
        rows = [p for p in gaz.by_name(name) if p.country == cc and (not admin1 or p.admin1 == admin1)]
        populated = [p for p in rows if p.fclass == "P"] or rows
        if not populated:
            raise KeyError(ref)
        return max(populated, key=lambda p: p.population)
    place = gaz.by_source_id(ref)
    if place is None:
        raise KeyError(ref)
    return place


def convert(src: Path, gaz: Gazetteer, verbose: bool) -> list[dict]:
    articles, current = [], None
    for line in src.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") or line == "#":
            continue
        m = HEADER.match(line)
        if m:
            current = {"id": m[1], "published": m[2], "outlet": m[3], "lines": []}
            articles.append(current)
        elif line.strip() and current is not None:
            current["lines"].append(line.strip())
    out = []
    for art in articles:
        marked = "\n".join(art["lines"])
        text, places, pos = [], [], 0
        length = 0
        for m in MARK.finditer(marked):
            before = marked[pos:m.start()]
            text.append(before)
            length += len(before)
            span = m[1]
            if m[2]:
                place = resolve_ref(gaz, m[2])
                precision = int(m[3]) if m[3] else place.precision
                places.append({"start": length, "end": length + len(span), "lat": place.lat, "lon": place.lon,
                               "precision": precision})
                if verbose:
                    print(f"{art['id']}\t{span}\t→ {place.name_en} ({place.country}/{place.admin1}, {place.fcode}, "
                          f"{place.source_id}) {place.lat},{place.lon} p{precision}")
            text.append(span)
            length += len(span)
            pos = m.end()
        text.append(marked[pos:])
        out.append({"id": art["id"], "text": "".join(text), "published": art["published"],
                    "outlet": art["outlet"], "places": places})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=REPO / "gold" / "places_src" / "places_dev.txt")
    ap.add_argument("--out", type=Path, default=REPO / "gold" / "places_dev.jsonl")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    docs = convert(args.src, Gazetteer.load(), not args.quiet)
    with args.out.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{len(docs)} articles, {sum(len(d['places']) for d in docs)} place mentions → {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
