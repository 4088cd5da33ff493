"""Reading what the corpus step wrote: stories with their articles and merged events, and merged events with
every report behind them.  `rasd stories` and the web UI's story and event pages read through these."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

MERGED_FIELDS = ("id", "story", "event_type", "sub_event_type", "event_date", "actor1", "actor2", "location", "lat",
                 "lon", "country", "admin1", "geo_precision", "fatalities", "fatalities_note", "reports",
                 "independent_outlets", "confirmed", "confidence")
# what each report of a merged event says, side by side; the UI marks the values that differ between reports
REPORT_FIELDS = ("sub_event_type", "event_date", "actor1", "actor2", "location", "geo_precision", "fatalities",
                 "civilian_fatalities", "confidence")


def merged_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = {name: row[name] for name in MERGED_FIELDS}
    d["outlets"] = json.loads(row["outlets"])
    d["confirmed"] = bool(d["confirmed"])
    return d


def list_stories(conn: sqlite3.Connection, limit: int, offset: int = 0, min_documents: int = 1) -> list[dict[str, Any]]:
    """Stories, the most recent first: days, articles, outlets and merged events of each."""
    rows = conn.execute("SELECT id, title, first_day, last_day, documents FROM stories WHERE documents >= ?"
                        " ORDER BY last_day DESC, id DESC LIMIT ? OFFSET ?", (min_documents, limit, offset)).fetchall()
    return [{**dict(r), "outlets": _story_outlets(conn, r["id"]),
             "merged_events": conn.execute("SELECT count(*) FROM merged_events WHERE story = ?",
                                           (r["id"],)).fetchone()[0]} for r in rows]


def _story_outlets(conn: sqlite3.Connection, story: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM corpus_documents WHERE story = ? AND outlet"
                                       " IS NOT NULL ORDER BY outlet", (story,))]


def story(conn: sqlite3.Connection, story_id: int) -> dict[str, Any] | None:
    """One story: its articles in time order (each with its near-duplicate original), outlets and merged events."""
    row = conn.execute("SELECT id, title, first_day, last_day, documents FROM stories WHERE id = ?",
                       (story_id,)).fetchone()
    if row is None:
        return None
    articles = [dict(r) for r in conn.execute(
        "SELECT c.doc_id AS id, c.day, c.outlet, c.duplicate_of, d.title, d.url, d.published FROM corpus_documents c"
        " JOIN documents d ON d.id = c.doc_id WHERE c.story = ? ORDER BY c.day, c.seq", (story_id,))]
    events = [merged_dict(r) for r in conn.execute(
        "SELECT * FROM merged_events WHERE story = ? ORDER BY event_date, id", (story_id,))]
    return {**dict(row), "outlets": _story_outlets(conn, story_id), "articles": articles, "merged_events": events}


def merged_event(conn: sqlite3.Connection, merged_id: int) -> dict[str, Any] | None:
    """One merged event and each of its reports: the document, outlet, independent source and the report's own
    figures; `differs` names the fields whose values are not the same in every report."""
    row = conn.execute("SELECT * FROM merged_events WHERE id = ?", (merged_id,)).fetchone()
    if row is None:
        return None
    reports = []
    for r in conn.execute(
            "SELECT m.event_id, m.doc_id, m.source, m.partisan, d.outlet, d.title, d.url, d.published, e.*"
            " FROM merged_mentions m JOIN events e ON e.id = m.event_id JOIN documents d ON d.id = m.doc_id"
            " WHERE m.merged_id = ? ORDER BY d.rowid, e.rowid", (merged_id,)):
        data = json.loads(r["data"])
        chain = [s["text"] for s in (data.get("sources") or {}).get("sources", [])]
        reports.append({"event_id": r["event_id"], "document_id": r["doc_id"], "outlet": r["outlet"],
                        "title": r["title"], "url": r["url"], "published": r["published"],
                        "independent_source": r["source"], "partisan": bool(r["partisan"]),
                        "source_chain": chain, **{name: r[name] for name in REPORT_FIELDS}})
    differs = [name for name in REPORT_FIELDS if len({rep[name] for rep in reports}) > 1]
    return {**merged_dict(row), "mentions": reports, "differs": differs}
