"""Store: one SQLite file in WAL mode holding documents, their analysis, failures and a full-text index.

Idempotency comes from two keys: a document's id (hash of its normalised clean
text) and an input's key (hash of its raw bytes and origin).  A document and the
input that produced it are written in one transaction, so a run killed at any
point and started again stores every document exactly once.  Several processes
may write one database: each write transaction takes the write lock when it
begins (BEGIN IMMEDIATE) and a writer that finds it taken waits for it.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rasd.limits import DATABASE_BUSY_TIMEOUT_S
from rasd.model import Document
from rasd.store.records import EVENT_COLUMNS, MENTION_COLUMNS, PLACE_COLUMNS, SOURCE_COLUMNS, insert_sql
from rasd.store.rows import (ACTOR_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_ERRORS, ActorLookup, DocumentRows,
                             UnstorableDocument, document_rows, search_stem)
from rasd.store.schema import migrate
from rasd.text.arabic import tokenize

DEFAULT_DB = "out/rasd.db"  # where `make run` writes it; every command's --db defaults to it


class DatabaseUnreadable(Exception):
    """The database cannot be read; the message names the file and says why."""


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that has read the schema, so that a database that cannot be read fails here, once.

    SQLite reads a WAL database through a -shm index that it creates beside the file; in a read-only directory it
    cannot, and every query fails with "unable to open database file".  When there is no -wal file there either,
    the database file holds every committed write and nothing can add one, so it is then read as immutable."""
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}")
    uri = path.resolve().as_uri()
    try:
        return _schema_read(sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False))
    except sqlite3.DatabaseError as e:
        error = e
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-wal").exists():
        try:
            return _schema_read(sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False))
        except sqlite3.DatabaseError as e:
            error = e
    raise DatabaseUnreadable(f"cannot read the database {path}: {error}")


