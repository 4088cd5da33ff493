"""Corpora of many articles per file: the ANT layout read through its manifest with each article's metadata, and
a huge text file of many articles read as many articles with a warning, not as one story."""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, rasd
from rasd.ingest import iter_inputs
from rasd.ingest.ant import iter_articles, read_manifest
from rasd.limits import MAX_ARTICLE_WORDS, MULTI_ARTICLE_FILE_BYTES

TOWNS = ["سراقب", "معرة النعمان", "خان شيخون", "أريحا", "جسر الشغور", "كفرنبل", "سرمدا", "الدانا", "حارم", "سلقين"]
ANT = SHARED / "data" / "arabic-news-text" / "ant-multisource-v2.1"


def _article(i: int, paragraphs: int = 2) -> str:
    """A title line, then body lines (one paragraph each), as the ANT files lay out an article."""
    town = TOWNS[i % len(TOWNS)]
    first = (f"قال مصدر محلي إن قصفا مدفعيا استهدف أطراف مدينة {town} في ريف إدلب صباح اليوم وأسفر عن مقتل {i % 7 + 2}"
             f" مدنيين في الحي رقم {i}.")
    more = [f"وأضاف المصدر أن فرق الدفاع المدني انتشلت الضحايا من تحت الأنقاض وأن القصف تجدد بعد الظهر للمرة رقم {k}."
            for k in range(paragraphs - 1)]
    return "\n".join([f"قصف مدفعي على {town} يقتل مدنيين", first, *more])


