"""The read queries behind every page and JSON endpoint, over a read-only Store.

Filters are parsed here from raw query-string values so that a bad value becomes
a `BadParameter` with a message (a 400), never an exception deep in SQLite.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rasd.resources import data_path, shared
from rasd.resources.taxonomy import CODEBOOK, MODALITIES
from rasd.store import Store, corroboration
from rasd.store.records import EVENT_LISTED

BASEMAP = data_path("basemap", "basemap.json")

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_MAP_POINTS = 50_000
DOCUMENT_PART_CHARS = 20_000  # characters of a document's text on one page or JSON twin
MAX_LISTED_CHARS = 500  # a title, outlet or snippet in a listed row; the record's own page has it whole
MAX_LISTED_URL_CHARS = 2_000
MAX_FILTER_CHARS = 200  # an actor, outlet or other name given as a filter
# How the filter panel names each of MODALITIES in Arabic.
MODALITY_LABELS_AR = {"asserted": "مؤكد", "negated": "منفي", "future": "مستقبلي", "conditional": "مشروط",
                      "hypothetical": "افتراضي", "reference": "إشارة إلى حدث سابق", "aggregate": "حصيلة",
                      "habitual": "متكرر"}

EVENT_COLUMNS = EVENT_LISTED  # the events row, as the store defines it, less its stored JSON


class BadParameter(ValueError):
    """A query parameter that cannot be used as given; the message names it."""


@shared
def codebook() -> dict[str, Any]:
    """Event types with Arabic labels, in codebook order: {type: {label_ar, sub_event_types: {name: label_ar}}}."""
    return {t["name"]: {"label_ar": t.get("label_ar", ""),
                        "sub_event_types": {s["name"]: s.get("label_ar", "") for s in t.get("sub_event_types", [])}}
            for t in CODEBOOK["event_types"]}


@shared
def country_names() -> dict[str, tuple[str, str]]:
    """ISO2 code → (English name, Arabic name), from the basemap's Natural Earth attributes."""
    countries = json.loads(BASEMAP.read_text(encoding="utf-8"))["countries"]
    return {c["iso2"]: (c["name"], c["name_ar"]) for c in countries if c["iso2"]}


# --- parameter parsing -----------------------------------------------------------------------------------------

