"""Arabic calendar vocabulary and explicit-date parsing.

Arabic news names months three ways: Levantine/Syriac (تشرين الثاني), Gregorian
transliterations (نوفمبر) and Maghrebi forms (نونبر); Hijri months appear with هـ.
"""
from __future__ import annotations

import math
import re
from datetime import date, timedelta

from rasd.text.arabic import normalize
from rasd.resources import language_data

_LANGUAGE = language_data("dates")  # the words this module looks for (resources/language/dates.json)

_GREGORIAN = {int(k): tuple(v) for k, v in _LANGUAGE["gregorian"].items()}
HIJRI_MONTHS = {int(k): tuple(v) for k, v in _LANGUAGE["hijri_months"].items()}
WEEKDAYS = dict(_LANGUAGE["weekdays"])

MONTH_BY_NAME: dict[str, int] = {normalize(n): m for m, names in _GREGORIAN.items() for n in names}
HIJRI_BY_NAME: dict[str, int] = {normalize(n): m for m, names in HIJRI_MONTHS.items() for n in names}

_month_alt = "|".join(sorted((re.escape(k) for k in MONTH_BY_NAME), key=len, reverse=True))
_hijri_alt = "|".join(sorted((re.escape(k) for k in HIJRI_BY_NAME), key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})\s+(?:من\s+)?(?:شهر\s+)?({_month_alt})(?:\s*[/(]\s*(?:{_month_alt})\s*\)?)?(?:\s*(?:عام|سنه)?\s*(\d{{4}})(?!\d))?")
_MONTH_YEAR = re.compile(rf"(?:شهر\s+)?({_month_alt})(?:\s+(?:عام|سنه)?\s*(\d{{4}}))")
_HIJRI = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_hijri_alt})\s+(?:عام|سنه)?\s*(\d{{4}})\s*(?:ه|هـ|للهجره)?")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")


def parse_iso(value: str | None) -> date | None:
    """A YYYY-MM-DD prefix (also of an ISO timestamp) as a date."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_explicit_date(text: str, reference: date | None = None) -> tuple[date, int] | None:
    """The first explicit date in `text` and its ACLED time precision (1 day, 3 month)."""
    found = find_explicit_date(text, reference)
    return (found[0], found[1]) if found else None


def find_explicit_date(text: str, reference: date | None = None) -> tuple[date, int, int] | None:
    """Like parse_explicit_date, with the offset in the normalised text where the date was written.

    A day and month without a year take the reference's year, or the previous
    year when that would put the date after the reference (news reports the past).
    """
    t = normalize(text)
    m = _ISO.search(t)
    if m:
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d, 1, m.start()
    m = _HIJRI.search(t)
    if m:
        d = hijri_to_gregorian(int(m.group(3)), HIJRI_BY_NAME[m.group(2)], int(m.group(1)))
        if d:
            return d, 1, m.start()
    m = _DAY_MONTH_YEAR.search(t)
    if m:
        day, month = int(m.group(1)), MONTH_BY_NAME[m.group(2)]
        year = int(m.group(3)) if m.group(3) else _infer_year(month, day, reference)
        d = _safe_date(year, month, day) if year else None
        if d:
            return d, 1, m.start()
    m = _DMY_NUMERIC.search(t)
    if m:
        d = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            return d, 1, m.start()
    m = _MONTH_YEAR.search(t)
    if m:
        d = _safe_date(int(m.group(2)), MONTH_BY_NAME[m.group(1)], 1)
        if d:
            return d, 3, m.start()
    return None


def _infer_year(month: int, day: int, reference: date | None) -> int | None:
    if reference is None:
        return None
    candidate = _safe_date(reference.year, month, day)
    if candidate and candidate > reference + timedelta(days=1):
        return reference.year - 1
    return reference.year


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d) if 1900 < y < 2200 else None
    except ValueError:
        return None


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """Tabular (arithmetic) Islamic calendar; within a day or two of the observed calendar."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and 1300 < year < 1600):
        return None
    julian_day = day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948439
    return date.fromordinal(julian_day - 1721425)
