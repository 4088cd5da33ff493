"""The shipped statistical recognizer: a linear-chain CRF (python-crfsuite) over
PER ORG LOC MISC, sentence by sentence, then made consistent across the document:
a name the model found in one sentence is tagged wherever else it appears untagged
in the same document (after Krishnan & Manning 2006, as a rule).  The CRF is precise
but misses names; this recovers some of them at little cost.
"""
from __future__ import annotations

import bisect
from collections import Counter
from pathlib import Path

import pycrfsuite

from rasd.model import Document, Entity, Token
from rasd.nlp.ner.evaluate import chunks
from rasd.nlp.ner.features import FeatureExtractor

MODEL_FILE = "model.crfsuite"
MIN_PROPAGATED_CHARS = 3  # a one-word name shorter than this is not spread through the document


class CrfRecognizer:
    def __init__(self, directory: Path):
        self.features = FeatureExtractor(directory)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(directory / MODEL_FILE))

    def tag(self, norms: list[str]) -> list[str]:
        return self.tagger.tag(self.features.sentence(norms)) if norms else []

    def entities(self, doc: Document) -> list[Entity]:
        sentences = sentence_tokens(doc)
        norms = [[t.norm for t in tokens] for tokens in sentences]
        tagged = [self.tag(n) for n in norms]
        propagate_names(norms, tagged)
        out: list[Entity] = []
        for tokens, tags in zip(sentences, tagged):
            out += entities_from_tags(doc.text, tokens, tags, source="model")
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
