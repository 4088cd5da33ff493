"""The corpus stage: what articles say together, after each is stored.

It reads stored documents (their text, actors, places and asserted events) in the order they were stored and
fills the corpus tables of the same database (`rasd.store.schema`, migration 4): each document's near-duplicate
original and story (`corpus_documents`, with its LSH bands in `corpus_lsh`), the stories (`stories`,
`story_keys`, `corpus_terms`) and the events merged across articles (`merged_events`, `merged_mentions`).
Adding an article reads and writes a bounded number of indexed rows, so it costs the same at any corpus size,
and `update` takes only documents stored since the last update: running it again changes nothing.

    Corpus(store.conn).update()      # inside the caller's write transaction
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rasd.corpus import duplicates, merge, stories
from rasd.corpus.articles import Article, stored_articles, period_of
from rasd.resolve.actors import actor_registry
from rasd.resources.countries import countries

if TYPE_CHECKING:
    from rasd.nlp.encoder.sentences import SentenceEncoder

BATCH = 200  # documents read from the store at a time
TITLE_WORDS = 24  # the words that stand for the title of an article without one, for its sentence embedding
CACHE_MB = 64  # SQLite page cache of the writing connection: the LSH and story indexes are written at random places

CORPUS_TABLES = ("corpus_documents", "corpus_lsh", "corpus_terms", "stories", "story_keys", "merged_events",
                 "merged_mentions")


@dataclass(frozen=True)
class Placed:
    """Where the corpus put one article."""

    doc_id: str
    duplicate_of: str | None
    story: int


class Corpus:
    def __init__(self, conn: sqlite3.Connection, title_encoder: SentenceEncoder | None = None):
        """`conn` is a writable connection of the store.  With a `title_encoder` (Resources.title_encoder),
        stories also compare the sentence embeddings of titles, so that an English wire story joins its Arabic
        coverage; the caller chooses it, since it costs far more than the rest of the step."""
        self.conn = conn
        self.encoder = title_encoder
        conn.execute(f"PRAGMA cache_size = {-CACHE_MB * 1024}")
        self.signatures = duplicates.Signatures()
        self.profiles = stories.Profiles()
        self.frequencies = stories.Frequencies()
        self.documents = conn.execute("SELECT count(*) FROM corpus_documents").fetchone()[0]
        self.periods = range(0)  # the periods the LSH index holds, read again at each update
        self.outlet_sources: dict[str, str] = {}  # each outlet's independent source, found in the registry once

    def update(self) -> list[Placed]:
        """Add every document stored since the last update, in the order they were stored; returns where each
        went.  Call it inside a write transaction."""
        placed: list[Placed] = []
        self.frequencies.forget()
        first_period, last_period = self.conn.execute("SELECT min(period), max(period) FROM corpus_lsh").fetchone()
        self.periods = range(first_period, last_period + 1) if first_period is not None else range(0)
        while True:
            last = self.conn.execute("SELECT coalesce(max(seq), 0) FROM corpus_documents").fetchone()[0]
            batch = stored_articles(self.conn, last, BATCH)
            if not batch:
                self.frequencies.flush(self.conn)
                return placed
            self.frequencies.read(self.conn, {stem for article in batch for stem in article.stems})
            embeddings = self.encoder.embed([a.title or " ".join(a.words[:TITLE_WORDS]) for a in batch]) \
                if self.encoder is not None else [None] * len(batch)
            placed += [self._add(article, embedding) for article, embedding in zip(batch, embeddings)]

    def rebuild(self) -> list[Placed]:
        """Empty the corpus tables and add every stored document again, in the order they were stored."""
        for table in CORPUS_TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self.documents = 0
        self.profiles.clear()
        return self.update()

    def _add(self, article: Article, embedding: np.ndarray | None) -> Placed:
        shingles = article.shingles()
        signature = self.signatures(shingles)
        keys = duplicates.band_keys(signature)
        period = period_of(article.day)
        periods = duplicates.copy_periods(period, self.periods) if article.dated else self.periods
        copy = duplicates.find_original(self.conn, signature, keys, len(shingles), periods)
        original = self.conn.execute("SELECT source, story, day FROM corpus_documents WHERE doc_id = ?",
                                     (copy.doc_id,)).fetchone() if copy else None
        if original is not None and not article.dated:  # an undated copy carries its original's news
            article.day, article.dated = original["day"], True
        profile = stories.article_profile(self.conn, self.frequencies, article, self.documents, embedding)
        story = stories.assign(self.conn, self.profiles, article, profile, original["story"] if original else None)
        source = original["source"] if original else self._independent_source(article)
        self.conn.execute(
            "INSERT INTO corpus_documents(doc_id, seq, day, outlet, shingles, minhash, duplicate_of, source, story)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.doc_id, article.seq, article.day, article.outlet, len(shingles), signature.tobytes(),
             copy.doc_id if copy else None, source, story))
        period = period_of(article.day)  # an undated copy's day is now its original's
        duplicates.index(self.conn, article.doc_id, keys, period)
        self.periods = range(min(period, self.periods.start), max(period + 1, self.periods.stop)) if self.periods \
            else range(period, period + 1)
        merge.merge_reports(self.conn, article, story, source)
        self.documents += 1
        return Placed(article.doc_id, copy.doc_id if copy else None, story)

    def _independent_source(self, article: Article) -> str:
        """`independent_source`, which reads the actor registry, once per outlet."""
        if not article.outlet:
            return independent_source(None, article.doc_id)
        if article.outlet not in self.outlet_sources:
            self.outlet_sources[article.outlet] = independent_source(article.outlet, article.doc_id)
        return self.outlet_sources[article.outlet]


def independent_source(outlet: str | None, doc_id: str) -> str:
    """What an article counts as among independent sources: its outlet's owner when the actor registry knows
    the outlet (its affiliation, less any parenthesis: Sputnik and RT Arabic are both the Russian government),
    else the outlet, else the document alone."""
    if not outlet:
        return f"document:{doc_id}"
    registry = actor_registry()
    actor = registry.get(outlet) or registry.find_outlet(outlet)
    if actor is not None and actor.outlet is not None:
        return "owner:" + re.sub(r"\s*\(.*?\)", "", actor.outlet.affiliation).strip()
    return f"outlet:{outlet}"


SCALES = ("Subnational", "National", "Regional", "International")  # ACLED's source scales, narrowest first


def source_scale(outlets: list[str], country: str | None) -> str:
    """ACLED's `source_scale` of an event's outlets, as far as the actor registry knows their countries: National
    for an outlet of the event's country, Regional for one of its region, International beyond; several joined
    narrowest first ("National-International"), empty when none is known."""
    registry = actor_registry()
    event_country = countries().get(country or "")
    scales = set()
    for name in outlets:
        actor = registry.get(name) or registry.find_outlet(name)
        home = countries().get(actor.outlet.country or "") if actor is not None and actor.outlet else None
        if home is None or event_country is None:
            continue
        scales.add("National" if home.iso2 == event_country.iso2 else
                   "Regional" if home.acled_region == event_country.acled_region else "International")
    return "-".join(s for s in SCALES if s in scales)


__all__ = ["Corpus", "Placed", "CORPUS_TABLES", "SCALES", "independent_source", "source_scale"]
