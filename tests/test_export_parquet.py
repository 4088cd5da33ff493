"""`rasd export --format parquet`: one dataset per table partitioned by month, events also GeoParquet 1.1, read
back with pyarrow and DuckDB and compared with the database row by row."""
from __future__ import annotations

import json
import shutil
import sqlite3
import struct
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, rasd


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    """The bundled samples (their own dates, over several months; one without a date) and a report of an event
    with neither place nor date, exported."""
    folder = tmp_path_factory.mktemp("parquet")
    shutil.copytree(ROOT / "samples", folder / "in")
    (folder / "in" / "unplaced.txt").write_text("قال مصدر أمني إن مسلحين مجهولين قتلوا ثلاثة مدنيين بالرصاص مساء أمس.\n"
                                                "ولم تعلن أي جهة مسؤوليتها عن الهجوم.", encoding="utf-8")
    db = folder / "s.db"
    r = rasd("analyze", str(folder / "in"), "--db", str(db), "--no-progress")
    assert r.returncode == 0, r.stderr.decode()
    r = rasd("export", "--format", "parquet", "--db", str(db), "-o", str(folder / "lake"))
    assert r.returncode == 0, r.stderr.decode()
    return db, folder / "lake"


def _sqlite(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


def test_every_table_is_partitioned_by_month_and_read_back_whole_with_pyarrow(exported):
    db, lake = exported
    documents = ds.dataset(lake / "documents", partitioning="hive").to_table().to_pylist()
    stored = {i: (p, t) for i, p, t in _sqlite(db, "SELECT id, published, text FROM documents")}
    assert sorted(d["id"] for d in documents) == sorted(stored)
    for d in documents:
        published, text = stored[d["id"]]
        assert (d["published"] and d["published"].isoformat(), d["text"]) == (published, text)
        assert d["month"] == (published[:7] if published else None)
    months = {d["month"] for d in documents}
    assert len(months) >= 5 and None in months  # several months, and a document without a date
    assert not {"raw", "source_text", "analysis"} & set(documents[0])

    for table in ("mentions", "places"):
        rows = ds.dataset(lake / table, partitioning="hive").to_table().to_pylist()
        expected = _sqlite(db, f"SELECT t.doc_id, t.start, substr(d.published, 1, 7) FROM {table} t"
                               " JOIN documents d ON d.id = t.doc_id")
        assert sorted((r["doc_id"], r["start"], r["month"]) for r in rows) == sorted(expected), table
    files = sorted(p.relative_to(lake).as_posix() for p in lake.rglob("*.parquet"))
    assert "documents/month=__HIVE_DEFAULT_PARTITION__/part-0.parquet" in files
    assert all(f.split("/")[1].startswith("month=") for f in files)


def test_events_are_geoparquet_points_in_crs84(exported):
    db, lake = exported
    stored = {i: (date, lat, lon, modality) for i, date, lat, lon, modality in
              _sqlite(db, "SELECT id, event_date, lat, lon, modality FROM events")}
    assert any(lat is None for _, lat, _, _ in stored.values()) and any(lat for _, lat, _, _ in stored.values())
    assert any(date is None for date, _, _, _ in stored.values())
    events = ds.dataset(lake / "events", partitioning="hive").to_table().to_pylist()
    assert sorted(e["id"] for e in events) == sorted(stored)  # every modality, not only asserted events
    for e in events:
        date, lat, lon, modality = stored[e["id"]]
        assert e["month"] == (date[:7] if date else None) and e["modality"] == modality
        if lat is None:
            assert e["geometry"] is None
        else:
            assert struct.unpack("<BIdd", e["geometry"]) == (1, 1, lon, lat)  # WKB point, x = longitude

    for path in (lake / "events").rglob("*.parquet"):
        geo = json.loads(pq.read_schema(path).metadata[b"geo"])
        assert (geo["version"], geo["primary_column"]) == ("1.1.0", "geometry")
        column = geo["columns"]["geometry"]
        assert (column["encoding"], column["geometry_types"]) == ("WKB", ["Point"])
        assert column["crs"]["id"] == {"authority": "OGC", "code": "CRS84"}
        assert [a["direction"] for a in column["crs"]["coordinate_system"]["axis"]] == ["east", "north"]
        points = [struct.unpack("<BIdd", g)[2:] for g in pq.read_table(path, columns=["geometry"]).column(0).to_pylist()
                  if g is not None]
        if points:
            west, south, east, north = column["bbox"]
            assert all(west <= x <= east and south <= y <= north for x, y in points)
            assert (west, east) == (min(x for x, _ in points), max(x for x, _ in points))


def test_duckdb_reads_the_lake_as_tables_with_a_geometry_column(exported):
    db, lake = exported
    con = duckdb.connect()
    for table in ("documents", "events", "mentions", "places"):
        [(count,)] = con.execute(f"SELECT count(*) FROM read_parquet('{lake}/{table}/*/*.parquet',"
                                 " hive_partitioning = true)").fetchall()
        assert count == _sqlite(db, f"SELECT count(*) FROM {table}")[0][0], table
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM"
                             f" read_parquet('{lake}/events/*/*.parquet', hive_partitioning = true))").fetchall())
    assert types["geometry"].startswith("GEOMETRY") and "CRS84" in types["geometry"]
    assert types["event_date"] == "DATE" and types["fatalities"] == "BIGINT" and types["lat"] == "DOUBLE"
    by_month = con.execute(f"SELECT month, count(*), sum(fatalities) FROM read_parquet('{lake}/events/*/*.parquet',"
                           " hive_partitioning = true) WHERE modality = 'asserted' GROUP BY 1 ORDER BY 1").fetchall()
    assert by_month == _sqlite(db, "SELECT substr(event_date, 1, 7) AS m, count(*), sum(fatalities) FROM events"
                                   " WHERE modality = 'asserted' GROUP BY 1 ORDER BY m NULLS LAST")


def test_parquet_needs_a_new_or_empty_folder(tmp_path, exported):
    db, lake = exported
    r = rasd("export", "--format", "parquet", "--db", str(db))
    assert r.returncode == 2 and "-o FOLDER" in r.stderr.decode()
    r = rasd("export", "--format", "parquet", "--db", str(db), "-o", str(lake))
    assert r.returncode == 2 and "not an empty folder" in r.stderr.decode()
