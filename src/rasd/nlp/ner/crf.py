"""The shipped statistical recognizer: a linear-chain CRF (python-crfsuite) over
PER ORG LOC MISC, sentence by sentence."""
from __future__ import annotations

import bisect
from pathlib import Path

import pycrfsuite

from rasd.model import Document, Entity, Token
from rasd.nlp.ner.features import FeatureExtractor

MODEL_FILE = "model.crfsuite"


class CrfRecognizer:
    def __init__(self, directory: Path):
        self.features = FeatureExtractor(directory)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(directory / MODEL_FILE))

    def tag(self, norms: list[str]) -> list[str]:
        return self.tagger.tag(self.features.sentence(norms)) if norms else []

    def entities(self, doc: Document) -> list[Entity]:
        out: list[Entity] = []
        for tokens in sentence_tokens(doc):
            tags = self.tag([t.norm for t in tokens])
            out += entities_from_tags(doc.text, tokens, tags, source="model")
        return out


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
