"""HTML pages to main text and metadata, with trafilatura doing the extraction."""
from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import DEFAULT_CONFIG

from rasd.limits import MAX_HTML_ELEMENTS, MAX_HTML_TAG_ATTRIBUTES, MAX_HTML_TAGS
from rasd.model import Removal

_CONFIG = deepcopy(DEFAULT_CONFIG)
# trafilatura's timeout uses SIGALRM, which only works in a main thread; the runner bounds work itself.
_CONFIG["DEFAULT"]["EXTRACTION_TIMEOUT"] = "0"
_CONFIG["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "100"
_CONFIG["DEFAULT"]["MIN_OUTPUT_SIZE"] = "20"
_CONFIG["DEFAULT"]["MAX_TREE_SIZE"] = str(MAX_HTML_ELEMENTS)
MAX_LOGGED_BOILERPLATE = 60  # lines of dropped page chrome kept in the removal log

# A start tag long enough to hold more attributes than allowed (each takes at least two characters), and one
# attribute in it: a name, optionally = and a quoted or bare value.
_LONG_START_TAG = re.compile(r"<([A-Za-z][^\s/<>]*)(\s[^<>]{%d,})>" % (2 * MAX_HTML_TAG_ATTRIBUTES))
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?""")


class HtmlError(ValueError):
    pass


@dataclass
class Page:
    text: str
    title: str | None = None
    date: str | None = None
    sitename: str | None = None
    url: str | None = None
    removed: list[Removal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def extract_html(html: str) -> Page:
    """Main text, title, date, site and URL of a page; the page text left out is logged as html_boilerplate."""
    tags = html.count("<")
    if tags > MAX_HTML_TAGS:
        raise HtmlError(f"HTML page has {tags:,} tags, more than the {MAX_HTML_TAGS:,} that are read")
    html, warnings = _without_attribute_floods(html)
    page = _extract(html)
    page.warnings = warnings
    return page


def _without_attribute_floods(html: str) -> tuple[str, list[str]]:
    """The page with the attributes of every tag that has more than MAX_HTML_TAG_ATTRIBUTES taken out, and a
    warning for each: the HTML parser's time grows with the square of one tag's attributes (60,000 took 33 s)."""
    warnings: list[str] = []

    def strip(tag: re.Match[str]) -> str:
        count = sum(1 for _ in _ATTRIBUTE.finditer(tag.group(2)))
        if count <= MAX_HTML_TAG_ATTRIBUTES:
            return tag.group(0)
        warnings.append(f"HTML tag <{tag.group(1)[:40]}> with {count:,} attributes read without them")
        return f"<{tag.group(1)}>"

    return _LONG_START_TAG.sub(strip, html), warnings


def _extract(html: str) -> Page:
    try:
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                                             config=_CONFIG)
    except (ValueError, TypeError) as e:
        raise HtmlError(f"HTML could not be parsed: {e}") from None
    if result is None or not (result.text or "").strip():
        text = trafilatura.html2txt(html) or ""
        if not text.strip():
            raise HtmlError("HTML page has no extractable text")
        return Page(text=text, removed=[Removal("html_fallback", "main-text extraction failed; kept all page text")])
    text = result.text
    page = Page(text=text, title=_clean(result.title), date=_clean(result.date), sitename=_clean(result.sitename),
                url=_clean(result.url))
    page.removed = _dropped_lines(html, text)
    return page


def _dropped_lines(html: str, kept_text: str) -> list[Removal]:
    """Visible text pieces of the page that the main text does not contain (menus, sidebars, footers)."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for bad in tree.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    dropped = []
    seen = set()
    for piece in tree.itertext():
        piece = " ".join(piece.split())
        if len(piece) < 2 or piece in seen or piece in kept_text:
            continue
        seen.add(piece)
        dropped.append(Removal("html_boilerplate", piece))
        if len(dropped) >= MAX_LOGGED_BOILERPLATE:
            break
    return dropped


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
