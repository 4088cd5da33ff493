"""`rasd bench --component corpus --docs N`: the corpus step over N synthetic articles with known copies.

Articles are drawn word by word from a Zipf-distributed vocabulary of made-up Arabic words (seeded, so every run
makes the same corpus), 500 a day over consecutive calendar days from 2026-01-01 and over 50 outlets (so that a
story window of 15 days holds 7,500 and the corpus step's cost reaches its level after that many).  A fifth of
them are copies of an earlier article: truncated (70-95% of its words kept), with an outlet's boilerplate before
and after it, lightly edited (2-6% of its words replaced), or two of these at once.  They are stored chunk by
chunk into a fresh database, and after each chunk the corpus step (rasd.corpus) runs over it; only that step is
timed.

Figures: precision and recall of the copies found (a copy is found when its `duplicate_of` is the article it was
made from or another copy of it), articles per second of the corpus step for each chunk (so that the cost at
every corpus size shows), and the process's resident memory after each chunk.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import psutil

from rasd.corpus import Corpus
from rasd.model import Document
from rasd.store import Store

VOCABULARY = 30_000
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
PER_DAY = 500
COPY_SHARE = 0.2
RECENT = 5_000  # copies are made of the most recent originals (the generator's memory stays flat)
OUTLETS = [f"Outlet {i}" for i in range(50)]
SEED = 14
FIRST_DAY = date(2026, 1, 1)  # the days run on from it, 500 articles each: 1,000,000 articles span 2,000 days


@dataclass(frozen=True)
class Synthetic:
    doc_id: str
    text: str
    group: int  # the article it is a copy of, or its own number
    day: str
    outlet: str


class Generator:
    def __init__(self, words: int):
        self.rng = random.Random(SEED)
        self.np = np.random.default_rng(SEED)
        self.words = words
        vocabulary = {"".join(self.rng.choice(LETTERS) for _ in range(self.rng.randint(3, 8))) for _ in range(
            VOCABULARY * 2)}
        self.vocabulary = np.array(sorted(vocabulary)[:VOCABULARY])
        weights = 1.0 / np.arange(1, len(self.vocabulary) + 1) ** 1.05
        self.p = weights / weights.sum()
        self.boilerplate = [list(self.np.choice(self.vocabulary, 12)) for _ in OUTLETS]
        self.originals: dict[int, list[str]] = {}
        self.made = 0  # originals made so far

    def article(self, n: int) -> Synthetic:
        day = (FIRST_DAY + timedelta(days=n // PER_DAY)).isoformat()
        outlet = OUTLETS[n % len(OUTLETS)]
        if self.originals and self.rng.random() < COPY_SHARE:
            group = self.rng.choice(list(self.originals)) if len(self.originals) < 64 else self.rng.randrange(
                self.made - len(self.originals), self.made)
            words = self._copy(self.originals[group], OUTLETS.index(outlet))
        else:
            group = self.made
            words = list(self.np.choice(self.vocabulary, self.rng.randint(self.words * 3 // 4, self.words * 5 // 4),
                                        p=self.p))
            self.originals[group] = words
            self.made += 1
            self.originals.pop(group - RECENT, None)
        return Synthetic(f"syn{n:08d}", " ".join(words), group, day, outlet)

    def _copy(self, words: list[str], outlet: int) -> list[str]:
        kinds = self.rng.sample(["truncated", "boilerplate", "edited"], self.rng.choice([1, 1, 2]))
        out = list(words)
        if "truncated" in kinds:
            out = out[:int(len(out) * self.rng.uniform(0.7, 0.95))]
        if "edited" in kinds:
            for i in self.rng.sample(range(len(out)), max(1, int(len(out) * self.rng.uniform(0.02, 0.06)))):
                out[i] = str(self.np.choice(self.vocabulary, p=self.p))
        if "boilerplate" in kinds:
            out = self.boilerplate[outlet][:6] + out + self.boilerplate[outlet][6:]
        return out


def corpus_benchmark(docs: int, words: int, chunk: int = 10_000) -> dict[str, object]:
    generator = Generator(words)
    group_of: dict[str, int] = {}  # the bench's own bookkeeping: two small values per article
    originals: set[str] = set()
    seen_groups: set[int] = set()
    chunks = []
    corpus_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="rasd-bench-corpus-") as tmp:
        db = Path(tmp) / "corpus.db"
        with Store(db) as store:
            corpus = Corpus(store.conn)
            for start in range(0, docs, chunk):
                batch = [generator.article(n) for n in range(start, min(docs, start + chunk))]
                t0 = time.perf_counter()
                with store.transaction():
                    for a in batch:
                        group_of[a.doc_id] = a.group
                        if a.group not in seen_groups:
                            seen_groups.add(a.group)
                            originals.add(a.doc_id)
                        store.save(Document(raw=a.text, text=a.text, source_text=a.text, id=a.doc_id,
                                            published=a.day, outlet=a.outlet, language="ar"), a.doc_id)
                store_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                with store.transaction():
                    placed = corpus.update()
                seconds = time.perf_counter() - t0
                corpus_seconds += seconds
                chunks.append({"stored_before": start, "articles": len(placed), "articles_per_s": len(placed) / seconds,
                               "store_articles_per_s": len(batch) / store_s,
                               "rss_mb": psutil.Process().memory_info().rss / 2**20})
                print(f"{start + len(batch)} articles: corpus step {chunks[-1]['articles_per_s']:.0f}/s,"
                      f" storing {chunks[-1]['store_articles_per_s']:.0f}/s, RSS {chunks[-1]['rss_mb']:.0f} MB",
                      file=sys.stderr, flush=True)
            found = dict(store.conn.execute("SELECT doc_id, duplicate_of FROM corpus_documents"))
            db_mb = db.stat().st_size / 2**20
    copies = {d for d in group_of if d not in originals}
    flagged = {d for d, original in found.items() if original is not None}
    right = {d for d in flagged if d in copies and group_of[found[d]] == group_of[d]}
    return {
        "articles": docs, "copies": len(copies), "flagged": len(flagged), "correct": len(right),
        "precision": len(right) / len(flagged) if flagged else 0.0,
        "recall": len(right) / len(copies) if copies else 0.0,
        "articles_per_s": docs / corpus_seconds,
        "first_chunk_articles_per_s": chunks[0]["articles_per_s"],
        "last_chunk_articles_per_s": chunks[-1]["articles_per_s"],
        "rss_mb_first_chunk": chunks[0]["rss_mb"], "rss_mb_last_chunk": chunks[-1]["rss_mb"],
        "database_mb": db_mb, "words_per_article": words,
        "chunks": {c["stored_before"]: f"{c['articles_per_s']:.0f}/s {c['rss_mb']:.0f} MB" for c in chunks},
    }
