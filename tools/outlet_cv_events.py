"""Leave-one-outlet-out cross-validation of the learned event coder, pooled over every development article.

    python tools/outlet_cv_events.py [--gold build/gold/real.jsonl] [VARIANT ...]

The dev splits are small (dev 107 events, dev_cnn_f24 112), so that two models a few points apart on one of them
may not differ at all.  This scores a training choice on all of train, dev and dev_cnn_f24 at once (never the
test split): for each of the five outlets, the coder is trained (as `rasd train-events` trains it, less the role
ranker and the calibration, which do not change which events are coded) on the other outlets' articles and the
synthetic sentences, and codes that outlet's articles; the events of all five folds are then scored together by
rasd eval's matching.  Every article is coded by a model that never saw its outlet, as on the test split.

A VARIANT is a name of fit()'s keyword arguments with values, "c_detector=0.3,threshold=0.3", or one of the
feature ablations "no_pairs" (no stem pairs) and "no_words" (no stems nor stem pairs); "base" is the shipped
settings.  Needs the `train` extra.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rasd.evaluate import evaluate, predict
from rasd.events import learned
from rasd.events.learned import LearnedCoder
from rasd.events.lexicon import event_lexicon
from rasd.resolve.actors import actor_registry
from rasd.runner.resources import Resources
from rasd.train.events import Example, article_examples, fit, synthetic_examples

REPO = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "dev_cnn_f24")
THRESHOLD = 0.3  # rasd train-events' default
ABLATIONS = {"no_pairs": ("b:",), "no_words": ("w:", "b:")}  # feature prefixes left out (events.learned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl")
    parser.add_argument("--synthetic", type=Path, default=REPO / "gold" / "synthetic")
    parser.add_argument("variants", nargs="*", default=["base"])
    args = parser.parse_args()
    lex, registry = event_lexicon(), actor_registry()
    records = [r for r in map(json.loads, args.gold.open(encoding="utf-8")) if r.get("split") in SPLITS]
    examples = {r["id"]: article_examples([r], lex, registry) for r in records}
    synthetic = synthetic_examples([json.loads(line) for name in ("positives.jsonl", "negatives.jsonl")
                                    for line in (args.synthetic / name).open(encoding="utf-8") if line.strip()],
                                   lex, registry)
    documents = {doc.id: doc for doc in predict(records, Resources(event_engine="rules"))}
    for variant in args.variants:
        started = time.time()
        figures = cross_validate(variant, records, examples, synthetic, documents, lex, registry)
        print(f"{variant}: {figures} ({time.time() - started:.0f} s)", flush=True)


def cross_validate(variant: str, records: list[dict], examples: dict, synthetic: list[Example], documents: dict,
                   lex, registry) -> str:
    settings = {} if variant in ("base", *ABLATIONS) else {
        k: float(v) for k, v in (pair.split("=") for pair in variant.split(","))}
    threshold = settings.pop("threshold", THRESHOLD)
    left_out = ABLATIONS.get(variant, ())

    def kept(features: list[str]) -> list[str]:
        return [f for f in features if not f.startswith(left_out)] if left_out else features

    shipped_features = learned.sentence_features
    learned.sentence_features = lambda reading, i, lex: kept(shipped_features(reading, i, lex))
    try:
        for outlet in sorted({r["outlet"] for r in records}):
            train = [r["id"] for r in records if r["outlet"] != outlet]
            sentences = [Example(kept(e.features), e.label, e.source, e.key)
                         for e in [*(e for i in train for e in examples[i][0]), *synthetic]]
            places = [e for i in train for e in examples[i][1]]
            coder = LearnedCoder(lex, registry, fit(sentences, places, threshold, **settings))
            for r in records:
                if r["outlet"] == outlet:
                    coder.extract(documents[r["id"]])
    finally:
        learned.sentence_features = shipped_features
    pooled = evaluate(records, [documents[r["id"]] for r in records])["events"]
    by_split = []
    for split in SPLITS:
        chosen = [r for r in records if r["split"] == split]
        by_split.append(f"{split} {evaluate(chosen, [documents[r['id']] for r in chosen])['events']['event_type']['f1']:.3f}")
    kind, sub = pooled["event_type"], pooled["sub_event_type"]
    return (f"pooled type F1 {kind['f1']:.3f} (P {kind['precision']:.3f}, R {kind['recall']:.3f}), sub-type F1 "
            f"{sub['f1']:.3f}; type F1 by split: {', '.join(by_split)}")


if __name__ == "__main__":
    main()
