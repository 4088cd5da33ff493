"""Every input format and encoding becomes the same clean article; bad inputs become failures with reasons."""
import codecs
import gzip
import json

import pytest

from conftest import ARTICLE_PARAGRAPHS, article_text
from rasd.clean import clean_document
from rasd.ingest import iter_inputs
from rasd.ingest.decode import DecodeError, decode_bytes


def _docs(path):
    items = list(iter_inputs([str(path)]))
    for it in items:
        if it.document:
            clean_document(it.document)
    return items


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("cp1256", b""), ("iso8859_6", b""),
])
def test_encodings_are_detected_from_bytes(tmp_path, encoding, prefix):
    text = article_text()
    if encoding == "iso8859_6":  # ISO-8859-6 has no curly quotes or Arabic-Indic digits; the article has neither
        text.encode("iso8859_6")
    path = tmp_path / "article.txt"
    path.write_bytes(prefix + text.encode(encoding))
    [item] = _docs(path)
    assert item.failure is None
    assert item.document.text.split("\n\n") == ARTICLE_PARAGRAPHS


def test_utf16_without_bom_is_recognised():
    text, enc = decode_bytes(article_text().encode("utf-16-le"))
    assert enc == "utf-16-le" and text.startswith("قال مصدر")


def test_same_article_in_two_encodings_gets_one_id(tmp_path):
    (tmp_path / "a.txt").write_bytes(article_text().encode("cp1256"))
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF8 + article_text().replace(" ", "  ").encode("utf-8"))
    ids = {it.document.id for it in _docs(tmp_path)}
    assert len(ids) == 1


def test_html_page_is_reduced_to_article_and_metadata(tmp_path):
    body = "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    page = f"""<!doctype html><html lang="ar"><head><title>اشتباكات في ريف إدلب | موقع الرصد</title>
    <meta property="og:site_name" content="موقع الرصد"><meta property="article:published_time" content="2026-11-18T09:00:00Z">
    <link rel="canonical" href="https://example.org/news/1"></head><body>
    <nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/syria">سوريا</a></li><li><a href="/iraq">العراق</a></li></ul></nav>
    <article><h1>اشتباكات في ريف إدلب</h1>{body}</article>
    <aside><h3>الأكثر قراءة</h3><ul><li>خبر عن الطقس في دمشق اليوم</li></ul></aside>
    <footer>جميع الحقوق محفوظة © 2026 موقع الرصد</footer></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [item] = _docs(tmp_path / "page.html")
    doc = item.document
    assert doc.format == "html"
    for p in ARTICLE_PARAGRAPHS:
        assert p in doc.text
    assert "الأكثر قراءة" not in doc.text and "الرئيسية" not in doc.text
    assert doc.published == "2026-11-18"
    assert doc.url == "https://example.org/news/1"
    assert doc.outlet == "موقع الرصد"
    assert any(r.kind == "html_boilerplate" and "الأكثر قراءة" in r.text for r in doc.removed)


def test_jsonl_and_gzip_lines_carry_metadata(tmp_path):
    rows = [{"text": article_text(), "url": "https://example.org/1", "title": "عنوان", "outlet": "سانا",
             "published": "2026-11-02T10:00:00"},
            {"html": "<html><body><article>" + "".join(f"<p>{p} ثانية</p>" for p in ARTICLE_PARAGRAPHS)
                     + "</article></body></html>", "published": "2026-11-03"}]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (tmp_path / "feed.jsonl").write_text(data, encoding="utf-8")
    with gzip.open(tmp_path / "feed2.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(data.replace("عنوان", "عنوان آخر"))
    items = _docs(tmp_path)
    assert len(items) == 4 and all(it.failure is None for it in items)
    first = items[0].document
    assert (first.url, first.title, first.outlet, first.published) == ("https://example.org/1", "عنوان", "سانا", "2026-11-02")
    assert items[1].document.format == "html" and "ثانية" in items[1].document.text
    assert items[2].document.title == "عنوان آخر"
    assert items[0].input_key != items[2].input_key  # same text, different origin: both inputs are recorded


def test_stdin_is_read(monkeypatch, tmp_path):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article_text().encode("cp1256"))))
    [item] = _docs("-")
    assert item.source_path == "<stdin>" and item.document.text.startswith("قال مصدر")


def test_bad_inputs_become_failures_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 500)
    good = gzip.compress((json.dumps({"text": article_text()}, ensure_ascii=False) + "\n").encode() * 3)
    (tmp_path / "truncated.jsonl.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "broken.jsonl").write_text('{"text": "نص"\n[1,2]\n{"title": "no text"}\n', encoding="utf-8")
    reasons = {}
    for it in iter_inputs([str(tmp_path)]):
        assert it.failure is not None, it.source_path
        reasons.setdefault(it.source_path.split("/")[-1], []).append(it.failure.reason)
    assert reasons["empty.txt"] == ["empty input"]
    assert reasons["blank.txt"] == ["empty input"]
    assert "binary" in reasons["binary.txt"][0]
    assert "binary" in reasons["image.html"][0]
    assert any("corrupt or truncated" in r for r in reasons["truncated.jsonl.gz:1"] + reasons.get("truncated.jsonl.gz:2", []))
    assert "not a JSON object" in reasons["broken.jsonl:1"][0]
    assert "not an object" in reasons["broken.jsonl:2"][0]
    assert "no 'text' or 'html'" in reasons["broken.jsonl:3"][0]


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.write(article_text().encode() * 10)
        fh.truncate(50 * 1024 * 1024)
    [item] = list(iter_inputs([str(path)]))
    assert "too large" in item.failure.reason and "50.0 MiB" in item.failure.reason


def test_missing_path_is_a_failure(tmp_path):
    [item] = list(iter_inputs([str(tmp_path / "nope.txt")]))
    assert item.failure.reason == "file not found"


def test_decode_refuses_empty():
    with pytest.raises(DecodeError):
        decode_bytes(b"   ")
