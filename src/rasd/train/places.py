"""Training the learned place filter (`rasd train-places`): every place the resolver finds in the real-news
gold's train split is an example, kept when it overlaps a toponym the gold marks (placed or not)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from rasd.nlp.linear import LinearModel
from rasd.resolve.place_filter import PlaceFilter, place_features
from rasd.runner.resources import Resources
from rasd.train.events import Example, _binary, _indexed
from rasd.train.gold import UNTIL_PLACES, GoldReader


def place_examples(records: Iterable[dict], ner_folds: Sequence[Path] = ()) -> list[Example]:
    """`ner_folds`: cross-fitting CRFs for the train split's entities (rasd.train.gold)."""
    read = GoldReader(UNTIL_PLACES, Resources(filter_places=False), ner_folds)
    out = []
    for record in records:
        doc = read(record)
        countries = Counter(p.country for p in doc.places)
        names = Counter(p.name_en for p in doc.places)
        ends = [t.end for t in doc.tokens]
        toponyms = record["places"] + record["toponyms"]
        for place in doc.places:
            here = any(min(place.end, t["end"]) > max(place.start, t["start"]) for t in toponyms)
            out.append(Example(place_features(doc, place, countries, names, ends), "here" if here else "none", record["id"]))
    return out


def fit(examples: list[Example], threshold: float, c: float = 0.3) -> PlaceFilter:
    """Balanced classes: the few false places weigh as much as the many right ones."""
    model: LinearModel = _binary(examples, _indexed(examples), c, balanced=True)
    return PlaceFilter(model, threshold)
