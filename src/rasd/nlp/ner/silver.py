"""Silver NER data (`rasd silver-ner`): tag unlabeled news articles with the accurate (encoder) backend and write them as a
CoNLL file, the silver data that `rasd train-ner --silver FILE` adds to ANERcorp to distil the encoder
into the fast CRF.

Articles come from ../shared/data/arabic-news-text (the ANT corpus, read through its manifests by
`rasd.ingest.ant`); they are taken in turns from each of its files, so a partial run still spans every
outlet and section.  The articles of the real-news gold (gold/real/articles.tsv, every split) and every article
of the test split's outlets and months are left out.  Each article is segmented as `rasd analyze` segments it and tagged as one document; a
`-DOCSTART-` line opens each article.  Several worker processes, one thread each.
"""
from __future__ import annotations

import csv
import itertools
import multiprocessing
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from rasd.ingest.ant import development_files
from rasd.nlp.ner.corpora import DOCUMENT_MARK, Sentence, read_conll

CORPUS = "arabic-news-text"


def write_silver(corpus: Path, out: Path, articles: int, skip: int = 0, workers: int = 2,
                 exclude: set[str] = frozenset()) -> tuple[int, int]:
    """Tag `articles` articles of the corpus (after the first `skip`, leaving out the docnos in `exclude`)
    into the CoNLL file `out`, on `workers` processes of one thread each; returns (articles, words) tagged."""
    chosen = itertools.islice(news_articles(corpus, exclude), skip, skip + articles)
    started = time.time()
    done = words = 0
    with open(out, "w", encoding="utf-8") as f, multiprocessing.get_context("spawn").Pool(workers) as pool:
        for block, n_words in pool.imap(_tag_article, chosen, chunksize=8):
            f.write(block)
            done += 1
            words += n_words
            if done % 500 == 0:
                print(f"[{time.time() - started:5.0f}s] {done} articles, {words} words", file=sys.stderr, flush=True)
    return done, words


def read_silver(path: Path, limit: int | None = None) -> list[Sentence]:
    """The first `limit` (or all) tagged sentences of a silver file, without its document marks."""
    return [s for s in read_conll(path) if s[0][0] != DOCUMENT_MARK][:limit]


def news_articles(corpus: Path, exclude: set[str] = frozenset()) -> Iterator[str]:
    """Article texts of every ANT folder under `corpus` (those with a manifest.tsv), one from each corpus
    file in turn, leaving out the test split's outlets and months and the articles whose docno is in `exclude`."""
    readers = list(development_files(corpus))
    while readers:
        for reader in list(readers):
            article = next(reader, None)
            if article is None:
                readers.remove(reader)
            elif article.docno not in exclude:
                yield article.text


def gold_docnos(articles_tsv: Path) -> set[str]:
    """The docnos of the real-news gold articles (every split): never silver, so no held-out text is trained on."""
    with articles_tsv.open(encoding="utf-8", newline="") as handle:
        return {row["docno"] for row in csv.DictReader(handle, delimiter="\t")}


def _tag_article(text: str) -> tuple[str, int]:
    from rasd.nlp.ner import load_recognizer
    from rasd.nlp.ner.tags import text_sentence_tokens

    recognizer = load_recognizer("accurate")  # once per worker process
    sentences = [[t.text for t in tokens] for tokens in text_sentence_tokens(text)]
    lines = [f"{DOCUMENT_MARK} O\n\n"]
    for words, tags in zip(sentences, recognizer.tag(sentences)):
        lines.append("".join(f"{w} {t}\n" for w, t in zip(words, tags)) + "\n")
    return "".join(lines), sum(map(len, sentences))
