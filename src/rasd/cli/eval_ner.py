"""`rasd eval-ner FILE`: score a recognizer on a CoNLL-style file, conlleval counting (see rasd.nlp.ner.evaluate)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasd.cli import CliError, load_ner
from rasd.nlp.ner.corpora import read_conll
from rasd.nlp.ner.evaluate import evaluate_sentences, format_scores


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="'token TAG' or 'token ... TAG' lines, blank line between sentences")
    parser.add_argument("--backend", default=None,
                        help="recognizer backend (default: the shipped CRF; 'accurate': the fine-tuned encoder; crf:PATH; hf:PATH)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the scores")


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CliError(f"no such file: {args.file}")
    sentences = read_conll(args.file)
    if not sentences:
        raise CliError(f"no sentences in {args.file}")
    scores = evaluate_sentences(sentences, load_ner(args.backend))
    print(format_scores(scores))
    if args.json:
        print(json.dumps(scores, ensure_ascii=False))
    return 0