def _schema_read(conn: sqlite3.Connection) -> sqlite3.Connection:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB, readonly: bool = False):
        """Open the database (created and migrated when writable).  A file that is not a usable database, or
        that cannot be written when writing is asked for, raises sqlite3.Error now rather than at first use."""
        self.path = str(path)
        if readonly:
            self.conn = connect_readonly(Path(self.path))
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)  # out/ of the default, in a fresh checkout
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                        timeout=DATABASE_BUSY_TIMEOUT_S)
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self._check_writable(migrate(self.conn))
            except sqlite3.Error:
                self.conn.close()
                raise
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys=ON")
        # a database an older rasd wrote, opened read-only, has no corpus tables: its corpus fields are null
        self.has_corpus = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'corpus_documents'").fetchone() is not None

    def _check_writable(self, version: int) -> None:
        """SQLite opens a file it may not write for reading without a word and fails at the first write; a run
        should fail before it analyses anything.  Rewriting the schema version, rolled back, is that write."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(f"PRAGMA user_version = {version}")
        finally:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction: waits for another writer's to end, commits at the end, rolls back on an error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # some errors (a full disk) have rolled it back already
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- writing -----------------------------------------------------------------------------------------

    def seen(self, input_key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM inputs WHERE input_key = ?", (input_key,)).fetchone() is not None

    def save(self, doc: Document, input_key: str, actor_lookup: ActorLookup | None = None) -> str:
        """Store an analysed document; returns 'stored', or 'duplicate' when its text is already stored.

        Numbers that cannot be facts are stored as unknown, with a warning in the document.  A document that
        still cannot be written (a value SQLite or JSON refuses) leaves nothing behind and raises
        UnstorableDocument with the reason; errors of the database itself propagate.
        """
        return self.write(document_rows(doc, actor_lookup), input_key)

    def write(self, rows: DocumentRows, input_key: str) -> str:
        """Write a document's rows (made by `rasd.store.rows.document_rows`, perhaps in another process) with
        the input they came from; returns 'stored', or 'duplicate' when its text is already stored.  Rows that
        cannot be written leave nothing behind and raise UnstorableDocument."""
        self.conn.execute("SAVEPOINT save_document")
        try:
            outcome = self._write(rows, input_key)
        except _DOCUMENT_ERRORS as e:
            self.conn.execute("ROLLBACK TO save_document")
            self.conn.execute("RELEASE save_document")
            raise UnstorableDocument(f"{type(e).__name__}: {e}") from e
        self.conn.execute("RELEASE save_document")
        return outcome

    def _write(self, rows: DocumentRows, input_key: str) -> str:
        c = self.conn
        if c.execute("SELECT 1 FROM documents WHERE id = ?", (rows.doc_id,)).fetchone():
            c.execute("INSERT OR IGNORE INTO inputs(input_key, source_path, doc_id, outcome) VALUES (?,?,?,?)",
                      (input_key, rows.source_path, rows.doc_id, "duplicate"))
            return "duplicate"
        rowid = c.execute(_INSERT_DOCUMENT, rows.document).lastrowid
        c.executemany(insert_sql("mentions", MENTION_COLUMNS, "INSERT OR IGNORE"), rows.mentions)
        c.executemany(insert_sql("places", PLACE_COLUMNS, "INSERT OR IGNORE"), rows.places)
        c.executemany(insert_sql("events", EVENT_COLUMNS), rows.events)
        c.executemany(insert_sql("event_sources", SOURCE_COLUMNS), rows.event_sources)
        # the search row has the document's rowid, so that the corpus step reads a document's words by it
        c.execute("INSERT INTO documents_fts(rowid, doc_id, title, body, stems) VALUES (?,?,?,?,?)",
                  (rowid, *rows.search))
        c.executemany(f"INSERT OR IGNORE INTO actors({', '.join(ACTOR_COLUMNS)})"
                      f" VALUES ({', '.join('?' * len(ACTOR_COLUMNS))})", rows.actors)
        c.execute("INSERT OR REPLACE INTO inputs(input_key, source_path, doc_id, outcome) VALUES (?,?,?,?)",
                  (input_key, rows.source_path, rows.doc_id, "stored"))
        return "stored"

    def record_failure(self, input_key: str, source_path: str, stage: str, reason: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO failures(input_key, source_path, stage, reason) VALUES (?,?,?,?)",
                          (input_key, source_path, stage, reason))
        self.conn.execute("INSERT OR REPLACE INTO inputs(input_key, source_path, doc_id, outcome) VALUES (?,?,NULL,?)",
                          (input_key, source_path, "failed"))

    def record_source(self, source: str, error: str | None = None,
                      validators: tuple[str | None, str | None] | None = None) -> None:
        """Note a pass of `rasd watch` over a source: the error that stopped it, if any, and, once every item of
        a feed response is written, that response's ETag and Last-Modified, which the next request sends."""
        etag, last_modified = validators or (None, None)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO watched_sources(source, etag, last_modified, checked_at, error)"
                " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)"
                " ON CONFLICT(source) DO UPDATE SET checked_at = excluded.checked_at, error = excluded.error,"
                " etag = CASE WHEN ? THEN excluded.etag ELSE etag END,"
                " last_modified = CASE WHEN ? THEN excluded.last_modified ELSE last_modified END",
                (source, etag, last_modified, error, validators is not None, validators is not None))

    # --- reading -----------------------------------------------------------------------------------------

    def source_validators(self, source: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of a watched feed's last response whose items were all written."""
        row = self.conn.execute("SELECT etag, last_modified FROM watched_sources WHERE source = ?", (source,)).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The export-contract object of a document (a unique id prefix is accepted)."""
        ids = self.document_ids(doc_id, 2)
        if len(ids) != 1:
            return None
        return self.with_corpus(json.loads(self.conn.execute("SELECT analysis FROM documents WHERE id = ?",
                                                             ids).fetchone()[0]))

    def document_ids(self, prefix: str, limit: int) -> list[str]:
        """The first `limit` document ids, in order, that begin with `prefix` (ASCII letters in either case)."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?", (pattern, limit))]

    def iter_documents(self) -> Iterator[dict[str, Any]]:
        for row in self.conn.execute("SELECT analysis FROM documents ORDER BY published, id"):
            yield self.with_corpus(json.loads(row["analysis"]))

    def with_corpus(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The export-contract object with what the corpus step (rasd.corpus) found across articles: the
        document's `duplicate_of` and `story`, and each event's `merged_id`, `reports`, `outlets` and
        `independent_outlets` (null for events that were not merged: those not asserted, or before the step ran)."""
        placed = self.conn.execute("SELECT duplicate_of, story FROM corpus_documents WHERE doc_id = ?",
                                   (doc["id"],)).fetchone() if self.has_corpus else None
        doc["duplicate_of"] = placed["duplicate_of"] if placed else None
        doc["story"] = placed["story"] if placed else None
        for i, event in enumerate(doc["events"]):
            event.update(corroboration(self.merged_event_of(f"{doc['id']}:{i}")))
        return doc

    def merged_event_of(self, event_id: str) -> sqlite3.Row | None:
        """The merged_events row of the merged event that an event (a report) belongs to, if any."""
        if not self.has_corpus:
            return None
        return self.conn.execute("SELECT m.* FROM merged_mentions mm JOIN merged_events m ON m.id = mm.merged_id"
                                 " WHERE mm.event_id = ?", (event_id,)).fetchone()

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Documents matching every word of `query` (normalised and clitic-stripped), best first."""
        stems = [search_stem(t.norm) for t in tokenize(query) if t.norm[:1].isalnum()]
        if not stems:
            return []
        match = "stems: " + " ".join('"' + s.replace('"', '') + '"' for s in stems)
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.outlet, d.published, d.text FROM documents_fts f JOIN documents d ON d.id = f.doc_id"
            " WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts), d.id LIMIT ? OFFSET ?",
            (match, limit, offset)).fetchall()
        return [{"id": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                 "snippet": snippet(r["text"], set(stems))} for r in rows]

    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "failures": one("SELECT count(*) FROM failures"),
            "duplicates": one("SELECT count(*) FROM inputs WHERE outcome = 'duplicate'"),
            "entities": one("SELECT count(*) FROM mentions"),
            "places": one("SELECT count(*) FROM places"),
            "events": one("SELECT count(*) FROM events WHERE modality = 'asserted'"),
            "words": one("SELECT coalesce(sum(n_words), 0) FROM documents"),
        }

    def failures(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT source_path, stage, reason FROM failures ORDER BY source_path")]


# What one document's rows can make the writing raise, besides what building them can (rasd.store.rows): a key
# or value SQLite refuses, as opposed to errors of the database itself.
_DOCUMENT_ERRORS = DOCUMENT_ERRORS + (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError,
                                      sqlite3.ProgrammingError)
_INSERT_DOCUMENT = (f"INSERT INTO documents({', '.join(DOCUMENT_COLUMNS)})"
                    f" VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))})")


def corroboration(merged: sqlite3.Row | None) -> dict[str, Any]:
    """The export contract's fields of an event's merged event (all null when it has none)."""
    return {"merged_id": merged["id"] if merged is not None else None,
            "reports": merged["reports"] if merged is not None else None,
            "outlets": json.loads(merged["outlets"]) if merged is not None else None,
            "independent_outlets": merged["independent_outlets"] if merged is not None else None}


def snippet(text: str, stems: set[str], width: int = 12) -> str:
    tokens = tokenize(text)
    for i, t in enumerate(tokens):
        if search_stem(t.norm) in stems:
            lo, hi = max(0, i - width), min(len(tokens), i + width + 1)
            prefix = "… " if lo else ""
            suffix = " …" if hi < len(tokens) else ""
            return prefix + text[tokens[lo].start:tokens[hi - 1].end].replace("\n", " ") + suffix
    return text[:160]


__all__ = ["Store", "DEFAULT_DB", "corroboration", "DatabaseUnreadable", "DocumentRows", "UnstorableDocument", "document_rows",
           "search_stem"]
