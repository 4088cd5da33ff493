"""`rasd train-ner`: retrain the shipped NER model from ../shared/data, or write its dev block (rasd.nlp.ner.train)."""
from __future__ import annotations

import argparse
from pathlib import Path

from rasd.cli import CliError
from rasd.nlp.ner import MODEL_DIR
from rasd.nlp.ner.corpora import DEV_DOCUMENT_SENTENCES
from rasd.nlp.ner.evaluate import format_scores
from rasd.nlp.ner.silver import read_silver
from rasd.nlp.ner.train import REPO, TrainingError, real_news_sentences, train, write_dev_block


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help=f"model folder (default: {MODEL_DIR})")
    parser.add_argument("--reuse-clusters", action="store_true",
                        help="keep the word clusters already in --out (or the shipped ones) instead of retraining word2vec")
    parser.add_argument("--actors", type=Path, default=MODEL_DIR.parent / "actors.jsonl",
                        help="actor registry whose Arabic names feed the organisation gazetteer, if it exists")
    parser.add_argument("--silver", type=Path, metavar="FILE",
                        help="also train on these machine-tagged sentences (a CoNLL file from `rasd silver-ner`): "
                             "distils the accurate encoder into the CRF")
    parser.add_argument("--silver-sentences", type=int, default=None, metavar="N",
                        help="use only the first N silver sentences")
    parser.add_argument("--news-gold", type=Path, metavar="FILE",
                        help="also train on the train split of the annotated real news (build/gold/real.jsonl, "
                             "made by tools/real_gold/build.py)")
    parser.add_argument("--leave-out-fold", type=int, metavar="K",
                        help="with --news-gold: leave out the articles of fold K of --folds (rasd.nlp.ner.train.news_fold), "
                             "for a model that tags them as unseen news when the event and place models are trained")
    parser.add_argument("--folds", type=int, default=2, help="cross-fitting folds for --leave-out-fold (default 2)")
    parser.add_argument("--write-dev", type=Path, metavar="FILE",
                        help="only write the held-out dev block as a CoNLL file (for rasd eval-ner), "
                             "a -DOCSTART- line before every 20 sentences, and stop")


def run(args: argparse.Namespace) -> int:
    try:
        if args.write_dev:
            write_dev_block(args.data, args.write_dev)
            print(f"wrote the dev block to {args.write_dev}, a document mark every {DEV_DOCUMENT_SENTENCES} sentences")
            return 0
        silver = None
        if args.silver:
            if not args.silver.is_file():
                raise CliError(f"no such file: {args.silver}")
            silver = read_silver(args.silver, args.silver_sentences)
        news = None
        if args.news_gold:
            if not args.news_gold.is_file():
                raise CliError(f"no such file: {args.news_gold} (python tools/real_gold/build.py makes it)")
            if args.leave_out_fold is not None and not 0 <= args.leave_out_fold < args.folds:
                raise CliError(f"--leave-out-fold must be between 0 and {args.folds - 1}")
            news = real_news_sentences(args.news_gold, left_out=None if args.leave_out_fold is None
                                       else (args.leave_out_fold, args.folds))
        scores = train(args.data, args.out, args.reuse_clusters, args.actors, silver, news)
    except TrainingError as e:
        raise CliError(str(e)) from None
    print(format_scores(scores))
    return 0
