"""The learned place filter: for every place the resolver chose, is this a place here at all?

The resolver's rules find gazetteer names and pick a reading; on real news a share of what they find is an
ordinary word that happens to name a village somewhere ("بحجة", "الرأس", "معنى") or a name inside something
else.  A logistic model over the mention's own word, how often news uses it as an ordinary word, the word
before it, the entity the NER put on it, the reading's kind, precision and ambiguity, and how the mention sits
with the article's other places decides whether to keep it.  Trained by `rasd train-places` on the real-news
gold's train split (rasd.train.places); shipped as resources/place_filter.npz.
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rasd.model import Document, Place
from rasd.nlp.linear import LinearModel
from rasd.resolve.places import COMMON_WORDS, CORE_COUNTRIES, MEASURED_COMMON_WORDS
from rasd.resources import data_path, shared
from rasd.text.arabic import clitic_variants, tokenize

MODEL_FILE = data_path("place_filter.npz")


def place_features(doc: Document, place: Place, countries: Counter, names: Counter,
                   token_ends: list[int]) -> list[str]:
    """The named features of one resolved place of a document (`countries`, `names`: counts over its places;
    `token_ends`: where its tokens end, in order, worked out once per document)."""
    words = tokenize(place.text)
    last = clitic_variants(words[-1].norm)[-1] if words else ""
    out = [f"self:{last}", f"len:{min(len(words), 3)}", f"code:{place.feature_code}", f"prec:{place.precision}",
           f"alts:{min(len(place.alternatives), 2)}", f"conf:{int(place.confidence * 4)}",
           f"count:{min(names[place.name_en], 3)}", "bias"]
    if last in MEASURED_COMMON_WORDS or last in COMMON_WORDS or f"ال{last}" in COMMON_WORDS:
        out.append("common")
    labels = [e.label for e in doc.entities if e.start < place.end and place.start < e.end]
    out.append(f"ner:{labels[0] if labels else 'none'}")
    k = bisect.bisect_right(token_ends, place.start) - 1  # the last token ending before the place
    if k >= 0 and place.start - token_ends[k] < 3:
        out.append(f"prev:{clitic_variants(doc.tokens[k].norm)[-1]}")
    main = countries.most_common(1)[0][0] if countries else None
    out.append("country:main" if place.country == main else "country:core" if place.country in CORE_COUNTRIES
               else "country:other")
    if place.direction:
        out.append("direction")
    return out


@dataclass(frozen=True)
class PlaceFilter:
    model: LinearModel
    threshold: float

    def keep(self, doc: Document) -> list[Place]:
        """The document's places that the model takes for places here."""
        countries = Counter(p.country for p in doc.places)
        names = Counter(p.name_en for p in doc.places)
        ends = [t.end for t in doc.tokens]
        return [p for p in doc.places
                if self.model.probabilities(place_features(doc, p, countries, names, ends))[0] >= self.threshold]

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **self.model.arrays("filter"), threshold=np.array(self.threshold))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "PlaceFilter":
        with np.load(path, allow_pickle=False) as data:
            return cls(LinearModel.from_arrays(data, "filter"), float(data["threshold"]))


@shared
def place_filter() -> PlaceFilter | None:
    """The shipped filter, or None where no model has been trained."""
    return PlaceFilter.load() if MODEL_FILE.exists() else None
