"""Speed of the entity stage (`recognize`) on one core, for `rasd bench --component ner`."""
from __future__ import annotations

import resource
import time
from pathlib import Path

from rasd.model import Document
from rasd.text.arabic import split_sentences, tokenize
from rasd.nlp.ner import MODEL_DIR, load_recognizer, recognize

BENCH_TEXT = MODEL_DIR / "bench_text.txt"  # news-style paragraphs written for rasd


def benchmark(n_words: int = 200_000, text: str | None = None, backend: str | None = None) -> dict:
    """Words per second of recognize() over documents cut from `text` (default: the shipped
    paragraphs), one document per paragraph, cycled until `n_words` tokens have been seen.

    Segmentation happens before the clock starts, as in the pipeline.  `first_pass_words_per_s`
    is the speed before the per-word feature cache is warm.
    """
    paragraphs = [p for p in (text or BENCH_TEXT.read_text("utf-8")).split("\n") if p.strip()]
    started = time.perf_counter()
    recognizer = load_recognizer(backend)
    load_seconds = time.perf_counter() - started
    docs, words = [], 0
    while words < n_words:
        for paragraph in paragraphs:
            doc = Document(raw=paragraph, text=paragraph, sentences=split_sentences(paragraph), tokens=tokenize(paragraph))
            docs.append(doc)
            words += len(doc.tokens)
            if words >= n_words:
                break
    first_pass = min(len(docs), len(paragraphs))
    cpu = time.process_time()
    clock = time.perf_counter()
    for doc in docs[:first_pass]:
        recognize(doc, recognizer)
    first_seconds = time.perf_counter() - clock
    for doc in docs[first_pass:]:
        recognize(doc, recognizer)
    seconds = time.perf_counter() - clock
    first_words = sum(len(d.tokens) for d in docs[:first_pass])
    return {
        "component": "ner",
        "backend": backend or "crf",
        "documents": len(docs),
        "words": words,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "words_per_s": round(words / seconds),
        "first_pass_words_per_s": round(first_words / first_seconds),
        "load_seconds": round(load_seconds, 3),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "model_mb": round(sum(p.stat().st_size for p in Path(MODEL_DIR).iterdir() if p.is_file()) / 2**20, 2),
    }
