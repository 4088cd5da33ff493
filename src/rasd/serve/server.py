"""How `rasd serve` runs uvicorn, so that no client can hold a connection open for as long as it likes.

uvicorn times out a connection only while it is idle after a response (keep-alive).  A client that connects and
sends nothing, or sends its request line and headers a byte at a time, would hold its connection, and a socket of
the server, indefinitely; here the head of every request must arrive within REQUEST_HEAD_SECONDS.  A request body
is read by the route that wants it, under its own deadline (POST /analyze).
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_HEAD_SECONDS = 10.0  # to send a request's line and headers, once connected or after the previous response
KEEP_ALIVE_SECONDS = 5  # idle between two requests on one connection


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for the head of each request: past it, the connection is closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def handle_events(self) -> None:
        waiting = self.cycle
        super().handle_events()
        if self.cycle is not waiting:  # a request's head has arrived: the route has the connection now
            self._cancel_deadline()

    def on_response_complete(self) -> None:
        self._await_head()  # before uvicorn goes on to a pipelined request, whose head then cancels this
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        self._cancel_deadline()
        self.head_deadline = self.loop.call_later(REQUEST_HEAD_SECONDS, self._head_too_slow)

    def _cancel_deadline(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_too_slow(self) -> None:
        self.head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def server_config(app: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    """The configuration of every rasd server: `rasd serve`, the tests and the benchmark."""
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off", http=HeadDeadlineProtocol,
                          timeout_keep_alive=KEEP_ALIVE_SECONDS)


@contextmanager
def background_server(app, timeout: float = 20.0) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 and a free port from a thread (tests, benchmarks); yields the base URL."""
    server = uvicorn.Server(server_config(app, "127.0.0.1", 0, "warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
