"""The SQLite schema as an ordered list of migrations; PRAGMA user_version records how many ran.

Append a migration to change the schema; never edit one that has shipped.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator

MIGRATIONS: list[str] = [
    # 1: documents, their analysis and the inputs they came from
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        url TEXT, outlet TEXT, title TEXT, published TEXT, language TEXT,
        source_path TEXT, format TEXT,
        raw TEXT NOT NULL, source_text TEXT NOT NULL, text TEXT NOT NULL,
        removed TEXT NOT NULL,          -- JSON list of {kind, text}
        offset_map TEXT NOT NULL,       -- JSON list of [clean_offset, source_offset]
        analysis TEXT NOT NULL,         -- JSON export-contract object
        n_words INTEGER NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX documents_published ON documents(published);
    CREATE INDEX documents_outlet ON documents(outlet);

    CREATE TABLE inputs (
        input_key TEXT PRIMARY KEY,     -- sha1 of origin + raw bytes: a re-run skips what it has seen
        source_path TEXT NOT NULL,
        doc_id TEXT REFERENCES documents(id),
        outcome TEXT NOT NULL,          -- stored | duplicate | failed
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX inputs_doc ON inputs(doc_id);

    CREATE TABLE failures (
        input_key TEXT PRIMARY KEY,
        source_path TEXT NOT NULL,
        stage TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );

    CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        text TEXT NOT NULL, label TEXT NOT NULL, actor TEXT, source TEXT,
        PRIMARY KEY (doc_id, start, "end", label)
    );
    CREATE INDEX mentions_actor ON mentions(actor);
    CREATE INDEX mentions_label ON mentions(label);

    CREATE TABLE actors (
        name TEXT PRIMARY KEY,          -- canonical English name
        type TEXT, inter INTEGER, country TEXT, wikidata TEXT,
        names_ar TEXT                   -- JSON list
    );

    CREATE TABLE places (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        name_ar TEXT, name_en TEXT, lat REAL, lon REAL, country TEXT, admin1 TEXT, admin2 TEXT,
        geonameid INTEGER, feature_class TEXT, feature_code TEXT,
        precision INTEGER, direction TEXT, confidence REAL,
        PRIMARY KEY (doc_id, start, "end")
    );
    CREATE INDEX places_name ON places(name_en);
    CREATE INDEX places_country ON places(country, admin1);

    CREATE TABLE events (
        id TEXT PRIMARY KEY,            -- doc_id:index
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
        actor1 TEXT, assoc_actor_1 TEXT, actor2 TEXT, assoc_actor_2 TEXT,
        inter1 INTEGER, inter2 INTEGER, interaction INTEGER,
        event_date TEXT, time_precision INTEGER,
        location TEXT, location_ar TEXT, lat REAL, lon REAL, country TEXT, admin1 TEXT, admin2 TEXT,
        geo_precision INTEGER,
        fatalities INTEGER, civilian_fatalities INTEGER,
        modality TEXT NOT NULL, confidence REAL,
        outlet TEXT,
        data TEXT NOT NULL              -- JSON of the whole event (evidence, quantities, weapons, attribution)
    );
    CREATE INDEX events_date ON events(event_date, id);
    CREATE INDEX events_type ON events(event_type, sub_event_type);
    CREATE INDEX events_geo ON events(lat, lon);
    CREATE INDEX events_country ON events(country, admin1);
    CREATE INDEX events_actor1 ON events(actor1);
    CREATE INDEX events_actor2 ON events(actor2);
    CREATE INDEX events_doc ON events(doc_id);

    CREATE TABLE event_sources (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,      -- 0 = original claimant, then each relay outward to the outlet
        text TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT,
        PRIMARY KEY (event_id, position)
    );

    -- Normalised text (rasd.text.arabic.normalize) in `body`, and one clitic-stripped stem per token in
    -- `stems`, so that a search for حماة finds بحماة and the phrase positions of both columns agree.
    CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, title, body, stems, tokenize = 'unicode61');
    """,
    # 2: filtered event listings in stable (event_date, id) order
    """
    CREATE INDEX events_country_date ON events(country, event_date, id);
    CREATE INDEX events_outlet_date ON events(outlet, event_date, id);
    """,
    # 3: what `rasd watch` keeps of each source between passes (its items are in `inputs`)
    """
    CREATE TABLE watched_sources (
        source TEXT PRIMARY KEY,        -- a feed URL, a URL list or a folder, as given to rasd watch
        etag TEXT, last_modified TEXT,  -- of the last feed response whose items were all written
        checked_at TEXT NOT NULL,
        error TEXT                      -- why the last pass could not read it, or NULL
    );
    """,
    # 4: the corpus layer (rasd.corpus): near-duplicates, stories and events merged across articles, kept here so
    # that adding one article reads and writes a bounded number of rows whatever the corpus size
    """
    CREATE TABLE corpus_documents (
        doc_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,    -- the documents rowid: the order the corpus step took them in
        day TEXT NOT NULL,              -- the date the corpus places it on (published, else its events', else stored)
        outlet TEXT,
        shingles INTEGER NOT NULL,      -- how many distinct word shingles its text has
        minhash BLOB NOT NULL,          -- MinHash signature (uint64 values)
        duplicate_of TEXT,              -- the first stored document this one is a copy of, or NULL
        source TEXT NOT NULL,           -- the independent source it counts as (copies count as their original)
        story INTEGER NOT NULL
    );
    CREATE INDEX corpus_documents_story ON corpus_documents(story, day);
    CREATE INDEX corpus_documents_duplicate ON corpus_documents(duplicate_of);

    -- one row per LSH band of each document: the band's hash (band number mixed in) and the document
    CREATE TABLE corpus_lsh (
        key INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        PRIMARY KEY (key, doc_id)
    ) WITHOUT ROWID;

    -- in how many documents each word stem occurs (the idf of story similarity)
    CREATE TABLE corpus_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;

    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT, first_day TEXT NOT NULL, last_day TEXT NOT NULL,
        documents INTEGER NOT NULL,
        profile TEXT NOT NULL,          -- JSON: summed term weights (the top ones), actors, places, event types
        embedding BLOB                  -- summed sentence embeddings of its titles (float32), when the encoder is built
    );
    CREATE INDEX stories_last_day ON stories(last_day);

    -- what finds a story's candidates for a new article: its terms, actors and places, by the day they came in
    CREATE TABLE story_keys (
        key TEXT NOT NULL, day TEXT NOT NULL, story INTEGER NOT NULL,
        PRIMARY KEY (key, day, story)
    ) WITHOUT ROWID;

    CREATE TABLE merged_events (
        id INTEGER PRIMARY KEY,
        story INTEGER,
        family TEXT NOT NULL,           -- what its reports must share (rasd.corpus.merge.family)
        event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
        actor1 TEXT, actor2 TEXT, event_date TEXT NOT NULL,
        first_date TEXT NOT NULL, last_date TEXT NOT NULL,  -- of its reports: never more than two days apart
        location TEXT, lat REAL, lon REAL, country TEXT, admin1 TEXT, geo_precision INTEGER,
        fatalities INTEGER, fatalities_note TEXT,
        reports INTEGER NOT NULL, outlets TEXT NOT NULL,    -- outlets: JSON list
        independent_outlets INTEGER NOT NULL,
        confirmed INTEGER NOT NULL,     -- 1 when an independent source confirms what a party or an anonymous source said
        confidence REAL,
        lead TEXT NOT NULL              -- the report (events.id) whose place is the most precise: the row's details
    );
    CREATE INDEX merged_events_family_date ON merged_events(family, event_date);
    CREATE INDEX merged_events_date ON merged_events(event_date, id);
    CREATE INDEX merged_events_story ON merged_events(story);

    -- the event mentions (rows of events) behind each merged event, with what each contributes
    CREATE TABLE merged_mentions (
        event_id TEXT PRIMARY KEY,
        merged_id INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        day TEXT NOT NULL,              -- the report's date: the event's, else its article's
        source TEXT NOT NULL,           -- the independent source this report counts as
        partisan INTEGER NOT NULL       -- 1 when only a party to the event or an anonymous source says it
    );
    CREATE INDEX merged_mentions_merged ON merged_mentions(merged_id);
    """,
    # 5: the LSH bands and story keys led by the fortnight of the article's day, so that a look-up reads the rows
    # of a few recent fortnights (and an insert writes there), not rows spread over the whole index: adding an
    # article then costs the same at any corpus size.  The corpus tables are derived from the stored documents:
    # they are emptied here and the next corpus update (rasd corpus) builds them again.
    """
    DROP TABLE corpus_lsh;
    CREATE TABLE corpus_lsh (
        period INTEGER NOT NULL,        -- rasd.corpus.articles.period_of the document's day
        key INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        PRIMARY KEY (period, key, doc_id)
    ) WITHOUT ROWID;
    DROP TABLE story_keys;
    CREATE TABLE story_keys (
        period INTEGER NOT NULL, key TEXT NOT NULL, day TEXT NOT NULL, story INTEGER NOT NULL,
        PRIMARY KEY (period, key, day, story)
    ) WITHOUT ROWID;
    DELETE FROM merged_mentions;
    DELETE FROM merged_events;
    DELETE FROM stories;
    DELETE FROM corpus_terms;
    DELETE FROM corpus_documents;
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the latest schema; returns the version it is at.

    The version is read again under the write lock before migrating, so that of two processes opening a new
    database at once, one creates the tables and the other finds them made.
    """
    version = _version(conn)
    if version < len(MIGRATIONS):
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _version(conn)
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if version > len(MIGRATIONS):
        raise RuntimeError(f"database schema version {version} is newer than this rasd ({len(MIGRATIONS)})")
    return len(MIGRATIONS)


def _version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, one by one (executescript would commit the transaction they belong in)."""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""
