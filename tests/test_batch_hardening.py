"""The batch promise under hostile input, through the `rasd` command: every document is stored or recorded as
failed with a reason, the batch never dies on one document, and exit codes tell a dead batch (3) from some
failed documents (1)."""
import json
import os
import sqlite3
from pathlib import Path

from conftest import article_text, rasd


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
