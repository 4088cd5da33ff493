"""Corpus layouts that hold many articles in one file, read as one input per article.

* The ANT layout (rasd.ingest.ant): text files of blank-line-separated articles, each a title line and body
  lines, and a `manifest.tsv` giving each article's file, block number, date and URL.  A folder with such a
  manifest is read through it, one input per manifest row, with its date, URL, title and outlet.
* The same files without a manifest: a text file longer than any article (MULTI_ARTICLE_FILE_BYTES) whose
  blank-line-separated blocks are, from its start, a title line and body lines is many articles.  Read whole it
  would be one 57,000-word story with every place and actor of a month in it; it is read as one article per
  block, each with a warning that says where it came from.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from rasd.ingest.ant import AntArticle, file_articles, iter_blocks, manifest_by_file
from rasd.ingest.decode import DecodeError, decode_bytes
from rasd.ingest.items import InputItem, document_from_text, escape_surrogates, fail, input_key
from rasd.limits import MAX_DOCUMENT_BYTES

MANIFEST = "manifest.tsv"
_MANIFEST_COLUMNS = {"file", "block", "docno", "date", "url"}
# How much of a file is read to tell its layout, and the share of its blocks that must look like articles.
_SNIFF_BYTES = 1024 * 1024
_ARTICLE_SHAPED_SHARE = 0.8
_MIN_BLOCKS = 3
_MAX_TITLE_WORDS = 30
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def is_ant_manifest(path: Path) -> bool:
    """A manifest.tsv whose header names the ANT columns."""
    if path.name != MANIFEST:
        return False
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle, delimiter="\t"), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return _MANIFEST_COLUMNS <= set(header)


def items_from_ant(root: Path) -> Iterator[InputItem]:
    """One input per row of the manifest of the ANT folder `root`, file by file; a file that cannot be read, or a
    row whose block its file does not hold, is a failure of its own."""
    manifest = root / MANIFEST
    try:
        by_file = manifest_by_file(root)
    except (OSError, UnicodeDecodeError, csv.Error, KeyError, ValueError) as e:
        yield fail(input_key(str(manifest), b"unreadable manifest"), escape_surrogates(str(manifest)),
                   f"cannot read the corpus manifest: {type(e).__name__}: {e}")
        return
    for file, wanted in by_file.items():
        origin, path = str(root / file), escape_surrogates(str(root / file))
        found: set[int] = set()
        try:
            for article in file_articles(root, file, wanted):
                found.add(article.block)
                yield _ant_item(article, origin, path)
        except (OSError, UnicodeDecodeError) as e:
            yield fail(input_key(origin, b"unreadable"), path, f"cannot read corpus file: {e}")
            continue
        for block in sorted(set(wanted) - found):
            yield fail(input_key(f"{origin}#{block}", b"missing"), f"{path}#{block}",
                       f"the manifest lists block {block} of this file, which has {len(found)} blocks")


def _ant_item(article: AntArticle, origin: str, path: str) -> InputItem:
    data = article.text.encode("utf-8")
    key, block_path = input_key(f"{origin}#{article.block}", data), f"{path}#{article.block}"
    if len(data) > MAX_DOCUMENT_BYTES:
        return fail(key, block_path, f"article longer than {MAX_DOCUMENT_BYTES / 2**20:.0f} MiB")
    doc = document_from_text(article.text, source_path=block_path, html=False, url=article.url or None,
                             title=article.text.split("\n", 1)[0], published=article.published or None,
                             outlet=article.outlet if "/" in article.file else None)  # the outlet's folder
    return InputItem(key, block_path, document=doc)


def many_articles_encoding(p: Path) -> str | None:
    """The encoding of a text file whose start reads as blank-line-separated articles, title line first;
    None for any other file."""
    try:
        with p.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
        text, encoding = decode_bytes(head)
    except (OSError, DecodeError):
        return None
    blocks = [b for b in _BLANK_LINE.split(text.replace("\r\n", "\n").strip()) if b.strip()][:-1]  # the last may be cut
    shaped = sum(1 for b in blocks if "\n" in b.strip() and len(b.strip().split("\n", 1)[0].split()) <= _MAX_TITLE_WORDS)
    return encoding if len(blocks) >= _MIN_BLOCKS and shaped >= _ARTICLE_SHAPED_SHARE * len(blocks) else None


def items_from_article_blocks(p: Path, encoding: str, size: int) -> Iterator[InputItem]:
    """One input per blank-line-separated block of a text file of many articles."""
    origin, path = str(p), escape_surrogates(str(p))
    warning = (f"read as one of the blank-line-separated articles (title line first) of a {size / 2**20:.1f} MiB"
               " text file, far longer than one article; a manifest.tsv in the ANT layout would give their dates"
               " and URLs")
    number = 0
    try:
        for number, text in enumerate(iter_blocks(p, encoding), start=1):
            key, block_path = input_key(f"{origin}#{number}", text.encode("utf-8", "surrogatepass")), f"{path}#{number}"
            if len(text) > MAX_DOCUMENT_BYTES:
                yield fail(key, block_path, f"article longer than {MAX_DOCUMENT_BYTES / 2**20:.0f} MiB")
                continue
            doc = document_from_text(text, source_path=block_path, html=False)
            doc.warnings.append(warning)
            if encoding not in ("utf-8", "ascii"):
                doc.warnings.append(f"decoded as {encoding}")
            yield InputItem(key, block_path, document=doc)
    except (OSError, UnicodeDecodeError) as e:
        yield fail(input_key(f"{origin}#{number + 1}", b"unreadable"), f"{path}#{number + 1}",
                   f"cannot read the file from this article on: {e}")
