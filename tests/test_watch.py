"""`rasd watch` against a web server the test runs on 127.0.0.1: feeds that change, answer 304, time out, fail
once, or are not feeds at all; pages that are missing or binary; URL lists and folders; politeness between
requests; and every item analysed exactly once, across passes and across a watcher killed half way through."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import rasd

RASD = str(Path(sys.executable).with_name("rasd"))
TOWNS = ["سراقب", "معرة النعمان", "خان شيخون", "أريحا", "جسر الشغور", "كفرنبل", "سرمدا", "الدانا", "حارم", "سلقين"]


def _report(i: int) -> str:
    return (f"قال مصدر محلي إن قصفا مدفعيا استهدف أطراف مدينة {TOWNS[i % len(TOWNS)]} في ريف إدلب صباح اليوم"
            f" وأسفر عن مقتل {i % 7 + 2} مدنيين في الحي رقم {i}. وأضاف المصدر أن فرق الدفاع المدني انتشلت الضحايا"
            " من تحت الأنقاض بعد ساعات من القصف.")


def _page(i: int) -> bytes:
    return (f"<!doctype html><html lang='ar'><head><title>قصف على {TOWNS[i % len(TOWNS)]}</title></head><body>"
            f"<nav><a href='/'>الرئيسية</a></nav><article><h1>قصف على {TOWNS[i % len(TOWNS)]}</h1>"
            f"<p>{_report(i)}</p></article><footer>جميع الحقوق محفوظة</footer></body></html>").encode("utf-8")


def _rss(items: list[int]) -> bytes:
    entries = "".join(f"<item><title>خبر {i}</title><link>/pages/{i}.html</link><guid>item-{i}</guid>"
                      f"<pubDate>Tue, {10 + i % 18:02d} Feb 2026 08:00:00 GMT</pubDate></item>" for i in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>أخبار</title>{entries}</channel></rss>'.encode()


def _atom() -> bytes:
    return ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>وكالة</title>"
            "<id>urn:feed</id><updated>2026-02-11T08:00:00Z</updated>"
            "<entry><title>خبر 40</title><id>urn:40</id><link href='/pages/40.html'/><updated>2026-02-11T08:00:00Z</updated></entry>"
            f"<entry><title>خبر 41</title><id>urn:41</id><updated>2026-02-12T08:00:00Z</updated><content type='text'>{_report(41)}</content></entry>"
            "</feed>").encode("utf-8")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay_s: float = 0.0  # before answering
    failures: int = 0  # first answers that are 503


@dataclass
class Site:
    """What the server answers, path by path, and every request it got: (time, path, headers, status)."""

    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[float, str, dict, int]] = field(default_factory=list)
    url: str = ""

    def requests(self, path: str) -> list[tuple[float, str, dict, int]]:
        return [r for r in self.log if r[1] == path]


@pytest.fixture
def site():
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 -- the name http.server calls
            route = state.routes.get(self.path)
            status = 404 if route is None else route.status
            if route and route.failures:
                route.failures -= 1
                status = 503
            elif route and (route.etag and self.headers.get("If-None-Match") == route.etag
                            or route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified):
                status = 304
            state.log.append((time.monotonic(), self.path, dict(self.headers), status))
            if route and route.delay_s:
                time.sleep(route.delay_s)
            body = route.body if route and status == 200 else b""
            self.send_response(status)
            for name, value in (("ETag", route and route.etag), ("Last-Modified", route and route.last_modified)):
                if value:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # a client that gave up waiting
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def _pages(site: Site, numbers) -> None:
    for i in numbers:
        site.routes[f"/pages/{i}.html"] = Route(_page(i))


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


def test_watch_analyses_each_new_item_once_across_passes(site, tmp_path):
    _pages(site, [1, 2, 5, 6, 7, 40])
    site.routes["/pages/4.html"] = Route(bytes(range(256)) * 40)  # binary: not a page
    site.routes["/news.rss"] = Route(_rss([1, 2, 3, 4]), etag='"v1"')  # the page of item 3 is missing
    site.routes["/agency.atom"] = Route(_atom(), last_modified=formatdate(1770796800, usegmt=True))
    site.routes["/garbage.rss"] = Route(bytes(range(256)) * 8)
    site.routes["/slow.rss"] = Route(_rss([9]), delay_s=3)
    site.routes["/flaky.rss"] = Route(_rss([7]), failures=1)
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# pages to analyse\n{site.url}/pages/1.html\n\n{site.url}/pages/6.html\n", encoding="utf-8")
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "report.txt").write_text(_report(50), encoding="utf-8")
    db = tmp_path / "w.db"
    feeds = [f"{site.url}/news.rss", f"{site.url}/agency.atom"]

    first = rasd("watch", *feeds, f"{site.url}/garbage.rss", f"{site.url}/slow.rss", f"{site.url}/flaky.rss",
                 str(urls), str(folder), "--db", str(db), "--once", "--timeout", "0.5", "--host-delay", "0")
    out = first.stdout.decode()
    assert first.returncode == 1, first.stderr.decode()  # items that failed and sources that could not be read
    assert f"{site.url}/news.rss: 4 items: 2 stored, 0 duplicates, 0 already stored, 2 failed" in out
    assert f"failed: {site.url}/pages/3.html: cannot fetch the page: HTTP 404" in out
    assert f"failed: {site.url}/pages/4.html: binary data" in out
    assert f"{site.url}/agency.atom: 2 items: 2 stored" in out  # one page, one entry with its own text
    assert f"{site.url}/garbage.rss: cannot read: not an RSS or Atom feed" in out
    assert f"{site.url}/slow.rss: cannot read: no answer within 0.5 s (3 attempts)" in out
    assert len(site.requests("/slow.rss")) == 3
    assert f"{site.url}/flaky.rss: 1 items: 1 stored" in out and len(site.requests("/flaky.rss")) == 2
    assert f"{urls}: 2 items: 1 stored, 0 duplicates, 1 already stored" in out  # page 1 came with the feed
    assert f"{folder}: 1 items: 1 stored" in out
    documents = _rows(db, "SELECT url, published, title FROM documents WHERE url LIKE '%/pages/2.html'")
    assert documents == [(f"{site.url}/pages/2.html", "2026-02-12", "خبر 2")]  # the feed's date and title
    assert _rows(db, f"SELECT etag, last_modified, error FROM watched_sources WHERE source = '{site.url}/news.rss'") \
        == [('"v1"', None, None)]

    site.routes["/news.rss"] = Route(_rss([2, 3, 4, 5, 6]), etag='"v2"')  # 1 is gone; 6 came with the URL list
    site.log.clear()
    second = rasd("watch", *feeds, str(urls), "--db", str(db), "--once", "--host-delay", "0.2")
    out = second.stdout.decode()
    assert second.returncode == 0, second.stderr.decode()
    assert f"{site.url}/news.rss: 5 items: 1 stored, 0 duplicates, 4 already stored, 0 failed" in out
    assert f"{site.url}/agency.atom: not modified" in out
    assert f"{urls}: 2 items: 0 stored, 0 duplicates, 2 already stored" in out
    [(_, _, headers, _)] = site.requests("/news.rss")
    assert headers["If-None-Match"] == '"v1"'
    assert site.requests("/agency.atom")[0][2]["If-Modified-Since"] == site.routes["/agency.atom"].last_modified
    assert [r[1] for r in site.log if r[1].startswith("/pages/")] == ["/pages/5.html"]  # only the new item's page
    times = [r[0] for r in site.log]
    assert min(b - a for a, b in zip(times, times[1:])) > 0.1  # 0.2 s between two requests to one host

    third = rasd("watch", *feeds, "--db", str(db), "--once")
    assert third.returncode == 0 and third.stdout.decode().count("not modified") == 2
    assert _rows(db, "SELECT count(*), count(DISTINCT url) FROM documents WHERE url LIKE '%/pages/%'") == [(6, 6)]
    assert _rows(db, "SELECT count(*) FROM inputs") == [(10,)]  # 8 documents and 2 failures, each once


def test_a_watcher_killed_half_way_through_a_feed_goes_on_where_it_stopped(site, tmp_path):
    n = 80
    _pages(site, range(n))
    site.routes["/news.rss"] = Route(_rss(list(range(n))), etag='"big"')
    db = tmp_path / "k.db"
    feed = f"{site.url}/news.rss"
    run = subprocess.Popen([RASD, "watch", feed, "--db", str(db), "--host-delay", "0.02", "--interval", "3600"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while stored == 0:
        assert time.monotonic() < deadline and run.poll() is None
        time.sleep(0.05)
        try:
            stored = _rows(db, "SELECT count(*) FROM documents")[0][0]
        except sqlite3.Error:
            pass
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert 0 < _rows(db, "SELECT count(*) FROM documents")[0][0] < n
    assert _rows(db, "SELECT etag FROM watched_sources") in ([], [(None,)])  # not all written: no ETag kept
    site.log.clear()

    again = rasd("watch", feed, "--db", str(db), "--once", "--host-delay", "0")
    assert again.returncode == 0, again.stderr.decode()
    assert site.requests("/news.rss")[0][3] == 200  # the whole feed again, not "not modified"
    assert _rows(db, "SELECT count(*), count(DISTINCT id), count(DISTINCT url) FROM documents") == [(n, n, n)]
    assert _rows(db, "SELECT count(*), count(DISTINCT source_path) FROM inputs") == [(n, n)]
    assert _rows(db, "SELECT etag FROM watched_sources") == [('"big"',)]
    last = rasd("watch", feed, "--db", str(db), "--once")
    assert f"{feed}: not modified" in last.stdout.decode()


def test_sources_that_are_neither_urls_nor_files_are_refused(tmp_path):
    r = rasd("watch", "ftp://example.org/feed", "--db", str(tmp_path / "x.db"), "--once")
    assert r.returncode == 2 and "not a feed URL" in r.stderr.decode()
