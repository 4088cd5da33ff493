"""The bounds that ingest, the batch runner and the store enforce, and how often a batch commits, in one place.

Each bound turns a hostile or broken input into a failure (or a warning) with a reason instead of a run that
dies, hangs or fills the memory.  The values are far above real news, so normal input never meets them.
"""
from __future__ import annotations

# A news article is a few tens of KB; a page with scripts and markup rarely passes 2 MB.  Applies to a file,
# to stdin and to one line of a JSONL feed.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024

# A compressed feed is read until it has given this much: 1 MB of gzip can hold 1 GB of newlines.
MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024

# Seconds one document may take through the pipeline before it is recorded as a failure (checked as each
# stage ends).  An ordinary article takes about 10 ms; the first one of a run also pays for loading the models
# (a few seconds).  `rasd analyze --time-budget` sets it.
DOCUMENT_TIME_BUDGET_S = 60.0

# Stray NUL bytes (a bad copy, a truncated write) are removed with a warning; more than one NUL per this many
# bytes means binary data (random bytes hold one in 256), which is refused.
BYTES_PER_STRAY_NUL = 1000

# HTML: the parser's time grows with the square of one tag's attributes, so a tag with more attributes than
# this is read without them.  Parsing and extracting 100,000 elements (200,000 tags) takes about 13 s, so a
# page with more tags than this is refused; trafilatura discards an extracted tree with more elements.
MAX_HTML_TAG_ATTRIBUTES = 256
MAX_HTML_TAGS = 200_000
MAX_HTML_ELEMENTS = 200_000

# A fatality count above this is a misreading (a year, a phone number, a sum of money), not one incident's
# toll: it is stored as unknown with a warning.
MAX_PLAUSIBLE_FATALITIES = 1_000_000

# A batch run writes what it has analysed every this many documents, seconds or characters of text, each
# time in one short write transaction: fewer commits (each flushes the full-text index), little work lost to
# a kill, and the memory held by analysed documents waiting to be written stays bounded.
COMMIT_EVERY_DOCS = 50
COMMIT_EVERY_SECONDS = 2.0
COMMIT_EVERY_CHARS = 8 * 1024 * 1024

# How long a writer waits for another process's write transaction (each holds the lock for one batch of
# analysed documents, well under a second) before the database counts as unusable.
DATABASE_BUSY_TIMEOUT_S = 60.0

# `rasd analyze --workers N` and `--dask`: inputs travel to the workers in chunks of at most this many documents
# or characters of text.  Twenty ordinary articles are a fifth of a second of analysis: small enough that the
# workers stay evenly busy to the last document and a worker that dies loses little, large enough that sending
# a chunk costs nothing beside analysing it; a chunk of long pages stays at a few megabytes.
CHUNK_DOCUMENTS = 20
CHUNK_CHARS = 4 * 1024 * 1024
# Chunks sent ahead of the one being written, per worker: enough that no worker waits while another finishes
# a slow chunk, few enough that what waits to be written stays a few megabytes.
CHUNKS_AHEAD_PER_WORKER = 4

# No news article runs to more words than this (the longest long reads and speeches have about 10,000): a
# longer text is analysed with a warning.  A text file of more than MULTI_ARTICLE_FILE_BYTES (some 12,000
# Arabic words) whose blank-line-separated blocks are each a title line and body lines is many articles, in the
# layout of the ANT corpus: it is read as one article per block, each with a warning, instead of as one story.
MAX_ARTICLE_WORDS = 20_000
MULTI_ARTICLE_FILE_BYTES = 128 * 1024

# `rasd watch`: each request waits this long for a connection and for each read (`--timeout`); a body must have
# arrived within WATCH_FETCH_DEADLINE_S, whatever the pace of its bytes.  A timeout, a refused connection, a 429
# or a 5xx is tried WATCH_ATTEMPTS times in all, after 1 s, then 2 s (or the server's Retry-After, up to a
# minute; a later one waits for the next pass).  Requests to one host are WATCH_HOST_DELAY_S apart at least
# (`--host-delay`), as polite crawlers keep.  A page is bounded like any article (MAX_DOCUMENT_BYTES); a feed
# may list thousands of items.
WATCH_TIMEOUT_S = 20.0
WATCH_FETCH_DEADLINE_S = 60.0
WATCH_ATTEMPTS = 3
WATCH_BACKOFF_S = 1.0
WATCH_MAX_RETRY_AFTER_S = 60.0
WATCH_HOST_DELAY_S = 1.0
WATCH_MAX_FEED_BYTES = 64 * 1024 * 1024
# Seconds between passes over the sources (`--interval`).
WATCH_INTERVAL_S = 300.0
