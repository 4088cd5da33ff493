"""Annotated articles read through the stages before the one being trained, as `rasd analyze` would read them.

With cross-fitting folds (CRF folders made by `rasd train-ner --news-gold FILE --leave-out-fold K`), a train-split
article's entities come from the CRF that never saw it.  A CRF trained on the annotated news tags its own training
articles almost perfectly; models trained on entities that clean would trust them more than they deserve on the
news they meet at run time.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rasd.model import Document
from rasd.nlp.ner.train import news_fold
from rasd.runner.pipeline import DEFAULT_ORDER, INPUT_FIELDS, Pipeline
from rasd.runner.resources import Resources

UNTIL_EVENTS = tuple(n for n in DEFAULT_ORDER[1:] if n != "events")  # gold text is clean already
UNTIL_PLACES = DEFAULT_ORDER[1:DEFAULT_ORDER.index("places") + 1]


def gold_document(record: dict) -> Document:
    doc = Document(raw=record["text"], id=record.get("id"), published=record.get("published"),
                   outlet=record.get("outlet"), title=record.get("title"))
    doc.text = doc.source_text = record["text"]
    return doc


class GoldReader:
    """Reads a gold record into an analysed Document, through `stages` over `resources`; with `ner_folds`, a
    train-split article (by rasd.nlp.ner.train.news_fold) through its fold's CRF instead of the shipped NER.
    Every fold's CRF is loaded at once, so that a missing one fails before any article is read."""

    def __init__(self, stages: Sequence[str] = UNTIL_EVENTS, resources: Resources | None = None,
                 ner_folds: Sequence[Path] = ()):
        resources = resources or Resources()
        given = (*INPUT_FIELDS, "text", "id")
        self._shipped = Pipeline.of(stages, resources, given=given)
        self._folds = [Pipeline.of(stages, replace(resources, ner_backend=f"crf:{folder}"), given=given)
                       for folder in ner_folds]
        for pipeline in self._folds:
            pipeline.resources.ner  # noqa: B018 -- loads it (once per process)

    def pipeline_for(self, record: dict) -> Pipeline:
        if self._folds and record.get("split") == "train":
            return self._folds[news_fold(record["id"], len(self._folds))]
        return self._shipped

    def __call__(self, record: dict) -> Document:
        return self.pipeline_for(record)(gold_document(record))
