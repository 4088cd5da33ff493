"""What `rasd watch` reads: RSS and Atom feeds (parsed by feedparser), lists of article URLs, and the pages they
link to, as InputItems keyed by the item, not by its bytes.

A feed item is known by its link (the same article in two feeds is one item), or by its feed and guid when it
has no link; a listed URL by itself.  The key does not depend on what the page says when it is fetched, so an
item is analysed once even if its page changes afterwards (a counter, a comment box, a corrected typo).
"""
from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import feedparser

from rasd.ingest.decode import DecodeError, decode_bytes
from rasd.ingest.items import InputItem, document_from_text, escape_surrogates, fail, input_key


class NotAFeed(ValueError):
    """A body that feedparser finds neither RSS nor Atom in."""


@dataclass(frozen=True)
class FeedItem:
    key: str  # the input key the item is stored under
    link: str | None  # the page to fetch; None when the feed carries the item's text itself
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    content: str | None = None  # the item's own text or HTML, for an item without a link


def item_key(identity: str) -> str:
    return input_key("watched item", identity.encode("utf-8", "surrogatepass"))


def parse_feed(body: bytes, url: str) -> list[FeedItem]:
    """The items of an RSS or Atom feed, in the feed's order; relative links are resolved against `url`."""
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})
    if not parsed.entries and not parsed.version:
        reason = parsed.get("bozo_exception") or "no RSS or Atom elements"
        raise NotAFeed(f"not an RSS or Atom feed ({reason})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") if str(entry.get("link", "")).lower().startswith(("http://", "https://")) else None
        guid = entry.get("id") or None
        content = _entry_text(entry)
        if not (link or guid or content):
            continue
        identity = link or f"{url}#{guid or content}"
        items.append(FeedItem(item_key(identity), link, entry.get("title") or None, _date(entry),
                              None if link else content))
    return items


def read_url_list(path: Path) -> list[FeedItem]:
    """The URLs of a text file, one per line (blank lines and '#' comments skipped), each an article page."""
    urls = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    return [FeedItem(item_key(url), url) for url in dict.fromkeys(u for u in urls if u and not u.startswith("#"))]


def page_item(item: FeedItem, page_url: str, body: bytes) -> InputItem:
    """A fetched page as the item's input: decoded from its bytes, the feed's title and date as its metadata."""
    path = escape_surrogates(page_url)
    repairs: list[str] = []
    try:
        text, encoding = decode_bytes(body, repairs)
    except DecodeError as e:
        return fail(item.key, path, str(e))
    doc = document_from_text(text, source_path=path, url=page_url, title=item.title, published=item.published)
    doc.warnings.extend(([] if encoding in ("utf-8", "ascii") else [f"decoded as {encoding}"]) + repairs)
    return InputItem(item.key, path, document=doc)


def content_item(item: FeedItem, feed_url: str) -> InputItem:
    """An item whose text the feed carries itself."""
    path = escape_surrogates(feed_url)
    doc = document_from_text(item.content or "", source_path=path, title=item.title, published=item.published)
    return InputItem(item.key, path, document=doc)


def _entry_text(entry) -> str | None:
    """An entry's fullest text: its content, else its summary."""
    contents = [c.get("value") for c in entry.get("content", []) if c.get("value")]
    return max(contents, key=len) if contents else entry.get("summary") or None


def _date(entry) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None  # feedparser gives UTC
