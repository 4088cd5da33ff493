"""Named entities and quantities: a CRF trained here (PER ORG LOC MISC) plus
lexicon rules (NORP WEAPON QUANTITY DATE).

`load_recognizer(None)` gives the shipped CRF; `load_recognizer("crf:PATH")` a CRF trained elsewhere by
`rasd train-ner --out PATH`; `load_recognizer("accurate")` the fine-tuned multilingual encoder (built once by
`rasd build-encoder`, see `accurate.py`); `load_recognizer("hf:PATH")` a local transformers token-classification
model.  `recognize` runs either, then the rules,
and fills `doc.entities` (sorted, non-overlapping) and `doc.quantities`.
"""
from __future__ import annotations

import bisect
from pathlib import Path

from rasd.model import Document, Entity
from rasd.resources import data_path, shared

MODEL_DIR = data_path("ner")


@shared
def load_recognizer(backend: str | None = None):
    """The recognizer of a backend, loaded once per process."""
    if backend is None or backend == "crf":
        from rasd.nlp.ner.crf import CrfRecognizer

        return CrfRecognizer(MODEL_DIR)
    if backend.startswith("crf:"):
        from rasd.nlp.ner.crf import CrfRecognizer

        return CrfRecognizer(Path(backend[4:]))
    if backend == "accurate":
        from rasd.nlp.ner.accurate import AccurateRecognizer

        return AccurateRecognizer()
    if backend.startswith("hf:"):
        from rasd.nlp.ner.hf import HfRecognizer

        return HfRecognizer(Path(backend[3:]))
    raise ValueError(f"unknown NER backend {backend!r} (expected none, 'crf', 'crf:PATH', 'accurate' or 'hf:PATH')")


def recognize(doc: Document, recognizer) -> None:
    from rasd.nlp.ner.rules import apply_rules

    model_entities = recognizer.entities(doc)
    rule_entities, quantities = apply_rules(doc, model_entities)
    doc.entities = merge(model_entities, rule_entities)
    doc.quantities = quantities


def merge(model_entities: list[Entity], rule_entities: list[Entity]) -> list[Entity]:
    """Model spans win; a rule span is kept only where it overlaps none of them.  The exception is
    a model MISC inside a rule WEAPON or DATE (هاون in قذائف هاون): the rule's label is the sharper one.

    Both lists are already sorted and free of overlaps within themselves.
    """
    sharper = [e for e in rule_entities if e.label in ("WEAPON", "DATE")]
    model_entities = [m for m in model_entities if m.label != "MISC" or not any(
        r.start <= m.start and m.end <= r.end for r in sharper)]
    starts = [e.start for e in model_entities]
    kept = list(model_entities)
    for entity in rule_entities:
        i = bisect.bisect_left(starts, entity.end)  # model spans starting before this one ends
        if i and model_entities[i - 1].end > entity.start:
            continue
        kept.append(entity)
    return sorted(kept, key=lambda e: e.start)
