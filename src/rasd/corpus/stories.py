"""Stories: articles about one story within a window of days, clustered as they arrive.

A new article is compared with the stories that share at least two of its keys (top terms, actors, places) on
days within `WINDOW_DAYS` of its own (an indexed look-up in `story_keys`, under the fortnights those days fall
in), and joins the most similar one if the similarity reaches `JOIN_THRESHOLD` (`JOIN_THRESHOLD_EMBEDDED` when
titles' sentence embeddings are compared too); otherwise it starts a story.  Nothing already clustered is
recomputed: a story keeps a bounded profile (summed tf-idf term weights, counts of actors, places and event
types) that each article it takes in adds to.  A copy of a stored article joins its original's story.
"""
from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter, OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from datetime import date, timedelta

from rasd.corpus.articles import Article, period_of, rows_in, tf

WINDOW_DAYS = 7
ARTICLE_TERMS = 40  # the heaviest terms of an article's vector
STORY_TERMS = 120  # the heaviest summed terms a story keeps
KEY_TERMS = 8  # the article's terms that find candidate stories
STORY_ENTITIES = 12  # the most frequent actors, places and event types a story is compared on
CANDIDATES = 20  # stories compared with an article, those sharing the most keys
# a story that shares a single key with an article (one term, actor or place) is not compared with it: the
# stories of the three annotated windows barely change (BCubed F1 0.843 / 0.737 / 0.760 with this, 0.845 / 0.736
# / 0.759 without), and comparing them was most of the step's cost on the synthetic benchmark
MIN_SHARED_KEYS = 2
CACHED_PROFILES = 4096  # story profiles kept in memory, the most recently used
CACHED_TERMS = 200_000  # document frequencies kept in memory within one update (about 30 MB at most)
PENDING_TERMS = 50_000  # counts of terms not yet written, kept in memory (about 10 MB at most)
# similarity = the weighted sum of the text's cosine and the overlaps of actors, places and event types
# (tuned on the story windows w1 and w2, see MEASUREMENTS.md); with the multilingual encoder built, the cosine of
# the article's title embedding with the story's joins them (WEIGHTS_EMBEDDED), read above EMBEDDING_FLOOR, below
# which e5's cosines say nothing (unrelated titles reach 0.75-0.8)
WEIGHTS = {"text": 0.85, "actors": 0.05, "places": 0.05, "types": 0.05}
JOIN_THRESHOLD = 0.2
WEIGHTS_EMBEDDED = {"text": 0.6, "actors": 0.05, "places": 0.05, "types": 0.05, "embedding": 0.25}
JOIN_THRESHOLD_EMBEDDED = 0.25
EMBEDDING_FLOOR = 0.85
# an article in another language than a story's articles shares no words with it: it joins on the embeddings'
# cosine alone (set from a few title pairs, Arabic against English: the same event 0.86-0.87, others 0.73-0.78)
CROSS_LINGUAL_COSINE = 0.84
MAIN_LANGUAGE = "ar"  # an article in another language is compared with the latest CROSS_CANDIDATES stories too
CROSS_CANDIDATES = 100


@dataclass
class Profile:
    terms: dict[str, float]
    actors: Counter
    places: Counter
    types: Counter
    languages: Counter
    embedding: np.ndarray | None = field(default=None, compare=False)  # unit (an article) or summed (a story)
    norm: float = field(init=False, compare=False)

    def __post_init__(self) -> None:
        self.norm = math.sqrt(sum(w * w for w in self.terms.values())) or 1.0

    @classmethod
    def loads(cls, text: str, embedding: bytes | None) -> "Profile":
        d = json.loads(text)
        return cls(d["terms"], Counter(d["actors"]), Counter(d["places"]), Counter(d["types"]),
                   Counter(d["languages"]), None if embedding is None else np.frombuffer(embedding, dtype=np.float32).copy())

    def embedding_blob(self) -> bytes | None:
        return None if self.embedding is None else self.embedding.astype(np.float32).tobytes()

    def dumps(self) -> str:
        return json.dumps({"terms": self.terms, "actors": self.actors, "places": self.places, "types": self.types,
                           "languages": self.languages}, ensure_ascii=False, sort_keys=True)

    def add(self, other: "Profile") -> None:
        terms = Counter(self.terms)
        terms.update(other.terms)
        self.terms = {t: round(w, 4) for t, w in terms.most_common(STORY_TERMS)}
        self.norm = math.sqrt(sum(w * w for w in self.terms.values())) or 1.0
        for mine, theirs in ((self.actors, other.actors), (self.places, other.places), (self.types, other.types),
                             (self.languages, other.languages)):
            mine.update(theirs)
        if other.embedding is not None:
            self.embedding = other.embedding.copy() if self.embedding is None else self.embedding + other.embedding


