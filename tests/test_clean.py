"""The cleaner on the shared scraped sample and on the usual scrape artefacts."""
import re

from conftest import SPUTNIK, article_text
from rasd.clean import clean_document, document_id
from rasd.clean.lines import dateline, dateline_place_end
from rasd.model import Document


def _clean(text, lookup=None):
    doc = Document(raw=text)
    clean_document(doc, outlet_lookup=lookup)
    return doc


def _paragraphs_of_raw(raw):
    return [ln.strip() for ln in raw.splitlines() if ln.strip()]


def test_shared_sample_keeps_its_nine_paragraphs_once_in_order():
    raw = SPUTNIK.read_text(encoding="utf-8")
    doc = _clean(raw)
    lines = _paragraphs_of_raw(raw)
    first_nine = lines[:9]
    assert doc.text.split("\n\n") == first_nine
    kinds = [r.kind for r in doc.removed]
    assert kinds.count("duplicate_paragraph") == 8  # seven paragraphs and the signature line, pasted again
    assert kinds.count("counter") == 1 and "Views: 4" in [r.text for r in doc.removed]
    assert kinds.count("signature") == 1
    assert "Views" not in doc.text and "“سبوتنيك”" not in doc.text.split("\n\n")
    assert doc.outlet == "سبوتنيك"


def test_outlet_is_canonicalised_by_the_lookup():
    raw = SPUTNIK.read_text(encoding="utf-8")
    doc = _clean(raw, lookup=lambda name: "Sputnik" if "سبوتنيك" in name else None)
    assert doc.outlet == "Sputnik"


def test_offset_map_points_back_into_the_source():
    raw = "الـــجيش\u200f  يقصف\u200b  مواقع\n\nالمسلحين   في   ريف حلب.\nViews: 12\n"
    doc = _clean(raw)
    assert doc.text == "الجيش يقصف مواقع\n\nالمسلحين في ريف حلب."
    for i, ch in enumerate(doc.text):
        if not ch.isspace():
            assert doc.source_text[doc.source_offset(i)] == ch, i
    start = doc.text.index("ريف")
    assert raw[doc.source_offset(start):].startswith("ريف حلب")


def test_boilerplate_lines_are_logged_by_kind():
    raw = "\n".join([
        "“وكالة الأنباء”",
        article_text(),
        "اقرأ أيضاً: مقتل ثلاثة في غارة على ريف حماة",
        "https://example.org/news/12345",
        "عدد المشاهدات: 1,204",
        "1.2K مشاهدة",
        "شارك | فيسبوك | تويتر | واتساب",
        "الوسوم: سوريا، إدلب",
        "جميع الحقوق محفوظة © 2026",
    ])
    doc = _clean(raw)
    assert {r.kind for r in doc.removed} == {"signature", "read_also", "url", "counter", "share_buttons", "tags", "copyright"}
    assert doc.outlet == "وكالة الأنباء"
    assert doc.text == "\n\n".join(article_text().split("\n"))


def test_near_duplicate_paragraph_is_dropped():
    p = "وأضاف المصدر أن الاشتباكات استمرت ثلاث ساعات وأسفرت عن مقتل خمسة مسلحين وإصابة جنديين بجروح طفيفة في المنطقة."
    variant = p.replace("طفيفة", "متوسطة").replace("أسفرت", "اسفرت")
    doc = _clean(article_text() + "\n" + p + "\n" + variant)
    assert doc.text.count("وأضاف المصدر") == 2  # one in the article, one in the extra copy … minus the near copy
    assert [r.kind for r in doc.removed] == ["near_duplicate_paragraph"]


def test_dateline_gives_outlet_and_date():
    doc = _clean("دمشق - 12 تشرين الثاني 2026 (سانا) - " + article_text())
    assert doc.outlet == "سانا" and doc.published == "2026-11-12"


def test_a_cnn_dateline_names_the_outlet_and_ends_after_its_city_and_country():
    line = "دبي، الإمارات العربية المتحدة (CNN)-- أعلنت وزارة الداخلية اعتقال خلية."
    assert dateline(line) == (None, "CNN")
    assert line[:dateline_place_end(line)] == "دبي، الإمارات العربية المتحدة"
    assert dateline_place_end("أعلنت وزارة الداخلية، الخميس، اعتقال خلية في دبي.") == 0


def test_document_id_ignores_spelling_and_spacing_variation():
    assert document_id("قال   مصدرٌ في حماة") == document_id("قال مصدر في حماه")
    assert re.fullmatch(r"[0-9a-f]{16}", document_id("نص"))
