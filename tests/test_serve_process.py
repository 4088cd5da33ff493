"""`rasd serve` as a user runs it, on databases it may only read, and against clients that hold a connection."""
from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import rasd  # noqa: E402
from ui_support import build_db  # noqa: E402

from rasd.serve import app as app_module  # noqa: E402
from rasd.serve import server  # noqa: E402
from rasd.serve.app import create_app  # noqa: E402
from rasd.serve.server import background_server  # noqa: E402

RASD = Path(sys.executable).with_name("rasd")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def read_only(directory: Path):
    """Yields the prefix that runs a command with `directory` read-only to it.  Permission bits do not bind root, so
    as root the command runs in its own mount namespace where the directory is bound read-only."""
    if os.geteuid() != 0:
        mode = directory.stat().st_mode
        directory.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield []
        finally:
            directory.chmod(mode)
        return
    prefix = ["unshare", "--map-root-user", "--mount", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"',
              str(directory)]
    if not shutil.which("unshare") or subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root without user namespaces: no way to make a directory read-only")
    yield prefix


@contextmanager
def serving(command: list[str], port: int):
    """Runs `command` (a `rasd serve`) and yields an HTTP client once it answers."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()[1].decode()
            try:
                httpx.get(base + "/stats.json", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "rasd serve did not start"
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture
def fixture(tmp_path):
    (tmp_path / "data").mkdir()
    return build_db(tmp_path / "data" / "rasd.db")


def test_serve_answers_from_a_database_in_a_read_only_directory(fixture):
    """A WAL database with nowhere to put its -shm index: SQLite's read-only mode fails on every query."""
    directory = fixture.db.parent
    assert sorted(p.name for p in directory.iterdir()) == ["rasd.db"]  # the writer has checkpointed and gone
    port = free_port()
    with read_only(directory) as prefix, serving(
            [*prefix, str(RASD), "serve", "--db", str(fixture.db), "--port", str(port)], port) as api:
        events = api.get("/events.json")
        assert events.status_code == 200, events.text[:300]
        assert events.json()["total"] == 6
        doc = fixture.docs["syria"]
        assert api.get(f"/documents/{doc.id}.json").json() == doc.to_dict()
        assert api.get("/search.json", params={"q": "وبغداد"}).json()["rows"][0]["id"] == fixture.docs["iraq"].id
        assert api.get("/map").status_code == 200
    assert sorted(p.name for p in directory.iterdir()) == ["rasd.db"]


def test_show_search_and_export_read_a_database_in_a_read_only_directory(fixture):
    with read_only(fixture.db.parent) as prefix:
        for args in (["show", fixture.docs["syria"].id[:8]], ["search", "بغداد"], ["export", "--format", "jsonl"]):
            result = subprocess.run([*prefix, str(RASD), *args, "--db", str(fixture.db)], capture_output=True,
                                    timeout=120)
            assert result.returncode == 0, (args, result.stderr.decode())
            assert fixture.docs["iraq"].title in result.stdout.decode() or args[0] == "show"


def test_serve_on_a_file_that_cannot_be_read_as_a_database_stops_with_one_line(tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("these are notes, not a database\n" * 100)
    result = rasd("serve", "--db", str(db), "--port", str(free_port()), timeout=60)
    assert result.returncode == 3
    assert result.stderr.decode().strip().splitlines() == [
        f"rasd serve: error: cannot read the database {db}: file is not a database"]


# --- clients that hold a connection -----------------------------------------------------------------------------

@pytest.fixture
def quick_deadlines(monkeypatch, fixture):
    """The server of `rasd serve` with its deadlines shortened to a second, so that waiting them out is quick."""
    monkeypatch.setattr(server, "REQUEST_HEAD_SECONDS", 1.0)
    monkeypatch.setattr(app_module, "ANALYZE_BODY_SECONDS", 1.0)
    with background_server(create_app(fixture.db)) as base:
        yield base.rsplit(":", 1)[1]


def connect(port: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=15)
    return sock


def until_closed(sock: socket.socket) -> bytes | None:
    """What the server sends until it closes the connection, or None if the 15 s socket timeout runs out first."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        return None
    return received


def test_a_client_that_connects_and_sends_nothing_is_disconnected(quick_deadlines):
    started = time.monotonic()
    with connect(quick_deadlines) as sock:
        assert until_closed(sock) == b""
    assert time.monotonic() - started < 5


def test_a_client_that_sends_its_headers_a_line_at_a_time_is_disconnected(quick_deadlines):
    started = time.monotonic()
    with connect(quick_deadlines) as sock:
        sock.sendall(b"GET /stats.json HTTP/1.1\r\nHost: x\r\n")
        try:
            for n in range(40):
                time.sleep(0.25)
                sock.sendall(b"X-Slow-%d: y\r\n" % n)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert until_closed(sock) == b""
    assert time.monotonic() - started < 5


def test_a_client_that_sends_a_body_too_slowly_gets_a_408(quick_deadlines):
    with connect(quick_deadlines) as sock:
        sock.sendall(b"POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
        sock.sendall("نص ".encode() * 10)
        reply = until_closed(sock)
        assert reply.startswith(b"HTTP/1.1 408 "), reply[:200]
        assert reply.endswith(b'{"error":"the body did not arrive within 1 s","status":408}')


def test_a_keep_alive_client_may_send_its_next_request_at_its_own_pace(quick_deadlines):
    """The head deadline is for each request: a client that sends one request after another on one connection is
    served every time."""
    with connect(quick_deadlines) as sock:
        for _ in range(4):
            sock.sendall(b"GET /stats.json HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
                reply += sock.recv(65536)
            assert reply.startswith(b"HTTP/1.1 200 ")
            time.sleep(0.6)  # more than half the deadline each time: the deadline starts again per request
