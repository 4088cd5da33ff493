"""`rasd watch`: passes over feeds, URL lists and folders that analyse each new item exactly once.

Exactly once, across restarts and kills: an item's input key (rasd.ingest.feeds) is written in the same short
transaction as its document or its failure, and a pass skips the items whose key is stored.  A feed's ETag and
Last-Modified are kept only when every item of that response is written, so a watcher killed half way through
a feed asks for the whole feed again and finds the rest of it, where keeping them at once would have had the
server answer "not modified" and the rest lost.  For the same reason an item whose page could not be fetched
for a passing reason (a timeout, a 5xx) is left for the next pass; one that will not change (a 404, a page that
is not text) is recorded as failed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rasd.ingest import InputItem, iter_inputs
from rasd.ingest.feeds import FeedItem, NotAFeed, content_item, page_item, parse_feed, read_url_list
from rasd.ingest.fetch import FetchError, Fetcher
from rasd.ingest.items import escape_surrogates, fail
from rasd.limits import MAX_DOCUMENT_BYTES, WATCH_MAX_FEED_BYTES
from rasd.runner.batch import Analysis, BatchWriter, RunSummary
from rasd.store import Store


def is_feed_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


@dataclass
class SourceReport:
    """What one pass did with one source."""

    source: str
    summary: RunSummary = field(default_factory=RunSummary)
    error: str | None = None  # why the source itself could not be read
    not_modified: bool = False
    left: int = 0  # items whose page could not be fetched this time, tried again next pass
    left_because: str = ""

    def lines(self) -> list[str]:
        s = self.summary
        if self.error:
            head = f"cannot read: {self.error}"
        elif self.not_modified:
            head = "not modified"
        else:
            head = (f"{s.read} items: {s.stored} stored, {s.duplicates} duplicates, {s.already_stored} already stored,"
                    f" {s.failed} failed" + (f", {self.left} left for the next pass ({self.left_because})"
                                              if self.left else ""))
        return [f"{self.source}: {head}", *(f"failed: {path}: {reason}" for path, reason in s.failures)]


class Watcher:
    """One pass over the sources at a time, fetching with one Fetcher (so that its politeness spans them all)."""

    def __init__(self, store: Store, analysis: Analysis, fetcher: Fetcher):
        self.store, self.analysis, self.fetcher = store, analysis, fetcher

    def pass_over(self, sources: Iterable[str]) -> list[SourceReport]:
        return [self._feed(s) if is_feed_url(s) else self._folder(s) if Path(s).is_dir() else self._url_list(s)
                for s in sources]

    def _feed(self, url: str) -> SourceReport:
        report = SourceReport(url)
        etag, last_modified = self.store.source_validators(url)
        try:
            feed = self.fetcher.get(url, WATCH_MAX_FEED_BYTES, etag, last_modified)
            if feed.status == 304:
                report.not_modified = True
                self.store.record_source(url)
                return report
            items = parse_feed(feed.body, feed.url)
        except (FetchError, NotAFeed) as e:
            report.error = str(e)
            self.store.record_source(url, error=report.error)
            return report
        self._analyse(((item.key, lambda item=item: self._fetched(item, url, report)) for item in items), report)
        self.store.record_source(url, validators=None if report.left else (feed.etag, feed.last_modified))
        return report

    def _url_list(self, path: str) -> SourceReport:
        report = SourceReport(path)
        try:
            items = read_url_list(Path(path))
        except OSError as e:
            report.error = f"cannot read the URL list: {e.strerror or e}"
            self.store.record_source(path, error=report.error)
            return report
        self._analyse(((item.key, lambda item=item: self._fetched(item, path, report)) for item in items), report)
        self.store.record_source(path)
        return report

    def _folder(self, path: str) -> SourceReport:
        """A folder's new files, as `rasd analyze` reads them (a file is new when its bytes are)."""
        report = SourceReport(path)
        self._analyse(((item.input_key, lambda item=item: item) for item in iter_inputs([path])), report)
        self.store.record_source(path)
        return report

    def _analyse(self, items: Iterable[tuple[str, Callable[[], InputItem | None]]], report: SourceReport) -> None:
        """Analyse and write each item whose key is not stored yet; an item is only read (its page fetched)
        when it is new, and one that gives no input now is left for the next pass."""
        writer = BatchWriter(self.store, report.summary, self.analysis.pipeline.resources.title_encoder)
        for key, read in items:
            report.summary.read += 1
            if self.store.seen(key):
                report.summary.already_stored += 1
                continue
            item = read()
            if item is not None:
                writer.add(item, self.analysis(item))
        writer.flush()

    def _fetched(self, item: FeedItem, source: str, report: SourceReport) -> InputItem | None:
        if item.link is None:
            return content_item(item, source)
        try:
            page = self.fetcher.get(item.link, MAX_DOCUMENT_BYTES)
        except FetchError as e:
            if e.transient:
                report.left += 1
                report.left_because = str(e)
                return None
            return fail(item.key, escape_surrogates(item.link), f"cannot fetch the page: {e}")
        return page_item(item, item.link, page.body)
