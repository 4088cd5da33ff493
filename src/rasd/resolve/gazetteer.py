"""The compact gazetteer: one SQLite file, names index held in memory as two dicts.

The name index (normalised Arabic name → place row ids) is stored as one text blob so
that loading is a single read and split; ids are parsed and place rows fetched from
SQLite only for names actually seen in a text.  A second, folded index (final ي/ه/ا
and a leading article ignored, so كباني ≈ كبانة) answers at lower confidence.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rasd.text.arabic import normalize, tokenize

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "gazetteer.sqlite"

SCHEMA = """
CREATE TABLE place (
  id INTEGER PRIMARY KEY, name_en TEXT, name_ar TEXT, lat REAL, lon REAL, country TEXT,
  admin1 TEXT, admin2 TEXT, geonameid INTEGER, fclass TEXT, fcode TEXT, population INTEGER,
  precision INTEGER, source TEXT, source_id TEXT, coord TEXT
);
CREATE TABLE blob (name TEXT PRIMARY KEY, body TEXT);
"""


def name_key(name: str) -> str:
    """The index form of a name: normalised word tokens joined by single spaces."""
    return " ".join(t.norm for t in tokenize(name) if t.norm[:1].isalnum())


def fold_word(word: str) -> str:
    word = word.rstrip("ء")
    if len(word) > 2 and word[-1] in "يها":
        word = word[:-1] + "ه"
    return word


@lru_cache(maxsize=100_000)
def fold_key(key: str) -> str:
    """Spelling-tolerant key: كباني, كبانا, كبانه and الكبانة all fold to كبانه."""
    words = key.split(" ")
    if words[0].startswith("ال") and len(words[0]) > 4:
        words[0] = words[0][2:]
    return " ".join(fold_word(w) for w in words)


@dataclass(frozen=True)
class GazPlace:
    id: int
    name_en: str
    name_ar: str
    lat: float
    lon: float
    country: str
    admin1: str | None
    admin2: str | None
    geonameid: int | None
    fclass: str | None
    fcode: str | None
    population: int
    precision: int
    source: str
    source_id: str
    coord: str


class Gazetteer:
    def __init__(self, path: Path, names: dict[str, str], folded: dict[str, str]):
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._names = names
        self._folded = folded
        self.max_words = max(k.count(" ") for k in names) + 1 if names else 1
        # every word-prefix of every name, so a scan stops as soon as no name can continue
        self._prefixes = {" ".join(words[:k]) for words in (key.split(" ") for key in names)
                          for k in range(1, len(words) + 1)}
        self.countries = {p.country: p for p in self._query("fcode = 'PCLI'")}
        self.admin1 = {(p.country, p.admin1): p for p in self._query("fcode = 'ADM1'")}

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Gazetteer":
        path = Path(path) if path else DEFAULT_PATH
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        blobs = dict(con.execute("SELECT name, body FROM blob"))
        con.close()
        return cls(path, _parse_index(blobs["names"]), _parse_index(blobs["folded"]))

    def _query(self, where: str, args=()) -> list[GazPlace]:
        return [GazPlace(*r) for r in self._con.execute(f"SELECT * FROM place WHERE {where}", args)]

    def has(self, key: str) -> bool:
        return key in self._names

    def is_prefix(self, key: str) -> bool:
        return key in self._prefixes

    def has_folded(self, key: str) -> bool:
        return key in self._folded

    def lookup(self, key: str) -> list[GazPlace]:
        ids = self._names.get(key)
        return self._places(ids) if ids else []

    def lookup_folded(self, key: str) -> list[GazPlace]:
        ids = self._folded.get(fold_key(key))
        return self._places(ids) if ids else []

    @lru_cache(maxsize=50_000)
    def _places(self, ids: str) -> list[GazPlace]:
        id_list = [int(i) for i in ids.split(",")]
        marks = ",".join("?" * len(id_list))
        return self._query(f"id IN ({marks})", id_list)

    def by_source_id(self, source_id: str) -> GazPlace | None:
        rows = self._query("source_id = ?", (source_id,))
        return rows[0] if rows else None

    def by_name(self, name: str) -> list[GazPlace]:
        return self.lookup(name_key(normalize(name)))


def _parse_index(text: str) -> dict[str, str]:
    return dict(line.split("\t", 1) for line in text.split("\n")) if text else {}
