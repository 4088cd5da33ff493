"""What the corpus step reads of a stored document: an `Article` with its words, actors, places and the events
it asserts (each a `Report`), read from the store's tables in the order the documents were stored."""
from __future__ import annotations

import math
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from rasd.resources import language_data
from rasd.store.rows import search_stem
from rasd.text.arabic import normalize, tokenize

SHINGLE_WORDS = 2  # words per shingle of the near-duplicate signature
MIN_TERM_CHARS = 3  # shorter stems say little about what a story is
STOPWORDS = frozenset(normalize(w) for w in language_data("corpus")["stopwords"])


@dataclass(frozen=True)
class Report:
    """One asserted event of an article, as the corpus merges it."""

    event_id: str
    event_type: str
    sub_event_type: str
    event_date: str | None
    actor1: str | None = None
    actor2: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    country: str | None = None
    claimant: tuple[str, str | None] | None = None  # the innermost source of its attribution: (kind, actor)
    relayed: str | None = None  # the agency it was relayed from, when that is not the outlet itself


@dataclass
class Article:
    doc_id: str
    seq: int
    day: str  # ISO date: published, else the earliest event date, else the day it was stored
    dated: bool  # whether `day` is the article's own (published or an event's date), not the day it was stored
    outlet: str | None
    title: str
    language: str | None = None
    actors: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    reports: list[Report] = field(default_factory=list)
    # the normalised words of the text and the search stem of each (rasd.store.rows): the search index's row
    words: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)

    def shingles(self) -> set[bytes]:
        """The distinct word shingles of the text (all its words when it has fewer than a shingle's): each word
        encoded once and the pairs joined, by `map`, without a Python step per word or shingle."""
        words = self.words
        if len(words) < SHINGLE_WORDS:
            return {" ".join(words).encode()} if words else set()
        encoded = list(map(str.encode, words))
        return set(map(b" ".join, zip(*(encoded[i:] for i in range(SHINGLE_WORDS)))))

    def term_counts(self) -> dict[str, int]:
        """Content-word stems, the title's counted twice, in the order they first occur.  Each distinct (word,
        stem) pair is judged once, a text repeating most of its words, and counted in a plain dict (a Counter's
        missing keys cost a Python call each)."""
        counts: dict[str, int] = {}
        title = [t.norm for t in tokenize(self.title) if t.norm[:1].isalpha()]
        for weight, words, stems in ((1, self.words, self.stems), (2, title, [search_stem(w) for w in title])):
            for (w, stem), n in Counter(zip(words, stems)).items():
                if w[:1].isalpha() and w not in STOPWORDS and len(stem) >= MIN_TERM_CHARS and stem not in STOPWORDS:
                    counts[stem] = counts.get(stem, 0) + weight * n
        return counts


PERIOD_DAYS = 14


def period_of(day: str) -> int:
    """The fortnight an ISO day falls in, counted from year 1: what the corpus indexes lead with, so that the rows
    of recent articles lie together."""
    return date.fromisoformat(day).toordinal() // PERIOD_DAYS


def tf(count: int) -> float:
    return 1.0 + math.log(count)


def stored_articles(conn: sqlite3.Connection, after_seq: int, limit: int) -> list[Article]:
    """The next `limit` stored documents after `after_seq` (the documents table's rowid), as articles.  Their
    actors, places, events and search rows are read with one query per table for all of them."""
    docs = conn.execute(
        "SELECT rowid AS seq, id, outlet, title, published, language, text, created_at FROM documents WHERE rowid > ?"
        " ORDER BY rowid LIMIT ?", (after_seq, limit)).fetchall()
    ids = [d["id"] for d in docs]
    actors = _grouped(conn, "SELECT DISTINCT doc_id, actor FROM mentions WHERE doc_id IN ({}) AND actor IS NOT NULL",
                      ids)
    places = _grouped(conn, "SELECT DISTINCT doc_id, name_en FROM places WHERE doc_id IN ({})"
                            " AND name_en IS NOT NULL", ids)
    searches = {r["rowid"]: r for r in rows_in(conn, "SELECT rowid, doc_id, body, stems FROM documents_fts"
                                                   " WHERE rowid IN ({})", [d["seq"] for d in docs])}
    reports = _reports(conn, {d["id"]: d["outlet"] for d in docs})
    return [_article(d, frozenset(actors.get(d["id"], ())), frozenset(places.get(d["id"], ())),
                     reports.get(d["id"], []), searches.get(d["seq"])) for d in docs]


