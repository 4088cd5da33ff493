"""Validate the actor registry (src/rasd/resources/actors.jsonl) and print its make-up.

Run: python tools/check_actors.py [PATH]   (exit status 1 when any check fails)

Two actors may not share a name once normalised the way the linker reads text
(rasd.resolve.actors.name_key): a shared name would link arbitrarily.  A genuinely
ambiguous name is left out of every actor and recorded in _meta.ambiguous with
the actors it could mean and why.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from rasd.resolve.actors import ACTOR_TYPES, REGISTRY_PATH, name_key

MIN_ACTORS = 420  # non-person actors
OWNERSHIP = {"state", "private", "party", "militia", "independent", "ngo"}
OUTLET_KINDS = {"agency", "tv", "newspaper", "website", "monitor"}
OUTLET_TYPES = {"outlet", "monitor"}
# Words that are never a name on their own in news text: an alias equal to one would flood the output.
GENERIC_WORDS = {"الدولة", "الجيش", "الحكومة", "النظام", "الهيئة", "الحزب", "التحالف", "الشرطة", "المقاومة",
                 "الأمن", "الجبهة", "فتح", "أمل", "الفتح", "حزب", "الحركة", "القوات", "قوات", "الفصائل",
                 "المعارضة", "القاعدة", "الجزيرة", "العربية", "المنار", "الميادين", "المسيرة", "الحدث", "بدر",
                 "النصر", "الاحتلال", "العدو", "الثوار", "المسلحين", "الإرهابيين", "التنظيم", "الجماعة"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_YEAR = re.compile(r"^(19|20)[0-9]{2}$")
_YEAR_MONTH = re.compile(r"^(19|20)[0-9]{2}(-(0[1-9]|1[0-2]))?$")


def _str_list(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)


def check_actor(d: dict) -> list[str]:
    errs = []
    aid = d.get("id")
    if not isinstance(aid, str) or not _ID.match(aid):
        errs.append(f"bad id {aid!r}")
    if not isinstance(d.get("name_en"), str) or not d["name_en"].strip():
        errs.append("name_en missing")
    typ = d.get("type")
    if typ not in ACTOR_TYPES:
        errs.append(f"bad type {typ!r}")
    if not _str_list(d.get("names_ar")) or not d["names_ar"]:
        errs.append("names_ar must be a non-empty list of strings")
    if not _str_list(d.get("aliases_en", [])):
        errs.append("aliases_en must be a list of strings")
    for f in d.get("former_names", []):
        if not (isinstance(f, dict) and isinstance(f.get("name_en"), str) and _str_list(f.get("names_ar"))
                and isinstance(f.get("until"), str) and _YEAR.match(f["until"])):
            errs.append(f"bad former_names entry {f!r}")
    inter = d.get("acled_inter")
    if inter is not None and not (isinstance(inter, int) and 1 <= inter <= 8):
        errs.append(f"bad acled_inter {inter!r}")
    if typ in OUTLET_TYPES and inter is not None:
        errs.append("outlets and monitors take acled_inter null")
    if d.get("country") is not None and not _ISO2.match(str(d["country"])):
        errs.append(f"bad country {d['country']!r}")
    if "wikidata" in d and not _QID.match(str(d["wikidata"])):
        errs.append(f"bad wikidata {d['wikidata']!r}")
    if "active_until" in d and not _YEAR_MONTH.match(str(d["active_until"])):
        errs.append(f"bad active_until {d['active_until']!r}")
    if (typ == "person") != ("member_of" in d):
        errs.append("member_of is for persons, and every person needs one")
    out = d.get("outlet")
    if (typ in OUTLET_TYPES) != (out is not None):
        errs.append("outlet info is required for outlets/monitors and only for them")
    if out is not None:
        if out.get("ownership") not in OWNERSHIP:
            errs.append(f"bad outlet.ownership {out.get('ownership')!r}")
        if out.get("kind") not in OUTLET_KINDS:
            errs.append(f"bad outlet.kind {out.get('kind')!r}")
        if not isinstance(out.get("affiliation"), str):
            errs.append("outlet.affiliation must be text")
        prior = out.get("reliability_prior")
        if not (isinstance(prior, (int, float)) and 0 <= prior <= 1):
            errs.append(f"bad outlet.reliability_prior {prior!r}")
        if out.get("country") != d.get("country"):
            errs.append("outlet.country differs from country")
        if not _str_list(out.get("signature_names", [])):
            errs.append("outlet.signature_names must be a list of strings")
    return [f"{aid}: {e}" for e in errs]


def check(path: Path) -> tuple[list[str], list[dict], dict]:
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    errs: list[str] = []
    meta = lines[0].get("_meta") if lines else None
    if not isinstance(meta, dict) or not all(meta.get(k) for k in ("version", "description", "sources")):
        errs.append("first line must be {\"_meta\": {version, description, sources, ...}}")
        meta = meta if isinstance(meta, dict) else {}
    actors = lines[1:]
    for d in actors:
        errs += check_actor(d)

    by_id: dict[str, dict] = {}
    for d in actors:
        if d.get("id") in by_id:
            errs.append(f"duplicate id {d.get('id')}")
        by_id[d.get("id")] = d
    for name, n in Counter(d.get("name_en") for d in actors).items():
        if n > 1:
            errs.append(f"duplicate name_en {name!r}")
    for d in actors:
        for field in ("successor", "member_of"):
            if d.get(field) is not None and d[field] not in by_id:
                errs.append(f"{d['id']}: {field} {d[field]!r} does not exist")
        seen, cur = {d["id"]}, d.get("successor")
        while cur in by_id:
            if cur in seen:
                errs.append(f"{d['id']}: successor cycle")
                break
            seen.add(cur)
            cur = by_id[cur].get("successor")

    owner: dict[tuple, str] = {}
    for d in actors:
        names = list(d.get("names_ar", [])) + [n for f in d.get("former_names", []) for n in f.get("names_ar", [])]
        for name in names:
            key = name_key(name)
            if len(key) == 1 and name_key(key[0]) in {name_key(w) for w in GENERIC_WORDS}:
                errs.append(f"{d['id']}: generic word {name!r} used as a name")
            if key in owner:
                errs.append(f"name {name!r} ({' '.join(key)}) belongs to both {owner[key]} and {d['id']}")
            owner[key] = d["id"]
    outlet_owner: dict[tuple, str] = {}
    for d in actors:
        out = d.get("outlet")
        if not out:
            continue
        names = (list(d.get("names_ar", [])) + [n for f in d.get("former_names", []) for n in f.get("names_ar", [])]
                 + list(out.get("signature_names", [])) + [d.get("name_en", "")] + list(d.get("aliases_en", [])))
        for key in {name_key(n) for n in names if n}:
            if key in outlet_owner:
                errs.append(f"outlet name {' '.join(key)!r} belongs to both {outlet_owner[key]} and {d['id']}")
            outlet_owner[key] = d["id"]
    for amb in meta.get("ambiguous", []):
        key = name_key(amb.get("name", ""))
        if key in owner:
            errs.append(f"ambiguous name {amb['name']!r} is still a name of {owner[key]}")
        if not amb.get("why"):
            errs.append(f"ambiguous name {amb.get('name')!r} has no justification")
        for aid in amb.get("actors", []):
            if aid not in by_id:
                errs.append(f"ambiguous name {amb.get('name')!r} lists unknown actor {aid}")

    non_person = sum(1 for d in actors if d.get("type") != "person")
    if non_person < MIN_ACTORS:
        errs.append(f"only {non_person} non-person actors (need at least {MIN_ACTORS})")
    return errs, actors, meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=REGISTRY_PATH)
    args = ap.parse_args(argv)
    errs, actors, meta = check(args.path)
    by_type = Counter(d.get("type") for d in actors)
    by_country = Counter(d.get("country") or "-" for d in actors)
    n_names = sum(len(d.get("names_ar", [])) + sum(len(f.get("names_ar", [])) for f in d.get("former_names", []))
                  for d in actors)
    print(f"{len(actors)} actors ({len(actors) - by_type['person']} non-person), {n_names} Arabic names, "
          f"{len(meta.get('ambiguous', []))} recorded ambiguous names, "
          f"{sum(1 for d in actors if 'wikidata' in d)} with Wikidata ids")
    print("by type:    " + ", ".join(f"{t} {n}" for t, n in by_type.most_common()))
    print("by country: " + ", ".join(f"{c} {n}" for c, n in by_country.most_common()))
    for e in errs:
        print("ERROR", e, file=sys.stderr)
    print("OK" if not errs else f"{len(errs)} errors")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
