"""BIO tag sequences: chunks of them, and entities from them over a document's tokens, sentence by sentence."""
from __future__ import annotations

import bisect

from rasd.model import Document, Entity, Token
from rasd.nlp.ner.corpora import split_tag

Chunk = tuple[int, int, str]  # first token, end token (exclusive), label


def chunks(tags: list[str]) -> list[Chunk]:
    out: list[Chunk] = []
    start, current = 0, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, label = split_tag(tag)
        if current is not None and (prefix != "I" or label != current):
            out.append((start, i, current))
            current = None
        if label is not None and current is None:
            start, current = i, label
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


def text_sentence_tokens(text: str) -> list[list[Token]]:
    """A clean text's tokens grouped by sentence, segmented and tokenised as `rasd analyze` reads it: what NER
    training data made from news (silver or annotated) is cut into, so that training sees run-time tokens."""
    from rasd.text.arabic import split_sentences, tokenize

    return sentence_tokens(Document(raw=text, text=text, sentences=split_sentences(text), tokens=tokenize(text)))


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
