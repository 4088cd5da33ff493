"""The schema and the record definitions agree, and an older database migrates without losing a row."""
from __future__ import annotations

import sqlite3

from rasd.store import Store
from rasd.store.records import EVENT_COLUMNS, MENTION_COLUMNS, PLACE_COLUMNS, SOURCE_COLUMNS
from rasd.store.schema import MIGRATIONS, migrate


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def test_every_table_has_exactly_the_columns_its_record_defines(tmp_path):
    with Store(tmp_path / "s.db") as store:
        for table, columns in (("events", EVENT_COLUMNS), ("mentions", MENTION_COLUMNS), ("places", PLACE_COLUMNS),
                               ("event_sources", SOURCE_COLUMNS)):
            assert sorted(_columns(store.conn, table)) == sorted(c.name for c in columns), table


def test_a_database_of_the_first_schema_migrates_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO documents(id, raw, source_text, text, removed, offset_map, analysis, n_words)"
                 " VALUES ('d1', 'نص', 'نص', 'نص', '[]', '[]', '{}', 1)")
    conn.execute("INSERT INTO events(id, doc_id, event_type, sub_event_type, modality, data, event_date, country,"
                 " outlet) VALUES ('d1:0', 'd1', 'Battles', 'Armed clash', 'asserted', '{}', '2018-02-20', 'SY', 'X')")
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn) == len(MIGRATIONS)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("SELECT id, sub_event_type FROM events").fetchall() == [("d1:0", "Armed clash")]
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(events)")}
    assert {"events_country_date", "events_outlet_date"} <= indexes
    conn.close()
    with Store(path) as store:  # and the store opens it as any other
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
