"""The compact gazetteer: one SQLite file, names index held in memory as two dicts.

The name index (normalised Arabic name → place row ids) is stored as one text blob so
that loading is a single read and split; ids are parsed and place rows fetched from
SQLite only for names actually seen in a text.  A second, folded index (final ي/ه/ا
and a leading article ignored, so كباني ≈ كبانة) answers at lower confidence.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rasd.nlp.phrases import PhraseMatcher, WordForms, proclitic_cut
from rasd.resources import data_path, shared
from rasd.text.arabic import clitic_variants, normalize, tokenize, word_cache

DEFAULT_PATH = data_path("gazetteer.sqlite")

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


@word_cache
def fold_key(key: str) -> str:
    """Spelling-tolerant key: كباني, كبانا, كبانه and الكبانة all fold to كبانه."""
    words = key.split(" ")
    if words[0].startswith("ال") and len(words[0]) > 4:
        words[0] = words[0][2:]
    return " ".join(fold_word(w) for w in words)


@word_cache
def place_name_readings(norm: str) -> tuple[str, ...]:
    """Clitic variants that a place name can take: و ف ب ل and their sequences, never a bare
    article-stripped stem ("السورية" is not "سورية") nor ك (كشفت is not شفت).  The fewer letters a reading
    strips, the earlier it comes, as the first of equally long names wins: "ولبنان" is و + لبنان (Lebanon)
    before و + ل + بنان (a Syrian village), "وباريس" و + باريس before و + ب + اريس."""
    out = []
    for v in clitic_variants(norm):
        if v == norm or v.startswith("ال"):
            out.append(v)
            continue
        prefix = norm[:len(norm) - len(v)] if norm.endswith(v) else ""
        if prefix and set(prefix) <= set("وفبل") and not prefix.endswith("ال"):
            out.append(v)
    return tuple(sorted(out, key=len, reverse=True))


PLACE_NAMES = WordForms("place-names", word_cache(lambda norm: tuple(
    (form, proclitic_cut(norm, form)) for form in place_name_readings(norm))), lambda norm: (norm,))


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
        self._reading = threading.Lock()  # one read-only connection, shared by the threads of a process
        self._names = names
        self._folded = folded
        # names in running text: a place name may carry و ف ب ل before it, never loses its article
        self.names: PhraseMatcher[str] = PhraseMatcher(((key.split(" "), ids) for key, ids in names.items()),
                                                       PLACE_NAMES)
        self.countries = {p.country: p for p in self._query("fcode = 'PCLI'")}
        self.admin1 = {(p.country, p.admin1): p for p in self._query("fcode = 'ADM1'")}

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Gazetteer":
        path = Path(path) if path else DEFAULT_PATH
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        blobs = dict(con.execute("SELECT name, body FROM blob"))
        con.close()
        return cls(path, _parse_index(blobs["names"]), _parse_index(blobs["folded"]))

    def __reduce__(self):
        """A worker rebuilds the gazetteer from its file: the open connection does not travel."""
        return (Gazetteer.load, (self.path,))

    def _query(self, where: str, args=()) -> list[GazPlace]:
        with self._reading:
            rows = self._con.execute(f"SELECT * FROM place WHERE {where}", args).fetchall()
        return [GazPlace(*r) for r in rows]

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


@shared
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, shared by every document of the process."""
    return Gazetteer.load()


def _parse_index(text: str) -> dict[str, str]:
    return dict(line.split("\t", 1) for line in text.split("\n")) if text else {}
