"""Checks on the bundled sample corpus itself (samples/): its size, formats, encodings and metadata.

The corpus is what the README's first command and the web map rely on, so a broken encoding or a lost
file must fail here rather than surface as a silently shorter demo.
"""
import codecs
import difflib
import gzip
import json
import re
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
JSONL_KEYS = {"url", "title", "outlet", "published"}
CP1256_FILES = ["legacy/sudan-el-fasher-abu-shouk-shelling.txt", "legacy/sudan-kordofan-villages-attack.txt"]
UTF16_FILE = "legacy/yemen-taiz-shelling-sniper.txt"
UTF8_BOM_FILE = "legacy/libya-lna-fezzan-deployment.txt"
ENGLISH_FILE = "txt/english-red-sea-tanker-attack.txt"
NEAR_DUPLICATES = ("txt/syria-sayyida-zaynab-cell-sana.txt", "txt/syria-sayyida-zaynab-cell-sputnik.txt")

ARABIC_WORD = re.compile(r"[\u0621-\u064A]+")
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def decode(path: Path) -> str:
    """Decodes by BOM, then UTF-8, then windows-1256: the order a reader of this corpus has to try."""
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1256")


def jsonl_records(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def article_markup(page: str) -> str:
    """The <article> element; runs to the end of the page when the page never closes it."""
    return re.search(r"<article\b.*?(?:</article>|$)", page, re.S).group(0)


def html_article_text(page: str) -> str:
    return strip_tags(article_markup(page))


def arabic_articles() -> dict[str, str]:
    """Every Arabic article in the corpus, keyed by file (and line for JSONL), as text without markup."""
    articles = {}
    for path in sorted(SAMPLES.glob("*/*.txt")):
        if path.relative_to(SAMPLES).as_posix() != ENGLISH_FILE:
            articles[path.relative_to(SAMPLES).as_posix()] = decode(path)
    for path in sorted(SAMPLES.glob("html/*.html")):
        articles[path.relative_to(SAMPLES).as_posix()] = html_article_text(path.read_text(encoding="utf-8"))
    for path in sorted(SAMPLES.glob("jsonl/*.jsonl*")):
        for line_number, record in enumerate(jsonl_records(path), start=1):
            body = record["text"] if "text" in record else strip_tags(record["html"])
            articles[f"{path.relative_to(SAMPLES).as_posix()}:{line_number}"] = body
    return articles


def arabic_share(text: str) -> float:
    arabic, latin = len(ARABIC_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
    return arabic / (arabic + latin)


def test_corpus_has_at_least_32_arabic_articles_across_all_formats():
    articles = arabic_articles()
    assert len(articles) >= 32
    formats = {key.split("/")[0] for key in articles}
    assert formats == {"txt", "html", "legacy", "jsonl"}


@pytest.mark.parametrize("key", sorted(arabic_articles()))
def test_each_arabic_article_is_news_length_and_arabic(key):
    text = arabic_articles()[key]
    assert 150 <= len(ARABIC_WORD.findall(text)) <= 500
    assert arabic_share(text) > 0.9


def test_exactly_the_two_legacy_files_are_windows_1256():
    not_utf8 = set()
    for path in SAMPLES.rglob("*.txt"):
        raw = path.read_bytes()
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8.add(path.relative_to(SAMPLES).as_posix())
    assert not_utf8 == set(CP1256_FILES)
    for name in CP1256_FILES:
        text = (SAMPLES / name).read_bytes().decode("cp1256")
        assert arabic_share(text) > 0.9
        assert "الدعم السريع" in text


def test_utf16_file_has_bom_and_decodes_to_arabic():
    raw = (SAMPLES / UTF16_FILE).read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)
    text = raw.decode("utf-16")
    assert "تعز" in text and arabic_share(text) > 0.9


def test_utf8_bom_file_starts_with_bom():
    raw = (SAMPLES / UTF8_BOM_FILE).read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    assert "أوباري" in raw.decode("utf-8-sig")


def test_jsonl_feeds_parse_and_carry_metadata():
    plain = jsonl_records(SAMPLES / "jsonl/feed-iraq-libya-sudan-lebanon.jsonl")
    compressed = jsonl_records(SAMPLES / "jsonl/feed-agreements.jsonl.gz")
    assert len(plain) >= 8 and len(compressed) == 3
    for record in plain + compressed:
        assert JSONL_KEYS <= record.keys()
        assert ("text" in record) != ("html" in record)
        assert re.fullmatch(r"202[56]-\d\d-\d\d", record["published"])
        assert record["url"].startswith("https://")
    assert sum("html" in record for record in plain) == 1


def test_html_pages_have_head_metadata_boilerplate_and_article_body():
    pages = sorted(SAMPLES.glob("html/*.html"))
    assert len(pages) >= 5
    for page_path in pages:
        page = page_path.read_text(encoding="utf-8")
        assert 'property="og:site_name"' in page
        assert re.search(r"<link rel=\"?canonical\"? href=\"https?://", page)
        assert "article:published_time" in page or "<time" in page
        assert "الأكثر قراءة" in page
        assert len(re.findall(r"<p\b", article_markup(page))) >= 5


def test_one_html_page_is_malformed():
    unclosed_article = [p.name for p in SAMPLES.glob("html/*.html") if "</article>" not in p.read_text(encoding="utf-8")]
    assert unclosed_article == ["yemen-hodeidah-port-airstrikes.html"]


def test_near_duplicate_pair_differs_only_in_wording_and_signature():
    sana, sputnik = (decode(SAMPLES / name) for name in NEAR_DUPLICATES)
    assert difflib.SequenceMatcher(None, sana, sputnik, autojunk=False).ratio() > 0.7
    assert sana != sputnik
    assert sana.strip().splitlines()[-1] == "(سانا)"
    assert "“سبوتنيك”" in sputnik and "سبوتنيك" not in sana


def test_english_article_is_mostly_latin_script():
    text = decode(SAMPLES / ENGLISH_FILE)
    assert arabic_share(text) == 0
    assert len(LATIN_LETTER.findall(text)) > 1000


def test_readme_lists_every_sample_file():
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    sample_files = [p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md"]
    missing = [p.relative_to(SAMPLES).as_posix() for p in sample_files
               if p.relative_to(SAMPLES).as_posix() not in readme]
    assert not missing
