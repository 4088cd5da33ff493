"""The shipped statistical recognizer: a linear-chain CRF (trained with python-crfsuite)
over PER ORG LOC MISC, sentence by sentence, then made consistent across the document:
a name the model found in one sentence is tagged wherever else it appears untagged
in the same document (after Krishnan & Manning 2006, as a rule).  The CRF is precise
but misses names; this recovers some of them at little cost.

Tagging does not hand feature strings to crfsuite.  Almost every feature depends on one
word alone, so the weights of a word's features are summed once per word type into a
score vector per label; a sentence's scores are then a few vector sums, and the
sentences of a document are decoded together by a batched Viterbi in numpy.  The
result is the crfsuite tagger's (the tests compare them), at a fraction of the cost.
"""
from __future__ import annotations

import bisect
from collections import Counter
from pathlib import Path

import numpy as np
import pycrfsuite

from rasd.model import Document, Entity, Token
from rasd.nlp.ner.evaluate import chunks
from rasd.nlp.ner.features import CACHE_TYPES, NEIGHBOUR_OFFSETS, FeatureExtractor

MODEL_FILE = "model.crfsuite"
MIN_PROPAGATED_CHARS = 3  # a one-word name shorter than this is not spread through the document


class CrfRecognizer:
    def __init__(self, directory: Path):
        self.features = FeatureExtractor(directory)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(directory / MODEL_FILE))
        self.scorer = CrfScorer(tagger, self.features)

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for each sentence of normalised words."""
        return self.scorer.decode([self.scorer.emissions(norms) for norms in sentences])

    def entities(self, doc: Document) -> list[Entity]:
        sentences = sentence_tokens(doc)
        norms = [[t.norm for t in tokens] for tokens in sentences]
        tagged = self.tag(norms)
        propagate_names(norms, tagged)
        out: list[Entity] = []
        for tokens, tags in zip(sentences, tagged):
            out += entities_from_tags(doc.text, tokens, tags, source="model")
        return out


class CrfScorer:
    """A crfsuite model's weights as label-score vectors, and Viterbi decoding over them."""

    def __init__(self, tagger: pycrfsuite.Tagger, features: FeatureExtractor):
        info = tagger.info()
        self.labels = tagger.labels()
        index = {label: i for i, label in enumerate(self.labels)}
        self.transitions = np.zeros((len(self.labels), len(self.labels)))
        for (previous, current), weight in info.transitions.items():
            self.transitions[index[previous], index[current]] = weight
        self.weights: dict[str, np.ndarray] = {}
        for (attribute, label), weight in info.state_features.items():
            self.weights.setdefault(attribute, np.zeros(len(self.labels)))[index[label]] = weight
        self.features = features
        self._zero = np.zeros(len(self.labels))
        self._bias = self._sum(("b",))
        self._edges = {(offset, side): self._sum((f"{offset}{side}",)) for offset in NEIGHBOUR_OFFSETS
                       for side in ("BOS", "EOS")}
        self._types: dict[str, np.ndarray] = {}
        self._gazetteer: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # few distinct

    def _sum(self, attributes) -> np.ndarray:
        out = self._zero.copy()
        for attribute in attributes:
            weight = self.weights.get(attribute)
            if weight is not None:
                out += weight
        return out

    def _type_scores(self, word: str) -> np.ndarray:
        """Rows: the word's own features, then what it lends to the word at each neighbour offset."""
        scores = self._types.get(word)
        if scores is None:
            if len(self._types) > CACHE_TYPES:
                self._types.clear()
            own, lent = self.features.type_features(word)
            scores = np.stack([self._sum(own)] + [self._sum(features) for features in lent])
            self._types[word] = scores
        return scores

    def emissions(self, norms: list[str]) -> np.ndarray:
        """Label scores per word of one sentence: exactly what crfsuite sums over the sentence's features."""
        n = len(norms)
        if not n:
            return np.zeros((0, len(self.labels)))
        rows = np.stack([self._type_scores(word) for word in norms])
        scores = rows[:, 0] + self._bias
        for k, offset in enumerate(NEIGHBOUR_OFFSETS, start=1):
            lo, hi = max(0, -offset), min(n, n - offset)  # words whose neighbour at `offset` exists
            if lo < hi:
                scores[lo:hi] += rows[lo + offset:hi + offset, k]
            scores[:lo] += self._edges[offset, "BOS"]
            scores[hi:] += self._edges[offset, "EOS"]
        for i, matches in enumerate(self.features.gazetteer.match(norms)):
            if matches:
                own, to_previous, to_next = self._gazetteer_scores(tuple(matches))
                scores[i] += own
                if i > 0:
                    scores[i - 1] += to_previous
                if i + 1 < n:
                    scores[i + 1] += to_next
        return scores

    def _gazetteer_scores(self, matches: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores of a word's gazetteer matches: for the word, and as lent to the previous and next word."""
        scores = self._gazetteer.get(matches)
        if scores is None:
            scores = (self._sum(matches), self._sum(f"1{g}" for g in matches), self._sum(f"-1{g}" for g in matches))
            self._gazetteer[matches] = scores
        return scores

    def decode(self, emissions: list[np.ndarray]) -> list[list[str]]:
        """The best label sequence of every sentence, all sentences stepped through together."""
        lengths = [len(e) for e in emissions]
        if not any(lengths):
            return [[] for _ in emissions]
        batch, steps, n_labels = len(emissions), max(lengths), len(self.labels)
        padded = np.zeros((batch, steps, n_labels))
        for b, e in enumerate(emissions):
            padded[b, :len(e)] = e
        alive = np.arange(steps)[None, :] < np.array(lengths)[:, None]
        best = padded[:, 0].copy()
        back = np.zeros((batch, steps, n_labels), dtype=np.intp)
        for t in range(1, steps):
            candidates = best[:, :, None] + self.transitions[None]  # previous label × current label
            back[:, t] = candidates.argmax(axis=1)
            stepped = np.take_along_axis(candidates, back[:, t][:, None, :], axis=1)[:, 0] + padded[:, t]
            best = np.where(alive[:, t, None], stepped, best)
        out = []
        for b, n in enumerate(lengths):
            if not n:
                out.append([])
                continue
            label = int(best[b].argmax())
            path = [label]
            for t in range(n - 1, 0, -1):
                label = int(back[b, t, label])
                path.append(label)
            out.append([self.labels[i] for i in reversed(path)])
        return out


def propagate_names(norms: list[list[str]], tagged: list[list[str]]) -> None:
    """Tag every untagged occurrence of a name found elsewhere in the document with its most
    frequent label, longest names first (in place)."""
    labels: dict[tuple[str, ...], Counter] = {}
    for words, tags in zip(norms, tagged):
        for start, end, label in chunks(tags):
            labels.setdefault(tuple(words[start:end]), Counter())[label] += 1
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name in sorted(labels, key=len, reverse=True):
        if len(name) > 1 or len(name[0]) >= MIN_PROPAGATED_CHARS:
            by_first.setdefault(name[0], []).append((name, labels[name].most_common(1)[0][0]))
    for words, tags in zip(norms, tagged):
        for i, word in enumerate(words):
            for name, label in by_first.get(word, ()):
                end = i + len(name)
                if tuple(words[i:end]) == name and all(t == "O" for t in tags[i:end]):
                    tags[i:end] = ["B-" + label] + ["I-" + label] * (len(name) - 1)
                    break


def sentence_tokens(doc: Document) -> list[list[Token]]:
    """The document's tokens grouped by sentence (all in one group when no sentences are given)."""
    if not doc.sentences:
        return [doc.tokens] if doc.tokens else []
    starts = [t.start for t in doc.tokens]
    groups = []
    for s in doc.sentences:
        lo, hi = bisect.bisect_left(starts, s.start), bisect.bisect_left(starts, s.end)
        if hi > lo:
            groups.append(doc.tokens[lo:hi])
    return groups


def entities_from_tags(text: str, tokens: list[Token], tags: list[str], source: str) -> list[Entity]:
    out: list[Entity] = []
    start = label = None
    end = 0
    for token, tag in zip(tokens + [None], tags + ["O"]):
        prefix, _, tag_label = tag.partition("-")
        if label is not None and (prefix != "I" or tag_label != label):
            out.append(Entity(start, end, text[start:end], label, source=source))
            label = None
        if prefix in ("B", "I") and label is None:
            start, label = token.start, tag_label
        if label is not None:
            end = token.end
    return out
