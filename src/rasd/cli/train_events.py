"""`rasd train-events`: train the learned event coder on the real-news gold's train split and the synthetic
sentences, calibrate its confidence on the dev split, and write its weights (rasd.train.events; needs the
`train` extra)."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rasd.cli import CliError
from rasd.events.learned import MODEL_FILE

REPO = Path(__file__).resolve().parents[3]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl",
                   help="the real-news gold (python tools/real_gold/build.py makes it); its train split is used")
    p.add_argument("--synthetic", type=Path, default=REPO / "gold" / "synthetic",
                   help="folder of positives.jsonl and negatives.jsonl (train only)")
    p.add_argument("--out", type=Path, default=MODEL_FILE, help=f"model file (default {MODEL_FILE})")
    p.add_argument("--threshold", type=float, default=0.3,
                   help="probability of an event of its sub-type from which a sentence reports one")
    p.add_argument("--ner-folds", type=Path, nargs="+", default=(), metavar="DIR",
                   help="cross-fitting CRFs, fold 0 first (`rasd train-ner --news-gold FILE --leave-out-fold K --out DIR`): "
                        "each train article's entities come from the CRF that did not see it, not from the shipped one")
    p.add_argument("--limit", type=int, help="use only the first N train articles, dev articles and synthetic sentences (a quick check of the code path)")


def run(args: argparse.Namespace) -> int:
    from rasd.events.lexicon import event_lexicon
    from rasd.resolve.actors import actor_registry
    from rasd.train.events import train_models
    from rasd.train.gold import GoldReader

    if not args.gold.is_file():
        raise CliError(f"no gold file {args.gold}: run python tools/real_gold/build.py first")
    try:
        read = GoldReader(ner_folds=args.ner_folds)
    except FileNotFoundError as e:
        raise CliError(f"--ner-folds: {e}") from None
    started = time.time()
    with args.gold.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    train = [r for r in records if r.get("split") == "train"][:args.limit]
    dev = [r for r in records if r.get("split") == "dev"][:args.limit]
    synthetic = []
    for name in ("positives.jsonl", "negatives.jsonl"):
        path = args.synthetic / name
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                synthetic += [json.loads(line) for line in handle if line.strip()]
    synthetic = synthetic[:args.limit]
    trained = train_models(train, dev, synthetic, args.threshold, event_lexicon(), actor_registry(),
                           read)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trained.models.save(args.out)
    print(f"trained on {len(train)} articles ({trained.sentences} sentence and {trained.places} place examples, "
          f"{len(synthetic)} synthetic sentences; {trained.roles} actor1 candidates), calibrated on "
          f"{trained.calibration} events of {len(dev)} dev articles, in {time.time() - started:.0f} s; wrote {args.out}")
    return 0
