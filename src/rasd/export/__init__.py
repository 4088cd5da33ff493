"""Export: the database as JSONL (the export contract), ACLED-layout CSV or GeoJSON.

The CSV has one row per event merged across articles (rasd.corpus), as ACLED codes one event however many
reports it has: the merged event's type, date, actors, place and fatalities, the details of its report with the
most precise place, `source` listing the outlets and `source_scale` their scale.  An asserted event the corpus
step has not merged yet is a row of its own.  CSV and GeoJSON carry asserted events only (events of the other modalities of
`rasd.resources.taxonomy.Modality`, such as negated, future or a tally, are in JSONL with
their modality); JSONL carries everything.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from rasd.corpus import source_scale
from rasd.resources.countries import countries
from rasd.store import Store, corroboration
from rasd.store.records import EVENT_FEATURE_PROPERTIES, PLACE_FEATURE_PROPERTIES

# ACLED's public export columns, in order; rasd's own columns follow them.
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
RASD_COLUMNS = [
    "rasd_document_id", "rasd_url", "rasd_confidence", "rasd_source_chain", "rasd_reporting_verb", "rasd_hedges",
    "rasd_framing", "rasd_civilian_fatalities", "rasd_quantities", "rasd_weapons", "rasd_evidence",
    "rasd_merged_id", "rasd_reports", "rasd_independent_outlets",
]
# the fields of a CSV row that come from the merged event rather than from its leading report
_MERGED = ("event_date", "sub_event_type", "actor1", "actor2", "location", "lat", "lon", "country", "admin1",
           "geo_precision", "fatalities", "confidence")
DISORDER_TYPE = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
                 "Violence against civilians": "Political violence", "Protests": "Demonstrations",
                 "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}


def acled_rows(store: Store) -> Iterator[dict[str, Any]]:
    sql = ("SELECT e.*, d.url, d.text, d.created_at FROM events e JOIN documents d ON d.id = e.doc_id"
           " WHERE e.modality = 'asserted' ORDER BY e.event_date, e.id")
    for row in store.conn.execute(sql):
        merged = store.merged_event_of(row["id"])
        if merged is not None and merged["lead"] != row["id"]:
            continue  # a report of a merged event that another report leads
        r = {**dict(row), **({name: merged[name] for name in _MERGED} if merged is not None else {})}
        outlets = json.loads(merged["outlets"]) if merged is not None else [r["outlet"]] if r["outlet"] else []
        data = json.loads(r["data"])
        country = countries().get(r["country"] or "")
        attribution = data.get("sources") or {}
        chain = [s["text"] for s in attribution.get("sources", [])]
        evidence = " … ".join(r["text"][s["start"]:s["end"]] for s in data.get("evidence", []))
        yield {
            "event_id_cnty": f"{country.iso3 if country else 'XXX'}{r['id'].replace(':', '-')}",
            "event_date": r["event_date"] or "",
            "year": (r["event_date"] or "")[:4],
            "time_precision": r["time_precision"] or "",
            "disorder_type": _disorder(r["event_type"], r["sub_event_type"]),
            "event_type": r["event_type"],
            "sub_event_type": r["sub_event_type"],
            "actor1": r["actor1"] or "", "assoc_actor_1": r["assoc_actor_1"] or "", "inter1": r["inter1"] or "",
            "actor2": r["actor2"] or "", "assoc_actor_2": r["assoc_actor_2"] or "", "inter2": r["inter2"] or "",
            "interaction": r["interaction"] or "",
            "civilian_targeting": "Civilian targeting" if r["inter2"] == 7 else "",
            "iso": country.iso_numeric if country else "", "region": country.acled_region if country else "",
            "country": country.name if country else r["country"] or "",
            "admin1": r["admin1"] or "", "admin2": r["admin2"] or "", "admin3": "",
            "location": r["location"] or "",
            "latitude": "" if r["lat"] is None else round(r["lat"], 4),
            "longitude": "" if r["lon"] is None else round(r["lon"], 4),
            "geo_precision": r["geo_precision"] or "",
            "source": "; ".join(outlets),
            "source_scale": source_scale(outlets, r["country"]),
            "notes": evidence + (f" [{merged['fatalities_note']}]" if merged is not None and merged["fatalities_note"]
                                 else ""),
            "fatalities": r["fatalities"] if r["fatalities"] is not None else 0,
            "tags": "",
            "timestamp": r["created_at"],
            "rasd_document_id": r["doc_id"],
            "rasd_url": r["url"] or "",
            "rasd_confidence": round(r["confidence"], 3) if r["confidence"] is not None else "",
            "rasd_source_chain": " > ".join(chain),
            "rasd_reporting_verb": attribution.get("verb") or "",
            "rasd_hedges": "; ".join(attribution.get("hedges", [])),
            "rasd_framing": "; ".join(m["text"] for m in attribution.get("framing", [])),
            "rasd_civilian_fatalities": "" if r["civilian_fatalities"] is None else r["civilian_fatalities"],
            "rasd_quantities": "; ".join(f"{q['value']:g} {q['unit']}" for q in data.get("quantities", [])),
            "rasd_weapons": "; ".join(data.get("weapons", [])),
            "rasd_evidence": "; ".join(f"{s['start']}-{s['end']}" for s in data.get("evidence", [])),
            "rasd_merged_id": merged["id"] if merged is not None else "",
            "rasd_reports": merged["reports"] if merged is not None else 1,
            "rasd_independent_outlets": merged["independent_outlets"] if merged is not None else 1,
        }


def _disorder(event_type: str, sub_event_type: str) -> str:
    if sub_event_type == "Mob violence":
        return "Political violence"
    return DISORDER_TYPE.get(event_type, "")


def write_csv(store: Store, fh: IO[str]) -> int:
    w = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS + RASD_COLUMNS, lineterminator="\n")
    w.writeheader()
    n = 0
    for row in acled_rows(store):
        w.writerow(row)
        n += 1
    return n


def write_jsonl(store: Store, fh: IO[str]) -> int:
    n = 0
    for doc in store.iter_documents():
        fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
        n += 1
    return n


def geojson_features(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.conn.execute("SELECT e.*, d.title FROM events e JOIN documents d ON d.id = e.doc_id"
                                " WHERE e.modality = 'asserted' AND e.lat IS NOT NULL ORDER BY e.event_date, e.id"):
        yield _point(r["lon"], r["lat"], {"feature_type": "event", **_properties(r, EVENT_FEATURE_PROPERTIES),
                                          "title": r["title"], **corroboration(store.merged_event_of(r["id"]))})
    for r in store.conn.execute("SELECT * FROM places WHERE lat IS NOT NULL ORDER BY doc_id, start"):
        yield _point(r["lon"], r["lat"], {"feature_type": "place", **_properties(r, PLACE_FEATURE_PROPERTIES)})


def _properties(row, names: tuple[str, ...]) -> dict[str, Any]:
    """A feature's properties from a stored row: the row's columns, the document's id named as the contract names it."""
    return {("document_id" if name == "doc_id" else name): row[name] for name in names}


def _point(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": props}


def write_geojson(store: Store, fh: IO[str]) -> int:
    """A FeatureCollection of events, then of resolved place mentions; the property feature_type, "event" or
    "place", tells which (README documents both)."""
    fh.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for feature in geojson_features(store):
        fh.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    fh.write("\n]}\n")
    return n


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "geojson": write_geojson}
