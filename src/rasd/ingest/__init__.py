"""Ingest: files, directories, JSONL(.gz), corpora of many articles per file (rasd.ingest.corpora) and stdin
into `Document`s.

Every input item yields either a `Document` or an `IngestFailure` with a reason;
nothing raises, so one bad file never stops a batch.  Each item carries an
`input_key` (hash of its raw bytes and origin) that lets a re-run skip what is
already stored.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from rasd.ingest.corpora import (MANIFEST, is_ant_manifest, items_from_ant, items_from_article_blocks,
                                 many_articles_encoding)
from rasd.ingest.decode import DecodeError, decode_bytes
from rasd.ingest.items import (IngestFailure, InputItem, document_from_text, escape_surrogates, fail, input_key,
                               looks_like_html)
from rasd.limits import MAX_ARTICLE_WORDS, MAX_DECOMPRESSED_BYTES, MAX_DOCUMENT_BYTES, MULTI_ARTICLE_FILE_BYTES

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES


def iter_inputs(paths: Iterable[str]) -> Iterator[InputItem]:
    """Walk paths ('-' is stdin) and yield one InputItem per article, in a stable order."""
    for path in paths:
        if path == "-":  # one article; read no more of it than the size check needs
            yield from _items_from_bytes("<stdin>", "<stdin>", sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1))
            continue
        p = Path(path)
        if p.is_dir():
            entries = _files_under(p)
            corpora = [f.parent for f, error in entries if not error and is_ant_manifest(f)]
            for f, error in entries:
                if error:
                    yield fail(input_key(str(f), b"unreadable directory"), escape_surrogates(str(f)),
                                f"cannot read directory: {error.strerror or error}: the files in it are not analysed")
                elif any(root in f.parents for root in corpora):  # read through its corpus's manifest
                    if f.parent in corpora and f.name == MANIFEST:
                        yield from items_from_ant(f.parent)
                elif _suffix(f) in SUPPORTED:
                    yield from _items_from_file(f)
        elif is_ant_manifest(p):
            yield from items_from_ant(p.parent)
        elif p.exists():
            yield from _items_from_file(p)
        else:
            yield fail(input_key("missing", str(p).encode("utf-8", "surrogateescape")), escape_surrogates(str(p)),
                        "file not found")


def _files_under(top: Path) -> list[tuple[Path, OSError | None]]:
    """Every file below `top` and every directory below it that cannot be listed (with the error), sorted by path.

    Like `Path.rglob`, links to directories are not followed; unlike it, a directory it cannot list is reported,
    not passed over in silence.  An entry that cannot even be examined counts as a file: reading it says why not.
    """
    found: list[tuple[Path, OSError | None]] = []
    directories = [top]
    while directories:
        directory = directories.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as e:
            found.append((directory, e))
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    directories.append(directory / entry.name)
                    continue
                is_file = entry.is_file()
            except OSError:
                is_file = True
            if is_file:
                found.append((directory / entry.name, None))
    return sorted(found, key=lambda f: f[0])


def _suffix(p: Path) -> str:
    name = p.name.lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else p.suffix.lower()


def _items_from_file(p: Path) -> Iterator[InputItem]:
    origin, path = str(p), escape_surrogates(str(p))  # the key is made from the name as it is, bytes and all
    suffix = _suffix(p)
    try:
        size = p.stat().st_size
        if suffix in JSONL_SUFFIXES:
            yield from _items_from_jsonl(p)
            return
        if suffix in TEXT_SUFFIXES and size > MULTI_ARTICLE_FILE_BYTES:
            encoding = many_articles_encoding(p)
            if encoding:
                yield from items_from_article_blocks(p, encoding, size)
                return
        if size > MAX_DOCUMENT_BYTES:
            key = input_key(origin, f"size={size};mtime={p.stat().st_mtime_ns}".encode())
            yield fail(key, path, f"file too large for one article: {size / 2**20:.1f} MiB > {MAX_DOCUMENT_BYTES / 2**20:.0f} MiB limit")
            return
        data = p.read_bytes()
    except OSError as e:
        key = input_key(origin, b"unreadable")
        yield fail(key, path, f"cannot read file: {e.strerror or e}")
        return
    yield from _items_from_bytes(origin, path, data, html_hint=suffix in HTML_SUFFIXES)


def _items_from_bytes(origin: str, path: str, data: bytes, html_hint: bool = False) -> Iterator[InputItem]:
    key = input_key(origin, data)
    if len(data) > MAX_DOCUMENT_BYTES:
        yield fail(key, path, f"input too large for one article: more than {MAX_DOCUMENT_BYTES / 2**20:.0f} MiB")
        return
    repairs: list[str] = []
    try:
        text, encoding = decode_bytes(data, repairs)
    except DecodeError as e:
        yield fail(key, path, str(e))
        return
    doc = document_from_text(text, source_path=path, html=True if html_hint else None)
    doc.warnings.extend(([] if encoding in ("utf-8", "ascii") else [f"decoded as {encoding}"]) + repairs)
    if doc.format == "text" and (words := len(text.split())) > MAX_ARTICLE_WORDS:
        doc.warnings.append(f"{words:,} words, more than any news article ({MAX_ARTICLE_WORDS:,}): read as one; a"
                            " text file of many articles is read as one article each when blank lines separate"
                            " them and each begins with its title line")
    yield InputItem(key, path, document=doc)


def _items_from_jsonl(p: Path) -> Iterator[InputItem]:
    origin, path = str(p), escape_surrogates(str(p))
    compressed = p.name.lower().endswith(".gz")
    lines = _NumberedLines(MAX_DECOMPRESSED_BYTES if compressed else None)
    try:
        with (gzip.open if compressed else open)(p, "rb") as fh:
            for line in lines.read(fh):
                line_origin, line_path = f"{origin}:{lines.line_no}", f"{path}:{lines.line_no}"
                if line is None:
                    yield fail(input_key(line_origin, b"overlong"), line_path,
                                f"line longer than {MAX_DOCUMENT_BYTES / 2**20:.0f} MiB")
                else:
                    yield _item_from_json_line(line_origin, line_path, line)
    except (EOFError, OSError, zlib.error, gzip.BadGzipFile) as e:
        line_origin, line_path = f"{origin}:{lines.line_no}", f"{path}:{lines.line_no}"
        yield fail(input_key(line_origin, b"broken"), line_path, f"compressed stream is corrupt or truncated: {e}")
    except _TooMuchData:
        line_origin, line_path = f"{origin}:{lines.line_no}", f"{path}:{lines.line_no}"
        yield fail(input_key(line_origin, b"too much data"), line_path,
                    f"compressed feed decompresses to more than {MAX_DECOMPRESSED_BYTES / 2**20:,.0f} MiB:"
                    " not read from here on")


class _TooMuchData(Exception):
    pass


class _NumberedLines:
    """The lines of a binary stream that are not blank, each with its end of line and its number (`line_no`).

    Blank lines cost a scan of the bytes, not a step of a Python loop each: 1 MB of gzip holds a billion newlines.
    A line longer than one document is given as None and its bytes are skipped, not held.  After `max_bytes`
    of stream, reading stops with _TooMuchData.  When the stream fails, `line_no` is the line being read.
    """

    def __init__(self, max_bytes: int | None):
        self.max_bytes = max_bytes
        self.line_no = 1

    def read(self, fh: io.BufferedIOBase) -> Iterator[bytes | None]:
        partial = b""  # the start of line `line_no`, whose end has not been read yet
        skipping = False  # inside an overlong line, already reported
        total = 0
        while chunk := fh.read(_READ_CHUNK_BYTES):
            total += len(chunk)
            if self.max_bytes is not None and total > self.max_bytes:
                raise _TooMuchData
            if skipping:
                end = chunk.find(b"\n")
                if end < 0:
                    continue
                skipping, chunk = False, chunk[end + 1:]
                self.line_no += 1
            data, start = partial + chunk, 0
            found = None if data.isspace() else _NON_BLANK.search(data)  # isspace: a blank run scanned 5x faster
            while found:
                line_start = data.rfind(b"\n", start, found.start()) + 1 or start
                self.line_no += data.count(b"\n", start, line_start)
                end = data.find(b"\n", found.start())
                if end < 0:
                    start = line_start
                    break
                yield data[line_start:end + 1] if end - line_start <= MAX_DOCUMENT_BYTES else None
                self.line_no += 1
                start = end + 1
                found = _NON_BLANK.search(data, start)
            else:  # the rest is blank: count its lines, keep the start of the last (unfinished) one
                self.line_no += data.count(b"\n", start)
                start = data.rfind(b"\n", start) + 1 or start
            partial = data[start:]
            if len(partial) > MAX_DOCUMENT_BYTES:
                yield None
                skipping, partial = True, b""
        if partial.strip() and not skipping:
            yield partial


_READ_CHUNK_BYTES = 1024 * 1024
_NON_BLANK = re.compile(rb"\S")


def _item_from_json_line(origin: str, path: str, line: bytes) -> InputItem:
    key = input_key(origin, line)
    repairs: list[str] = []
    try:
        text, _ = decode_bytes(line, repairs)
        record = json.loads(text)
    except (DecodeError, json.JSONDecodeError) as e:
        return fail(key, path, f"not a JSON object: {e}")
    except RecursionError:
        return fail(key, path, "not a JSON object: arrays or objects nested too deeply to read")
    except ValueError:  # Python refuses to convert integers longer than sys.get_int_max_str_digits()
        return fail(key, path, f"not a JSON object: a number longer than {sys.get_int_max_str_digits()} digits")
    if not isinstance(record, dict):
        return fail(key, path, "JSON line is not an object")
    body = record.get("html") if isinstance(record.get("html"), str) else record.get("text")
    if not isinstance(body, str) or not body.strip():
        return fail(key, path, "JSON object has no 'text' or 'html' string")
    escaped_body = escape_surrogates(body)
    doc = document_from_text(escaped_body, source_path=path,
                             html="html" in record and isinstance(record.get("html"), str),
                             url=_str(record.get("url")), title=_str(record.get("title")),
                             outlet=_str(record.get("outlet")), published=_str(record.get("published")))
    if escaped_body != body:
        doc.warnings.append("lone UTF-16 surrogates (invalid characters) in the text written as \\u escapes")
    doc.warnings.extend(repairs)
    return InputItem(key, path, document=doc)


def _str(v: object) -> str | None:
    return escape_surrogates(v.strip()) or None if isinstance(v, str) else None




__all__ = ["IngestFailure", "InputItem", "document_from_text", "escape_surrogates", "input_key", "iter_inputs",
           "looks_like_html"]
