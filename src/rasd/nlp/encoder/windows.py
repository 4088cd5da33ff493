"""Windows of consecutive sentences for tagging words with the encoder.

The encoder reads at most 512 tokens, and its cost grows with the square of a window's length, so
a document's sentences are packed, in order, into windows of at most `max_tokens` tokens (with
`<s>` and `</s>`).  A sentence is never cut unless it is longer than a window on its own; then it is
cut between words.  Packing whole sentences gives each of them its neighbours as context at no
extra cost (no token is encoded twice), and the same packing is used in training and at run time.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MAX_TOKENS = 256


@dataclass
class Window:
    ids: list[int]  # <s> … </s>
    # one entry per tagged word: (sentence index, word index, position of its first token in ids)
    words: list[tuple[int, int, int]] = field(default_factory=list)


def pack(encoded: list[tuple[list[int], list[int | None]]], bos_id: int, eos_id: int,
         max_tokens: int = DEFAULT_MAX_TOKENS) -> list[Window]:
    """Windows over sentences given as (content ids, word index per id), from `E5Tokenizer.encode_words`.
    A word without tokens is in no window (its caller tags it O)."""
    room = max_tokens - 2
    windows: list[Window] = []
    current: list[tuple[int, list[int], list[int | None]]] = []  # (sentence, ids, word indices)
    used = 0

    def flush():
        nonlocal current, used
        if current:
            window = Window([bos_id])
            for sentence, ids, word_ids in current:
                previous = None
                for token_id, word in zip(ids, word_ids):
                    if word is not None and word != previous:
                        window.words.append((sentence, word, len(window.ids)))
                    previous = word
                    window.ids.append(token_id)
            window.ids.append(eos_id)
            windows.append(window)
        current, used = [], 0

    for sentence, (ids, word_ids) in enumerate(encoded):
        for piece_ids, piece_words in _cut(ids, word_ids, room):
            if used + len(piece_ids) > room:
                flush()
            current.append((sentence, piece_ids, piece_words))
            used += len(piece_ids)
    flush()
    return windows


def _cut(ids: list[int], word_ids: list[int | None], room: int):
    """The sentence whole if it fits in `room` tokens, else parts of at most `room` tokens cut between
    words (a single word longer than that is cut inside; its later tokens then tag nothing)."""
    if len(ids) <= room:
        yield ids, word_ids
        return
    start = 0
    while start < len(ids):
        end = min(start + room, len(ids))
        if end < len(ids):
            boundary = end
            while boundary > start and word_ids[boundary] == word_ids[boundary - 1]:
                boundary -= 1
            end = boundary if boundary > start else end
        part_words = list(word_ids[start:end])
        if start and part_words and part_words[0] == word_ids[start - 1]:
            part_words = [None if w == part_words[0] else w for w in part_words]  # a word's tail: no new word
        yield ids[start:end], part_words
        start = end