def parse_date(name: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise BadParameter(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None


def parse_float(name: str, value: str | None, lo: float, hi: float) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadParameter(f"{name} must be a number, got {value!r}") from None
    if not (lo <= number <= hi) or math.isnan(number):
        raise BadParameter(f"{name} must be between {lo:g} and {hi:g}, got {value!r}")
    return number


def parse_int(name: str, value: str | None, default: int, lo: int, hi: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, got {value!r}") from None
    if not lo <= number <= hi:
        raise BadParameter(f"{name} must be between {lo} and {hi}, got {number}")
    return number


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise BadParameter(f"bbox must be minlon,minlat,maxlon,maxlat, got {value!r}")
    minlon, maxlon = (parse_float("bbox longitude", parts[i], -180, 180) for i in (0, 2))
    minlat, maxlat = (parse_float("bbox latitude", parts[i], -90, 90) for i in (1, 3))
    if None in (minlon, minlat, maxlon, maxlat):
        raise BadParameter(f"bbox must have four numbers, got {value!r}")
    if minlon > maxlon or minlat > maxlat:
        raise BadParameter("bbox must be minlon,minlat,maxlon,maxlat with min ≤ max")
    return minlon, minlat, maxlon, maxlat


def parse_text(name: str, value: str | None, max_length: int = MAX_FILTER_CHARS) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > max_length:
        raise BadParameter(f"{name} is longer than {max_length} characters")
    return value.strip()


def parse_modality(value: str | None) -> str | None:
    """A modality of MODALITIES (asserted when none is given), or None for "any"."""
    modality = (value or "").strip() or "asserted"
    if modality == "any":
        return None
    if modality not in MODALITIES:
        raise BadParameter(f"modality must be one of {', '.join(MODALITIES)} or any, got {modality!r}")
    return modality


def parse_page(limit: str | None, offset: str | None) -> tuple[int, int]:
    return (parse_int("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT), parse_int("offset", offset, 0, 0, 10_000_000))


@dataclass(frozen=True)
class EventFilter:
    date_from: str | None = None
    date_to: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None
    country: str | None = None
    admin1: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    outlet: str | None = None
    min_confidence: float | None = None
    modality: str | None = "asserted"  # None: every modality
    story: int | None = None  # the reports of the merged events of one story (rasd.corpus)

    @classmethod
    def parse(cls, params: dict[str, str | None]) -> "EventFilter":
        date_from, date_to = parse_date("from", params.get("from")), parse_date("to", params.get("to"))
        if date_from and date_to and date_from > date_to:
            raise BadParameter(f"from ({date_from}) is after to ({date_to})")
        country = parse_text("country", params.get("country"), 2)
        if country and not re.fullmatch(r"[A-Za-z]{2}", country):
            raise BadParameter(f"country must be an ISO 3166-1 alpha-2 code such as SY, got {country!r}")
        modality = parse_modality(params.get("modality"))
        return cls(date_from=date_from, date_to=date_to,
                   event_type=parse_text("event_type", params.get("event_type")),
                   sub_event_type=parse_text("sub_event_type", params.get("sub_event_type")),
                   actor=parse_text("actor", params.get("actor")),
                   country=country.upper() if country else None,
                   admin1=parse_text("admin1", params.get("admin1")),
                   bbox=parse_bbox(params.get("bbox")),
                   outlet=parse_text("outlet", params.get("outlet")),
                   min_confidence=parse_float("min_confidence", params.get("min_confidence"), 0, 1),
                   modality=modality,
                   story=parse_int("story", params.get("story"), None, 1, 2**62) if params.get("story") else None)

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []

        def add(sql: str, *values: Any) -> None:
            clauses.append(sql)
            args.extend(values)

        if self.date_from:
            add("e.event_date >= ?", self.date_from)
        if self.date_to:
            add("e.event_date <= ?", self.date_to)
        if self.event_type:
            add("e.event_type = ?", self.event_type)
        if self.sub_event_type:
            add("e.sub_event_type = ?", self.sub_event_type)
        if self.actor:
            # associated actors may hold several names separated by "; " (the ACLED convention)
            add("(e.actor1 = ? OR e.actor2 = ? OR instr('; ' || e.assoc_actor_1 || ';', ?) > 0"
                " OR instr('; ' || e.assoc_actor_2 || ';', ?) > 0)",
                self.actor, self.actor, f"; {self.actor};", f"; {self.actor};")
        if self.country:
            add("e.country = ?", self.country)
        if self.admin1:
            add("e.admin1 = ?", self.admin1)
        if self.bbox:
            minlon, minlat, maxlon, maxlat = self.bbox
            add("e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?", minlat, maxlat, minlon, maxlon)
        if self.outlet:
            add("e.outlet = ?", self.outlet)
        if self.min_confidence is not None:
            add("e.confidence >= ?", self.min_confidence)
        if self.modality:
            add("e.modality = ?", self.modality)
        if self.story is not None:
            add("e.id IN (SELECT mm.event_id FROM merged_mentions mm JOIN merged_events m ON m.id = mm.merged_id"
                " WHERE m.story = ?)", self.story)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def params(self) -> dict[str, str]:
        """The filter as query-string parameters (for links that keep it)."""
        out = {"from": self.date_from, "to": self.date_to, "event_type": self.event_type,
               "sub_event_type": self.sub_event_type, "actor": self.actor, "country": self.country,
               "admin1": self.admin1, "bbox": ",".join(f"{v:g}" for v in self.bbox) if self.bbox else None,
               "outlet": self.outlet,
               "min_confidence": None if self.min_confidence is None else f"{self.min_confidence:g}",
               "modality": "any" if self.modality is None else (None if self.modality == "asserted" else self.modality),
               "story": None if self.story is None else str(self.story)}
        return {k: v for k, v in out.items() if v}


# --- cursors: keyset pagination on (event_date, id) ------------------------------------------------------------

def encode_cursor(event_date: str | None, event_id: str) -> str:
    raw = json.dumps([event_date, event_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str | None, str]:
    """The (event_date, id) a cursor holds.  A cursor comes from the client, so anything else in it, however
    it was made (JSON nested too deep to parse, a lone surrogate that SQLite cannot encode), is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        event_date, event_id = json.loads(raw)
        if not isinstance(event_id, str) or not (event_date is None or isinstance(event_date, str)):
            raise TypeError
        for value in (event_date or "", event_id):
            value.encode("utf-8")
    except (binascii.Error, ValueError, TypeError, RecursionError):  # UnicodeError is a ValueError
        raise BadParameter("cursor is not one this server returned") from None
    return event_date, event_id


def after_cursor(cursor: str) -> tuple[str, list[Any]]:
    """SQL that keeps the rows after the cursor in ORDER BY event_date, id (NULL dates sort first)."""
    event_date, event_id = decode_cursor(cursor)
    if event_date is None:
        return "((e.event_date IS NULL AND e.id > ?) OR e.event_date IS NOT NULL)", [event_id]
    return "(e.event_date > ? OR (e.event_date = ? AND e.id > ?))", [event_date, event_date, event_id]


# --- events ----------------------------------------------------------------------------------------------------

def clipped(column: str, limit: int = MAX_LISTED_CHARS) -> str:
    """SQL for `column` ("table.name") cut to `limit` characters, "…" marking the cut, under its own name.  Titles,
    outlets and URLs are whatever the input gave, and a page of 1,000 listed documents reached 41 MB."""
    name = column.rsplit(".", 1)[-1]
    return (f"CASE WHEN length({column}) > {limit} THEN substr({column}, 1, {limit - 1}) || '…' ELSE {column} END"
            f" AS {name}")


def clip(text: str | None, limit: int = MAX_LISTED_CHARS) -> str | None:
    """`text` cut like `clipped` cuts a column."""
    return text[:limit - 1] + "…" if text and len(text) > limit else text


# The columns of a listed event, with the document's title.
LISTED_EVENT_COLUMNS = ", ".join(clipped(f"e.{c}") if c == "outlet" else f"e.{c}" for c in EVENT_COLUMNS) + (
    ", " + clipped("d.title"))


def event_row(row: Any) -> dict[str, Any]:
    out = {k: row[k] for k in EVENT_COLUMNS}
    out["title"] = row["title"]
    return out


def list_events(store: Store, flt: EventFilter, limit: int = DEFAULT_LIMIT, offset: int = 0,
                cursor: str | None = None, with_total: bool = True) -> dict[str, Any]:
    """One page of events in (event_date, id) order; a cursor, when given, replaces the offset."""
    where, args = flt.where()
    page_where, page_args = where, list(args)
    if cursor:
        sql, extra = after_cursor(cursor)
        page_where = (where + " AND " if where else " WHERE ") + sql
        page_args += extra
        offset = 0
    rows = store.conn.execute(
        f"SELECT {LISTED_EVENT_COLUMNS} FROM events e JOIN documents d ON d.id = e.doc_id{page_where}"
        " ORDER BY e.event_date, e.id LIMIT ? OFFSET ?", page_args + [limit + 1, offset]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    result: dict[str, Any] = {"filters": flt.params(), "limit": limit, "offset": offset,
                              "rows": [event_row(r) for r in rows],
                              "next_cursor": encode_cursor(rows[-1]["event_date"], rows[-1]["id"]) if more else None}
    if with_total:
        result["total"] = store.conn.execute(f"SELECT count(*) FROM events e{where}", args).fetchone()[0]
    return result


def get_event(store: Store, event_id: str) -> dict[str, Any] | None:
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    row = store.conn.execute(
        f"SELECT {columns}, e.data, d.title, d.url, d.published, d.text FROM events e"
        " JOIN documents d ON d.id = e.doc_id WHERE e.id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    data = json.loads(row["data"])
    text = row["text"]
    event = event_row(row)
    event.update(url=row["url"], published=row["published"])
    attribution = data.get("sources") or {}
    event["sources"] = [dict(r) for r in store.conn.execute(
        "SELECT position, text, kind, actor FROM event_sources WHERE event_id = ? ORDER BY position", (event_id,))]
    event["attribution"] = attribution
    event["evidence"] = [{"start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]]}
                         for s in data.get("evidence", [])]
    for key in ("quantities", "weapons", "trigger", "location"):
        event[key if key != "location" else "place"] = data.get(key)
    event.update(corroboration(store.merged_event_of(event_id)))
    return event


# an event that is not the leading report of a merged event that holds it: the map draws each merged event once
_OTHER_REPORT = ("EXISTS (SELECT 1 FROM merged_mentions mm JOIN merged_events m ON m.id = mm.merged_id"
                 " WHERE mm.event_id = e.id AND m.lead <> e.id)")


def map_data(store: Store, flt: EventFilter) -> dict[str, Any]:
    """What the map page draws: every located event (columns, compactly) and the events per day and type.  Events
    merged across articles (rasd.corpus) are drawn and counted once, as their leading report, with the number of
    reports behind them."""
    where, args = flt.where()
    if store.has_corpus:
        where = (where + " AND " if where else " WHERE ") + f"NOT {_OTHER_REPORT}"
    located = (where + " AND " if where else " WHERE ") + "e.lat IS NOT NULL AND e.lon IS NOT NULL"
    reports = ("(SELECT m.reports FROM merged_mentions mm JOIN merged_events m ON m.id = mm.merged_id"
               " WHERE mm.event_id = e.id)" if store.has_corpus else "NULL")
    rows = store.conn.execute(f"SELECT e.id, e.lon, e.lat, e.event_type, {reports} AS reports FROM events e{located}"
                              " ORDER BY e.event_date, e.id LIMIT ?", args + [MAX_MAP_POINTS + 1]).fetchall()
    truncated = len(rows) > MAX_MAP_POINTS
    rows = rows[:MAX_MAP_POINTS]
    types = list(codebook())
    type_index = {t: i for i, t in enumerate(types)}
    for r in rows:
        if r["event_type"] not in type_index:
            type_index[r["event_type"]] = len(types)
            types.append(r["event_type"])
    days: dict[str, list[int]] = {}
    for day, event_type, n in store.conn.execute(
            f"SELECT e.event_date, e.event_type, count(*) FROM events e{where} GROUP BY 1, 2 ORDER BY 1", args):
        if event_type not in type_index:
            type_index[event_type] = len(types)
            types.append(event_type)
        counts = days.setdefault(day or "", [])
        counts.extend([0] * (len(types) - len(counts)))
        counts[type_index[event_type]] += n
    total = sum(sum(c) for c in days.values())
    return {
        "filters": flt.params(), "types": types, "total": total, "located": len(rows), "truncated": truncated,
        "points": {"id": [r["id"] for r in rows], "lon": [round(r["lon"], 5) for r in rows],
                   "lat": [round(r["lat"], 5) for r in rows], "type": [type_index[r["event_type"]] for r in rows],
                   "reports": [r["reports"] or 1 for r in rows]},
        "timeline": [{"date": d, "counts": c + [0] * (len(types) - len(c))} for d, c in days.items()],
    }


# --- documents -------------------------------------------------------------------------------------------------

def list_documents(store: Store, outlet: str | None, limit: int, offset: int) -> dict[str, Any]:
    where, args = (" WHERE d.outlet = ?", [outlet]) if outlet else ("", [])
    rows = store.conn.execute(
        f"SELECT d.id, {clipped('d.title')}, {clipped('d.outlet')}, d.published,"
        f" {clipped('d.url', MAX_LISTED_URL_CHARS)}, d.language, d.n_words,"
        " (SELECT count(*) FROM events e WHERE e.doc_id = d.id) AS n_events,"
        " (SELECT count(*) FROM mentions m WHERE m.doc_id = d.id) AS n_entities"
        f" FROM documents d{where} ORDER BY d.published, d.id LIMIT ? OFFSET ?", args + [limit, offset]).fetchall()
    total = store.conn.execute(f"SELECT count(*) FROM documents d{where}", args).fetchone()[0]
    return {"filters": {"outlet": outlet} if outlet else {}, "limit": limit, "offset": offset, "total": total,
            "rows": [dict(r) for r in rows]}


def get_document(store: Store, doc_id: str) -> dict[str, Any] | None:
    """The export-contract object of a document, by its exact id."""
    row = store.conn.execute("SELECT analysis FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return json.loads(row["analysis"]) if row else None


def document_text(store: Store, doc_id: str) -> str:
    return store.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()["text"]


def entities_within(store: Store, doc_id: str, lo: int, hi: int) -> list[dict[str, Any]]:
    """The entity mentions of a document that reach into [lo, hi), read from the mentions table: an event page
    marks one or two sentences, and reading a long article's whole analysis for them took seconds."""
    return [dict(r) for r in store.conn.execute(
        'SELECT start, "end", label FROM mentions WHERE doc_id = ? AND start < ? AND "end" > ? ORDER BY start',
        (doc_id, hi, lo))]


def document_event_ids(store: Store, doc_id: str) -> list[str]:
    """The ids of a document's events in the order of its `events` list: "<doc_id>:<index>" by index, not as text
    (as text, ":10" comes before ":2")."""
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM events WHERE doc_id = ? ORDER BY CAST(substr(id, length(doc_id) + 2) AS INTEGER)", (doc_id,))]


def part_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each part a document's text is served in: at most DOCUMENT_PART_CHARS characters, ending
    after the last line break (else the last space) in a part's second half, so that a part seldom cuts a
    paragraph or a word.  A page of a whole 16 MB article took 44 s to render and weighed more than the article."""
    bounds, start = [], 0
    while start + DOCUMENT_PART_CHARS < len(text):
        end = start + DOCUMENT_PART_CHARS
        cut = text.rfind("\n", start + DOCUMENT_PART_CHARS // 2, end)
        if cut < 0:
            cut = text.rfind(" ", start + DOCUMENT_PART_CHARS // 2, end)
        end = cut + 1 if cut >= 0 else end
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def document_part(doc: dict[str, Any], event_ids: list[str], number: int) -> dict[str, Any]:
    """Part `number` (from 1) of a document: its export contract with `text` cut to the part and only the
    entities, quantities, places, events (each with its id), claims and framing markers that reach into the part;
    offsets stay offsets into the whole text.  `removed` is on the first part only.  `part` says where the part
    lies: {number, of, start, end, length}."""
    bounds = part_bounds(doc["text"])
    if not 1 <= number <= len(bounds):
        raise BadParameter(f"part must be between 1 and {len(bounds)}, got {number}")
    start, end = bounds[number - 1]
    stop = end if number < len(bounds) else math.inf  # the last part also holds empty spans at the very end

    def inside(span: dict[str, Any]) -> bool:
        return span["start"] < stop and max(span["end"], span["start"] + 1) > start

    events = [{**event, "id": event_id} for event_id, event in zip(event_ids, doc["events"])
              if any(inside(s) for s in event["evidence"]) or (number == 1 and not event["evidence"])]
    out = {key: doc.get(key) for key in ("id", "url", "outlet", "title", "published", "language")}
    out["part"] = {"number": number, "of": len(bounds), "start": start, "end": end, "length": len(doc["text"])}
    out["text"] = doc["text"][start:end]
    if number == 1:
        out["removed"] = doc["removed"]
    for key in ("entities", "quantities", "places"):
        out[key] = [item for item in doc[key] if inside(item)]
    out["events"] = events
    for key in ("claims", "framing"):
        out[key] = [item for item in doc.get(key, []) if inside(item)]
    out["warnings"] = doc["warnings"]
    return out


# --- actors ----------------------------------------------------------------------------------------------------

ACTOR_EVENT_COUNTS = """
    SELECT name, count(*) AS n_events FROM (
        SELECT actor1 AS name FROM events WHERE actor1 IS NOT NULL
        UNION ALL SELECT actor2 FROM events WHERE actor2 IS NOT NULL
        UNION ALL SELECT assoc_actor_1 FROM events WHERE assoc_actor_1 IS NOT NULL
        UNION ALL SELECT assoc_actor_2 FROM events WHERE assoc_actor_2 IS NOT NULL)
    WHERE name != '' GROUP BY name"""


def list_actors(store: Store, limit: int, offset: int) -> dict[str, Any]:
    """Every actor named by an event or linked from a mention, most events first."""
    rows = store.conn.execute(
        f"WITH ev AS ({ACTOR_EVENT_COUNTS}),"
        " mn AS (SELECT actor AS name, count(*) AS n_mentions FROM mentions WHERE actor IS NOT NULL GROUP BY actor),"
        " names AS (SELECT name FROM ev UNION SELECT name FROM mn UNION SELECT name FROM actors)"
        " SELECT names.name, a.type, a.inter, a.country, a.names_ar, coalesce(ev.n_events, 0) AS n_events,"
        " coalesce(mn.n_mentions, 0) AS n_mentions FROM names LEFT JOIN ev USING (name) LEFT JOIN mn USING (name)"
        " LEFT JOIN actors a ON a.name = names.name ORDER BY n_events DESC, n_mentions DESC, names.name"
        " LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return {"limit": limit, "offset": offset, "rows": [_actor(r) for r in rows]}


def _actor(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["names_ar"] = json.loads(out["names_ar"]) if out.get("names_ar") else []
    return out


def get_actor(store: Store, name: str, limit: int, offset: int) -> dict[str, Any] | None:
    info = store.conn.execute("SELECT * FROM actors WHERE name = ?", (name,)).fetchone()
    events = list_events(store, EventFilter(actor=name, modality=None), limit=limit, offset=offset)
    mentions = store.conn.execute(
        f"SELECT m.doc_id, {clipped('d.title')}, d.published, count(*) AS n, group_concat(DISTINCT m.text) AS forms"
        " FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.actor = ?"
        " GROUP BY m.doc_id ORDER BY d.published, m.doc_id LIMIT 200", (name,)).fetchall()
    if info is None and not events["rows"] and not mentions:
        return None
    actor = _actor(info) if info else {"name": name, "type": None, "inter": None, "country": None,
                                       "wikidata": None, "names_ar": []}
    actor["events"] = events
    actor["documents"] = [{"id": r["doc_id"], "title": r["title"], "published": r["published"], "mentions": r["n"],
                           "forms": sorted(set((r["forms"] or "").split(",")))} for r in mentions]
    return actor


# --- places ----------------------------------------------------------------------------------------------------

def list_places(store: Store, country: str | None, limit: int, offset: int) -> dict[str, Any]:
    where, args = (" WHERE p.country = ?", [country]) if country else ("", [])
    rows = store.conn.execute(
        "SELECT p.country, p.name_en, max(p.name_ar) AS name_ar, max(p.admin1) AS admin1, avg(p.lat) AS lat,"
        " avg(p.lon) AS lon, min(p.precision) AS precision, count(*) AS n_mentions,"
        " count(DISTINCT p.doc_id) AS n_documents,"
        " (SELECT count(*) FROM events e WHERE e.country = p.country AND e.location = p.name_en) AS n_events"
        f" FROM places p{where} GROUP BY p.country, p.name_en ORDER BY n_mentions DESC, p.country, p.name_en"
        " LIMIT ? OFFSET ?", args + [limit, offset]).fetchall()
    return {"filters": {"country": country} if country else {}, "limit": limit, "offset": offset,
            "rows": [dict(r) for r in rows]}


def get_place(store: Store, country: str, name: str, limit: int, offset: int) -> dict[str, Any] | None:
    mentions = store.conn.execute(
        f"SELECT p.*, {clipped('d.title')} FROM places p JOIN documents d ON d.id = p.doc_id"
        " WHERE p.country = ? AND p.name_en = ? ORDER BY d.published, p.doc_id, p.start LIMIT 500",
        (country, name)).fetchall()
    if not mentions:
        return None
    first = mentions[0]
    events = store.conn.execute(
        f"SELECT {LISTED_EVENT_COLUMNS} FROM events e JOIN documents d ON d.id = e.doc_id"
        " WHERE e.country = ? AND e.location = ? ORDER BY e.event_date, e.id LIMIT ? OFFSET ?",
        (country, name, limit, offset)).fetchall()
    return {"name_en": name, "name_ar": first["name_ar"], "country": country, "admin1": first["admin1"],
            "admin2": first["admin2"], "lat": first["lat"], "lon": first["lon"], "geonameid": first["geonameid"],
            "feature_code": first["feature_code"], "precision": first["precision"],
            "mentions": [{"doc_id": m["doc_id"], "title": m["title"], "start": m["start"], "end": m["end"],
                          "text": m["text"], "direction": m["direction"], "confidence": m["confidence"]}
                         for m in mentions],
            "events": {"limit": limit, "offset": offset, "rows": [event_row(r) for r in events]}}


# --- search and statistics -------------------------------------------------------------------------------------

def search(store: Store, query: str, limit: int, offset: int) -> dict[str, Any]:
    rows = [{**hit, "title": clip(hit["title"]), "outlet": clip(hit["outlet"]), "snippet": clip(hit["snippet"])}
            for hit in store.search(query, limit=limit, offset=offset)]
    return {"q": query, "limit": limit, "offset": offset, "rows": rows}


def facets(store: Store, modality: str | None = "asserted") -> dict[str, Any]:
    """The values the filter panel offers: types and sub-types, countries, outlets, modalities, actors and the date
    range.  Each value's count is the number of events a list shows when that value is the only filter besides
    `modality` (None: every modality); a modality's own count is that of its list."""
    where, args = EventFilter(modality=modality).where()
    where_and = where + " AND " if where else " WHERE "
    one = lambda sql, *params: [tuple(r) for r in store.conn.execute(sql, params)]  # noqa: E731
    types: dict[str, dict[str, int]] = {}
    for event_type, sub_event_type, n in one(
            f"SELECT event_type, sub_event_type, count(*) FROM events e{where} GROUP BY 1, 2 ORDER BY 1, 2", *args):
        types.setdefault(event_type, {})[sub_event_type] = n
    book = codebook()
    by_modality = dict(one("SELECT modality, count(*) FROM events GROUP BY 1"))
    first, last = store.conn.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
    return {
        "event_types": [{"name": t, "label_ar": book.get(t, {}).get("label_ar", ""),
                         "sub_event_types": [{"name": s, "label_ar": book.get(t, {}).get("sub_event_types", {})
                                              .get(s, ""), "events": n} for s, n in subs.items()],
                         "events": sum(subs.values())} for t, subs in types.items()],
        "countries": [{"code": c, "name": country_names().get(c, (c, ""))[0],
                       "name_ar": country_names().get(c, (c, ""))[1], "events": n} for c, n in one(
            f"SELECT country, count(*) FROM events e{where_and}country IS NOT NULL GROUP BY 1 ORDER BY 2 DESC", *args)],
        "outlets": [{"name": o, "events": n} for o, n in one(  # the outlets a filter can name
            f"SELECT outlet, count(*) FROM events e{where_and}length(outlet) <= {MAX_FILTER_CHARS}"
            " GROUP BY 1 ORDER BY 2 DESC", *args)],
        "modalities": [{"name": m, "label_ar": MODALITY_LABELS_AR[m], "events": by_modality.get(m, 0)}
                       for m in MODALITIES],
        "actors": [n for (n,) in one(f"SELECT name FROM ({ACTOR_EVENT_COUNTS}) ORDER BY n_events DESC LIMIT 500")],
        "first_date": first, "last_date": last,
    }


def stats(store: Store) -> dict[str, Any]:
    out = store.stats()
    out["events_all_modalities"] = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    out["events_located"] = store.conn.execute("SELECT count(*) FROM events WHERE lat IS NOT NULL").fetchone()[0]
    out["actors"] = store.conn.execute(f"SELECT count(*) FROM ({ACTOR_EVENT_COUNTS})").fetchone()[0]
    out["by_event_type"] = dict(store.conn.execute(
        "SELECT event_type, count(*) FROM events WHERE modality = 'asserted' GROUP BY 1 ORDER BY 2 DESC").fetchall())
    out["by_modality"] = dict(store.conn.execute(
        "SELECT modality, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall())
    out["first_event_date"], out["last_event_date"] = store.conn.execute(
        "SELECT min(event_date), max(event_date) FROM events").fetchone()
    return out
