"""What ingest gives the runner for each input: an InputItem holding a Document to analyse or an IngestFailure
with its reason, keyed by the input's origin and bytes; and the helpers every input layout shares."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rasd.model import Document


@dataclass
class IngestFailure:
    input_key: str
    source_path: str
    reason: str


@dataclass
class InputItem:
    """What the runner receives for each input: a document to analyse or a failure to record."""

    input_key: str
    source_path: str
    document: Document | None = None
    failure: IngestFailure | None = None


def input_key(origin: str, data: bytes) -> str:
    return hashlib.sha1(origin.encode("utf-8", "surrogatepass") + b"\0" + data).hexdigest()


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """`text` with every lone surrogate written out as a backslash escape, so that it can be encoded and stored.

    Lone surrogates are what Python makes of bytes that are not UTF-8 in file names and command-line arguments
    (U+DC80..U+DCFF, written back as the byte they stand for: '\\xe9') and what a JSON '\\ud800' escape decodes
    to (written as '\\ud800'); SQLite and every UTF-8 writer refuse them.
    """
    return _SURROGATE.sub(_surrogate_escape, text)


def _surrogate_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def fail(key: str, path: str, reason: str) -> InputItem:
    return InputItem(key, path, failure=IngestFailure(key, path, reason))


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    return text.count("</p>") + text.count("</div>") + text.count("<br") >= 3


def document_from_text(text: str, source_path: str | None = None, html: bool | None = None, url: str | None = None,
                       title: str | None = None, outlet: str | None = None, published: str | None = None) -> Document:
    """A Document before cleaning.  Whether the text is HTML is sniffed from its content when not given."""
    is_html = looks_like_html(text) if html is None else html
    return Document(raw=text, source_path=source_path, url=url, title=title, outlet=outlet, published=published,
                    format="html" if is_html else "text")
