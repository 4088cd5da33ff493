"""The `rasd` commands as the README describes them."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, article_text, rasd  # noqa: E402

from rasd.store import DEFAULT_DB  # noqa: E402


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
