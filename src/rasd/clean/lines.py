"""Small line classifiers for scraped-page boilerplate, one reason per pattern."""
from __future__ import annotations

import re

from rasd.text.arabic import normalize

_NUM = r"[\d٠-٩۰-۹][\d٠-٩۰-۹.,٫٬]*\s*(?:[kKmM]|ألف|الف|مليون)?"
_COUNTER_WORDS = (r"views?|reads?|shares?|comments?|likes?|visits?|hits?|"
                  r"مشاهدات|مشاهدة|المشاهدات|عدد المشاهدات|عدد القراءات|قراءات|قراءة|زيارات|زيارة|"
                  r"مشاركات|مشاركة|تعليقات|تعليق|اعجاب|إعجاب|إعجابات|شوهد|المشاهدين")
_COUNTER = re.compile(
    rf"^[\s\W]*(?:(?:{_COUNTER_WORDS})[\s:：\-–|()]*{_NUM}(?:\s*(?:مرة|مرات|times))?"
    rf"|{_NUM}[\s:：\-–|()]*(?:{_COUNTER_WORDS}))[\s\W]*$",
    re.IGNORECASE,
)
_READ_ALSO = re.compile(r"^\W*(?:(?:اقرأ|إقرأ|اقرا|إقرا)\s+(?:أيضا|أيضاً|ايضا|ايضاً|كذلك|المزيد)|(?:شاهد|طالع)\s+(?:أيضا|أيضاً|ايضا)|"
                        r"للمزيد(?:\s+من)?|ذات صلة|مواضيع ذات صلة|read (?:also|more)|related\s*:|see also)", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|جميع الحقوق محفوظة|حقوق (?:النشر|الطبع)|all rights reserved|copyright", re.IGNORECASE)
_URL_ONLY = re.compile(r"^\s*(?:(?:https?://|www\.)\S+\s*)+$", re.IGNORECASE)
_SHARE_BAR = re.compile(r"^\s*(?:(?:شارك|مشاركة|share|tweet|facebook|twitter|whatsapp|telegram|email|print|طباعة|فيسبوك|تويتر|واتساب|تلغرام)[\s|:,•·/]*){1,8}$",
                        re.IGNORECASE)
_TAGS = re.compile(r"^\s*(?:الوسوم|وسوم|كلمات مفتاحية|tags)\s*[:：]", re.IGNORECASE)

_RULES = (("counter", _COUNTER), ("url", _URL_ONLY), ("share_buttons", _SHARE_BAR), ("read_also", _READ_ALSO),
          ("tags", _TAGS))


def boilerplate_kind(line: str) -> str | None:
    """The kind of boilerplate a whole line is, or None for content."""
    stripped = line.strip()
    if not stripped:
        return None
    for kind, rx in _RULES:
        if rx.search(stripped):
            return kind
    if _COPYRIGHT.search(stripped) and len(stripped) < 200:
        return "copyright"
    return None


_SIGNATURE_WRAPPED = re.compile(r"^[\s\"“”«»'‘’(\[]+(?P<name>[^\"“”«»()\[\]\n.،:]{2,40}?)[\s\"“”«»'‘’)\].]+$")
_SIGNATURE_SOURCE = re.compile(r"^\s*(?:المصدر|المصادر|source|المصدر\s*/\s*الوكالة)\s*[:：\-]\s*(?P<name>[^\n]{2,40}?)\s*$", re.IGNORECASE)
_SIGNATURE_AGENCY = re.compile(r"^\s*(?P<name>(?:وكالة|وكالات|موقع|صحيفة|قناة)\s+[^\n.،:]{2,30}?)\s*$")


def signature_name(line: str, max_words: int = 5) -> str | None:
    """The outlet named by a lone signature line (“سبوتنيك”, (سانا), المصدر: الجزيرة نت), else None."""
    stripped = line.strip()
    if not stripped or len(stripped) > 50 or len(stripped.split()) > max_words:
        return None
    for rx in (_SIGNATURE_SOURCE, _SIGNATURE_WRAPPED, _SIGNATURE_AGENCY):
        m = rx.match(stripped)
        if m:
            return m.group("name").strip()
    return None


_PLACE_WORD = r"[^\s\-–—()\d،,]{2,20}"
_DATELINE = re.compile(
    # the city, and the country after a comma as CNN writes it ("دبي، الإمارات العربية المتحدة (CNN)--")
    rf"^\s*(?P<place>{_PLACE_WORD}(?:\s{_PLACE_WORD})?(?:\s*[،,]\s*{_PLACE_WORD}(?:\s{_PLACE_WORD}){{0,3}})?)"
    r"(?:\s*[-–—]\s*|\s+)(?P<date>\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,2}\s+[^\s\d()\-–—]{3,12}(?:\s[^\s\d()\-–—]{3,7})?\s+\d{4})?"
    r"\s*(?:\((?P<outlet>[^()]{2,25})\)|(?P<agency>[^\s\d()\-–—]{2,12}))?\s*[-–—:]")


DATELINE_CHARS = 120  # a dateline is read within a paragraph's first characters: CNN's city and country take 60


def _wire_dateline(paragraph: str) -> re.Match | None:
    """The paragraph's opening wire dateline: a place with a date or an outlet; a bare 'City -' is none."""
    m = _DATELINE.match(paragraph[:DATELINE_CHARS])
    return m if m and (m.group("date") or m.group("outlet")) else None


def dateline(paragraph: str) -> tuple[str | None, str | None]:
    """(date text, outlet) from a wire dateline: 'دمشق - 12 تشرين الثاني 2026 (سانا) -', 'غزة 9-7-2025 وفا-',
    'تعز - 2 يونيو 2026 -'. A bare 'City -' gives neither."""
    m = _wire_dateline(paragraph)
    if m is None:
        return None, None
    outlet = m.group("outlet") or (m.group("agency") if m.group("date") else None)
    return m.group("date"), outlet.strip() if outlet else None


def dateline_place_end(paragraph: str) -> int:
    """Where the place part of a paragraph's wire dateline ends (0 if the paragraph opens with none): the
    places before it are where the report was filed from, not where anything in it happened."""
    m = _wire_dateline(paragraph)
    return m.end("place") if m else 0


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def paragraph_key(paragraph: str) -> str:
    """The form two copies of a paragraph share despite punctuation, spacing or spelling of hamza/ta marbuta."""
    return _NON_WORD.sub(" ", normalize(paragraph)).strip()


def shingles(key: str, n: int = 2) -> set[tuple[str, ...]]:
    words = key.split()
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}
