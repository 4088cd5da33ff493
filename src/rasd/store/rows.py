"""An analysed document as the rows the store writes, made where the document was analysed.

Making the rows (the export-contract JSON, the search index's normalised words and stems, the actors' records)
costs about a third as much as the analysis itself, and it needs no database.  Made in the process that
analysed the document, it runs in parallel there, and what travels to the one process that writes the database
is plain tuples of strings and numbers, which pickle many times faster than the document's objects.  The writer
is then left with the INSERTs (`Store.write`).
"""
from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasd.limits import MAX_PLAUSIBLE_FATALITIES
from rasd.model import Document
from rasd.store.records import event_rows, mention_rows, place_rows
from rasd.text.arabic import clitic_variants, normalize, tokenize, word_cache

ActorLookup = Callable[[str], dict[str, Any] | None]


class UnstorableDocument(ValueError):
    """One document could not be written; the reason goes to its failure record and the batch goes on."""


# What one document's values can make building or writing its rows raise (OverflowError: an integer beyond 64
# bits; ValueError: text that cannot be encoded; DataError: a string or blob too big), as opposed to errors of
# the database itself.
DOCUMENT_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, OverflowError, RecursionError)


@word_cache
def search_stem(norm_token: str) -> str:
    """The one form a token is indexed under for search: its shortest clitic-stripped variant."""
    return min(clitic_variants(norm_token), key=len)


@dataclass(frozen=True)
class DocumentRows:
    """Everything `Store.write` inserts for one document, and the counts a run's summary adds up."""

    doc_id: str
    source_path: str
    document: tuple  # the documents row, in DOCUMENT_COLUMNS order
    mentions: list[tuple]
    places: list[tuple]
    events: list[tuple]
    event_sources: list[tuple]
    search: tuple  # the documents_fts row: doc_id, title, body, stems
    actors: list[tuple]
    # for the run summary
    language: str | None
    entity_count: int
    place_count: int
    asserted_event_count: int
    word_count: int
    removed_kinds: tuple[str, ...]


DOCUMENT_COLUMNS = ("id", "url", "outlet", "title", "published", "language", "source_path", "format", "raw",
                    "source_text", "text", "removed", "offset_map", "analysis", "n_words")
ACTOR_COLUMNS = ("name", "type", "inter", "country", "wikidata", "names_ar")


def document_rows(doc: Document, actor_lookup: ActorLookup | None = None) -> DocumentRows:
    """The rows of an analysed document.  Numbers that cannot be facts become unknown first, with a warning in
    the document; a value that cannot be made into a row raises UnstorableDocument with the reason."""
    _withhold_implausible_numbers(doc)
    try:
        analysis = doc.to_dict()
        n_words = len(doc.text.split())
        events, sources = event_rows(doc, analysis["events"])
        return DocumentRows(
            doc_id=doc.id, source_path=doc.source_path or "",
            document=(doc.id, doc.url, doc.outlet, doc.title, doc.published, doc.language, doc.source_path,
                      doc.format, doc.raw, doc.source_text, doc.text,
                      json.dumps(analysis["removed"], ensure_ascii=False), json.dumps(doc.offset_map),
                      json.dumps(analysis, ensure_ascii=False), n_words),
            mentions=mention_rows(doc, doc.entities), places=place_rows(doc, doc.places),
            events=events, event_sources=sources, search=_search_row(doc),
            actors=_actor_rows(doc, actor_lookup) if actor_lookup else [],
            language=doc.language, entity_count=len(doc.entities), place_count=len(doc.places),
            asserted_event_count=sum(1 for e in doc.events if e.modality == "asserted"), word_count=n_words,
            removed_kinds=tuple(r.kind for r in doc.removed))
    except DOCUMENT_ERRORS as e:
        raise UnstorableDocument(f"{type(e).__name__}: {e}") from e


def _search_row(doc: Document) -> tuple[str, str, str, str]:
    tokens = [t for t in (doc.tokens or tokenize(doc.text)) if t.norm[:1].isalnum()]
    return (doc.id, normalize(doc.title or ""), " ".join(t.norm for t in tokens),
            " ".join(search_stem(t.norm) for t in tokens))


def _actor_rows(doc: Document, lookup: ActorLookup) -> list[tuple]:
    names = {e.actor for e in doc.entities if e.actor}
    for ev in doc.events:
        names.update(n for n in (ev.actor1, ev.assoc_actor_1, ev.actor2, ev.assoc_actor_2) if n)
    infos = [(name, lookup(name) or {}) for name in sorted(names)]
    return [(name, info.get("type"), info.get("inter"), info.get("country"), info.get("wikidata"),
             json.dumps(info.get("names_ar", []), ensure_ascii=False)) for name, info in infos]


def _withhold_implausible_numbers(doc: Document) -> None:
    """Numbers the analysis read that cannot be stored as facts become unknown (None), each with a warning
    saying what was read: a fatality count above MAX_PLAUSIBLE_FATALITIES (a year, a phone number or a sum of
    money read as a death toll; past 64 bits SQLite cannot even hold it) and a quantity too large for a float
    (JSON has no infinity)."""
    for i, event in enumerate(doc.events):
        for name in ("fatalities", "civilian_fatalities"):
            value = getattr(event, name)
            if value is not None and value > MAX_PLAUSIBLE_FATALITIES:
                setattr(event, name, None)
                digits = len(str(value))
                shown = f"{value:,}" if digits <= 24 else f"a {digits}-digit number"
                doc.warnings.append(f"event {i}: {name} read as {shown} is not plausible (more than"
                                    f" {MAX_PLAUSIBLE_FATALITIES:,}): stored as unknown")
    quantities = itertools.chain(doc.quantities, *(e.quantities for e in doc.events), *(c.quantities for c in doc.claims))
    for q in quantities:
        if q.value is not None and not math.isfinite(q.value):
            q.value = None
            doc.warnings.append(f"quantity {q.text[:40]!r} is too large to represent: its value is stored as unknown")
