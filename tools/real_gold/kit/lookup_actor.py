"""Annotation kit: find an actor in rasd's registry by any Arabic or English name (substring match).

    python3 lookup_actor.py حزب الله
    python3 lookup_actor.py "Free Syrian Army"
    python3 lookup_actor.py --country SY --type state_forces

Link a mention with [[ORG:span|NAME_EN]] and name event actors by NAME_EN exactly as printed.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from lookup_place import key

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="*")
    parser.add_argument("--country")
    parser.add_argument("--type")
    args = parser.parse_args()
    query = key(" ".join(args.name))
    found = 0
    for line in (HERE / "actors.jsonl").open(encoding="utf-8"):
        actor = json.loads(line)
        if "name_en" not in actor:
            continue
        if args.country and actor.get("country") != args.country.upper():
            continue
        if args.type and actor.get("type") != args.type:
            continue
        names = [actor["name_en"], *actor.get("aliases_en", []), *actor.get("names_ar", [])]
        for former in actor.get("former_names", []):
            names += [former.get("name_en", ""), *former.get("names_ar", [])]
        if query and not any(query in key(n) for n in names):
            continue
        found += 1
        dates = f" until {actor['active_until']}" if actor.get("active_until") else ""
        print(f"{actor['name_en']}\t[{actor.get('type')}, {actor.get('country') or '-'}{dates}]\t"
              f"{'، '.join(actor.get('names_ar', [])[:6])}")
    if not found:
        print("no registry actor matches; for an event actor use a generic name such as 'Civilians (Syria)' or "
              "'Unidentified Armed Group (Iraq)', or write 'new: ACLED-style name'")


if __name__ == "__main__":
    main()
