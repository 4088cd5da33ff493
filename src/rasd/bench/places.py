"""Benchmark for the place resolver: gazetteer load time and memory, mentions resolved per
second on one core, and the gold score.  Run: python -c "from rasd.resolve.places_bench import
benchmark; print(benchmark('gold/places_dev.jsonl'))"
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import psutil

from rasd.evaluate.places import score_places
from rasd.model import Document
from rasd.text.arabic import split_sentences, tokenize
from rasd.resolve.places import Gazetteer, resolve_places

MIN_SECONDS = 2.0


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def gold_document(g: dict[str, Any]) -> Document:
    doc = Document(raw=g["text"], id=g.get("id"), outlet=g.get("outlet"), published=g.get("published"), text=g["text"])
    doc.tokens = tokenize(doc.text)
    doc.sentences = split_sentences(doc.text)
    return doc


def benchmark(gold_path: str | Path) -> dict[str, Any]:
    process = psutil.Process()
    rss_before = process.memory_info().rss
    t0 = time.perf_counter()
    gaz = Gazetteer.load()
    load_s = time.perf_counter() - t0
    rss_after = process.memory_info().rss
    gold = load_gold(gold_path)
    docs = [gold_document(g) for g in gold]
    for d in docs:  # warm caches once, then time repeated passes
        resolve_places(d, gaz)
    mentions = passes = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < MIN_SECONDS:
        for d in docs:
            resolve_places(d, gaz)
            mentions += len(d.places)
        passes += 1
    elapsed = time.perf_counter() - t0
    score = score_places(gold, docs)
    return {
        "load_s": round(load_s, 3),
        "rss_after_load_mb": round(rss_after / 2**20, 1),
        "rss_load_delta_mb": round((rss_after - rss_before) / 2**20, 1),
        "mentions_per_s": round(mentions / elapsed),
        "docs_per_s": round(passes * len(docs) / elapsed, 1),
        "score": {k: v for k, v in score.items() if k not in ("misses", "spurious_places")},
    }
