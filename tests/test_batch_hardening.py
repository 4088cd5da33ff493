"""The batch promise under hostile input, mostly through the `rasd` command: every document is stored or
recorded as failed with a reason, the batch never dies on one document, re-runs and concurrent runs store each
document once, and exit codes tell a dead batch (3) from some failed documents (1)."""
import ctypes
import gzip
import json
import os
import pickle
import re
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import article_text, rasd
from rasd import analyze
from rasd.ingest import document_from_text
from rasd.runner.batch import run_batch
from rasd.runner.pipeline import Pipeline, StageError, TimeBudgetExceeded
from rasd.runner.stages import Stage
from rasd.store import Store, UnstorableDocument
from rasd.store.schema import MIGRATIONS

RASD = str(Path(sys.executable).with_name("rasd"))


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


def _without_permission_override() -> None:
    """In a child process: make file permissions hold even for root, by dropping the capabilities that bypass
    them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from what the executed program gets."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP


@pytest.fixture
def permissions_hold(tmp_path):
    """Skips the test where a child process can read what its permissions forbid (a root without the
    means to drop its capabilities)."""
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0)
    try:
        listed = subprocess.run(["ls", str(probe)], preexec_fn=_without_permission_override, capture_output=True)
    finally:
        probe.chmod(0o700)
    if listed.returncode == 0:
        pytest.skip("file permissions do not hold for this user")


def rasd_unprivileged(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RASD, *args], capture_output=True, timeout=300, preexec_fn=_without_permission_override)


def test_names_with_undecodable_bytes_are_stored_escaped(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / os.fsdecode(b"caf\xe9.txt")).write_text(article_text(), encoding="utf-8")
    (corpus / "feed.jsonl").write_text(json.dumps({"text": article_text("مصدر \ud800 آخر"), "outlet": "وكالة \udcff",
                                                   "title": "عنوان \ud83d"}) + "\n", encoding="utf-8")
    db = tmp_path / "n.db"
    r = rasd("analyze", str(corpus), "--db", str(db), "--outlet", os.fsdecode(b"\xff\xfeoutlet"))
    assert r.returncode == 0, r.stderr.decode()
    docs = {Path(path).name: (outlet, title, text) for path, outlet, title, text in
            _rows(db, "SELECT source_path, outlet, title, text FROM documents")}
    assert docs["caf\\xe9.txt"][0] == "\\xff\\xfeoutlet"
    outlet, title, text = docs["feed.jsonl:1"]
    assert (outlet, title) == ("وكالة \\xff", "عنوان \\ud83d") and "مصدر \\ud800 آخر" in text
    [(analysis,)] = _rows(db, "SELECT analysis FROM documents WHERE source_path LIKE '%feed.jsonl:1'")
    assert any("surrogates" in w for w in json.loads(analysis)["warnings"])


def test_gzip_of_newlines_takes_seconds(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    line = (json.dumps({"text": article_text()}, ensure_ascii=False) + "\n").encode("utf-8")
    newlines = gzip.compress(b"\n" * 64 * 2**20, 9)  # 64 MiB in 65 KB; gzip members may be concatenated
    with open(corpus / "feed.jsonl.gz", "wb") as fh:  # 256 MiB of newlines between two articles
        fh.write(gzip.compress(line) + newlines * 4 + gzip.compress(line.replace("قال".encode(), "وقال".encode())))
    db = tmp_path / "b.db"
    r = rasd("analyze", str(corpus), "--db", str(db), timeout=60)  # a loop step per blank line took minutes
    assert r.returncode == 0, r.stderr.decode()
    assert _rows(db, "SELECT source_path FROM documents ORDER BY source_path") == [
        (str(corpus / "feed.jsonl.gz:1"),), (str(corpus / f"feed.jsonl.gz:{4 * 64 * 2**20 + 2}"),)]


def test_stdin_is_read_no_further_than_one_document(tmp_path):
    out = tmp_path / "out.txt"
    with open(out, "wb") as fh:
        proc = subprocess.Popen([RASD, "analyze", "-", "--db", str(tmp_path / "s.db"), "--no-progress"],
                                stdin=subprocess.PIPE, stdout=fh, stderr=subprocess.STDOUT)
    written = 0

    def feed():
        nonlocal written
        block = "نص طويل جدا ".encode("utf-8") * (2**20 // 22)
        try:
            while written < 256 * 2**20:
                proc.stdin.write(block)
                written += len(block)
            proc.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    proc.wait(timeout=120)
    writer.join()
    assert written < 16 * 2**20  # the pipe closed soon after the first 8 MiB: the rest was never read
    assert proc.returncode == 1, out.read_text()
    assert "<stdin>: input too large for one article: more than 8 MiB" in out.read_text()


def test_files_in_an_unreadable_directory_are_a_failure_not_silence(tmp_path, permissions_hold):
    corpus = tmp_path / "in"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "ok.txt").write_text(article_text(), encoding="utf-8")
    (corpus / "locked" / "hidden.txt").write_text(article_text("ثانية"), encoding="utf-8")
    (corpus / "locked").chmod(0)
    try:
        r = rasd_unprivileged("analyze", str(corpus), "--db", str(tmp_path / "u.db"))
    finally:
        (corpus / "locked").chmod(0o700)
    assert r.returncode == 1, r.stderr.decode()
    assert _rows(tmp_path / "u.db", "SELECT source_path, stage, reason FROM failures") == [
        (str(corpus / "locked"), "ingest", "cannot read directory: Permission denied: the files in it are not analysed")]
    assert len(_rows(tmp_path / "u.db", "SELECT id FROM documents")) == 1


def test_html_floods_of_attributes_or_tags_take_seconds_not_minutes(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    paragraphs = "".join(f"<p>{p}</p>" for p in article_text().split("\n"))
    attributes = " ".join(f'data-a{i}="{i}"' for i in range(100_000))  # 60,000 took 33 s to parse
    (corpus / "attributes.html").write_text(f"<html><body><article {attributes}>{paragraphs}</article></body></html>",
                                            encoding="utf-8")
    (corpus / "tags.html").write_text("<html><body>" + "<p>x</p>" * 1_000_000 + paragraphs + "</body></html>",
                                      encoding="utf-8")
    db = tmp_path / "h.db"
    r = rasd("analyze", str(corpus), "--db", str(db), timeout=60)
    assert r.returncode == 1, r.stderr.decode()
    [(stage, reason)] = _rows(db, "SELECT stage, reason FROM failures")
    assert (stage, reason) == ("clean", "HtmlError: HTML page has 2,000,010 tags, more than the 200,000 that are read")
    [(text, analysis)] = _rows(db, "SELECT text, analysis FROM documents")
    assert text == article_text().replace("\n", "\n\n")
    assert "HTML tag <article> with 100,000 attributes read without them" in json.loads(analysis)["warnings"]


def _report(toll: str, town: str = "سراقب") -> str:
    return (f"قال مصدر محلي إن قصفا مدفعيا استهدف أطراف مدينة {town} في ريف إدلب صباح اليوم وأسفر عن مقتل {toll} مدنيين.\n"
            "وأضاف المصدر أن فرق الدفاع المدني انتشلت الضحايا من تحت الأنقاض.\n")


def test_numbers_of_any_size_are_stored_safely_and_implausible_tolls_withheld(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "overflow.txt").write_text(_report("1" + "0" * 21), encoding="utf-8")  # OverflowError in SQLite
    (corpus / "implausible.txt").write_text(_report("1" + "0" * 18, "أريحا"), encoding="utf-8")  # stored as a fact
    (corpus / "huge.txt").write_text(_report("1" + "0" * 299, "سرمدا"), encoding="utf-8")
    (corpus / "plausible.txt").write_text(_report("7", "حارم"), encoding="utf-8")
    (corpus / "infinite.txt").write_text("وصلت إلى المدينة " + "9" * 400 + " طائرة مسيرة أمس بحسب مصادر محلية في دمشق.",
                                         encoding="utf-8")  # a float overflow: 'Infinity' in the JSON
    db = tmp_path / "n.db"
    r = rasd("analyze", str(corpus), "--db", str(db))
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    tolls = {Path(path).name: toll for path, toll in
             _rows(db, "SELECT d.source_path, e.fatalities FROM events e JOIN documents d ON d.id = e.doc_id")}
    assert tolls == {"overflow.txt": None, "implausible.txt": None, "huge.txt": None, "plausible.txt": 7,
                     "infinite.txt": None}
    warnings = {Path(path).name: json.loads(analysis)["warnings"]
                for path, analysis in _rows(db, "SELECT source_path, analysis FROM documents")}
    assert "event 0: fatalities read as 1,000,000,000,000,000,000,000 is not plausible (more than 1,000,000):" \
        " stored as unknown" in warnings["overflow.txt"]
    assert "event 0: fatalities read as 1,000,000,000,000,000,000 is not plausible (more than 1,000,000): stored as" \
        " unknown" in warnings["implausible.txt"]
    assert "event 0: fatalities read as a 300-digit number is not plausible (more than 1,000,000): stored as" \
        " unknown" in warnings["huge.txt"]
    assert not warnings["plausible.txt"]
    assert any("too large to represent" in w for w in warnings["infinite.txt"])

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    exported = rasd("export", "--format", "jsonl", "--db", str(db)).stdout.decode().splitlines()
    assert len([json.loads(line, parse_constant=no_constants) for line in exported]) == 5


def test_a_document_the_store_cannot_write_leaves_nothing_behind(tmp_path):
    bad, good = analyze(article_text()), analyze(article_text("ثانية"))
    bad.entities[0].start = 2**70  # an integer SQLite cannot hold, written after the document's own row
    with Store(tmp_path / "s.db") as store, store.transaction():
        with pytest.raises(UnstorableDocument, match="OverflowError"):
            store.save(bad, "bad-input")
        assert store.save(good, "good-input") == "stored"
    assert _rows(tmp_path / "s.db", "SELECT input_key FROM inputs") == [("good-input",)]
    assert _rows(tmp_path / "s.db", "SELECT id FROM documents") == [(good.id,)]


def _summary_counts(out: str) -> tuple[int, int]:
    first = out.splitlines()[0]  # read N documents in S s: A stored, B duplicates, C already stored, ...
    return int(first.split(": ")[1].split()[0]), int(first.split(", ")[2].split()[0])


def _numbered_reports(folder: Path, n: int) -> Path:
    """n short reports, each of another village, in a new folder."""
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i:04}.txt").write_text(_report(str(i % 7 + 2), f"القرية رقم {i}"), encoding="utf-8")
    return folder


def test_two_concurrent_runs_into_one_new_database_both_finish_and_store_each_document_once(tmp_path):
    n = 600
    corpus = _numbered_reports(tmp_path / "in", n)
    db = tmp_path / "c.db"
    runs = [subprocess.Popen([RASD, "analyze", str(corpus), "--db", str(db), "--no-progress"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, results):
        assert run.returncode == 0 and err == b"", err.decode()
    counts = [_summary_counts(out.decode()) for out, _ in results]
    assert sum(stored for stored, _ in counts) == n and sum(already for _, already in counts) == n
    assert _rows(db, "SELECT count(*), count(DISTINCT id) FROM documents") == [(n, n)]
    assert _rows(db, "SELECT count(*), count(DISTINCT doc_id) FROM inputs") == [(n, n)]


def test_no_write_lock_is_held_while_input_is_read(tmp_path):
    db = tmp_path / "w.db"
    run = subprocess.Popen([RASD, "analyze", "-", "--db", str(db), "--no-progress"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (db.exists() and _rows(db, "PRAGMA user_version") == [(len(MIGRATIONS),)]):
            assert time.monotonic() < deadline and run.poll() is None
            time.sleep(0.05)
        other = sqlite3.connect(db, timeout=0, isolation_level=None)
        for _ in range(30):  # for 3 s while the run waits for its input, another writer gets the lock at once
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            time.sleep(0.1)
        other.close()
    finally:
        out, err = run.communicate(article_text().encode("utf-8"), timeout=120)
    assert run.returncode == 0, err.decode()
    assert "1 stored" in out.decode()


def _one_error_line(r: subprocess.CompletedProcess, command: str) -> str:
    err = r.stderr.decode()
    assert r.returncode == 3 and err.count("\n") == 1 and err.startswith(f"rasd {command}: error: "), err
    return err


def test_read_only_database_or_folder_is_one_error_line_and_exit_3(tmp_path, permissions_hold):
    folder = tmp_path / "dbs"
    folder.mkdir()
    db = folder / "r.db"
    article = tmp_path / "a.txt"
    article.write_text(article_text(), encoding="utf-8")
    assert rasd("analyze", str(article), "--db", str(db)).returncode == 0
    (tmp_path / "b.txt").write_text(article_text("ثانية"), encoding="utf-8")
    db.chmod(0o444)
    try:
        r = rasd_unprivileged("analyze", str(tmp_path / "b.txt"), "--db", str(db))
        assert "attempt to write a readonly database" in _one_error_line(r, "analyze") and r.stdout == b""
    finally:
        db.chmod(0o644)
    for index in folder.glob("r.db-*"):  # left by the reader that could not write; a clean close removes them
        index.unlink()
    folder.chmod(0o555)
    try:
        r = rasd_unprivileged("analyze", str(tmp_path / "b.txt"), "--db", str(db))
        assert "cannot open database" in _one_error_line(r, "analyze")
        r = rasd_unprivileged("analyze", str(tmp_path / "b.txt"), "--db", str(folder / "new.db"))
        assert "unable to open database file" in _one_error_line(r, "analyze")
        # readers still read it: with no -wal file beside it, the database is read as immutable
        r = rasd_unprivileged("search", "إدلب", "--db", str(db))
        assert r.returncode == 0 and r.stderr == b"", r.stderr.decode()
        r = rasd_unprivileged("export", "--format", "jsonl", "--db", str(db))
        assert r.returncode == 0 and r.stdout.count(b"\n") == 1
    finally:
        folder.chmod(0o755)


def _stored_so_far(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return c.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:  # not there, or not made yet
        return 0


def test_a_database_that_fails_mid_run_is_a_dead_batch_that_resumes(tmp_path):
    n = 200
    corpus = _numbered_reports(tmp_path / "in", n)
    db = tmp_path / "d.db"
    run = subprocess.Popen([RASD, "analyze", str(corpus), "--db", str(db)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _stored_so_far(db) < 5:
        assert time.monotonic() < deadline and run.poll() is None
        time.sleep(0.05)
    resource.prlimit(run.pid, resource.RLIMIT_FSIZE, (1, 1))  # from now on its files cannot grow: a full disk
    out, err = run.communicate(timeout=120)
    failed = _one_error_line(subprocess.CompletedProcess(run.args, run.returncode, out, err), "analyze")
    assert f"database {db} failed during the run: " in failed and "running again resumes" in failed
    stored = _rows(db, "SELECT count(*) FROM documents")[0][0]
    assert 5 <= stored < n
    r = rasd("analyze", str(corpus), "--db", str(db))
    assert r.returncode == 0 and f"{n - stored} stored" in r.stdout.decode(), r.stderr.decode()
    assert _rows(db, "SELECT count(*), count(DISTINCT id) FROM documents") == [(n, n)]


def test_a_document_over_its_time_budget_is_a_failure_and_the_batch_goes_on(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"d{i}.txt").write_text(_report(str(i + 2), ["سراقب", "أريحا", "حارم"][i]), encoding="utf-8")
    (corpus / "slow.txt").write_text(_report("4", "سرمدا"), encoding="utf-8")

    def slow_on_sarmada(doc, resources):  # stands for a stage that takes too long on one input
        if "سرمدا" in doc.text:
            time.sleep(1.0)

    pipeline = Pipeline.default()
    pipeline.stages.insert(4, Stage("slow", slow_on_sarmada, requires=("text",), assigns=()))
    pipeline(document_from_text(article_text()))  # loads the models, which the first document would pay for
    with Store(tmp_path / "t.db") as store:
        summary = run_batch([str(corpus)], store, pipeline, time_budget_s=0.5)
        assert (summary.stored, summary.failed) == (3, 1)
        [failure] = store.failures()
    assert failure["source_path"].endswith("slow.txt") and failure["stage"] == "slow"
    assert re.fullmatch(r"TimeBudgetExceeded: 1\.\d s, over the 0\.5 s budget per document", failure["reason"])


def test_time_budget_option(tmp_path):
    (tmp_path / "a.txt").write_text(article_text(), encoding="utf-8")
    r = rasd("analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "b.db"), "--time-budget", "0.001")
    assert r.returncode == 1 and "over the 0.001 s budget per document" in r.stdout.decode()
    r = rasd("analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "b.db"), "--time-budget", "0")
    assert r.returncode == 2 and "--time-budget must be a positive number of seconds" in r.stderr.decode()


def test_stage_errors_pickle():
    error = StageError("places", KeyError(None))
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.stage, type(copy.cause), str(copy)) == ("places", KeyError, "places: KeyError: None")
    budget = pickle.loads(pickle.dumps(StageError("events", TimeBudgetExceeded("61.0 s, over the 60 s budget"))))
    assert str(budget) == "events: TimeBudgetExceeded: 61.0 s, over the 60 s budget"


def test_resources_load_when_the_first_input_is_analysed_and_not_when_every_input_is_stored(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(article_text(), encoding="utf-8")
    warm_ups = []
    monkeypatch.setattr(Pipeline, "warm_up", lambda self: warm_ups.append(1) or 0.0)
    with Store(tmp_path / "w.db") as store:
        assert run_batch([str(tmp_path / "a.txt")], store, Pipeline.default()).stored == 1
        assert len(warm_ups) == 1
        again = run_batch([str(tmp_path / "a.txt")], store, Pipeline.default())
    assert (again.already_stored, again.stored, len(warm_ups)) == (1, 0, 1)  # the re-run loaded nothing
