"""The learned event coder's learning curve: dev and dev_cnn_f24 event type F1 against the number of train articles.

    python tools/learning_curve_events.py [--gold build/gold/real.jsonl] [--threshold 0.3] 140 281 418 562

For each N, the coder is trained as `rasd train-events` trains it (the first N train articles in the gold file's
order, every synthetic sentence, the role ranker, the calibration on dev) and codes the dev and dev_cnn_f24
articles, which are scored by rasd eval's matching. Never the test split. Needs the `train` extra.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rasd.evaluate import evaluate, predict
from rasd.events.learned import LearnedCoder
from rasd.events.lexicon import event_lexicon
from rasd.resolve.actors import actor_registry
from rasd.runner.resources import Resources
from rasd.train.events import train_models

REPO = Path(__file__).resolve().parents[1]
SCORED = ("dev", "dev_cnn_f24")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl")
    parser.add_argument("--synthetic", type=Path, default=REPO / "gold" / "synthetic")
    parser.add_argument("--threshold", type=float, default=0.3, help="rasd train-events' default")
    parser.add_argument("sizes", nargs="+", type=int, help="numbers of train articles")
    args = parser.parse_args()
    lex, registry = event_lexicon(), actor_registry()
    records = [json.loads(line) for line in args.gold.open(encoding="utf-8")]
    train = [r for r in records if r.get("split") == "train"]
    dev = [r for r in records if r.get("split") == "dev"]
    scored = {split: [r for r in records if r.get("split") == split] for split in SCORED}
    documents = {split: predict(chosen, Resources(event_engine="rules")) for split, chosen in scored.items()}
    synthetic = [json.loads(line) for name in ("positives.jsonl", "negatives.jsonl")
                 for line in (args.synthetic / name).open(encoding="utf-8") if line.strip()]
    for size in args.sizes:
        started = time.time()
        coder = LearnedCoder(lex, registry, train_models(train[:size], dev, synthetic, args.threshold, lex,
                                                         registry).models)
        figures = []
        for split in SCORED:
            for doc in documents[split]:
                coder.extract(doc)
            events = evaluate(scored[split], documents[split])["events"]
            figures.append(f"{split} type F1 {events['event_type']['f1']:.3f} "
                           f"(sub-type {events['sub_event_type']['f1']:.3f})")
        print(f"{min(size, len(train))} train articles: {', '.join(figures)} ({time.time() - started:.0f} s)",
              flush=True)


if __name__ == "__main__":
    main()
