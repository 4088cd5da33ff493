"""`rasd bench --component encoder`: speed and memory of the encoder on one core.

Articles are generated as for the pipeline bench (sentences of the sample corpus, about `--words` words
each).  Two uses are timed after their models are loaded, each over the same articles:
* `ner_accurate`: the accurate NER backend's `entities()` per article (tokenizing, windows, the int8
  graph, decoding), the engine the 0.2 s-per-500-word target is about;
* `sentences`: an embedding of every sentence of every article (the float32 graph).
Resident memory is read at the start, after each load and at the end (peak).
"""
from __future__ import annotations

import resource
import time

import psutil

from rasd.model import Document
from rasd.text.arabic import split_sentences, tokenize


def benchmark(articles: list[str]) -> dict[str, object]:
    from rasd.nlp.encoder import EncoderNotBuilt

    process = psutil.Process()
    result: dict[str, object] = {"component": "encoder", "threads": 1, "articles": len(articles),
                                 "words_per_article": round(sum(len(a.split()) for a in articles) / len(articles)),
                                 "rss_start_mb": _mb(process.memory_info().rss)}
    docs = [Document(raw=a, text=a, sentences=split_sentences(a), tokens=tokenize(a)) for a in articles]
    try:
        result["ner_accurate"] = _ner(docs, process)
    except EncoderNotBuilt as e:
        result["ner_accurate"] = f"not built: {e}"
    try:
        result["sentences"] = _sentences(docs, process)
    except EncoderNotBuilt as e:
        result["sentences"] = f"not built: {e}"
    result["peak_rss_mb"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    return result


def _ner(docs: list[Document], process) -> dict[str, object]:
    from rasd.nlp.ner.accurate import AccurateRecognizer

    started = time.perf_counter()
    recognizer = AccurateRecognizer(threads=1)
    load = time.perf_counter() - started
    rss_loaded = process.memory_info().rss
    recognizer.entities(docs[0])  # the first call sets up onnxruntime's kernels
    tokens = sum(len(ids) for doc in docs for ids in _window_tokens(recognizer, doc))
    cpu, clock = time.process_time(), time.perf_counter()
    for doc in docs:
        recognizer.entities(doc)
    seconds = time.perf_counter() - clock
    words = sum(len(doc.tokens) for doc in docs)
    return {"load_s": round(load, 2), "rss_after_load_mb": _mb(rss_loaded), "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2), "articles_per_s": round(len(docs) / seconds, 2),
            "s_per_article": round(seconds / len(docs), 3), "encoder_tokens_per_s": round(tokens / seconds),
            "words_per_s": round(words / seconds), "rss_after_mb": _mb(process.memory_info().rss)}


def _sentences(docs: list[Document], process) -> dict[str, object]:
    from rasd.nlp.encoder.sentences import SentenceEncoder

    started = time.perf_counter()
    encoder = SentenceEncoder(threads=1)
    load = time.perf_counter() - started
    rss_loaded = process.memory_info().rss
    sentences = [[doc.text[s.start:s.end] for s in doc.sentences] for doc in docs]
    encoder.embed(sentences[0])
    tokens = sum(len(ids) for group in sentences for ids in encoder.tokenizer.encode([encoder.prefix + s for s in group]))
    clock = time.perf_counter()
    for group in sentences:
        encoder.embed(group)
    seconds = time.perf_counter() - clock
    return {"load_s": round(load, 2), "rss_after_load_mb": _mb(rss_loaded), "seconds": round(seconds, 2),
            "sentences": sum(map(len, sentences)), "articles_per_s": round(len(docs) / seconds, 2),
            "encoder_tokens_per_s": round(tokens / seconds), "rss_after_mb": _mb(process.memory_info().rss)}


def _window_tokens(recognizer, doc: Document) -> list[list[int]]:
    from rasd.nlp.encoder.windows import pack
    from rasd.nlp.ner.tags import sentence_tokens

    words = [[t.text for t in tokens] for tokens in sentence_tokens(doc)]
    tokenizer = recognizer.tokenizer
    return [w.ids for w in pack(tokenizer.encode_words(words), tokenizer.bos_id, tokenizer.eos_id, recognizer.max_tokens)]


def _mb(n_bytes: int) -> float:
    return round(n_bytes / 2**20, 1)