def _article(d: sqlite3.Row, actors: frozenset[str], places: frozenset[str], reports: list[Report],
             search: sqlite3.Row | None) -> Article:
    doc_id = d["id"]
    if search is not None and search["doc_id"] == doc_id:
        words, stems = search["body"].split(), search["stems"].split()
    else:  # a database whose search rows were written before they took their document's rowid
        words = [t.norm for t in tokenize(d["text"]) if t.norm[:1].isalnum()]
        stems = [search_stem(w) for w in words]
    dates = sorted(r.event_date for r in reports if r.event_date)
    day = d["published"] or (dates[0] if dates else d["created_at"][:10])
    return Article(doc_id=doc_id, seq=d["seq"], day=day, dated=bool(d["published"] or dates), outlet=d["outlet"],
                   title=d["title"] or "", language=d["language"], actors=actors, places=places, reports=reports, words=words, stems=stems)


def _reports(conn: sqlite3.Connection, outlets: dict[str, str | None]) -> dict[str, list[Report]]:
    """The asserted events of these documents (by document id, in the order they were stored), each with the
    innermost source of its attribution and the agency it was relayed from."""
    rows = rows_in(conn, "SELECT id, doc_id, event_type, sub_event_type, event_date, actor1, actor2, lat, lon,"
                       " geo_precision, country FROM events WHERE doc_id IN ({}) AND modality = 'asserted'"
                       " ORDER BY rowid", list(outlets))
    chains: dict[str, list[sqlite3.Row]] = {}
    for s in rows_in(conn, "SELECT event_id, kind, actor, text FROM event_sources WHERE event_id IN ({})"
                         " ORDER BY event_id, position", [r["id"] for r in rows]):
        chains.setdefault(s["event_id"], []).append(s)
    out: dict[str, list[Report]] = {}
    for r in rows:
        outlet = outlets[r["doc_id"]]
        chain = chains.get(r["id"], [])
        own = normalize(outlet or "")
        relayed = next((s["actor"] or normalize(s["text"]) for s in chain
                        if s["kind"] == "agency" and (s["actor"] or normalize(s["text"])) not in (outlet, own)), None)
        out.setdefault(r["doc_id"], []).append(Report(
            event_id=r["id"], event_type=r["event_type"], sub_event_type=r["sub_event_type"],
            event_date=r["event_date"], actor1=r["actor1"], actor2=r["actor2"], lat=r["lat"], lon=r["lon"],
            geo_precision=r["geo_precision"], country=r["country"],
            claimant=(chain[0]["kind"], chain[0]["actor"]) if chain else None, relayed=relayed))
    return out


def _grouped(conn: sqlite3.Connection, sql: str, ids: list[str]) -> dict[str, list[str]]:
    """(document id, value) rows grouped by document id."""
    out: dict[str, list[str]] = {}
    for doc_id, value in rows_in(conn, sql, ids):
        out.setdefault(doc_id, []).append(value)
    return out


def rows_in(conn: sqlite3.Connection, sql: str, values: list) -> list[sqlite3.Row]:
    """The rows of a query whose `IN ({})` takes the values, 500 at a time (SQLite's limit on parameters)."""
    out: list[sqlite3.Row] = []
    for i in range(0, len(values), 500):
        chunk = values[i:i + 500]
        out += conn.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
    return out
