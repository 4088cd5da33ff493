"""The `rasd` commands as the README describes them: one default database, exit codes, answers to a search that
finds nothing and to an id prefix that fits several documents."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, article_text, rasd  # noqa: E402
from ui_support import syria_report  # noqa: E402

from rasd.store import DEFAULT_DB, Store  # noqa: E402


@pytest.fixture(scope="module")
def analysed_here(tmp_path_factory):
    """A folder in which `rasd analyze` ran without --db."""
    here = tmp_path_factory.mktemp("here")
    (here / "report.txt").write_text(article_text(), encoding="utf-8")
    result = rasd("analyze", "report.txt", "--published", "2026-11-20", "--no-progress", cwd=here)
    assert result.returncode == 0, result.stderr.decode()
    return here


def test_every_command_uses_the_database_that_make_run_writes(analysed_here):
    assert DEFAULT_DB == "out/rasd.db"
    assert "--db $(OUT)/rasd.db" in (ROOT / "Makefile").read_text() and "OUT := out\n" in (ROOT / "Makefile").read_text()
    assert (analysed_here / "out" / "rasd.db").exists() and not (analysed_here / "rasd.db").exists()
    found = rasd("search", "إدلب", "--json", cwd=analysed_here)
    assert found.returncode == 0, found.stderr.decode()
    doc_id = json.loads(found.stdout.decode().splitlines()[0])["id"]
    shown = rasd("show", doc_id[:10], "--json", cwd=analysed_here)
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == doc_id
    exported = rasd("export", "--format", "jsonl", cwd=analysed_here)
    assert exported.returncode == 0 and [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [doc_id]
    for command in ("analyze", "show", "search", "export", "serve"):
        assert "(default out/rasd.db)" in " ".join(rasd(command, "--help").stdout.decode().split()), command


def test_a_search_that_finds_nothing_exits_0_and_says_so(analysed_here):
    result = rasd("search", "كنغر", cwd=analysed_here)
    assert (result.returncode, result.stdout.decode()) == (0, "no results\n")
    as_json = rasd("search", "كنغر", "--json", cwd=analysed_here)
    assert (as_json.returncode, as_json.stdout) == (0, b"")


def test_analyze_exits_3_when_an_input_it_was_given_cannot_be_read(tmp_path, analysed_here):
    db = tmp_path / "r.db"
    missing = rasd("analyze", "/nonexistent", "--db", str(db), "--no-progress")
    assert missing.returncode == 3 and "/nonexistent: file not found" in missing.stdout.decode()
    both = rasd("analyze", str(analysed_here / "report.txt"), str(tmp_path / "typo.txt"), "--db", str(db),
                "--published", "2026-11-20", "--no-progress")
    assert both.returncode == 3 and "1 stored" in both.stdout.decode()  # the readable input is analysed all the same
    again = rasd("analyze", str(analysed_here / "report.txt"), "--db", str(db), "--no-progress")
    assert again.returncode == 0


@pytest.fixture(scope="module")
def prefixed_db(tmp_path_factory):
    """Twelve documents whose ids begin "ab", one "cd"."""
    db = tmp_path_factory.mktemp("prefixes") / "rasd.db"
    with Store(db) as store, store.transaction():
        for n, doc_id in enumerate([f"ab{n:02d}" + "0" * 36 for n in range(12)] + ["cd" + "0" * 38]):
            doc = syria_report()
            doc.text += f"\nالتحديث {n}"
            doc.id = doc_id
            store.save(doc, f"input-{n}")
    return db


def test_an_id_prefix_of_several_documents_lists_them(prefixed_db):
    result = rasd("show", "ab0", "--db", str(prefixed_db))
    assert result.returncode == 4
    assert result.stderr.decode().splitlines() == [
        "rasd show: error: 'ab0' begins more than one document id; give more of the one you mean:",
        *[f"  ab{n:02d}" + "0" * 36 for n in range(10)]]
    many = rasd("show", "a", "--db", str(prefixed_db)).stderr.decode().splitlines()
    assert len(many) == 12 and many[-1] == "  …"
    assert rasd("show", "ab07", "--db", str(prefixed_db)).returncode == 0
    assert rasd("show", "CD", "--db", str(prefixed_db)).returncode == 0  # as before, letters in either case
    none = rasd("show", "ef", "--db", str(prefixed_db))
    assert (none.returncode, none.stderr.decode()) == (4, "rasd show: error: no document id begins with 'ef'\n")
    wildcard = rasd("show", "a_", "--db", str(prefixed_db))  # "_" is a character, not LIKE's any-character
    assert wildcard.returncode == 4 and "no document id begins with 'a_'" in wildcard.stderr.decode()
