"""HTTP for `rasd watch`: polite, bounded GETs that remember nothing but each host's next turn.

Every request has a connect and read timeout, and every response a size bound and a deadline for its whole
body (a server that sends one byte a second never trips a read timeout).  Timeouts, refused connections, 429 and
5xx answers are retried with exponential backoff (a Retry-After of up to WATCH_MAX_RETRY_AFTER_S is honoured);
other 4xx answers are final.  Requests to one host are spaced by the politeness delay, and a feed is asked for
conditionally (If-None-Match, If-Modified-Since) so that an unchanged feed costs a 304 and no parsing.
"""
from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from rasd.limits import (WATCH_ATTEMPTS, WATCH_BACKOFF_S, WATCH_FETCH_DEADLINE_S, WATCH_HOST_DELAY_S,
                         WATCH_MAX_RETRY_AFTER_S, WATCH_TIMEOUT_S)

USER_AGENT = "rasd/0.1 (Arabic news event monitor)"
_RETRIED_STATUSES = {408, 425, 429, 500, 502, 503, 504}
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    status: int  # 200 (or another 2xx), or 304 when the validators still hold
    body: bytes
    etag: str | None
    last_modified: str | None


class FetchError(Exception):
    """A URL that gave nothing usable.  `transient`: worth asking again on a later pass (a timeout, a 5xx),
    as opposed to an answer that will not change (a 404, a body over the size bound)."""

    def __init__(self, reason: str, transient: bool):
        super().__init__(reason)
        self.transient = transient


class Fetcher:
    def __init__(self, timeout_s: float = WATCH_TIMEOUT_S, host_delay_s: float = WATCH_HOST_DELAY_S):
        self.timeout_s = timeout_s
        self.host_delay_s = host_delay_s
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._next_turn: dict[str, float] = {}  # host -> when it may be asked again (time.monotonic)

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, max_bytes: int, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """The body of `url`, or a 304 when `etag` or `last_modified` still hold; FetchError otherwise."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        error = FetchError("no attempt made", transient=True)
        wait = 0.0
        for attempt in range(WATCH_ATTEMPTS):
            time.sleep(wait)
            wait = WATCH_BACKOFF_S * 2 ** attempt
            self._wait_for_turn(url)
            try:
                with self.session.get(url, headers=headers, timeout=self.timeout_s, stream=True) as response:
                    if response.status_code in _RETRIED_STATUSES:
                        error = FetchError(f"HTTP {response.status_code}", transient=True)
                        retry_after = _seconds(response.headers.get("Retry-After"))
                        if retry_after is not None and retry_after > WATCH_MAX_RETRY_AFTER_S:
                            raise FetchError(f"HTTP {response.status_code}, retry after {retry_after:.0f} s",
                                             transient=True)
                        wait = max(wait, retry_after or 0.0)
                        continue
                    if response.status_code == 304:
                        return Fetched(response.url, 304, b"", etag, last_modified)
                    if response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code}", transient=False)
                    return Fetched(response.url, response.status_code, _body(response, max_bytes),
                                   response.headers.get("ETag"), response.headers.get("Last-Modified"))
            except requests.Timeout:
                error = FetchError(f"no answer within {self.timeout_s:g} s", transient=True)
            except requests.ConnectionError as e:
                error = FetchError(f"cannot connect: {_short(e)}", transient=True)
            except requests.RequestException as e:  # an invalid URL, too many redirects
                raise FetchError(_short(e), transient=False) from None
        raise FetchError(f"{error} ({WATCH_ATTEMPTS} attempts)", transient=error.transient)

    def _wait_for_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        now = time.monotonic()
        turn = self._next_turn.get(host, now)
        if turn > now:
            time.sleep(turn - now)
        self._next_turn[host] = max(turn, now) + self.host_delay_s


def _body(response: requests.Response, max_bytes: int) -> bytes:
    """The whole body, within the size bound and the deadline (a read timeout is per read, not per body)."""
    deadline = time.monotonic() + WATCH_FETCH_DEADLINE_S
    parts, size = [], 0
    for chunk in response.iter_content(_CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than {max_bytes / 2**20:.0f} MiB", transient=False)
        if time.monotonic() > deadline:
            raise FetchError(f"body not received within {WATCH_FETCH_DEADLINE_S:g} s", transient=True)
        parts.append(chunk)
    return b"".join(parts)


def _seconds(retry_after: str | None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now."""
    if not retry_after:
        return None
    if retry_after.strip().isdigit():
        return float(retry_after)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _short(error: Exception) -> str:
    return str(error).split(": ")[-1][:200] or type(error).__name__
