"""`rasd bench --component watch --docs N`: `rasd watch` over a local feed of N items, killed and restarted.

A web server in this process serves one RSS feed of N items and a page for each (generated articles, each made
unique by its number).  `rasd watch` runs on it as a separate process and is killed with SIGKILL once a third of
the items are stored; a second `rasd watch --once` goes on from there.  The figure is whether every item was
analysed exactly once (N documents, N item keys, no failure), with the time both runs took and how many pages the
second run fetched again (those analysed but not yet committed when the first was killed).
"""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape


def watch_benchmark(articles: list[str]) -> dict[str, object]:
    n = len(articles)
    requests: Counter[str] = Counter()
    pages = {f"/a/{i}.html": _page(i, text) for i, text in enumerate(articles)}
    pages["/feed.rss"] = _feed(n)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 -- the name http.server calls
            requests[self.path] += 1
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.send_header("ETag", '"feed"')
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    feed = f"http://127.0.0.1:{server.server_address[1]}/feed.rss"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "watch.db"
            command = [str(Path(sys.executable).with_name("rasd")), "watch", feed, "--db", str(db), "--host-delay", "0"]
            t0 = time.perf_counter()
            first = subprocess.Popen([*command, "--interval", "3600"], stdout=subprocess.DEVNULL)
            stored_at_kill = _wait_for(db, n // 3, first)
            first.send_signal(signal.SIGKILL)
            first.wait()
            second = subprocess.run([*command, "--once"], capture_output=True)
            seconds = time.perf_counter() - t0
            with sqlite3.connect(db) as c:
                documents, distinct = c.execute("SELECT count(*), count(DISTINCT id) FROM documents").fetchone()
                inputs, keys = c.execute("SELECT count(*), count(DISTINCT input_key) FROM inputs").fetchone()
                failures = c.execute("SELECT count(*) FROM failures").fetchone()[0]
    finally:
        server.shutdown()
        server.server_close()
    fetched = sum(requests[p] for p in pages if p.startswith("/a/"))
    return {
        "items": n,
        "stored_when_killed": stored_at_kill,
        "documents": documents,
        "exactly_once": second.returncode == 0 and documents == distinct == inputs == keys == n and failures == 0,
        "pages_fetched_again_after_the_kill": fetched - n,
        "seconds": seconds,
        "items_per_s": n / seconds,
    }


def _page(i: int, text: str) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n"))
    return (f"<!doctype html><html lang='ar'><head><title>خبر رقم {i}</title></head><body><article>"
            f"<h1>خبر رقم {i}</h1>{paragraphs}<p>وهذا هو الخبر رقم {i} في نشرة اليوم.</p></article></body></html>"
            ).encode("utf-8")


def _feed(n: int) -> bytes:
    items = "".join(f"<item><title>خبر رقم {i}</title><link>/a/{i}.html</link><guid>item-{i}</guid></item>"
                    for i in range(n))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title>{items}'
            "</channel></rss>").encode("utf-8")


def _wait_for(db: Path, documents: int, run: subprocess.Popen) -> int:
    """Wait until the database holds `documents` documents; returns how many it holds then."""
    while True:
        if run.poll() is not None:
            raise RuntimeError("rasd watch stopped before it could be killed")
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                stored = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            stored = 0
        if stored >= documents:
            return stored
        time.sleep(0.1)
