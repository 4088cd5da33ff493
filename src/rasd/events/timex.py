"""When: relative and explicit date expressions resolved against the publication date.

Returns ACLED time precision: 1 the day is known, 2 the week, 3 the month.
"""
from __future__ import annotations

from datetime import date, timedelta

from rasd.model import Token
from rasd.nlp.phrases import EXACT, PhraseMatcher
from rasd.text.arabic import normalize, word_cache
from rasd.text.dates import MONTH_BY_NAME, WEEKDAYS, find_explicit_date
from rasd.resources import language_data

_LANGUAGE = language_data("dates")  # the words this module looks for (resources/language/dates.json)

_WEEKDAY_BY_NORM = {normalize(k): v for k, v in WEEKDAYS.items()}
# (words, days before publication, precision)
_RELATIVE = [(tuple(words), days, precision) for words, days, precision in _LANGUAGE["relative"]]


_SAME_DAY = frozenset(tuple(x) for x in _LANGUAGE["same_day"])


_RELATIVE_PHRASES: PhraseMatcher[tuple[int, int]] = PhraseMatcher(
    ((words, (days, precision)) for words, days, precision in _RELATIVE), EXACT)
# words that can open a date expression: every other word is passed over at once
_OPENERS = frozenset(words[0] for words, _, _ in _RELATIVE) | {k.split(" ")[0] for k in MONTH_BY_NAME} | set(
    _WEEKDAY_BY_NORM) | {first for first, _ in _SAME_DAY}


def resolve_date(words: list[Token], text: str, published: date | None,
                 previous: tuple[date, int] | None = None) -> tuple[date, int] | None:
    """The first date expression in a sentence, resolved; None when it has none or no anchor.
    "في اليوم نفسه" takes the date the article gave last (`previous`)."""
    if published is None:
        return None
    found = find_explicit_date(text, published) if _may_hold_explicit_date(words) else None
    explicit = (found[0], found[1]) if found else None
    explicit_at = words[0].start + found[2] if found and words else None  # approximate: normalising drops marks
    norms = [_strip(w.norm) for w in words]
    for i, norm in enumerate(norms):
        if explicit_at is not None and words[i].start >= explicit_at:
            return explicit  # the explicit date is written before any relative expression
        if norm not in _OPENERS:
            continue
        following = norms[i + 1] if i + 1 < len(norms) else ""
        if previous and (norm, following) in _SAME_DAY:
            return previous
        relative = _RELATIVE_PHRASES.match_at(norms, i)
        if relative is not None:
            days_back, precision = relative.value
            return published - timedelta(days=days_back), precision
        month, step = MONTH_BY_NAME.get(norm), 1
        if month is None and following:
            month, step = MONTH_BY_NAME.get(f"{norm} {following}"), 2  # "تشرين الثاني"
        if month and i + step < len(norms) and norms[i + step] in ("الماضي", "المنصرم"):
            year = published.year if month < published.month else published.year - 1
            return date(year, month, 1), 3  # "حزيران الماضي": the last June before publication
        weekday = _WEEKDAY_BY_NORM.get(norm)
        if weekday is not None:
            return published - timedelta(days=(published.weekday() - weekday) % 7), 1
    return explicit


def _may_hold_explicit_date(words: list[Token]) -> bool:
    """Explicit dates need a number and a month name or a date-like token; most sentences have neither."""
    return any(w.norm[:1].isdigit() for w in words)


@word_cache
def _strip(norm: str) -> str:
    """Drop a leading و/ف/ب/ل: "وامس", "بالاسبوع" → "امس", "الاسبوع"."""
    if norm[:1] in "وفبل" and len(norm) > 3 and (norm[1:3] == "ال" or norm[1:] in ("امس", "اليوم")):
        return norm[1:]
    if norm.startswith("لل") and len(norm) > 4:
        return "ال" + norm[2:]
    return norm
