"""`rasd bench`: speed and memory of the whole pipeline in one process.

Articles are generated from the sample corpus by drawing its sentences at random
(fixed seed) until each article has about `--words` words, so every run measures
the same realistic text.  A tokenize-only pass over the same articles gives a
baseline that does not depend on how fast the machine is.
"""
from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from rasd.model import Document
from rasd.text.arabic import tokenize

DEFAULT_CORPUS = "samples"


class BenchError(ValueError):
    """A benchmark that cannot run as asked (no corpus, no gold)."""


def sentences_of_corpus(corpus: Path) -> list[str]:
    """Clean Arabic sentences of every article in the corpus."""
    from rasd.clean import clean_document
    from rasd.ingest import iter_inputs
    from rasd.text.arabic import detect_language, split_sentences

    if not corpus.is_dir():
        raise BenchError(f"corpus directory {corpus} not found (run from the repository root or pass --corpus)")
    out: list[str] = []
    for item in iter_inputs([str(corpus)]):
        if item.document is None:
            continue
        doc = item.document
        clean_document(doc)
        if detect_language(doc.text) == "ar":
            out.extend(doc.text[s.start:s.end] for s in split_sentences(doc.text) if len(doc.text[s.start:s.end].split()) >= 5)
    if not out:
        raise BenchError(f"no Arabic sentences found in {corpus}")
    return out


def generate_articles(corpus: Path, n_docs: int, n_words: int) -> list[str]:
    sentences = sentences_of_corpus(corpus)
    rng = random.Random(20261124)
    articles = []
    for _ in range(n_docs):
        parts: list[str] = []
        words = 0
        while words < n_words:
            s = rng.choice(sentences)
            parts.append(s)
            words += len(s.split())
        # paragraphs of three sentences, as news is laid out
        articles.append("\n".join(" ".join(parts[i:i + 3]) for i in range(0, len(parts), 3)))
    return articles


def pipeline_benchmark(articles: list[str], engine: str | None = None) -> dict[str, object]:
    """The analysis itself (with the given event coder, else the default one), and then storing each analysed
    article as `rasd analyze` does (one SQLite file in a temporary folder, committed every COMMIT_EVERY_DOCS
    articles), each timed on its own.  Storing is two steps, timed apart too: making the rows (done where the
    article was analysed, in a worker with --workers) and writing them (always the one writing process): the
    second bounds what one SQLite writer can take."""
    from rasd.limits import COMMIT_EVERY_DOCS
    from rasd.runner.pipeline import Pipeline
    from rasd.runner.resources import Resources
    from rasd.store import Store, document_rows

    pipeline = Pipeline.default(Resources(event_engine=engine) if engine else None)
    load_s = pipeline.warm_up()  # every resource loaded once, outside the timed loop, as `rasd analyze` does

    stage_time: dict[str, float] = {}
    words = sum(len(a.split()) for a in articles)
    counts = {"entities": 0, "places": 0, "events": 0}
    elapsed = store_s = write_s = 0.0
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        for i, text in enumerate(articles):
            t0 = time.perf_counter()
            doc = pipeline(Document(raw=text, published="2026-11-20"))
            t1 = time.perf_counter()
            rows = document_rows(doc, pipeline.resources.actor_info)
            t2 = time.perf_counter()
            if i % COMMIT_EVERY_DOCS == 0:
                store.conn.execute("BEGIN IMMEDIATE")
            store.write(rows, f"bench:{i}")
            if i % COMMIT_EVERY_DOCS == COMMIT_EVERY_DOCS - 1 or i == len(articles) - 1:
                store.conn.execute("COMMIT")
            elapsed += t1 - t0
            store_s += time.perf_counter() - t1
            write_s += time.perf_counter() - t2
            for k, v in doc.timings.items():
                stage_time[k] = stage_time.get(k, 0.0) + v
            counts["entities"] += len(doc.entities)
            counts["places"] += len(doc.places)
            counts["events"] += len(doc.events)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        database_bytes = (Path(tmp) / "bench.db").stat().st_size

    t0 = time.perf_counter()
    for text in articles:
        tokenize(text)
    tokenize_s = time.perf_counter() - t0
    total_stage = sum(stage_time.values()) or 1.0
    return {
        "articles": len(articles),
        "words": words,
        "seconds": elapsed,
        "articles_per_s": len(articles) / elapsed,
        "words_per_s": words / elapsed,
        "store_ms_per_article": 1000 * store_s / len(articles),
        "write_ms_per_article": 1000 * write_s / len(articles),
        "database_kib_per_article": database_bytes / 1024 / len(articles),
        "articles_per_s_with_store": len(articles) / (elapsed + store_s),
        "resource_load_s": load_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stage_share": {k: round(v / total_stage, 3) for k, v in stage_time.items()},
        "tokenize_only_s": tokenize_s,
        "ratio_to_tokenize": elapsed / tokenize_s if tokenize_s else float("inf"),
        "found": counts,
        "python": sys.version.split()[0],
    }
