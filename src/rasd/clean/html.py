"""HTML pages to main text and metadata, with trafilatura doing the extraction."""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import DEFAULT_CONFIG

from rasd.model import Removal

_CONFIG = deepcopy(DEFAULT_CONFIG)
# trafilatura's timeout uses SIGALRM, which only works in a main thread; the runner bounds work itself.
_CONFIG["DEFAULT"]["EXTRACTION_TIMEOUT"] = "0"
_CONFIG["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "100"
_CONFIG["DEFAULT"]["MIN_OUTPUT_SIZE"] = "20"
_CONFIG["DEFAULT"]["MAX_TREE_SIZE"] = "200000"  # elements; bigger pages are malformed or hostile
MAX_LOGGED_BOILERPLATE = 60  # lines of dropped page chrome kept in the removal log


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


def extract_html(html: str) -> Page:
    """Main text, title, date, site and URL of a page; the page text left out is logged as html_boilerplate."""
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
