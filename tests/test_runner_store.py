"""End to end through the `rasd` command: idempotency, kill-and-resume, failures, exports, search."""
import csv
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SPUTNIK, rasd

TOWNS = ["سراقب", "معرة النعمان", "خان شيخون", "أريحا", "جسر الشغور", "كفرنبل", "سرمدا", "الدانا", "حارم", "سلقين"]


def _variant(i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    return (f"قال مصدر محلي إن قصفا مدفعيا استهدف أطراف مدينة {town} في ريف إدلب صباح اليوم وأسفر عن مقتل {i % 7 + 2} مدنيين.\n"
            f"وأضاف المصدر أن فرق الدفاع المدني انتشلت الضحايا من تحت الأنقاض في الحي رقم {i}.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for i in range(40):
        (d / f"a{i:03}.txt").write_text(_variant(i), encoding="utf-8")
    (d / "dup.txt").write_text(_variant(3), encoding="utf-8")  # same article as a003
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (d / "english.txt").write_text("The army said that clashes continued overnight near the city of Idlib, "
                                   "according to a military source speaking to reporters.", encoding="utf-8")
    return d


def _counts(db: Path) -> dict:
    with sqlite3.connect(db) as c:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "inputs", "failures", "mentions", "places", "events")}


def test_analyze_summary_and_idempotent_rerun(tmp_path, corpus):
    db = tmp_path / "r.db"
    first = rasd("analyze", str(corpus), "--db", str(db), "--published", "2026-11-20")
    out = first.stdout.decode()
    assert first.returncode == 1, first.stderr.decode()  # some inputs failed: reported, not fatal
    assert "read 44 documents" in out and "41 stored" in out and "1 duplicates" in out and "2 failed" in out
    assert "1 not Arabic" in out
    assert "binary.txt: binary data" in out and "empty.txt: empty input" in out
    before = _counts(db)
    assert before["documents"] == 41 and before["failures"] == 2 and before["events"] >= 40
    second = rasd("analyze", str(corpus), "--db", str(db), "--published", "2026-11-20")
    assert "0 stored" in second.stdout.decode() and "44 already stored" in second.stdout.decode()
    assert _counts(db) == before


def test_killed_run_resumes_and_stores_each_document_once(tmp_path):
    corpus = tmp_path / "many"
    corpus.mkdir()
    n = 400
    for i in range(n):
        (corpus / f"d{i:04}.txt").write_text(_variant(i), encoding="utf-8")
    db = tmp_path / "k.db"
    exe = str(Path(sys.executable).with_name("rasd"))
    proc = subprocess.Popen([exe, "analyze", str(corpus), "--db", str(db), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                stored = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 5:
            break
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < _counts(db)["documents"] < n
    again = rasd("analyze", str(corpus), "--db", str(db), "--no-progress")
    assert again.returncode == 0, again.stderr.decode()
    counts = _counts(db)
    assert counts["documents"] == n and counts["inputs"] == n and counts["failures"] == 0
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(DISTINCT doc_id) FROM inputs").fetchone()[0] == n
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_exports_search_and_show(tmp_path, corpus):
    db = tmp_path / "e.db"
    rasd("analyze", str(corpus), str(SPUTNIK), "--db", str(db), "--published", "2026-11-20")
    lines = rasd("export", "--format", "jsonl", "--db", str(db)).stdout.decode().splitlines()
    docs = [json.loads(x) for x in lines]
    assert len(docs) == 42
    keys = {"id", "url", "outlet", "title", "published", "language", "text", "removed", "entities", "places", "events"}
    assert all(keys <= set(d) for d in docs)
    sputnik = next(d for d in docs if d["outlet"] == "Sputnik")
    events = [e for d in docs for e in d["events"]]
    assert events and all(e["evidence"] and e["sources"]["sources"] for e in events)  # every event explains itself
    assert all(e["sources"]["sources"][-1]["kind"] in ("outlet", "agency") for e in events)
    assert any(r["kind"] == "counter" for r in sputnik["removed"])

    rows = list(csv.DictReader(io.StringIO(rasd("export", "--format", "csv", "--db", str(db)).stdout.decode())))
    assert rows and list(rows[0])[:7] == ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                                         "event_type", "sub_event_type"]
    shelling = [r for r in rows if r["sub_event_type"] == "Shelling/artillery/missile attack"]
    assert shelling and all(r["country"] == "Syria" and r["event_date"] == "2026-11-20" for r in shelling)
    assert any(r["fatalities"] == "2" and r["rasd_civilian_fatalities"] == "2" for r in shelling)

    out = tmp_path / "e.geojson"
    assert rasd("export", "--format", "geojson", "--db", str(db), "-o", str(out)).returncode == 0
    gj = json.loads(out.read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection"
    assert {f["properties"]["feature_type"] for f in gj["features"]} == {"event", "place"}

    hits = rasd("search", "بحماة", "--db", str(db), "--json").stdout.decode().splitlines()
    assert [json.loads(h)["id"] for h in hits] == [sputnik["id"]]  # "بحماة" finds "حماة" in the sample
    shown = rasd("show", sputnik["id"][:8], "--db", str(db))
    assert shown.returncode == 0 and "Sputnik" in shown.stdout.decode()


def test_bad_arguments_get_one_line_errors(tmp_path):
    r = rasd("analyze", "x", "--published", "20-11-2026", "--db", str(tmp_path / "x.db"))
    assert r.returncode == 2 and r.stderr.decode().strip().count("\n") == 0 and "YYYY-MM-DD" in r.stderr.decode()
    r = rasd("show", "abc", "--db", str(tmp_path / "missing.db"))
    assert r.returncode == 3 and "no database" in r.stderr.decode()
    r = rasd("export", "--format", "xml")
    assert r.returncode == 2
    r = rasd("analyze", str(tmp_path / "nothing-here"), "--db", str(tmp_path / "y.db"))
    assert r.returncode == 3 and "file not found" in r.stdout.decode()  # README: 3 is unreadable input
    not_a_db = tmp_path / "not.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    r = rasd("analyze", str(SPUTNIK), "--db", str(not_a_db))
    assert r.returncode == 3 and "cannot open database" in r.stderr.decode()
