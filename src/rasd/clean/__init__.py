"""Clean: from a raw page to the article's text, its metadata and a log of what was dropped.

Works on lines, because that is how scrapes go wrong: whole paragraphs pasted
twice, counters and share bars on lines of their own, the outlet's name alone
at the end.  Every drop is logged as a `Removal`; every kept character keeps its
position in `source_text` through `Document.offset_map`.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from rasd.clean.html import extract_html
from rasd.clean.lines import boilerplate_kind, dateline, paragraph_key, shingles, signature_name
from rasd.model import Document, Removal
from rasd.text.arabic import normalize
from rasd.text.dates import parse_explicit_date, parse_iso

OutletLookup = Callable[[str], str | None]

# Zero-width, bidi controls, soft hyphen, BOM and tatweel carry no text.
_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad\u0640\u061c")
_LINE = re.compile(r"[^\r\n]+")
_VISIBLE_RUN = re.compile("[^\\s" + "".join(sorted(_INVISIBLE)) + "]+")
_NEEDS_COLLAPSING = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]|\\s\\s|[^\\S ]")
NEAR_DUPLICATE_JACCARD = 0.8
MIN_WORDS_FOR_NEAR_DUPLICATE = 6
# Scrapes repeat a page's paragraphs within a few dozen lines; comparing each paragraph with every earlier
# one would make a huge input quadratic, so near copies are looked for among the last few hundred.
NEAR_DUPLICATE_WINDOW = 300


def clean_document(doc: Document, outlet_lookup: OutletLookup | None = None) -> None:
    """Fill text, source_text, removed, offset_map, id and missing metadata of `doc`."""
    if doc.format == "html":
        page = extract_html(doc.raw)
        doc.source_text = page.text
        doc.title = doc.title or page.title
        doc.published = doc.published or page.date
        doc.url = doc.url or page.url
        doc.outlet = doc.outlet or page.sitename
        doc.removed.extend(page.removed)
        doc.warnings.extend(page.warnings)
    else:
        doc.source_text = doc.raw
    doc.published = _iso_or_none(doc.published)

    lines = [_visible(doc.source_text, m.start(), m.end()) for m in _LINE.finditer(doc.source_text)]
    lines = [ln for ln in lines if ln[0]]
    kept = [ln for ln in lines if not _log_boilerplate(doc, ln[0])]
    kept = _drop_repeated_paragraphs(doc, kept)
    kept = _drop_signatures(doc, kept, outlet_lookup)
    _read_dateline(doc, kept, outlet_lookup)
    if doc.outlet:  # whatever named it (metadata, signature, dateline), the registry's name is the canonical one
        doc.outlet = _known_outlet(doc.outlet, outlet_lookup) or doc.outlet
    _assemble(doc, kept)
    if not doc.title and len(kept) > 1 and _looks_like_title(kept[0][0]):
        doc.title = kept[0][0]
    doc.id = document_id(doc.text)


def document_id(clean_text: str) -> str:
    """Stable id: the same article text gives the same id whatever its encoding, spacing or hamza spelling."""
    key = " ".join(normalize(clean_text).split())
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


Line = tuple[str, list[tuple[int, int]]]  # visible text, (offset in that text, offset in source_text) run starts


def _visible(src: str, start: int, end: int) -> Line:
    """The line without invisible characters and with whitespace collapsed, plus its offset runs."""
    line = src[start:end]
    text = line.strip()
    if not _NEEDS_COLLAPSING.search(text):  # most lines: already clean, one run maps the whole of it
        return text, [(0, start + len(line) - len(line.lstrip()))] if text else []
    out: list[str] = []
    runs: list[tuple[int, int]] = []
    pos, prev_end = 0, None
    for m in _VISIBLE_RUN.finditer(src, start, end):
        spaced = prev_end is not None and any(c.isspace() for c in src[prev_end:m.start()])
        if spaced:  # one space for the gap, mapped to the source character before the run
            runs.append((pos, m.start() - 1))
            out.append(" ")
            pos += 1
        else:
            runs.append((pos, m.start()))
        out.append(m.group())
        pos += m.end() - m.start()
        prev_end = m.end()
    return "".join(out), runs


def _drop_signatures(doc: Document, content: list[Line], lookup: OutletLookup | None) -> list[Line]:
    """A lone outlet name is a signature at the first or last lines, or anywhere when it names a known outlet."""
    edges = {0, 1, len(content) - 1, len(content) - 2}
    kept: list[Line] = []
    for i, ln in enumerate(content):
        name = signature_name(ln[0])
        at_edge = i in edges and len(content) > 2
        if name is None and at_edge and len(ln[0].split()) <= 3 and not ln[0].rstrip().endswith((".", ":", "؟")):
            name = ln[0].strip()  # an unmarked short line ("بوابة الوسط") is a signature only if it names an outlet
            at_edge = False
        known = _known_outlet(name, lookup) if name else None
        if name and (known or at_edge):
            doc.removed.append(Removal("signature", ln[0]))
            doc.outlet = doc.outlet or known or name
            continue
        kept.append(ln)
    return kept


def _log_boilerplate(doc: Document, text: str) -> bool:
    kind = boilerplate_kind(text)
    if kind:
        doc.removed.append(Removal(kind, text))
    return kind is not None


def _drop_repeated_paragraphs(doc: Document, lines: list[Line]) -> list[Line]:
    """Keep the first copy of each paragraph; later verbatim or near-verbatim copies are logged and dropped."""
    kept: list[Line] = []
    seen_keys: set[str] = set()
    seen_shingles: list[set[tuple[str, ...]]] = []
    for ln in lines:
        key = paragraph_key(ln[0])
        if key in seen_keys:
            doc.removed.append(Removal("duplicate_paragraph", ln[0]))
            continue
        sh = shingles(key)
        if len(key.split()) >= MIN_WORDS_FOR_NEAR_DUPLICATE and any(
                len(sh & other) >= NEAR_DUPLICATE_JACCARD * len(sh | other)
                for other in seen_shingles[-NEAR_DUPLICATE_WINDOW:]):
            doc.removed.append(Removal("near_duplicate_paragraph", ln[0]))
            continue
        seen_keys.add(key)
        if len(key.split()) >= MIN_WORDS_FOR_NEAR_DUPLICATE:
            seen_shingles.append(sh)
        kept.append(ln)
    return kept


def _read_dateline(doc: Document, lines: list[Line], lookup: OutletLookup | None) -> None:
    """Publication date and outlet from a wire dateline in the first paragraphs."""
    for text, _ in lines[:3]:
        date_text, outlet = dateline(text)
        if outlet and not doc.outlet:
            doc.outlet = outlet
        if date_text and not doc.published:
            parsed = parse_explicit_date(date_text)
            if parsed and parsed[1] == 1:
                doc.published = parsed[0].isoformat()
        if outlet or date_text:
            return


def _assemble(doc: Document, lines: list[Line]) -> None:
    parts: list[str] = []
    offset_map: list[tuple[int, int]] = []
    pos = 0
    for i, (text, runs) in enumerate(lines):
        if i:
            offset_map.append((pos, runs[0][1]))  # the paragraph break maps to the start of the next line
            parts.append("\n\n")
            pos += 2
        offset_map.extend((pos + c, s) for c, s in runs)
        parts.append(text)
        pos += len(text)
    doc.text = "".join(parts)
    doc.offset_map = offset_map


def _known_outlet(name: str, lookup: OutletLookup | None) -> str | None:
    """The registry's name for an outlet, or None when it is not a known outlet."""
    return lookup(name) if lookup else None


def _looks_like_title(line: str) -> bool:
    return len(line.split()) <= 20 and not line.rstrip().endswith((".", ":", "،", "؛")) and signature_name(line) is None


def _iso_or_none(value: str | None) -> str | None:
    d = parse_iso(value)
    return d.isoformat() if d else None
