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

import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pycrfsuite

from rasd.model import Document, Entity
from rasd.nlp.ner.tags import chunks, entities_from_tags, sentence_tokens
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
        return self.scorer.decode(self.scorer.emissions(sentences), [len(s) for s in sentences])

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
        n_labels = len(self.labels)
        index = {label: i for i, label in enumerate(self.labels)}
        self.transitions = np.zeros((n_labels, n_labels))
        for (previous, current), weight in info.transitions.items():
            self.transitions[index[previous], index[current]] = weight
        rows: dict[str, int] = {}
        for attribute, _ in info.state_features:
            rows.setdefault(attribute, len(rows) + 1)
        self.weights = np.zeros((len(rows) + 1, n_labels))  # row 0 stays zero: every sum starts from it
        for (attribute, label), weight in info.state_features.items():
            self.weights[rows[attribute], index[label]] = weight
        self._row_of_attribute = rows
        self.features = features
        self._bias = self._sum(("b",))
        self._edges = {(offset, side): self._sum((f"{offset}{side}",)) for offset in NEIGHBOUR_OFFSETS
                       for side in ("BOS", "EOS")}
        # per word type, rows: its own features' scores, then what it lends to each neighbour offset
        self._table = np.empty((CACHE_TYPES, 1 + len(NEIGHBOUR_OFFSETS), n_labels))
        self._row_of: dict[str, int] = {}
        self._filling = threading.Lock()
        self._gazetteer: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # few distinct

    def _sums(self, groups) -> np.ndarray:
        """One score vector per group of feature names (features the model does not know count for nothing)."""
        rows, starts = [], []
        row_of = self._row_of_attribute
        for group in groups:
            starts.append(len(rows))
            rows.append(0)
            rows += [row_of[a] for a in group if a in row_of]
        return np.add.reduceat(self.weights[rows], starts, axis=0)

    def _sum(self, attributes) -> np.ndarray:
        return self._sums([attributes])[0]

    def _type_rows(self, words: list[str]) -> np.ndarray:
        """The table rows of these words, adding the word types not seen yet; a full table starts over
        (what was gathered so far is copied out first)."""
        row_of, table = self._row_of, self._table
        gathered: list[np.ndarray] = []
        ids: list[int] = []
        with self._filling:  # the table is shared; no other thread may start it over while these rows are read
            for word in words:
                row = row_of.get(word)
                if row is None:
                    if len(row_of) == len(table):
                        gathered.append(table[ids])
                        ids = []
                        row_of.clear()
                    row = row_of[word] = len(row_of)
                    own, lent = self.features.type_features(word)
                    table[row] = self._sums((own, *lent))
                ids.append(row)
            gathered.append(table[ids])
        return gathered[0] if len(gathered) == 1 else np.concatenate(gathered)

    def _gazetteer_scores(self, matches: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scores of a word's gazetteer matches: for the word, and as lent to the previous and next word."""
        scores = self._gazetteer.get(matches)
        if scores is None:
            scores = (self._sum(matches), self._sum(f"1{g}" for g in matches), self._sum(f"-1{g}" for g in matches))
            self._gazetteer[matches] = scores
        return scores

    def emissions(self, sentences: list[list[str]]) -> np.ndarray:
        """Label scores of every word of every sentence, one row per word in reading order: exactly what
        crfsuite sums over each word's features (neighbours never reach across a sentence boundary)."""
        words = [w for sentence in sentences for w in sentence]
        if not words:
            return np.zeros((0, len(self.labels)))
        rows = self._type_rows(words)
        lengths = np.array([len(s) for s in sentences])
        starts = np.cumsum(lengths) - lengths
        position = np.arange(len(words)) - np.repeat(starts, lengths)  # index of each word in its sentence
        length = np.repeat(lengths, lengths)
        scores = rows[:, 0] + self._bias
        everywhere = np.arange(len(words))
        for k, offset in enumerate(NEIGHBOUR_OFFSETS, start=1):
            target = position + offset
            lent = rows[np.clip(everywhere + offset, 0, len(words) - 1), k]
            edge = np.where((target < 0)[:, None], self._edges[offset, "BOS"], self._edges[offset, "EOS"])
            scores += np.where(((target >= 0) & (target < length))[:, None], lent, edge)
        # A word's row takes what the previous word's gazetteer matches lend it, then its own, then what the
        # next word's lend it: added in that order, as one vector addition each (no row twice in one addition),
        # the sums are those of adding word by word.
        to_next_at, to_next, own_at, own, to_previous_at, to_previous = [], [], [], [], [], []
        i = 0
        for sentence in sentences:
            for j, matches in enumerate(self.features.gazetteer.match(sentence)):
                if matches:
                    scored = self._gazetteer_scores(tuple(matches))
                    own_at.append(i + j)
                    own.append(scored[0])
                    if j > 0:
                        to_previous_at.append(i + j - 1)
                        to_previous.append(scored[1])
                    if j + 1 < len(sentence):
                        to_next_at.append(i + j + 1)
                        to_next.append(scored[2])
            i += len(sentence)
        for rows, lent in ((to_next_at, to_next), (own_at, own), (to_previous_at, to_previous)):
            if rows:
                scores[rows] += lent
        return scores

    def decode(self, scores: np.ndarray, lengths: list[int]) -> list[list[str]]:
        """The best label sequence of every sentence (`scores` from `emissions`), all stepped through together."""
        if not len(scores):
            return [[] for _ in lengths]
        batch, steps, n_labels = len(lengths), max(lengths), len(self.labels)
        sizes = np.array(lengths)
        padded = np.zeros((batch, steps, n_labels))
        padded[np.repeat(np.arange(batch), sizes), np.arange(len(scores)) - np.repeat(np.cumsum(sizes) - sizes, sizes)] = scores
        best = np.empty((batch, steps, n_labels))  # best score of a path ending in each label at each step
        back = np.zeros((batch, steps, n_labels), dtype=np.intp)
        best[:, 0] = padded[:, 0]
        for t in range(1, steps):
            candidates = best[:, t - 1, :, None] + self.transitions  # previous label × current label
            back[:, t] = candidates.argmax(axis=1)
            best[:, t] = candidates.max(axis=1) + padded[:, t]
        last = best[np.arange(batch), np.maximum(sizes - 1, 0)].argmax(axis=1).tolist()
        out = []
        for b, n in enumerate(lengths):
            label = last[b]
            path = [label] if n else []
            pointers = back[b, 1:n].tolist()
            for t in range(n - 2, -1, -1):
                label = pointers[t][label]
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
