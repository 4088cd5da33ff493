"""`rasd silver-ner`: tag unlabeled news articles with the accurate (encoder) backend and write them as a
CoNLL file, the silver data that `rasd train-ner --silver FILE` adds to ANERcorp to distil the encoder
into the fast CRF.

Articles come from ../shared/data/arabic-news-text (the ANT corpus: one article per blank-line-separated
block); they are taken in turns from each of its files, so a partial run still spans every outlet and
section.  Each article is segmented as `rasd analyze` segments it and tagged as one document; a
`-DOCSTART-` line opens each article.  Several worker processes, one thread each.
"""
from __future__ import annotations

import argparse
import itertools
import multiprocessing
import sys
import time
from pathlib import Path

from rasd.nlp.ner.corpora import DOCUMENT_MARK

REPO = Path(__file__).resolve().parents[4]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("--out", type=Path, required=True, help="the CoNLL file to write")
    parser.add_argument("--articles", type=int, default=2000, help="how many articles to tag")
    parser.add_argument("--skip", type=int, default=0, help="skip this many articles first (to add to a file)")
    parser.add_argument("--workers", type=int, default=2, help="processes, one thread each")


def run(args: argparse.Namespace) -> int:
    from rasd.cli import CliError

    corpus = args.data / "arabic-news-text"
    if not corpus.is_dir():
        raise CliError(f"no news corpus at {corpus}")
    articles = itertools.islice(news_articles(corpus), args.skip, args.skip + args.articles)
    started = time.time()
    done = words = 0
    with open(args.out, "w", encoding="utf-8") as out, \
            multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        for block, n_words in pool.imap(_tag_article, articles, chunksize=8):
            out.write(block)
            done += 1
            words += n_words
            if done % 500 == 0:
                print(f"[{time.time() - started:5.0f}s] {done} articles, {words} words", file=sys.stderr, flush=True)
    print(f"{done} articles, {words} words tagged into {args.out} in {time.time() - started:.0f} s")
    return 0


def news_articles(corpus: Path):
    """Article texts, one from each corpus file in turn."""
    readers = [_articles_of(path) for path in sorted(corpus.rglob("*.txt"))]
    while readers:
        for reader in list(readers):
            article = next(reader, None)
            if article is None:
                readers.remove(reader)
            else:
                yield article


def _articles_of(path: Path):
    lines: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                lines.append(line.rstrip("\n"))
            elif lines:
                yield "\n".join(lines)
                lines = []
    if lines:
        yield "\n".join(lines)


def _tag_article(text: str) -> tuple[str, int]:
    from rasd.nlp.ner import load_recognizer
    from rasd.nlp.ner.tags import sentence_tokens
    from rasd.model import Document
    from rasd.text.arabic import split_sentences, tokenize

    recognizer = load_recognizer("accurate")  # once per worker process
    doc = Document(raw=text, text=text, sentences=split_sentences(text), tokens=tokenize(text))
    sentences = [[t.text for t in tokens] for tokens in sentence_tokens(doc)]
    lines = [f"{DOCUMENT_MARK} O\n\n"]
    for words, tags in zip(sentences, recognizer.tag(sentences)):
        lines.append("".join(f"{w} {t}\n" for w, t in zip(words, tags)) + "\n")
    return "".join(lines), sum(map(len, sentences))
