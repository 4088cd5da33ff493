"""The default stages, each delegating to its package's single entry point."""
from __future__ import annotations

from rasd.model import Document
from rasd.runner.pipeline import stage
from rasd.runner.resources import Resources


@stage("clean")
def _clean(doc: Document, res: Resources) -> None:
    from rasd.clean import clean_document

    clean_document(doc, outlet_lookup=res.outlet_name)


@stage("language")
def _language(doc: Document, res: Resources) -> None:
    from rasd.text.arabic import detect_language

    doc.language = detect_language(doc.text)
    if doc.language != "ar":
        doc.warnings.append(f"language is {doc.language!r}, not Arabic: stored without Arabic analysis")


@stage("segment")
def _segment(doc: Document, res: Resources) -> None:
    from rasd.text.arabic import split_sentences, tokenize

    doc.sentences = split_sentences(doc.text)
    doc.tokens = tokenize(doc.text)


@stage("entities")
def _entities(doc: Document, res: Resources) -> None:
    from rasd.nlp.ner import recognize

    recognize(doc, res.ner)


@stage("actors")
def _actors(doc: Document, res: Resources) -> None:
    from rasd.resolve.actors import link_actors

    link_actors(doc, res.actors)


@stage("places")
def _places(doc: Document, res: Resources) -> None:
    from rasd.resolve.places import resolve_places

    resolve_places(doc, res.gazetteer)


@stage("events")
def _events(doc: Document, res: Resources) -> None:
    from rasd.events import extract_events

    extract_events(doc, res)
