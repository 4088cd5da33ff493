"""`rasd silver-ner`: tag unlabeled news with the accurate NER backend into a CoNLL file, the silver data
for `rasd train-ner --silver` (rasd.nlp.ner.silver)."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from rasd.cli import CliError
from rasd.nlp.encoder import EncoderNotBuilt
from rasd.nlp.encoder.build import NER_MODEL, require
from rasd.nlp.ner.silver import CORPUS, gold_docnos, write_silver
from rasd.nlp.ner.train import REPO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("--out", type=Path, required=True, help="the CoNLL file to write")
    parser.add_argument("--articles", type=int, default=2000, help="how many articles to tag")
    parser.add_argument("--skip", type=int, default=0, help="skip this many articles first (to add to a file)")
    parser.add_argument("--workers", type=int, default=2, help="processes, one thread each")


def run(args: argparse.Namespace) -> int:
    corpus = args.data / CORPUS
    if not corpus.is_dir():
        raise CliError(f"no news corpus at {corpus}")
    try:
        require(NER_MODEL)  # a backend that is not built is one error line here, not one in every worker
    except EncoderNotBuilt as e:
        raise CliError(str(e)) from None
    started = time.time()
    done, words = write_silver(corpus, args.out, args.articles, args.skip, args.workers,
                               exclude=gold_docnos(REPO / "gold" / "real" / "articles.tsv"))
    print(f"{done} articles, {words} words tagged into {args.out} in {time.time() - started:.0f} s")
    return 0
