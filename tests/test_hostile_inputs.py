"""Hostile and broken inputs (from fuzzing) become documents or failures with reasons; ingest never raises."""
import json

from conftest import article_text
from rasd.ingest import iter_inputs


def _by_name(items):
    return {it.source_path.rsplit("/", 1)[-1]: it for it in items}


def test_jsonl_lines_python_cannot_parse_are_failures_with_reasons(tmp_path):
    good = json.dumps({"text": article_text()}, ensure_ascii=False)
    lines = [good,
             '{"text": "نص", "id": ' + "7" * 5000 + "}",  # ValueError: Exceeds the limit (4300 digits)
             '{"text": "نص", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}",  # RecursionError
             '{"text": "نص", "deep": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}",
             good.replace("قال", "وقال")]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _by_name(iter_inputs([str(tmp_path / "feed.jsonl")]))
    assert items["feed.jsonl:1"].document and items["feed.jsonl:5"].document
    assert items["feed.jsonl:2"].failure.reason == "not a JSON object: a number longer than 4300 digits"
    for n in (3, 4):
        assert items[f"feed.jsonl:{n}"].failure.reason == "not a JSON object: arrays or objects nested too deeply to read"
