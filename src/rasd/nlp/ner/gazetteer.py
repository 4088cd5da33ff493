"""Name lists the CRF sees as features: places, given names, organisations.

`build` runs at training time only (it reads ../shared/data) and writes one
compact resource, gazetteer.tsv.gz; `Gazetteer.load` reads that resource at run
time.  Names are stored as normalised, space-joined rasd tokens.
"""
from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from rasd.nlp.phrases import FIRST_CLITICS, PhraseMatcher
from rasd.resources import data_path
from rasd.text.arabic import tokenize

LEXICONS = data_path("lexicons")
GAZETTEER_FILE = "gazetteer.tsv.gz"
MAX_NAME_TOKENS = 6
# Kinds of name: LOC (countries, regions, districts, towns of 15k+, curated places), LOCS (smaller
# places), PER (given names), ORG (organisations).
_ARABIC_SCRIPT = ("\u0600", "\u06ff")


def name_key(text: str) -> str | None:
    words = [t.norm for t in tokenize(text)]
    if not words or len(words) > MAX_NAME_TOKENS:
        return None
    key = " ".join(words)
    if len(key) < 3 or not any(_ARABIC_SCRIPT[0] <= c <= _ARABIC_SCRIPT[1] for c in key):
        return None
    return key


def read_lexicon(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


class Gazetteer:
    """Names the CRF sees as features, each with its kinds; the first word of a name may carry proclitics
    (وبريف, لحلب), later words are taken as written."""

    def __init__(self, names: dict[str, set[str]]):
        self._matcher: PhraseMatcher[frozenset[str]] = PhraseMatcher(
            ((key.split(" "), frozenset(kinds)) for key, kinds in names.items()), FIRST_CLITICS)

    @classmethod
    def load(cls, directory: Path) -> "Gazetteer":
        names: dict[str, set[str]] = {}
        with gzip.open(directory / GAZETTEER_FILE, "rt", encoding="utf-8") as f:
            for line in f:
                kind, key = line.rstrip("\n").split("\t")
                names.setdefault(key, set()).add(kind)
        return cls(names)

    def match(self, norms: list[str]) -> list[list[str]]:
        """Per token, features 'g<kind>B'/'g<kind>I' for the longest name of each kind starting at each position,
        read with the first reading of the word that begins any name."""
        out: list[list[str]] = [[] for _ in norms]
        for i in range(len(norms)):
            if not self._matcher.openings(norms[i]):
                continue
            found: list[tuple[int, frozenset[str]]] = []  # (end, kinds), shortest first, of the first reading
            first_form = None
            for m in self._matcher.matches_at(norms, i):
                if first_form is not None and m.form != first_form:
                    break
                first_form = m.form
                found.append((m.end, m.value))
            seen: set[str] = set()
            for end, kinds in reversed(found):  # the longest name of each kind
                for kind in kinds - seen:
                    out[i].append(f"g{kind}B")
                    for j in range(i + 1, end):
                        out[j].append(f"g{kind}I")
                seen |= kinds
        return out


def _wof_names(data: Path, names: dict[str, set[str]]) -> None:
    for path in sorted((data / "wof-mena").glob("wof_*.tsv")):
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                major = row["placetype"] in ("country", "region", "county", "localadmin") or \
                    int(float(row["gn_population"] or 0)) >= 15000
                for text in (row["names_ar_all"] or "").split("|") + [row["name_ar"] or ""]:
                    _add(names, text, "LOC" if major else "LOCS")
                for text in (row["region_ar"] or "", row["county_ar"] or ""):
                    _add(names, text, "LOC")


def _geonames_names(data: Path, names: dict[str, set[str]]) -> None:
    with open(data / "geonames" / "cities500_mena.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            kind = "LOC" if int(row["population"] or 0) >= 15000 else "LOCS"
            for text in row["alternatenames"].split(","):
                _add(names, text, kind)
    countries = json.loads((data / "naturalearth" / "ne_50m_admin_0_countries.geojson").read_text("utf-8"))
    for feature in countries["features"]:
        _add(names, feature["properties"].get("name_ar") or "", "LOC")


def _opensyria_names(data: Path, names: dict[str, set[str]]) -> None:
    for level in ("governorates", "districts", "subdistricts"):
        path = data / "opensyria-geography" / f"{level}.json"
        for record in json.loads(path.read_text("utf-8")):
            _add(names, record["name"].get("ar") or "", "LOC")
            for alias in record.get("aliases") or []:
                if alias.get("language") == "ar":
                    _add(names, alias["value"], "LOC")


def _idrisi_names(data: Path, names: dict[str, set[str]]) -> None:
    """Location mentions of the IDRISI LMR train files (never dev/test)."""
    for path in sorted((data / "idrisi-ar" / "LMR").glob("*/train.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                for mention in json.loads(line).get("location_mentions") or []:
                    _add(names, mention.get("text") or "", "LOCS")


def _add(names: dict[str, set[str]], text: str, kind: str) -> None:
    key = name_key(text.strip())
    if key:
        names.setdefault(key, set()).add(kind)


def build(data: Path, out: Path, actors_path: Path | None = None) -> Path:
    """Write gazetteer.tsv.gz from the shared data, the actor registry and the curated lists.

    Names are never taken from the labelled training sentences: every such name matches in
    training, so the CRF learns to trust the list far more than it deserves on unseen text
    (names seen twice or more: dev F1 0.703; four times: 0.706; none: 0.708).
    """
    names: dict[str, set[str]] = {}
    _wof_names(data, names)
    _geonames_names(data, names)
    _opensyria_names(data, names)
    _idrisi_names(data, names)
    for text in read_lexicon(LEXICONS / "world_places.txt"):
        _add(names, text, "LOC")
    for text in read_lexicon(LEXICONS / "first_names.txt"):
        _add(names, text, "PER")
    for text in read_lexicon(LEXICONS / "organizations.txt"):
        _add(names, text, "ORG")
    if actors_path and actors_path.exists():
        with open(actors_path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    actor = json.loads(line)
                    for text in actor.get("names_ar") or []:
                        _add(names, text, "PER" if actor.get("type") == "person" else "ORG")
    out.mkdir(parents=True, exist_ok=True)
    path = out / GAZETTEER_FILE
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        for key in sorted(names):
            for kind in sorted(names[key]):
                f.write(f"{kind}\t{key}\n")
    counts = Counter(k for kinds in names.values() for k in kinds)
    print(f"gazetteer: {dict(counts)} -> {path}", file=sys.stderr)
    return path
