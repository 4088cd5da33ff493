"""Export: the database as Parquet datasets for a data lake, one per table, partitioned by month.

`FOLDER/documents`, `FOLDER/events`, `FOLDER/mentions` and `FOLDER/places` (and, once the corpus step has run,
`FOLDER/merged_events` and `FOLDER/merged_mentions`: the events merged across articles and the event rows each
holds) each hold one file per month in Hive layout (`month=2026-11/part-0.parquet`; a row without a date is in
`month=__HIVE_DEFAULT_PARTITION__`, which readers give as a null month), so DuckDB, pandas, Spark or GDAL read a
folder as one table and skip the months a query does not ask for.  Documents, mentions, places and merged
mentions are filed under the month the document was published, events and merged events under the month they
happened.  Like JSONL, and unlike CSV and GeoJSON, events of every modality are exported, with their `modality`.

Each events and merged_events file is also GeoParquet 1.1: a `geometry` column of WKB points (longitude,
latitude; null for an event without a place) and the `geo` metadata, with the CRS (OGC:CRS84) and the file's
bounding box, so GIS tools open it as a point layer.

Column types come from the database schema (TEXT, INTEGER, REAL), dates become Parquet dates and the time a row
was written a UTC timestamp, so every month's file of a table has the same schema.  Rows are read and written a
batch at a time: memory stays flat however large the database.
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from rasd.store import Store

BATCH_ROWS = 10_000  # rows read from SQLite and written as one Parquet row group at a time
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # the Hive name of a null partition value, which readers know

# OGC:CRS84 (WGS 84, longitude before latitude) in PROJJSON, as PROJ writes it.
CRS84 = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "type": "GeographicCRS",
    "name": "WGS 84 (CRS84)",
    "datum_ensemble": {
        "name": "World Geodetic System 1984 ensemble",
        "members": [{"name": f"World Geodetic System 1984 ({realisation})"}
                    for realisation in ("Transit", "G730", "G873", "G1150", "G1674", "G1762", "G2139")],
        "ellipsoid": {"name": "WGS 84", "semi_major_axis": 6378137, "inverse_flattening": 298.257223563},
        "accuracy": "2.0",
        "id": {"authority": "EPSG", "code": 6326},
    },
    "coordinate_system": {
        "subtype": "ellipsoidal",
        "axis": [{"name": "Geodetic longitude", "abbreviation": "Lon", "direction": "east", "unit": "degree"},
                 {"name": "Geodetic latitude", "abbreviation": "Lat", "direction": "north", "unit": "degree"}],
    },
    "scope": "Not known.",
    "area": "World.",
    "bbox": {"south_latitude": -90, "west_longitude": -180, "north_latitude": 90, "east_longitude": 180},
    "id": {"authority": "OGC", "code": "CRS84"},
}

_DATES = {"published", "event_date"}
_SQL_TYPES = {"TEXT": pa.large_string(), "INTEGER": pa.int64(), "REAL": pa.float64()}


@dataclass(frozen=True)
class Dataset:
    table: str
    columns_left_out: tuple[str, ...]  # bulky copies of the input, kept in the database only
    month: str  # SQL giving a row's month (YYYY-MM) or NULL; `t` is the table, `d` its document
    order: str  # SQL order: by month, then a stable key


DATASETS = (
    Dataset("documents", ("raw", "source_text", "removed", "offset_map", "analysis"),
            "substr(t.published, 1, 7)", "t.published, t.id"),
    Dataset("events", (), "substr(t.event_date, 1, 7)", "t.event_date, t.id"),
    Dataset("mentions", (), "substr(d.published, 1, 7)", "d.published, t.doc_id, t.start, t.\"end\", t.label"),
    Dataset("places", (), "substr(d.published, 1, 7)", "d.published, t.doc_id, t.start, t.\"end\""),
)
# the corpus layer (rasd.corpus): events merged across articles, and which event rows each merged event holds
CORPUS_DATASETS = (
    Dataset("merged_events", (), "substr(t.event_date, 1, 7)", "t.event_date, t.id"),
    Dataset("merged_mentions", (), "substr(d.published, 1, 7)", "d.published, t.merged_id, t.event_id"),
)
_POINTS = {"events", "merged_events"}  # the datasets written as GeoParquet


def write_parquet(store: Store, folder: Path) -> dict[str, int]:
    """Write every dataset under `folder`; returns the rows written per table."""
    datasets = DATASETS + (CORPUS_DATASETS if store.has_corpus else ())
    return {dataset.table: _write_dataset(store, dataset, folder / dataset.table) for dataset in datasets}


def _write_dataset(store: Store, dataset: Dataset, folder: Path) -> int:
    columns = [(name, _arrow_type(name, declared)) for _, name, declared, *_ in
               store.conn.execute(f"PRAGMA table_info({dataset.table})") if name not in dataset.columns_left_out]
    geometry = dataset.table in _POINTS
    schema = pa.schema(columns + ([("geometry", pa.binary())] if geometry else []))
    selected = ", ".join(f't."{name}"' for name, _ in columns)
    joined = " LEFT JOIN documents d ON d.id = t.doc_id" if "doc_id" in dict(columns) else ""
    cursor = store.conn.execute(f"SELECT {dataset.month} AS month, {selected} FROM {dataset.table} t{joined}"
                                f" ORDER BY {dataset.order}")
    bboxes = _bboxes(store, dataset.table) if geometry else {}
    writer: pq.ParquetWriter | None = None
    month: Any = object()
    written = 0
    try:
        while rows := cursor.fetchmany(BATCH_ROWS):
            start = 0
            while start < len(rows):  # the rows of one month in this batch
                if rows[start][0] != month:
                    if writer:
                        writer.close()
                    month = rows[start][0]
                    file_schema = schema.with_metadata({"geo": _geo_metadata(bboxes.get(month))}) if geometry else schema
                    path = folder / f"month={month or NULL_PARTITION}" / "part-0.parquet"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(path, file_schema)
                end = next((i for i in range(start, len(rows)) if rows[i][0] != month), len(rows))
                writer.write_batch(_batch(rows[start:end], columns, schema, geometry))
                written += end - start
                start = end
    finally:
        if writer:
            writer.close()
    return written


def _arrow_type(name: str, declared: str) -> pa.DataType:
    if name in _DATES:
        return pa.date32()
    if name == "created_at":
        return pa.timestamp("s", tz="UTC")
    return _SQL_TYPES[declared.upper()]


def _batch(rows: list[tuple], columns: list[tuple[str, pa.DataType]], schema: pa.Schema,
           geometry: bool) -> pa.RecordBatch:
    """Rows of (month, column values...) as a record batch; text dates and times are parsed by Arrow's cast."""
    arrays = []
    for i, (name, arrow_type) in enumerate(columns, start=1):
        values = [row[i] for row in rows]
        if arrow_type in (pa.date32(), pa.timestamp("s", tz="UTC")):
            arrays.append(pa.array(values, pa.string()).cast(arrow_type))
        else:
            arrays.append(pa.array(values, arrow_type))
    if geometry:
        names = [name for name, _ in columns]
        lon, lat = names.index("lon") + 1, names.index("lat") + 1
        arrays.append(pa.array([None if row[lon] is None or row[lat] is None else wkb_point(row[lon], row[lat])
                                for row in rows], pa.binary()))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def wkb_point(lon: float, lat: float) -> bytes:
    """A point as well-known binary: little-endian, type 1 (Point), x = longitude, y = latitude."""
    return struct.pack("<BIdd", 1, 1, lon, lat)


def _bboxes(store: Store, table: str) -> dict[str | None, list[float]]:
    """The bounding box (west, south, east, north) of each month's located events (of `table`)."""
    return {month: [west, south, east, north] for month, west, south, east, north in store.conn.execute(
        f"SELECT substr(event_date, 1, 7), min(lon), min(lat), max(lon), max(lat) FROM {table}"
        " WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1")}


def _geo_metadata(bbox: list[float] | None) -> str:
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": ["Point"], "crs": CRS84}
    if bbox:
        column["bbox"] = bbox
    return json.dumps({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}})
