"""Events merged across articles, and how well each is corroborated.

ACLED codes one event per actors, day and place.  An asserted event of a new article (a report) joins a merged
event of the same family (see `family`), dated within a day of it, whose place is within a distance that
grows with the coarser precision of the two, and whose actors do not contradict its own (`actors_compatible`); it never joins one that
already holds a report of the same article (the article's coder kept those apart).  Otherwise it starts one.

A report days after an event it retells is dated by its own article when its sentence gives the event no date
("في إشارة إلى الهجوم الكيميائي في دوما", three days on).  So a report first joins the most reported merged event
of its very sub-type, at its town (both precise), dated up to RETOLD_DAYS before it: unless the sub-type is one
that recurs at one place day after day (air strikes, shelling, clashes in a siege), where each day is an event of
its own and the day is what tells two reports apart: such a report joins only reports of its own day.

Every report is kept (`merged_mentions`); the merged event's fields are recomputed from its reports each time
one joins: the commonest sub-type, actors and date, the most precise place, the lowest fatality figure when the
reports disagree (ACLED's conservative rule, with a note giving each figure and outlet), the outlets, and the
independent sources among them: copies of one text, relays of one agency and outlets of one owner count once.
Confidence rises with independent confirmation and falls when only a party to the event or anonymous sources
report it.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import date, timedelta

from rasd.corpus.articles import Article, Report
from rasd.resolve.geo import haversine_km
from rasd.resources.taxonomy import SubEventType

# how far apart two reports' places may be, by the coarser precision of the two (ACLED geo_precision)
MAX_KM = {1: 25.0, 2: 50.0, 3: 150.0}
DATE_SLACK_DAYS = 1  # a report is within a day of the event's date, and all its reports within two days
CONFIRMATION_STEP = 0.1  # confidence added per independent source beyond the first (at most three)
PARTISAN_PENALTY = 0.15  # confidence taken when only parties to the event or anonymous sources report it
STRATEGIC = "Strategic developments"
UNKNOWN_ACTORS = ("Unidentified", "Civilians")  # names that start like these say nothing against a match
RETOLD_DAYS = 3  # how long after an event a report may still retell it (the Douma window: 0.517 -> 0.645)
RECURRING = {SubEventType.AIR_DRONE_STRIKE, SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, SubEventType.ARMED_CLASH}


def merge_reports(conn: sqlite3.Connection, article: Article, story: int, source: str) -> None:
    """Merge the article's reports into the merged events they join, or start."""
    taken: set[int] = set()
    for report in article.reports:
        day = report.event_date or article.day
        merged = _best_match(conn, report, day, story, taken, dated=bool(report.event_date) or article.dated)
        if merged is None:
            merged = conn.execute(
                "INSERT INTO merged_events(story, family, event_type, sub_event_type, event_date, first_date,"
                " last_date, reports, outlets, independent_outlets, confirmed, lead)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 0, '[]', 0, 0, ?)",
                (story, family(report.event_type, report.sub_event_type), report.event_type,
                 report.sub_event_type, day, day, day, report.event_id)).lastrowid
        taken.add(merged)
        conn.execute("INSERT OR REPLACE INTO merged_mentions(event_id, merged_id, doc_id, day, source, partisan)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     (report.event_id, merged, article.doc_id, day,
                      f"agency:{report.relayed}" if report.relayed else source, int(_partisan(report))))
        _recompute(conn, merged)


def family(event_type: str, sub_event_type: str) -> str:
    """The sub-types two reports of one event may be coded with: those of one ACLED event type (an air strike in
    one report is shelling in another), except strategic developments, whose sub-types are different things."""
    return sub_event_type if event_type == STRATEGIC else event_type


def _partisan(report: Report) -> bool:
    """Whether the report rests only on an anonymous source or on a party to the event itself."""
    if report.claimant is None:
        return False
    kind, actor = report.claimant
    return kind == "anonymous" or (actor is not None and actor in (report.actor1, report.actor2))


