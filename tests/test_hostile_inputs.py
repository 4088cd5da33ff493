"""Hostile and broken inputs (from fuzzing) become documents or failures with reasons; ingest never raises."""
import codecs
import gzip
import json
import random

from conftest import article_text
from rasd.ingest import input_key, iter_inputs


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


def test_article_cut_inside_its_last_character_is_repaired_with_a_warning(tmp_path):
    text = article_text().rstrip(".")  # ends in an Arabic letter: two bytes in UTF-8 and one of them is cut off
    (tmp_path / "cut.txt").write_bytes(text.encode("utf-8")[:-1])
    (tmp_path / "cut-bom.txt").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8")[:-1])
    (tmp_path / "cut-utf16.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le")[:-1])
    for name, item in _by_name(iter_inputs([str(tmp_path)])).items():
        assert item.failure is None, name
        assert item.document.raw == text[:-1], name
        assert any("incomplete" in w and "cut off at the end" in w for w in item.document.warnings), name


def test_stray_nul_bytes_are_removed_with_a_warning_but_binary_is_still_refused(tmp_path):
    text = article_text()
    data = text.encode("utf-8")
    (tmp_path / "one-nul.txt").write_bytes(data[:40] + b"\x00" + data[40:])
    (tmp_path / "few-nuls.txt").write_bytes((data * 10).replace(b"\n", b"\n\x00", 4))  # 4 in 5 KB
    rng = random.Random(7)
    (tmp_path / "random.txt").write_bytes(bytes(rng.randrange(256) for _ in range(50_000)))
    (tmp_path / "sparse-nuls.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "nul-heavy.txt").write_bytes(data.replace(b" ", b"\x00"))
    items = _by_name(iter_inputs([str(tmp_path)]))
    doc = items["one-nul.txt"].document
    assert doc.raw == text and "removed 1 stray NUL byte" in doc.warnings
    doc = items["few-nuls.txt"].document
    assert doc.raw == text * 10 and "removed 4 stray NUL bytes" in doc.warnings
    assert items["random.txt"].failure.reason.startswith(("binary data", "undecodable bytes"))
    for name in ("sparse-nuls.txt", "nul-heavy.txt"):
        assert items[name].failure.reason.startswith("binary data"), name


def test_jsonl_line_with_a_stray_nul_keeps_the_warning(tmp_path):
    line = json.dumps({"text": article_text()}, ensure_ascii=False).encode("utf-8")
    (tmp_path / "feed.jsonl").write_bytes(line[:30] + b"\x00" + line[30:] + b"\n")
    [item] = iter_inputs([str(tmp_path / "feed.jsonl")])
    assert item.document.raw == article_text() and "removed 1 stray NUL byte" in item.document.warnings


def test_feed_lines_keep_their_numbers_and_keys_across_blank_runs_and_read_chunks(tmp_path):
    a = json.dumps({"text": article_text()}, ensure_ascii=False).encode("utf-8")
    b = json.dumps({"text": article_text("ب" * 3_000_000)}, ensure_ascii=False).encode("utf-8")  # spans read chunks
    c = json.dumps({"text": article_text("ج")}, ensure_ascii=False).encode("utf-8")
    data = b"\n\n" + a + b"\n  \n\t\n" + b"\n" * 3_000_000 + b + b"\r\n\n" + b"  " + c  # no newline at the end
    (tmp_path / "feed.jsonl").write_bytes(data)
    items = list(iter_inputs([str(tmp_path / "feed.jsonl")]))
    origin = str(tmp_path / "feed.jsonl")
    expected = [(3, a + b"\n"), (3_000_006, b + b"\r\n"), (3_000_008, b"  " + c)]
    assert [it.source_path for it in items] == [f"{origin}:{n}" for n, _ in expected]
    assert [it.input_key for it in items] == [input_key(f"{origin}:{n}", line) for n, line in expected]
    assert all(it.document for it in items)


def test_compressed_feed_is_read_to_its_decompressed_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("rasd.ingest.MAX_DECOMPRESSED_BYTES", 32 * 2**20)
    line = (json.dumps({"text": article_text()}, ensure_ascii=False) + "\n").encode("utf-8")
    with open(tmp_path / "bomb.jsonl.gz", "wb") as fh:  # 64 MiB of newlines in 65 KB, then an article
        fh.write(gzip.compress(line) + gzip.compress(b"\n" * 64 * 2**20, 9) + gzip.compress(line))
    first, cut = iter_inputs([str(tmp_path / "bomb.jsonl.gz")])
    assert first.document and first.source_path.endswith("bomb.jsonl.gz:1")
    assert cut.failure.reason == "compressed feed decompresses to more than 32 MiB: not read from here on"
    assert int(cut.source_path.rsplit(":", 1)[1]) > 30 * 2**20  # the line being read when the limit was reached
