"""The batch promise under hostile input, through the `rasd` command: every document is stored or recorded as
failed with a reason, the batch never dies on one document, and exit codes tell a dead batch (3) from some
failed documents (1)."""
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from conftest import article_text, rasd

RASD = str(Path(sys.executable).with_name("rasd"))


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


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


def test_gzip_bomb_of_newlines_is_cut_off_in_seconds(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    line = (json.dumps({"text": article_text()}, ensure_ascii=False) + "\n").encode("utf-8")
    newlines = gzip.compress(b"\n" * 64 * 2**20, 9)  # 64 MiB in 65 KB; gzip members may be concatenated
    with open(corpus / "bomb.jsonl.gz", "wb") as fh:  # 1.1 GB of newlines in 1.2 MB, between two articles
        fh.write(gzip.compress(line) + newlines * 17 + gzip.compress(line.replace("قال".encode(), "وقال".encode())))
    db = tmp_path / "b.db"
    r = rasd("analyze", str(corpus), "--db", str(db), timeout=120)
    assert r.returncode == 1, r.stderr.decode()
    [(path, reason)] = _rows(db, "SELECT source_path, reason FROM failures")
    assert reason == "compressed feed decompresses to more than 1 GiB: not read from here on"
    assert int(path.rsplit(":", 1)[1]) > 10**9  # the line being read when the limit was reached
    assert _rows(db, "SELECT source_path FROM documents") == [(str(corpus / "bomb.jsonl.gz:1"),)]


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