class Profiles:
    """Story profiles as stored, the most recently used kept parsed in memory (bounded).  A kept profile is used
    only while its story's article count is the stored one, so a profile another writer changed is read again."""

    def __init__(self) -> None:
        self.kept: OrderedDict[int, tuple[int, Profile]] = OrderedDict()

    def get(self, conn: sqlite3.Connection, ids: list[int]) -> dict[int, Profile]:
        counts = dict(rows_in(conn, "SELECT id, documents FROM stories WHERE id IN ({})", ids))
        out, missing = {}, []
        for story, n in counts.items():
            kept = self.kept.get(story)
            if kept is not None and kept[0] == n:
                self.kept.move_to_end(story)
                out[story] = kept[1]
            else:
                missing.append(story)
        for row in rows_in(conn, "SELECT id, documents, profile, embedding FROM stories WHERE id IN ({})", missing):
            out[row["id"]] = self.keep(row["id"], row["documents"], Profile.loads(row["profile"], row["embedding"]))
        return out

    def keep(self, story: int, documents: int, profile: Profile) -> Profile:
        self.kept[story] = (documents, profile)
        self.kept.move_to_end(story)
        if len(self.kept) > CACHED_PROFILES:
            self.kept.popitem(last=False)
        return profile

    def clear(self) -> None:
        self.kept.clear()


class Frequencies:
    """Document frequencies of terms (`corpus_terms`), with the counts of articles not yet written kept here and
    written at the end of an update (`flush`), or as soon as they hold more than PENDING_TERMS terms: an article's
    idf is the same whenever they are written, and writing them once per batch of articles upserted the common
    terms again and again (a tenth of the step's time on the synthetic benchmark).  The stored
    frequencies read are kept (at most CACHED_TERMS) until `forget`, which the corpus step calls at the start of
    each update, so that what another writer stored in between is read again."""

    def __init__(self) -> None:
        self.pending: Counter = Counter()
        self.stored: dict[str, int] = {}

    def get(self, conn: sqlite3.Connection, terms: list[str]) -> list[int]:
        """The document frequency of each term; the terms not kept yet are read first."""
        stored, pending = self.stored, self.pending.get
        try:
            return [stored[t] + pending(t, 0) for t in terms]
        except KeyError:
            self.read(conn, terms)
            return [stored[t] + pending(t, 0) for t in terms]

    def read(self, conn: sqlite3.Connection, terms: Collection[str]) -> None:
        """Keep the stored frequencies of the terms not kept yet.  The corpus step reads those of the words of a
        whole batch of articles at once: one query instead of one for nearly every article."""
        missing = [t for t in terms if t not in self.stored]
        if len(self.stored) + len(missing) > CACHED_TERMS:
            self.stored.clear()
            missing = list(terms)
        if missing:
            found = dict(rows_in(conn, "SELECT term, df FROM corpus_terms WHERE term IN ({})", missing))
            self.stored.update((t, found.get(t, 0)) for t in missing)

    def add(self, conn: sqlite3.Connection, terms: list[str]) -> None:
        self.pending.update(terms)
        if len(self.pending) > PENDING_TERMS:
            self.flush(conn)

    def flush(self, conn: sqlite3.Connection) -> None:
        conn.executemany("INSERT INTO corpus_terms(term, df) VALUES (?, ?)"
                         " ON CONFLICT(term) DO UPDATE SET df = df + excluded.df", sorted(self.pending.items()))
        for term, n in self.pending.items():
            if term in self.stored:
                self.stored[term] += n
        self.pending.clear()

    def forget(self) -> None:
        self.stored.clear()


def article_profile(conn: sqlite3.Connection, frequencies: Frequencies, article: Article, documents: int,
                    embedding: np.ndarray | None = None) -> Profile:
    """The article's unit tf-idf vector (its heaviest terms) and its actors, places and event types.  Document
    frequencies are those of the articles before it; this one's are added after."""
    counts = article.term_counts()
    terms = list(counts)
    log = math.log
    # (-weight, term) pairs: the heaviest first, equal weights by term, sorted without a key function
    ranked = sorted([(-tf(n) * (log((documents + 1) / (df + 1)) + 1), t)
                     for (t, n), df in zip(counts.items(), frequencies.get(conn, terms))])
    top = ranked[:ARTICLE_TERMS]
    norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
    frequencies.add(conn, terms)
    return Profile({t: -w / norm for w, t in top}, Counter(article.actors), Counter(article.places),
                   Counter(r.sub_event_type for r in article.reports), Counter([article.language or "und"]), embedding)