def _ant_folder(root: Path) -> Path:
    """Two outlets' files of three articles each, and a manifest with a row for a block that no file holds."""
    rows = []
    for outlet, first in (("bbc", 0), ("skynews", 3)):
        (root / outlet).mkdir(parents=True)
        (root / outlet / "middleEast_01.txt").write_text(
            "\n\n".join(_article(first + k) for k in range(3)) + "\n", encoding="utf-8")
        rows += [{"file": f"{outlet}/middleEast_01.txt", "block": k + 1, "docno": f"{outlet}-{k + 1}",
                  "date": f"2018-02-{20 + first + k}", "category": "middleEast",
                  "url": f"http://{outlet}.example/news/{k + 1}", "words": 40} for k in range(3)]
    rows.append({**rows[-1], "block": 9, "docno": "skynews-9"})
    with (root / "manifest.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_an_ant_folder_is_read_through_its_manifest_as_articles_with_their_metadata(tmp_path):
    corpus = _ant_folder(tmp_path / "ant")
    db = tmp_path / "a.db"
    r = rasd("analyze", str(tmp_path), "--db", str(db), "--no-progress")
    assert r.returncode == 1, r.stderr.decode()  # the manifest's row for a block the file does not hold
    assert "read 7 documents" in r.stdout.decode() and "6 stored" in r.stdout.decode()
    assert "skynews/middleEast_01.txt#9: the manifest lists block 9 of this file, which has 3 blocks" in r.stdout.decode()
    with sqlite3.connect(db) as c:
        stored = {Path(p).relative_to(corpus).as_posix(): (pub, url, outlet, title, json.loads(a)["text"])
                  for p, pub, url, outlet, title, a in
                  c.execute("SELECT source_path, published, url, outlet, title, analysis FROM documents")}
    assert set(stored) == {f"{o}/middleEast_01.txt#{k}" for o in ("bbc", "skynews") for k in (1, 2, 3)}
    published, url, outlet, title, text = stored["skynews/middleEast_01.txt#2"]
    assert (published, url, title) == ("2018-02-24", "http://skynews.example/news/2", "قصف مدفعي على جسر الشغور يقتل مدنيين")
    assert outlet == "skynews" and stored["bbc/middleEast_01.txt#1"][2] == "BBC Arabic"  # the registry's name
    assert "مقتل 6 مدنيين في الحي رقم 4" in text


@pytest.mark.skipif(not ANT.is_dir(), reason="the ANT corpus is not beside the repository")
def test_the_ant_corpus_is_every_manifest_row_with_the_text_the_gold_annotations_point_into():
    items = list(iter_inputs([str(ANT)]))
    assert len(items) == len(read_manifest(ANT)) and not [i for i in items if i.failure]
    texts = {f"{ANT / a.file}#{a.block}": a.text for a in iter_articles(ANT)}
    assert all(item.document.raw == texts[item.source_path] for item in items)
    assert len({item.input_key for item in items}) == len(items)


@pytest.mark.skipif(not ANT.is_dir(), reason="the ANT corpus is not beside the repository")
def test_the_unlabeled_news_models_learn_from_holds_every_train_and_dev_article_and_no_test_one():
    from rasd.ingest.ant import development_articles

    allowed = {a.docno for a in development_articles(ANT.parent)}
    every = {r["docno"] for r in read_manifest(ANT)}
    with open(ROOT / "gold" / "real" / "articles.tsv", encoding="utf-8") as fh:
        split = {r["docno"]: r["split"] for r in csv.DictReader(fh, delimiter="\t")}
    assert not {d for d, s in split.items() if s == "test"} & allowed
    assert {d for d, s in split.items() if s != "test"} <= allowed
    assert len(every - allowed) < len(every) / 5  # what the builders of unlabeled statistics leave out


def test_a_huge_text_file_of_many_articles_is_read_as_many_with_a_warning(tmp_path):
    articles = [_article(i, paragraphs=30) for i in range(120)]
    big = tmp_path / "month.txt"
    big.write_text("\n\n".join(articles) + "\n", encoding="utf-8")
    words = len(big.read_text(encoding="utf-8").split())
    assert words > 50_000 and big.stat().st_size > MULTI_ARTICLE_FILE_BYTES
    db = tmp_path / "m.db"
    r = rasd("analyze", str(big), "--db", str(db), "--no-progress")
    assert r.returncode == 0, r.stderr.decode()
    assert "read 120 documents" in r.stdout.decode() and "120 stored" in r.stdout.decode()
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT source_path, n_words, analysis FROM documents ORDER BY rowid").fetchall()
    assert [Path(p).name for p, _, _ in rows] == [f"month.txt#{i}" for i in range(1, 121)]
    assert max(n for _, n, _ in rows) < 1000
    assert all(any("blank-line-separated articles" in w for w in json.loads(a)["warnings"]) for _, _, a in rows)


def test_a_file_of_many_articles_in_a_legacy_encoding_is_split_and_decoded(tmp_path):
    big = tmp_path / "legacy.txt"
    big.write_bytes("\n\n".join(_article(i, paragraphs=20) for i in range(80)).encode("cp1256"))
    assert big.stat().st_size > MULTI_ARTICLE_FILE_BYTES
    items = list(iter_inputs([str(big)]))
    assert len(items) == 80 and items[7].document.raw == _article(7, paragraphs=20)
    assert "decoded as cp1256" in items[7].document.warnings


def test_a_long_text_that_is_not_many_articles_stays_one_with_a_warning(tmp_path):
    paragraphs = [f"الفقرة رقم {i}: " + " ".join(["كلمة"] * 60) for i in range(400)]
    long = tmp_path / "report.txt"
    long.write_text("\n\n".join(paragraphs), encoding="utf-8")  # one-line paragraphs: no title, no body
    [item] = iter_inputs([str(long)])
    assert item.document.raw.count("الفقرة") == 400
    assert any(f"more than any news article ({MAX_ARTICLE_WORDS:,})" in w for w in item.document.warnings)
    sections = tmp_path / "sections.txt"  # an ordinary article with sub-headings: title and body blocks, but short
    sections.write_text("\n\n".join(_article(i, paragraphs=3) for i in range(5)), encoding="utf-8")
    [item] = iter_inputs([str(sections)])
    assert item.document.warnings == []
