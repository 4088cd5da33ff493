"""The columns of each stored record, defined once: the store writes rows by these names, the API and the
exports read them by these names, and a test holds the schema's tables to them.

A column is a name and how its value is read off the analysed objects.  The order is the table's own, but
nothing depends on it: every INSERT names its columns.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rasd.model import Document, Entity, Event, Place, SourceLink


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[..., Any]


def _at(event: Event, attribute: str) -> Any:
    return getattr(event.location, attribute) if event.location is not None else None


_EVENT_FIELDS = ("event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "inter1",
                 "inter2", "interaction", "event_date", "time_precision")
_LOCATION_FIELDS = (("location", "name_en"), ("location_ar", "name_ar"), ("lat", "lat"), ("lon", "lon"),
                    ("country", "country"), ("admin1", "admin1"), ("admin2", "admin2"), ("geo_precision", "precision"))
_COUNT_FIELDS = ("fatalities", "civilian_fatalities", "modality", "confidence")

# events: one row per event of a document; `data` keeps the whole exported event (evidence, attribution ...)
EVENT_COLUMNS: tuple[Column, ...] = (
    (Column("id", lambda doc, i, ev, data: f"{doc.id}:{i}"), Column("doc_id", lambda doc, i, ev, data: doc.id))
    + tuple(Column(name, lambda doc, i, ev, data, name=name: getattr(ev, name)) for name in _EVENT_FIELDS)
    + tuple(Column(column, lambda doc, i, ev, data, attribute=attribute: _at(ev, attribute))
            for column, attribute in _LOCATION_FIELDS)
    + tuple(Column(name, lambda doc, i, ev, data, name=name: getattr(ev, name)) for name in _COUNT_FIELDS)
    + (Column("outlet", lambda doc, i, ev, data: doc.outlet),
       Column("data", lambda doc, i, ev, data: json.dumps(data, ensure_ascii=False)))
)
# what a listing of events shows: everything but the stored JSON
EVENT_LISTED: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMNS if c.name != "data")

MENTION_COLUMNS: tuple[Column, ...] = tuple(
    Column(name, value) for name, value in (
        ("doc_id", lambda doc, e: doc.id), ("start", lambda doc, e: e.start), ("end", lambda doc, e: e.end),
        ("text", lambda doc, e: e.text), ("label", lambda doc, e: e.label), ("actor", lambda doc, e: e.actor),
        ("source", lambda doc, e: e.source)))

PLACE_COLUMNS: tuple[Column, ...] = (Column("doc_id", lambda doc, p: doc.id),) + tuple(
    Column(name, lambda doc, p, name=name: getattr(p, name)) for name in (
        "start", "end", "text", "name_ar", "name_en", "lat", "lon", "country", "admin1", "admin2", "geonameid",
        "feature_class", "feature_code", "precision", "direction", "confidence"))

SOURCE_COLUMNS: tuple[Column, ...] = tuple(
    Column(name, value) for name, value in (
        ("event_id", lambda event_id, k, s: event_id), ("position", lambda event_id, k, s: k),
        ("text", lambda event_id, k, s: s.text), ("kind", lambda event_id, k, s: s.kind),
        ("actor", lambda event_id, k, s: s.actor)))

# what a GeoJSON feature of an event carries, read from the events row (and the document's title)
EVENT_FEATURE_PROPERTIES: tuple[str, ...] = (
    "id", "doc_id", "event_type", "sub_event_type", "event_date", "actor1", "actor2", "location", "location_ar",
    "country", "admin1", "geo_precision", "fatalities", "confidence", "outlet")
PLACE_FEATURE_PROPERTIES: tuple[str, ...] = (
    "doc_id", "text", "name_en", "name_ar", "country", "admin1", "precision", "direction", "geonameid", "start", "end")


def insert_sql(table: str, columns: Sequence[Column], verb: str = "INSERT") -> str:
    """A named-column INSERT: rows stay right when a migration adds a column."""
    names = ", ".join(f'"{c.name}"' for c in columns)
    return f"{verb} INTO {table}({names}) VALUES ({', '.join('?' * len(columns))})"


def rows(columns: Sequence[Column], *items: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of these items (each a tuple of the values the columns read)."""
    return [tuple(c.value(*item) for c in columns) for item in items]


def event_rows(doc: Document, exported: list[dict[str, Any]]) -> tuple[list[tuple], list[tuple]]:
    """The events rows of a document and the rows of their source chains."""
    events = rows(EVENT_COLUMNS, *((doc, i, ev, data) for i, (ev, data) in enumerate(zip(doc.events, exported))))
    sources = rows(SOURCE_COLUMNS, *((f"{doc.id}:{i}", k, s) for i, ev in enumerate(doc.events)
                                     for k, s in enumerate(ev.sources.sources)))
    return events, sources


def mention_rows(doc: Document, entities: list[Entity]) -> list[tuple]:
    return rows(MENTION_COLUMNS, *((doc, e) for e in entities))


def place_rows(doc: Document, places: list[Place]) -> list[tuple]:
    return rows(PLACE_COLUMNS, *((doc, p) for p in places))


__all__ = ["Column", "EVENT_COLUMNS", "EVENT_LISTED", "MENTION_COLUMNS", "PLACE_COLUMNS", "SOURCE_COLUMNS",
           "EVENT_FEATURE_PROPERTIES", "PLACE_FEATURE_PROPERTIES", "insert_sql", "event_rows", "mention_rows",
           "place_rows", "SourceLink"]