def affinity(article: Profile, story: Profile) -> float:
    """How far the similarity of an article and a story is above the threshold for joining it (≥ 0: it may)."""
    text = sum(w * story.terms.get(t, 0.0) for t, w in article.terms.items()) / story.norm
    overlaps = (_overlap(article.actors, story.actors), _overlap(article.places, story.places),
                _overlap(article.types, story.types))
    if article.embedding is None or story.embedding is None:
        weights, threshold, embedded = WEIGHTS, JOIN_THRESHOLD, 0.0
    else:
        cosine = float(article.embedding @ story.embedding) / (float(np.linalg.norm(story.embedding)) or 1.0)
        if not set(article.languages) & set(story.languages):
            return cosine - CROSS_LINGUAL_COSINE
        weights, threshold = WEIGHTS_EMBEDDED, JOIN_THRESHOLD_EMBEDDED
        embedded = max(0.0, cosine - EMBEDDING_FLOOR) / (1 - EMBEDDING_FLOOR)
    return (weights["text"] * text + weights["actors"] * overlaps[0] + weights["places"] * overlaps[1]
            + weights["types"] * overlaps[2] + weights.get("embedding", 0.0) * embedded - threshold)


def _overlap(mine: Counter, story: Counter) -> float:
    """Jaccard overlap of the article's set with the story's most frequent members."""
    if not mine or not story:
        return 0.0
    # equal counts by name: Counter.most_common keeps insertion order, which for a set's members follows the
    # process's string hashing, and the stories would change from one run to the next
    theirs = set(sorted(story, key=lambda k: (-story[k], k))[:STORY_ENTITIES])
    return len(set(mine) & theirs) / len(set(mine) | theirs)


def assign(conn: sqlite3.Connection, profiles: Profiles, article: Article, profile: Profile,
           original_story: int | None) -> int:
    """The story the article joins (or starts); its profile, days and keys are updated."""
    keys = _keys(profile)
    story = original_story if original_story is not None else _best_story(conn, profiles, article, profile, keys)
    if story is None:
        story = conn.execute(
            "INSERT INTO stories(title, first_day, last_day, documents, profile, embedding) VALUES (?, ?, ?, 1, ?, ?)",
            (article.title or None, article.day, article.day, profile.dumps(), profile.embedding_blob())).lastrowid
        profiles.keep(story, 1, profile)
    else:
        merged = profiles.get(conn, [story])[story]
        merged.add(profile)
        documents = conn.execute(
            "UPDATE stories SET profile = ?, embedding = ?, documents = documents + 1, first_day = min(first_day, ?),"
            " last_day = max(last_day, ?) WHERE id = ? RETURNING documents",
            (merged.dumps(), merged.embedding_blob(), article.day, article.day, story)).fetchone()[0]
        profiles.keep(story, documents, merged)
    period = period_of(article.day)
    conn.executemany("INSERT OR IGNORE INTO story_keys(period, key, day, story) VALUES (?, ?, ?, ?)",
                     [(period, k, article.day, story) for k in keys])
    return story


def _keys(profile: Profile) -> list[str]:
    top = sorted(profile.terms, key=lambda t: (-profile.terms[t], t))[:KEY_TERMS]
    return [f"t:{t}" for t in top] + [f"a:{a}" for a in profile.actors] + [f"p:{p}" for p in profile.places]


def _best_story(conn: sqlite3.Connection, profiles: Profiles, article: Article, profile: Profile,
                keys: list[str]) -> int | None:
    day = date.fromisoformat(article.day)
    low, high = (day - timedelta(days=WINDOW_DAYS)).isoformat(), (day + timedelta(days=WINDOW_DAYS)).isoformat()
    periods = range(period_of(low), period_of(high) + 1)
    ids = [r[0] for r in conn.execute(
        f"SELECT story FROM story_keys WHERE period IN ({','.join('?' * len(periods))})"
        f" AND key IN ({','.join('?' * len(keys))}) AND day BETWEEN ? AND ?"
        " GROUP BY story HAVING count(DISTINCT key) >= ? ORDER BY count(DISTINCT key) DESC, story DESC LIMIT ?",
        (*periods, *keys, low, high, MIN_SHARED_KEYS, CANDIDATES))] if keys else []
    if profile.embedding is not None and article.language != MAIN_LANGUAGE:
        # its words and names are not those of the corpus's stories: the window's latest stories are candidates
        ids += [r[0] for r in conn.execute("SELECT id FROM stories WHERE last_day BETWEEN ? AND ?"
                                           " ORDER BY last_day DESC, id DESC LIMIT ?", (low, high, CROSS_CANDIDATES))]
    best, best_score = None, 0.0
    for story, candidate in sorted(profiles.get(conn, list(dict.fromkeys(ids))).items()):
        score = affinity(profile, candidate)
        if score >= best_score and (best is None or score > best_score):
            best, best_score = story, score
    return best
