"""`rasd eval-assertion`: sentence embeddings and a trained head telling sentences that assert a new event
from denials, plans and conditions; trained on the dev gold, scored on dev2 (rasd.nlp.encoder.assertion)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasd.cli import CliError
from rasd.nlp.encoder import EncoderNotBuilt
from rasd.nlp.encoder.assertion import (GOLD, evaluate_assertion, format_scores, labelled_sentences,
                                        synthetic_sentences)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--train", type=Path, default=GOLD / "events_dev.jsonl")
    parser.add_argument("--train-sources", type=Path, default=GOLD / "events_src")
    parser.add_argument("--score", type=Path, default=GOLD / "events_dev2.jsonl")
    parser.add_argument("--score-sources", type=Path, default=GOLD / "events_dev2_src")
    parser.add_argument("--synthetic", action="store_true", help="also train on gold/synthetic (train-only sentences)")
    parser.add_argument("--hidden", type=int, default=0, help="hidden units of the head (0: logistic regression)")
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--out", type=Path, help="save the trained head here (.npz)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the scores")


def run(args: argparse.Namespace) -> int:
    from rasd.nlp.encoder.sentences import SentenceEncoder

    try:
        encoder = SentenceEncoder()
    except EncoderNotBuilt as e:
        raise CliError(str(e)) from None
    train = labelled_sentences(args.train, args.train_sources)
    if args.synthetic:
        train += synthetic_sentences(GOLD / "synthetic")
    test = labelled_sentences(args.score, args.score_sources)
    scores, head = evaluate_assertion(encoder, train, test, args.hidden, args.l2)
    print(format_scores(scores))
    if args.out:
        head.save(args.out)
    if args.json:
        print(json.dumps(scores))
    return 0
