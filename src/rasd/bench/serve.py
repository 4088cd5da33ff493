"""Benchmark of `rasd serve`: filtered event queries on a large synthetic database, and the map page in Chromium.

The databases are written with SQL straight into the real schema (documents and
events only; no NLP runs), with events spread over a year, the event types of
the codebook and the Natural Earth province points of the Middle East and North
Africa, so that filters select realistic fractions of the rows.
"""
from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from rasd.serve import queries
from rasd.serve.queries import BASEMAP, EventFilter
from rasd.store import Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
FIRST_DAY = 738_000  # an ordinal date in 2021
DAYS = 365
EVENTS_PER_DOCUMENT = 4


def build_synthetic_db(path: Path, n_events: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    provinces = [(a["iso2"], a["name"], a["lat"], a["lon"]) for a in json.loads(BASEMAP.read_text())["admin1"]]
    types = [(t, s) for t, info in queries.codebook().items() for s in info["sub_event_types"]]
    actors = [f"Armed Group {i}" for i in range(300)] + ["Military Forces of Syria", "Hayat Tahrir al-Sham"]
    outlets = [f"Outlet {i}" for i in range(40)]
    with Store(path) as store, store.transaction():
        n_docs = max(1, n_events // EVENTS_PER_DOCUMENT)
        store.conn.executemany(
            "INSERT INTO documents(id, url, outlet, title, published, language, source_path, format, raw, source_text,"
            " text, removed, offset_map, analysis, n_words) VALUES (?,?,?,?,?,'ar','','text','','',?,'[]','[]',?,?)",
            ((f"doc{d:07d}", f"https://example.org/{d}", outlets[d % len(outlets)], f"تقرير رقم {d}",
              _day(FIRST_DAY + d * DAYS // n_docs), "نص " * 50,
              json.dumps({"id": f"doc{d:07d}", "text": "نص " * 50, "removed": [], "entities": [], "quantities": [],
                          "places": [], "events": [], "warnings": []}), 50) for d in range(n_docs)))
        rows = []
        for i in range(n_events):
            doc = min(i // EVENTS_PER_DOCUMENT, n_docs - 1)
            event_type, sub_event_type = rng.choice(types)
            country, admin1, lat, lon = rng.choice(provinces)
            located = rng.random() < 0.9
            actor1, actor2 = rng.choice(actors), rng.choice(actors + [None] * 100)
            rows.append((f"doc{doc:07d}:{i % EVENTS_PER_DOCUMENT}", f"doc{doc:07d}", event_type, sub_event_type,
                         actor1, None, actor2, rng.choice([None] * 9 + actors[:5]),
                         _day(FIRST_DAY + rng.randrange(DAYS)),
                         admin1, lat + rng.uniform(-0.3, 0.3) if located else None,
                         lon + rng.uniform(-0.3, 0.3) if located else None, country, admin1,
                         rng.choice(["asserted"] * 9 + ["negated"]), round(rng.random(), 3),
                         outlets[doc % len(outlets)], json.dumps({"evidence": [{"start": 0, "end": 10}]})))
        store.conn.executemany(
            "INSERT INTO events(id, doc_id, event_type, sub_event_type, actor1, assoc_actor_1, actor2, assoc_actor_2,"
            " event_date, location, lat, lon, country, admin1, modality, confidence, outlet, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        store.conn.execute("ANALYZE")


def _day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _filters(rng: random.Random, facets: dict[str, Any], admin1: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """One filter of each kind the UI sends, with random values."""
    start = FIRST_DAY + rng.randrange(DAYS - 30)
    month = {"from": _day(start), "to": _day(start + 30)}
    event_type = rng.choice(facets["event_types"])["name"]
    country = rng.choice(facets["countries"][:10])["code"]
    lon, lat = rng.uniform(30, 50), rng.uniform(15, 35)
    return [
        ("none", {}),
        ("date range", month),
        ("type + date", {"event_type": event_type, **month}),
        ("sub-type", {"sub_event_type": rng.choice(rng.choice(facets["event_types"])["sub_event_types"])["name"]}),
        ("actor", {"actor": rng.choice(facets["actors"][:50])}),
        ("country", {"country": country}),
        ("country + admin1", {"country": country, "admin1": admin1[country]}),
        ("bbox", {"bbox": f"{lon},{lat},{lon + 5},{lat + 5}"}),
        ("outlet", {"outlet": rng.choice(facets["outlets"])["name"]}),
        ("min_confidence", {"min_confidence": "0.8"}),
        ("combined", {"event_type": event_type, "country": country, "min_confidence": "0.3", **month}),
    ]


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))] * 1000, 2),
            "max_ms": round(times[-1] * 1000, 2)}


def time_queries(db: Path, rounds: int = 20, seed: int = 1) -> dict[str, Any]:
    """p50/p95 of one page (100 rows, with the total) of filtered events, per kind of filter and over all."""
    rng = random.Random(seed)
    with Store(db, readonly=True) as store:
        facets = queries.facets(store)
        admin1 = dict(store.conn.execute("SELECT country, max(admin1) FROM events GROUP BY country").fetchall())
        per_kind: dict[str, list[float]] = {}
        map_times = []
        for _ in range(rounds):
            for kind, params in _filters(rng, facets, admin1):
                flt = EventFilter.parse(params)
                t0 = time.perf_counter()
                page = queries.list_events(store, flt, limit=100)
                per_kind.setdefault(kind, []).append(time.perf_counter() - t0)
                if page["next_cursor"]:
                    t0 = time.perf_counter()
                    queries.list_events(store, flt, limit=100, cursor=page["next_cursor"], with_total=False)
                    per_kind.setdefault("next page (cursor)", []).append(time.perf_counter() - t0)
                if kind in ("date range", "type + date", "country"):
                    t0 = time.perf_counter()
                    queries.map_data(store, flt)
                    map_times.append(time.perf_counter() - t0)
    every = [t for times in per_kind.values() for t in times]
    return {"queries": len(every), **_percentiles(every),
            "by_filter_p95_ms": {k: _percentiles(v)["p95_ms"] for k, v in per_kind.items()},
            "map_json": {"queries": len(map_times), **_percentiles(map_times)}}


def time_map_page(db: Path, loads: int = 3) -> dict[str, Any]:
    """Milliseconds from navigation start until the markers are drawn (window.rasdReady), and one redraw."""
    if not CHROMIUM.exists():
        return {"skipped": f"no chromium at {CHROMIUM} (tools/install_chromium.sh installs it)"}
    from playwright.sync_api import sync_playwright

    from rasd.serve.app import create_app
    from rasd.serve.server import background_server

    ready, redraw, markers = [], [], 0
    with background_server(create_app(db)) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(base + "/map?modality=any")
            page.wait_for_function("() => window.rasdReady === true", timeout=60_000)
            ready.append(page.evaluate("window.rasdReadyAt"))
            markers = int(page.get_attribute("#map", "data-markers"))
            redraw.append(page.evaluate("window.rasdMap.timedRedraw()"))
            page.close()
        browser.close()
    return {"markers": markers, "ready_ms": round(statistics.median(ready)), "ready_ms_all": [round(r) for r in ready],
            "redraw_ms": round(statistics.median(redraw), 1)}


def benchmark(n_events: int = 100_000, map_events: int = 10_000, seed: int = 0) -> dict[str, Any]:
    """Query timings on a database of `n_events` events and the map page on one of `map_events`."""
    with tempfile.TemporaryDirectory(prefix="rasd-serve-bench-") as tmp:
        big, small = Path(tmp) / "big.db", Path(tmp) / "map.db"
        t0 = time.perf_counter()
        build_synthetic_db(big, n_events, seed)
        build_seconds = time.perf_counter() - t0
        result: dict[str, Any] = {"events": n_events, "build_seconds": round(build_seconds, 2),
                                  "event_queries": time_queries(big)}
        build_synthetic_db(small, map_events, seed)
        result["map_page"] = {"events": map_events, **time_map_page(small)}
    return result

