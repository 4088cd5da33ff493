"""Arabic numbers as written in news: digits, number words, "13 الف", and vague counts.

Vague counts follow the coding convention event datasets use for fatalities:
"several" is 3, "dozens" 12, "hundreds" 100, "thousands" 1000.
"""
from __future__ import annotations

from rasd.nlp.arabic import normalize

_UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
}
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50,
    "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90,
}
_HUNDREDS = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200,
             "ثلاثمئه": 300, "ثلاثمائه": 300, "اربعمئه": 400, "اربعمائه": 400, "خمسمئه": 500, "خمسمائه": 500}
_MULTIPLIERS = {"الف": 1000, "الاف": 1000, "الفا": 1000, "مليون": 1_000_000, "ملايين": 1_000_000,
                "الفين": 2000, "الفان": 2000}
_VAGUE = {"عده": 3, "عدد": 3, "بضعه": 3, "بضع": 3, "عشرات": 12, "مئات": 100, "الاف": 1000}
_CLITIC = ("و", "ب", "ل")

WORD_VALUES: dict[str, int] = {**_UNITS, **_TENS, **_HUNDREDS}


def word_value(norm: str) -> int | None:
    """Value of one normalised number word (also with a leading و/ب/ل), else None."""
    if norm in WORD_VALUES:
        return WORD_VALUES[norm]
    if norm[:1] in _CLITIC and norm[1:] in WORD_VALUES:
        return WORD_VALUES[norm[1:]]
    return None


def parse_number(words: list[str]) -> tuple[float, int] | None:
    """Parse a number at the start of `words` (raw tokens); returns (value, tokens used) or None.

    Handles "13", "13.5", "١٣", "13 الف", "ثلاثة", "خمسة وعشرون", "ثلاثة آلاف", "عشرات", "مئات".
    """
    if not words:
        return None
    norms = [normalize(w) for w in words[:6]]
    first = norms[0].replace(",", "").replace("٬", "")
    value: float | None = None
    used = 0
    if first.replace(".", "", 1).replace("٫", "", 1).isdigit():
        value, used = float(first.replace("٫", ".")), 1
    elif first in _VAGUE:
        value, used = float(_VAGUE[first]), 1
        if len(norms) > 1 and norms[1] in ("الاف", "الالاف"):
            return 1000.0, 2
        return value, used
    else:
        v = word_value(first)
        if v is None:
            return None
        value, used = float(v), 1
        # "خمسة وعشرون": a unit followed by و + tens
        if len(norms) > 1 and norms[1].startswith("و") and norms[1][1:] in _TENS:
            value += _TENS[norms[1][1:]]
            used = 2
    if used < len(norms) and norms[used] in _MULTIPLIERS:
        value *= _MULTIPLIERS[norms[used]]
        used += 1
    return value, used
