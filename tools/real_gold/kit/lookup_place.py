"""Annotation kit: find a toponym in rasd's gazetteer and print the candidates with their source_id.

    python3 lookup_place.py دوما            # exact name (alef, hamza, ta marbuta and diacritics folded)
    python3 lookup_place.py "ريف دمشق" --country SY
    python3 lookup_place.py دوم --prefix     # names starting with the query

Write the chosen candidate as [[LOC:span@SOURCE_ID/PRECISION]] in the .ann file.
"""
from __future__ import annotations

import argparse
import re
import sqlite3
from pathlib import Path

HERE = Path(__file__).resolve().parent
_FOLD = str.maketrans({**{c: "ا" for c in "أإآٱ"}, "ى": "ي", "ئ": "ي", "ة": "ه", "ؤ": "و", "ـ": None,
                       **{chr(c): None for c in range(0x064B, 0x0660)}, "\u0670": None,
                       **{chr(0x0660 + i): str(i) for i in range(10)}})
_WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff\u0640\u064b-\u065f\u0670]+|[0-9]+|[A-Za-z]+")


def key(name: str) -> str:
    return " ".join(w.translate(_FOLD).lower() for w in _WORD.findall(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="+")
    parser.add_argument("--country", help="ISO2 code, e.g. SY")
    parser.add_argument("--prefix", action="store_true", help="names that start with the query")
    parser.add_argument("--limit", type=int, default=15)
    args = parser.parse_args()
    query = key(" ".join(args.name))
    con = sqlite3.connect(f"file:{HERE / 'gazetteer.sqlite'}?mode=ro", uri=True)
    names = con.execute("select body from blob where name='names'").fetchone()[0]
    ids: dict[int, str] = {}
    for line in names.splitlines():
        name, _, row_ids = line.partition("\t")
        if name == query or (args.prefix and name.startswith(query)):
            for i in row_ids.split(","):
                ids.setdefault(int(i), name)
    if not ids:
        print(f"no gazetteer name is '{query}'" + ("" if args.prefix else " (try --prefix, another spelling, or "
                                                   "the name without ال)"))
        return
    rows = con.execute(f"select id, source_id, name_ar, name_en, fcode, country, admin1, admin2, lat, lon, "
                       f"population, precision from place where id in ({','.join('?' * len(ids))})", list(ids))
    rows = [r for r in rows if not args.country or r[5] == args.country.upper()]
    rows.sort(key=lambda r: (-(r[10] or 0), r[1]))
    for r in rows[:args.limit]:
        _, source_id, name_ar, name_en, fcode, country, admin1, admin2, lat, lon, population, precision = r
        where = " / ".join(x for x in (country, admin1, admin2) if x)
        print(f"{source_id}\t{name_ar} | {name_en} (matched {ids[r[0]]!r})\t{fcode}\t{where}\t{lat:.5f},{lon:.5f}\tpop {population or 0}"
              f"\t(precision {precision} if named alone)")
    if len(rows) > args.limit:
        print(f"... {len(rows) - args.limit} more (use --country or --limit)")


if __name__ == "__main__":
    main()
