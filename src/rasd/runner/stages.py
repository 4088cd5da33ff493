"""The stages, each delegating to its package's single entry point, with the document fields it needs and fills."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rasd.model import Document
from rasd.runner.resources import Resources

StageFn = Callable[[Document, Resources], None]


@dataclass(frozen=True)
class Stage:
    name: str
    run: StageFn
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


STAGES: dict[str, Stage] = {}


def stage(name: str, requires: Sequence[str], assigns: Sequence[str]) -> Callable[[StageFn], StageFn]:
    """Register a stage: the function, the document fields it needs and the ones it fills."""

    def register(fn: StageFn) -> StageFn:
        STAGES[name] = Stage(name, fn, tuple(requires), tuple(assigns))
        return fn

    return register


METADATA = ("title", "published", "outlet")


@stage("clean", requires=("raw", "format"),
       assigns=("text", "source_text", "removed", "offset_map", "id", *METADATA))
def _clean(doc: Document, res: Resources) -> None:
    from rasd.clean import clean_document

    clean_document(doc, outlet_lookup=res.outlet_name)
    for key, value in doc.metadata_defaults.items():
        if key in METADATA and value and not getattr(doc, key):
            setattr(doc, key, value)


@stage("language", requires=("text",), assigns=("language", "stopped"))
def _language(doc: Document, res: Resources) -> None:
    from rasd.text.arabic import detect_language

    doc.language = detect_language(doc.text)
    if doc.language != "ar":
        doc.stopped = f"language is {doc.language!r}, not Arabic: stored without Arabic analysis"
        doc.warnings.append(doc.stopped)


@stage("segment", requires=("text",), assigns=("sentences", "tokens"))
def _segment(doc: Document, res: Resources) -> None:
    from rasd.text.arabic import split_sentences, tokenize

    doc.sentences = split_sentences(doc.text)
    doc.tokens = tokenize(doc.text)


@stage("entities", requires=("text", "sentences", "tokens"), assigns=("entities", "quantities"))
def _entities(doc: Document, res: Resources) -> None:
    from rasd.nlp.ner import recognize

    recognize(doc, res.ner)


@stage("actors", requires=("tokens", "entities", "published"), assigns=("entities",))
def _actors(doc: Document, res: Resources) -> None:
    from rasd.resolve.actors import link_actors

    link_actors(doc, res.actors)


@stage("places", requires=("tokens", "entities"), assigns=("places",))
def _places(doc: Document, res: Resources) -> None:
    from rasd.resolve.places import resolve_places

    resolve_places(doc, res.gazetteer)
    if res.place_filter is not None:
        doc.places = res.place_filter.keep(doc)


@stage("events", requires=("sentences", "tokens", "entities", "quantities", "places", "published", "outlet"),
       assigns=("events", "claims", "framing"))
def _events(doc: Document, res: Resources) -> None:
    res.event_coder.extract(doc)
