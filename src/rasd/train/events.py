"""Training the learned event coder (`rasd train-events`): sentence examples from the real-news gold's train
split and the synthetic sentences, two logistic regressions, and the threshold that decides.

A sentence is a positive example of a sub-type when a gold event of that sub-type cites it as evidence; every
other sentence of an annotated article is a negative one (background, tallies, plans, denials, restatements and
plain context alike).  Synthetic sentences are read as one-sentence articles with no date.  scikit-learn fits
the models (the `train` extra); what is shipped is their weights (rasd.events.learned.EventModels).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from rasd.events import read_document
from rasd.evaluate.events import MATCH_KM
from rasd.events.learned import NONE, EventModels, _anchor, place_candidates, sentence_features
from rasd.nlp.linear import LinearModel
from rasd.resolve.geo import haversine_km
from rasd.events.lexicon import EventLexicon
from rasd.model import Document
from rasd.resolve.actors import ActorRegistry
from rasd.resources.taxonomy import SubEventType
from rasd.train.gold import GoldReader

MIN_FEATURE_COUNT = 2  # a feature seen once says nothing a model can learn


@dataclass
class Example:
    features: list[str]
    label: str  # a sub-type, or NONE; for a place candidate, "here" or NONE
    source: str  # the article id (or "synthetic")
    key: str = ""  # article id and sentence start: which sentence it is


def article_examples(records: Iterable[dict], lex: EventLexicon, registry: ActorRegistry,
                     read: Callable[[dict], Document]) -> tuple[list[Example], list[Example]]:
    """One example per sentence of each annotated article, labelled from the gold events' evidence; and one per
    place candidate of each evidence sentence, labelled by whether it lies within MATCH_KM of the gold event's.
    `read` gives a record's analysed Document (a rasd.train.gold.GoldReader, or documents read already)."""
    sentences, places = [], []
    for record in records:
        doc = read(record)
        reading = read_document(doc, lex, registry)
        for i, s in enumerate(reading.sentences):
            cited = [e for e in record["events"] if any(a < s.sentence.end and s.sentence.start < b
                                                        for a, b in e["evidence"])]
            labels = Counter(e["sub_event_type"] for e in cited)
            sentences.append(Example(sentence_features(reading, i, lex),
                                     labels.most_common(1)[0][0] if labels else NONE, record["id"],
                                     f"{record['id']}:{s.sentence.start}"))
            for event in cited[:1]:
                where = event["location"]
                for place, features in place_candidates(reading, i, _anchor(s), lex,
                                                         SubEventType(event["sub_event_type"])):
                    near = haversine_km(place.lat, place.lon, where["lat"], where["lon"]) <= MATCH_KM
                    places.append(Example(features, "here" if near else NONE, record["id"],
                                          f"{record['id']}:{s.sentence.start}"))
    return sentences, places


def synthetic_examples(records: Iterable[dict], lex: EventLexicon, registry: ActorRegistry) -> list[Example]:
    """Each synthetic sentence as a one-sentence article; its label is its sub-type or NONE."""
    read = GoldReader()
    out = []
    for k, record in enumerate(records):
        doc = read({"text": record["text"], "id": "synthetic"})
        reading = read_document(doc, lex, registry)
        label = NONE if record["label"] == "none" else record["label"]
        out += [Example(sentence_features(reading, i, lex), label, "synthetic", f"synthetic{k}:{s.sentence.start}")
                for i, s in enumerate(reading.sentences)]
    return out


def _indexed(examples: list[Example]) -> dict[str, int]:
    counts = Counter(f for e in examples for f in e.features)
    return {f: k for k, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT))}


def _matrix(items: list[Example], index: dict[str, int]):
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for r, e in enumerate(items):
        ks = [index[f] for f in e.features if f in index]
        rows += [r] * len(ks)
        cols += ks
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(items), len(index)))


def _binary(items: list[Example], index: dict[str, int], c: float, weights=None, balanced: bool = False) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)
    model.fit(_matrix(items, index), [e.label != NONE for e in items], sample_weight=weights)
    return LinearModel(("yes",), index, model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32))


def _ranker(items: list[Example], index: dict[str, int], c: float) -> LinearModel:
    """A model that scores the right candidate of each group (one evidence sentence's places) above the others:
    a logistic regression on the differences between each right candidate's features and each wrong one's, as
    a pairwise ranker learns.  Only the order of scores within a group matters, so it has no intercept."""
    from scipy.sparse import csr_matrix, vstack
    from sklearn.linear_model import LogisticRegression

    groups: dict[str, list[Example]] = {}
    for e in items:
        groups.setdefault(e.key, []).append(e)
    pairs, signs = [], []
    for members in groups.values():
        rows = _matrix(members, index)  # one matrix per group, its rows taken in pairs
        right = [k for k, e in enumerate(members) if e.label != NONE]
        wrong = [k for k, e in enumerate(members) if e.label == NONE]
        for r in right:
            for w in wrong:
                sign = 1 if len(signs) % 2 == 0 else -1  # both classes, so that the regression has two
                pairs.append(sign * (rows[r] - rows[w]))
                signs.append(sign > 0)
    model = LogisticRegression(C=c, max_iter=3000, fit_intercept=False)
    model.fit(csr_matrix(vstack(pairs)), signs)
    return LinearModel(("yes",), index, model.coef_.T.astype(np.float32), np.zeros(1, np.float32))


