"""`rasd analyze --workers N` and `--dask`: the same database as one process writes, one writer, and runs that
survive a kill: of the whole run (it resumes) or of one Dask worker (nothing lost, nothing written twice)."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import ROOT, rasd

RASD = str(Path(sys.executable).with_name("rasd"))
TOWNS = ["سراقب", "معرة النعمان", "خان شيخون", "أريحا", "جسر الشغور", "كفرنبل", "سرمدا", "الدانا", "حارم", "سلقين"]


def _report(i: int) -> str:
    return (f"قال مصدر محلي إن قصفا مدفعيا استهدف أطراف مدينة {TOWNS[i % len(TOWNS)]} في ريف إدلب صباح اليوم"
            f" وأسفر عن مقتل {i % 7 + 2} مدنيين.\nوأضاف المصدر أن فرق الدفاع المدني انتشلت الضحايا في الحي رقم {i}.\n")


def _reports(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i:04}.txt").write_text(_report(i), encoding="utf-8")
    return folder


def _content(db: Path) -> dict[str, list]:
    """Every row of every table (the search index's too), without the times rows were written."""
    with sqlite3.connect(db) as c:
        tables = [t for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not t.startswith(("sqlite_", "documents_fts_"))]
        content = {}
        for table in tables:
            columns = [r[1] for r in c.execute(f"PRAGMA table_info({table})") if r[1] != "created_at"]
            rows = c.execute(f"SELECT {', '.join(f'[{n}]' for n in columns)} FROM {table}").fetchall()
            content[table] = sorted(rows, key=repr)
    return content


def _summary(out: bytes) -> list[str]:
    """The summary lines, without the run's time and the database's name."""
    lines = out.decode().splitlines()
    return [lines[0].split(" in ")[0] + ":" + lines[0].split(":", 1)[1], *lines[1:-1]]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Every kind of input: the bundled samples (text, HTML, legacy encodings, JSONL feeds, English), reports,
    a duplicate, an empty and a binary file."""
    folder = _reports(tmp_path_factory.mktemp("mixed") / "in", 40)
    shutil.copytree(ROOT / "samples", folder / "samples")
    (folder / "dup.txt").write_text(_report(3), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    return folder


@pytest.fixture(scope="module")
def one_process(mixed, tmp_path_factory) -> tuple[Path, list[str]]:
    db = tmp_path_factory.mktemp("one") / "one.db"
    r = rasd("analyze", str(mixed), "--db", str(db), "--published", "2026-11-20", "--no-progress")
    assert r.returncode == 1, r.stderr.decode()  # the empty and the binary file failed
    return db, _summary(r.stdout)


@pytest.mark.parametrize("runner", [["--workers", "2"], ["--dask", "local", "--workers", "2"]], ids=["workers", "dask"])
def test_parallel_runs_write_the_database_one_process_writes(tmp_path, mixed, one_process, runner):
    db = tmp_path / "parallel.db"
    r = rasd("analyze", str(mixed), "--db", str(db), "--published", "2026-11-20", "--no-progress", *runner)
    assert r.returncode == 1, r.stderr.decode()
    reference_db, reference_summary = one_process
    assert _summary(r.stdout) == reference_summary  # duplicates, failures, counts: the same summary
    assert _content(db) == _content(reference_db)
    assert "1 duplicates" in reference_summary[0] and "2 failed" in reference_summary[0]


def test_a_killed_parallel_run_leaves_no_worker_behind_and_resumes(tmp_path):
    n = 400
    corpus = _reports(tmp_path / "in", n)
    db = tmp_path / "k.db"
    run = subprocess.Popen([RASD, "analyze", str(corpus), "--db", str(db), "--workers", "2", "--no-progress"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = _wait_for_documents(db, run, 1)
    workers = psutil.Process(run.pid).children(recursive=True)
    assert len(workers) >= 2 and 0 < stored < n
    run.send_signal(signal.SIGKILL)
    run.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []  # each worker saw its parent go and stopped
    again = rasd("analyze", str(corpus), "--db", str(db), "--workers", "2", "--no-progress")
    assert again.returncode == 0, again.stderr.decode()
    _assert_each_document_once(db, n)


def test_a_dask_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path):
    distributed = pytest.importorskip("distributed")
    n = 400
    corpus = _reports(tmp_path / "in", n)
    db = tmp_path / "d.db"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        run = subprocess.Popen([RASD, "analyze", str(corpus), "--db", str(db), "--dask", cluster.scheduler_address,
                                "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_for_documents(db, run, 1)
        victim = next(iter(client.run(os.getpid).values()))
        os.kill(victim, signal.SIGKILL)
        out, err = run.communicate(timeout=300)
        assert not psutil.pid_exists(victim) or psutil.Process(victim).status() == psutil.STATUS_ZOMBIE
    assert run.returncode == 0, err.decode()
    assert f"{n} stored" in out.decode()
    _assert_each_document_once(db, n)


def test_worker_options_are_checked_before_anything_runs(tmp_path):
    r = rasd("analyze", str(tmp_path), "--db", str(tmp_path / "x.db"), "--workers", "0")
    assert r.returncode == 2 and "--workers must be at least 1" in r.stderr.decode()
    r = rasd("analyze", str(tmp_path), "--db", str(tmp_path / "x.db"), "--workers", "2", "--dask", "tcp://127.0.0.1:1")
    assert r.returncode == 2 and "a running cluster has its own workers" in r.stderr.decode()
    assert not (tmp_path / "x.db").exists()


def test_an_unreachable_scheduler_is_one_error_line(tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "a.txt").write_text(_report(1), encoding="utf-8")
    r = subprocess.run([RASD, "analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "x.db"), "--dask",
                        "tcp://127.0.0.1:9"], capture_output=True, timeout=120,
                       env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    err = r.stderr.decode()
    assert r.returncode == 3 and err.startswith("rasd analyze: error: cannot connect to the Dask scheduler"), err
    assert err.count("\n") == 1


def _wait_for_documents(db: Path, run: subprocess.Popen, at_least: int) -> int:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert run.poll() is None, "the run finished before it could be interrupted"
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                stored = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            stored = 0
        if stored >= at_least:
            return stored
        time.sleep(0.05)
    raise AssertionError("no document was written in time")


def _assert_each_document_once(db: Path, n: int) -> None:
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*), count(DISTINCT id) FROM documents").fetchone() == (n, n)
        assert c.execute("SELECT count(*), count(DISTINCT doc_id), count(DISTINCT source_path) FROM inputs"
                         " WHERE outcome = 'stored'").fetchone() == (n, n, n)
        assert c.execute("SELECT count(*) FROM inputs").fetchone()[0] == n
        assert c.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == n
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
