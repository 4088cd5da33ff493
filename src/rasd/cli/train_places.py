"""`rasd train-places`: train the learned place filter on the real-news gold's train split (rasd.train.places)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasd.cli import CliError
from rasd.resolve.place_filter import MODEL_FILE

REPO = Path(__file__).resolve().parents[3]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl",
                   help="the real-news gold (python tools/real_gold/build.py makes it); its train split is used")
    p.add_argument("--out", type=Path, default=MODEL_FILE, help=f"model file (default {MODEL_FILE})")
    p.add_argument("--threshold", type=float, default=0.3, help="probability from which a place is kept")
    p.add_argument("--ner-folds", type=Path, nargs="+", default=(), metavar="DIR",
                   help="cross-fitting CRFs, fold 0 first (as for rasd train-events)")


def run(args: argparse.Namespace) -> int:
    from rasd.train.places import fit, place_examples

    if not args.gold.is_file():
        raise CliError(f"no gold file {args.gold}: run python tools/real_gold/build.py first")
    with args.gold.open(encoding="utf-8") as handle:
        train = [r for r in map(json.loads, handle) if r.get("split") == "train"]
    try:
        examples = place_examples(train, args.ner_folds)
    except FileNotFoundError as e:  # a fold's CRF, looked for before any article is read
        raise CliError(f"--ner-folds: {e}") from None
    fit(examples, args.threshold).save(args.out)
    kept = sum(e.label == "here" for e in examples)
    print(f"trained on {len(examples)} resolved places of {len(train)} articles ({len(examples) - kept} no place "
          f"here); wrote {args.out}")
    return 0