def fit(examples: list[Example], place_examples: list[Example], threshold: float, c_detector: float = 0.1,
        c_sub_types: float = 1.0, c_places: float = 1.0, synthetic_weight: float = 0.3) -> EventModels:
    """The detector on every sentence example, the sub-type model on the positive ones, the place model on the
    place candidates; synthetic sentences count less than real ones."""
    from sklearn.linear_model import LogisticRegression

    index = _indexed(examples)
    weight = np.array([synthetic_weight if e.source == "synthetic" else 1.0 for e in examples])
    detector = _binary(examples, index, c_detector, weight, balanced=True)
    positives = [e for e in examples if e.label != NONE]
    sub_types = LogisticRegression(C=c_sub_types, max_iter=3000)
    sub_types.fit(_matrix(positives, index), [e.label for e in positives],
                  sample_weight=[synthetic_weight if e.source == "synthetic" else 1.0 for e in positives])
    places = _ranker(place_examples, _indexed(place_examples), c_places)
    return EventModels(
        detector,
        LinearModel(tuple(str(c) for c in sub_types.classes_), index, sub_types.coef_.T.astype(np.float32),
                    sub_types.intercept_.astype(np.float32)),
        places, threshold)


def calibration_examples(models: EventModels, records: Iterable[dict], lex: EventLexicon,
                         registry: ActorRegistry, read: Callable[[dict], Document]) -> list[Example]:
    """The coder's events on annotated articles, each labelled by whether it matches a gold event of its
    sub-type (rasd eval's matching): what a confidence should predict."""
    from dataclasses import replace

    from rasd.evaluate.events import _match
    from rasd.events.learned import LearnedCoder, calibration_features

    coder = LearnedCoder(lex, registry, replace(models, calibration=None))  # confidences = raw scores
    out = []
    for record in records:
        doc = read(record)
        coder.extract(doc)
        right = {id(event) for event, _ in _match(doc.events, record["events"], "sub_event_type")}
        out += [Example(calibration_features(e, e.confidence), "here" if id(e) in right else NONE, record["id"])
                for e in doc.events]
    return out


def calibrate(models: EventModels, examples: list[Example], c: float = 1.0) -> EventModels:
    """The models with a calibration fitted on these examples (the dev split's)."""
    from dataclasses import replace

    return replace(models, calibration=_binary(examples, _indexed(examples) or {"bias": 0}, c))


def role_examples(models: EventModels, records: Iterable[dict], lex: EventLexicon,
                  registry: ActorRegistry, read: Callable[[dict], Document]) -> list[Example]:
    """For each event the coder gets right (by sub-type) on annotated articles, its actor1 candidates, each
    labelled by whether it is the gold actor1."""
    from dataclasses import replace

    from rasd.evaluate.events import _match
    from rasd.events.learned import LearnedCoder, _anchor, role_candidates

    coder = LearnedCoder(lex, registry, replace(models, roles=None))
    out = []
    for record in records:
        doc = read(record)
        reading = read_document(doc, lex, registry)
        coder.extract(doc)
        starts = {s.sentence.start: s for s in reading.sentences}
        for event, gold in _match(doc.events, record["events"], "sub_event_type"):
            s = starts.get(event.evidence[0][0])
            if s is None or not gold["actor1"]:
                continue
            for name, _, features in role_candidates(s, event, _anchor(s), lex, registry):
                out.append(Example(features, "here" if name == gold["actor1"] else NONE, record["id"]))
    return out


def with_roles(models: EventModels, examples: list[Example], c: float = 1.0) -> EventModels:
    from dataclasses import replace

    return replace(models, roles=_binary(examples, _indexed(examples), c))


@dataclass(frozen=True)
class Trained:
    models: EventModels
    sentences: int  # sentence examples, the synthetic ones included
    places: int  # place examples
    roles: int  # actor1 candidates
    calibration: int  # dev events the calibration was fitted on


def train_models(train: list[dict], dev: list[dict], synthetic: list[dict], threshold: float, lex: EventLexicon,
                 registry: ActorRegistry, read: Callable[[dict], Document]) -> Trained:
    """Everything `rasd train-events` fits, in order: the detector, sub-type and place models on the train
    articles and the synthetic sentences, the role ranker on the train articles, the calibration on dev.  Each
    train article is read once, for both the examples and the role ranker."""
    documents = {r["id"]: read(r) for r in train}

    def read_again(record: dict) -> Document:
        return documents[record["id"]]

    sentences, places = article_examples(train, lex, registry, read_again)
    sentences += synthetic_examples(synthetic, lex, registry)
    models = fit(sentences, places, threshold)
    roles = role_examples(models, train, lex, registry, read_again)
    if roles:
        models = with_roles(models, roles)
    calibration = calibration_examples(models, dev, lex, registry, read)
    if calibration:
        models = calibrate(models, calibration)
    return Trained(models, len(sentences), len(places), len(roles), len(calibration))
