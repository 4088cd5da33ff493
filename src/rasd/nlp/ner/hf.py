"""Optional backend: any local transformers token-classification model (`hf:PATH`).

Nothing is downloaded (local_files_only).  The model's labels are mapped onto
rasd's; a word takes the label of its first sub-token.  Needs the `hf` extra
(torch, transformers).
"""
from __future__ import annotations

from pathlib import Path

from rasd.model import Document, Entity
from rasd.nlp.ner.tags import entities_from_tags, sentence_tokens

_LABELS = {"PER": "PER", "PERS": "PER", "PERSON": "PER", "ORG": "ORG", "ORGANIZATION": "ORG",
           "LOC": "LOC", "GPE": "LOC", "LOCATION": "LOC", "FAC": "LOC", "MISC": "MISC", "MIS": "MISC",
           "NORP": "NORP", "DATE": "DATE", "TIME": "DATE", "WEAPON": "WEAPON", "QUANTITY": "QUANTITY"}
MAX_WORDS = 200  # words per forward pass, well inside BERT's 512 sub-tokens


def rasd_tag(model_label: str) -> str:
    """'B-PERS' → 'B-PER'; labels rasd has no use for (and O) → 'O'."""
    prefix, _, label = model_label.upper().partition("-")
    if prefix not in ("B", "I") or label not in _LABELS:
        return "O"
    return f"{prefix}-{_LABELS[label]}"


class HfRecognizer:
    def __init__(self, path: Path):
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        if not path.is_dir():
            raise FileNotFoundError(f"no model directory at {path}")
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = AutoModelForTokenClassification.from_pretrained(str(path), local_files_only=True).eval()
        self.tags = {i: rasd_tag(label) for i, label in self.model.config.id2label.items()}

    def tag(self, words: list[str]) -> list[str]:
        tags: list[str] = []
        for lo in range(0, len(words), MAX_WORDS):
            chunk = words[lo:lo + MAX_WORDS]
            encoded = self.tokenizer(chunk, is_split_into_words=True, truncation=True, return_tensors="pt")
            with self.torch.no_grad():
                best = self.model(**encoded).logits[0].argmax(-1).tolist()
            chunk_tags = ["O"] * len(chunk)
            seen = set()
            for position, word in enumerate(encoded.word_ids(0)):
                if word is not None and word not in seen:
                    seen.add(word)
                    chunk_tags[word] = self.tags.get(best[position], "O")
            tags += chunk_tags
        return tags

    def entities(self, doc: Document) -> list[Entity]:
        out: list[Entity] = []
        for tokens in sentence_tokens(doc):
            out += entities_from_tags(doc.text, tokens, self.tag([t.text for t in tokens]), source="model")
        return out