def _known(actor: str | None) -> bool:
    return actor is not None and not actor.startswith(UNKNOWN_ACTORS)


def actors_compatible(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """Two reports' (actor1, actor2) agree unless both name known actors, share none of them, and one of the two
    names both sides.  Reports that name one side each often put one act on different shoulders (a strike the
    regime's planes or Russia's flew, an attack by the army or its air defences); a report that names both sides
    of a fight none of whose sides the other names tells another fight."""
    mine, theirs = {x for x in a if _known(x)}, {x for x in b if _known(x)}
    return not mine or not theirs or bool(mine & theirs) or (len(mine) < 2 and len(theirs) < 2)


def places_compatible(report: Report, row: sqlite3.Row, same_story: bool) -> bool:
    if report.lat is None or row["lat"] is None:  # a report without a place merges within its story only
        return same_story and (report.country is None or row["country"] is None or report.country == row["country"])
    precision = max(report.geo_precision or 3, row["geo_precision"] or 3)
    return haversine_km(report.lat, report.lon, row["lat"], row["lon"]) <= MAX_KM[min(precision, 3)]


def _best_match(conn: sqlite3.Connection, report: Report, day: str, story: int, taken: set[int],
                dated: bool) -> int | None:
    """The merged event the report joins, if any: one it retells (`_retold`), else one of its family within a day
    of it (of its own day for a sub-type in RECURRING).  A report with no date of its own (neither the event's nor
    the article's) can only join one of its story's."""
    d = date.fromisoformat(day)
    if dated:
        retold = _retold(conn, report, d, story, taken)
        if retold is not None:
            return retold
    # a sub-type that recurs at one place is an event a day: its reports join only those of their own day
    slack = 0 if report.sub_event_type in RECURRING else DATE_SLACK_DAYS
    low, high = ((d + timedelta(days=k)).isoformat() for k in (-slack, slack))
    kind = family(report.event_type, report.sub_event_type)
    candidates = (conn.execute("SELECT * FROM merged_events WHERE family = ? AND event_date BETWEEN ? AND ?"
                               " ORDER BY id", (kind, low, high)) if dated else
                  conn.execute("SELECT * FROM merged_events WHERE family = ? AND story = ? ORDER BY id", (kind, story)))
    best, best_score = None, None
    for row in candidates:
        span = date.fromisoformat(max(row["last_date"], day)) - date.fromisoformat(min(row["first_date"], day))
        same_story = row["story"] == story
        if span.days > 2 * slack or not _joinable(report, row, taken, same_story):
            continue
        distance = (haversine_km(report.lat, report.lon, row["lat"], row["lon"])
                    if report.lat is not None and row["lat"] is not None else 0.0)
        score = (2 * (row["sub_event_type"] == report.sub_event_type) + (row["actor1"] == report.actor1)
                 + same_story + (row["event_date"] == day) - distance / 100)
        if best_score is None or score > best_score:
            best, best_score = row["id"], score
    return best


def _joinable(report: Report, row: sqlite3.Row, taken: set[int], same_story: bool) -> bool:
    """Whether the report may join the merged event `row` wherever the dates allow: one the report's article has no
    report in yet, whose actors and place do not contradict the report's."""
    return (row["id"] not in taken and actors_compatible((report.actor1, report.actor2), (row["actor1"], row["actor2"]))
            and places_compatible(report, row, same_story))


def _retold(conn: sqlite3.Connection, report: Report, day: date, story: int, taken: set[int]) -> int | None:
    """The most reported merged event of the report's sub-type at its town, dated up to RETOLD_DAYS before it,
    that the report may retell (see the module's docstring); None for a sub-type that recurs at one place."""
    if report.sub_event_type in RECURRING or report.lat is None or (report.geo_precision or 3) > 1:
        return None
    best, best_reports = None, 0
    for row in conn.execute("SELECT * FROM merged_events WHERE family = ? AND event_date BETWEEN ? AND ?"
                            " AND sub_event_type = ? AND geo_precision = 1 ORDER BY id",
                            (family(report.event_type, report.sub_event_type),
                             (day - timedelta(days=RETOLD_DAYS)).isoformat(), day.isoformat(), report.sub_event_type)):
        # both places precise, so places_compatible asks them to lie within MAX_KM[1]
        if row["reports"] > best_reports and _joinable(report, row, taken, row["story"] == story):
            best, best_reports = row["id"], row["reports"]
    return best


def _recompute(conn: sqlite3.Connection, merged: int) -> None:
    """The merged event's fields from all its reports."""
    rows = conn.execute(
        "SELECT m.day, m.source, m.partisan, e.id, e.sub_event_type, e.event_type, e.actor1, e.actor2, e.event_date,"
        " e.location, e.lat, e.lon, e.country, e.admin1, e.geo_precision, e.fatalities, e.confidence, d.outlet,"
        " d.published FROM merged_mentions m JOIN events e ON e.id = m.event_id JOIN documents d ON d.id = e.doc_id"
        " WHERE m.merged_id = ? ORDER BY d.rowid, e.rowid", (merged,)).fetchall()
    lead = min(rows, key=lambda r: (r["lat"] is None, r["geo_precision"] or 4))
    sub_type = _commonest([r["sub_event_type"] for r in rows], lead["sub_event_type"])
    actor1 = _commonest([r["actor1"] for r in rows if r["actor1"]], lead["actor1"])
    actor2 = _commonest([r["actor2"] for r in rows if r["actor2"]], lead["actor2"])
    days = sorted(r["day"] for r in rows)
    day = _commonest(days, None)
    fatalities, note = _fatalities(rows)
    outlets = sorted({r["outlet"] for r in rows if r["outlet"]})
    sources = {r["source"] for r in rows}
    impartial = any(not r["partisan"] for r in rows)
    confirmed = len(sources) >= 2 and impartial
    confidence = max((r["confidence"] for r in rows if r["confidence"] is not None), default=0.5)
    if confirmed:
        confidence += CONFIRMATION_STEP * min(len(sources) - 1, 3)
    elif not impartial:
        confidence -= PARTISAN_PENALTY
    conn.execute(
        "UPDATE merged_events SET sub_event_type = ?, actor1 = ?, actor2 = ?, event_date = ?, first_date = ?,"
        " last_date = ?, location = ?, lat = ?, lon = ?, country = ?, admin1 = ?, geo_precision = ?, fatalities = ?,"
        " fatalities_note = ?, reports = ?, outlets = ?, independent_outlets = ?, confirmed = ?, confidence = ?,"
        " lead = ? WHERE id = ?",
        (sub_type, actor1, actor2, day, days[0], days[-1], lead["location"], lead["lat"], lead["lon"], lead["country"],
         lead["admin1"], lead["geo_precision"], fatalities, note, len(rows), json.dumps(outlets, ensure_ascii=False),
         len(sources), int(confirmed), round(min(max(confidence, 0.05), 0.99), 3), lead["id"], merged))


def _commonest(values: list, default):
    """The most frequent value, the first of equals; `default` when there is none."""
    if not values:
        return default
    counts = Counter(values)
    return max(values, key=lambda v: (counts[v], -values.index(v)))


def _fatalities(rows: list[sqlite3.Row]) -> tuple[int | None, str | None]:
    figures = [(r["fatalities"], r["outlet"] or "unknown outlet") for r in rows if r["fatalities"] is not None]
    if not figures:
        return None, None
    lowest = min(n for n, _ in figures)
    if len({n for n, _ in figures}) == 1:
        return lowest, None
    listed = "; ".join(f"{n} ({outlet})" for n, outlet in sorted(figures))
    return lowest, f"reports differ: {listed}; the lowest figure is kept"
