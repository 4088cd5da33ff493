"""Lexicon rules for the labels the corpora do not teach: QUANTITY (with its value and
unit), DATE, WEAPON and NORP.

All matching is on normalised tokens.  A phrase's first word may carry proclitics
(بالصواريخ، وصينيون), which stay outside the span; any word may carry the article.
The lexicons are data files in resources/lexicons.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rasd.model import Document, Entity, Quantity, Token
from rasd.text.dates import HIJRI_BY_NAME, MONTH_BY_NAME
from rasd.text.arabic import normalize, raw_prefix_length, tokenize, word_cache
from rasd.nlp.ner.tags import sentence_tokens
from rasd.nlp.ner.gazetteer import LEXICONS, read_lexicon
from rasd.nlp.phrases import ARTICLE_ONLY, CLITICS_AND_ARTICLE, PhraseMatcher
from rasd.resources import shared
from rasd.resources import language_data

_LANGUAGE = language_data("entities")  # the words this module looks for (resources/language/entities.json)

_NUMBER = re.compile(r"^\d+(?:[.,٫٬]\d+)*$")
_NISBA_ENDINGS = tuple(_LANGUAGE["nisba_endings"])
_DEMONSTRATIVES = frozenset(_LANGUAGE["demonstratives"])
_YEAR_LEADS = frozenset(_LANGUAGE["year_leads"])
_DURATION_LEADS = frozenset(_LANGUAGE["duration_leads"])
_NOT_A_DAY_BEFORE = frozenset(_LANGUAGE["not_a_day_before"])  # صلاة الجمعة is a prayer, not a date
_TIME_OF_DAY = frozenset(_LANGUAGE["time_of_day"])


def first_forms(norm: str) -> tuple[tuple[str, int], ...]:
    """(form, proclitic length) for every reading of a phrase's first word, with and without the article."""
    return CLITICS_AND_ARTICLE.first(norm)


def later_forms(norm: str) -> tuple[str, ...]:
    """Readings of a word inside a phrase: as written first (اليوم is a day, يوم is not), then without its article."""
    return CLITICS_AND_ARTICLE.later(norm)


class PhraseTable:
    """A word list matched where a phrase may begin (proclitics and article peeled off its first word) or where
    it continues another phrase (its first word read like any later word)."""

    def __init__(self, phrases: list[tuple[str, object]]):
        pairs = [(tuple(t.norm for t in tokenize(phrase)), payload) for phrase, payload in phrases]
        self.starting = PhraseMatcher(pairs, CLITICS_AND_ARTICLE)
        self.continuing = PhraseMatcher(pairs, ARTICLE_ONLY)

    def opens_with(self, form: str) -> bool:
        return self.starting.opens_with(form)

    def match(self, norms: list[str], i: int) -> tuple[int, object, int] | None:
        """(end token index, payload, proclitic length of the first word)."""
        found = self.starting.match_at(norms, i)
        return (found.end, found.value, found.cut) if found else None

    def match_later(self, norms: list[str], i: int) -> tuple[int, object] | None:
        """Like `match`, for a phrase that continues another one (no proclitics on its first word)."""
        found = self.continuing.match_at(norms, i)
        return (found.end, found.value) if found else None


@dataclass
class Lexicons:
    numbers: dict[str, dict[str, float]]  # form -> kind -> value
    nouns: PhraseTable  # payload: unit
    weapons: PhraseTable  # payload: (unit, alone)
    modifiers: PhraseTable
    dates: PhraseTable  # payload: set of kinds
    norp: set[str]


@shared
def lexicons() -> Lexicons:
    numbers: dict[str, dict[str, float]] = {}
    for line in read_lexicon(LEXICONS / "number_words.tsv"):
        form, value, kind = line.split("\t")
        numbers.setdefault(" ".join(t.norm for t in tokenize(form)), {})[kind] = float(value)
    nouns = PhraseTable([tuple(line.split("\t")) for line in read_lexicon(LEXICONS / "counted_nouns.tsv")])
    weapons = PhraseTable([(form, (unit, alone == "yes")) for form, unit, alone in
                           (line.split("\t") for line in read_lexicon(LEXICONS / "weapons.tsv"))])
    modifiers = PhraseTable([(form, True) for form in read_lexicon(LEXICONS / "weapon_modifiers.txt")])
    date_kinds: dict[str, set[str]] = {}
    for line in read_lexicon(LEXICONS / "date_words.tsv"):
        form, kind = line.split("\t")
        date_kinds.setdefault(form, set()).add(kind)
    dates = PhraseTable([(form, frozenset(kinds)) for form, kinds in date_kinds.items()])
    norp: set[str] = set()
    for line in read_lexicon(LEXICONS / "nationalities.tsv"):
        form, kind = line.split("\t")
        base = normalize(form)
        norp.update(base + e for e in _NISBA_ENDINGS) if kind == "nisba" else norp.add(base)
    return Lexicons(numbers, nouns, weapons, modifiers, dates, norp)


def apply_rules(doc: Document, model_entities: list[Entity]) -> tuple[list[Entity], list[Quantity]]:
    """Rule entities (to be merged under the model's) and all quantities; relabels model MISC that are nationalities."""
    lex = lexicons()
    starts = [t.start for t in doc.tokens]
    for entity in model_entities:
        if entity.label not in ("MISC", "LOC"):
            continue
        words = doc.tokens[bisect.bisect_left(starts, entity.start):bisect.bisect_left(starts, entity.end)]
        if all(_is_norp(lex, w.norm) for w in words):
            if entity.label == "MISC" or (len(words) == 1 and _beside_norp(doc.tokens, starts, entity, lex)):
                entity.label, entity.source = "NORP", "rule"
    entities: list[Entity] = []
    quantities: list[Quantity] = []
    for tokens in sentence_tokens(doc):
        _sentence_rules(doc.text, tokens, lex, entities, quantities)
    return entities, quantities


def _beside_norp(tokens: list[Token], starts: list[int], entity: Entity, lex: Lexicons) -> bool:
    """A people name that doubles as a place (الشيشان) is a group when listed with other groups:
    المقاتلين الشيشان والأوزبك."""
    i = bisect.bisect_left(starts, entity.start)
    neighbours = [tokens[j].norm for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
    return any(_is_norp(lex, norm) for norm in neighbours)


def _sentence_rules(text: str, tokens: list[Token], lex: Lexicons,
                    entities: list[Entity], quantities: list[Quantity]) -> None:
    norms = [t.norm for t in tokens]
    i = 0
    while i < len(norms):
        if not _may_start(norms[i]):
            i += 1
            continue
        found = _quantity(norms, i, lex) or _date(norms, i, lex) or _weapon(norms, i, lex) or _norp(norms, i, lex)
        if not found:
            i += 1
            continue
        end, label, cut, extra = found
        start = tokens[i].start + raw_prefix_length(tokens[i].text, cut)
        span_end = tokens[end - 1].end
        entities.append(Entity(start, span_end, text[start:span_end], label, source="rule"))
        if label == "QUANTITY":
            value, unit, noun_start = extra
            noun_from = tokens[noun_start].start
            quantities.append(Quantity(start, span_end, text[start:span_end], value, unit, text[noun_from:span_end]))
        i = end


@word_cache
def _may_start(norm: str) -> bool:
    """Whether any rule can start at a word; most words start none, and this answers from a cache."""
    lex = lexicons()
    if _NUMBER.match(norm) or norm in _DEMONSTRATIVES or norm in _DURATION_LEADS or norm == "الساعه":
        return True
    if any(norm.endswith(ending) for ending, _ in _DUAL_ENDINGS):
        return True
    return any(form in lex.numbers or lex.dates.opens_with(form) or lex.weapons.opens_with(form) or form in lex.norp
               for form, _ in first_forms(norm))


def _number(norms: list[str], i: int, lex: Lexicons) -> tuple[int, float, int] | None:
    """(end, value, proclitic length) of a number in digits or words starting at i."""
    n = len(norms)
    if _NUMBER.match(norms[i]):
        value, j = _digits_value(norms[i]), i + 1
        while j < n and "scale" in lex.numbers.get(norms[j], {}):
            value *= lex.numbers[norms[j]]["scale"]  # 13 ألف
            j += 1
        return j, value, 0
    for form, cut in first_forms(norms[i]):
        kinds = lex.numbers.get(form)
        if kinds:
            break
    else:
        return None
    if "vague" in kinds:
        if i + 1 < n:
            for later in later_forms(norms[i + 1]):
                two_words = lex.numbers.get(form + " " + later, {}).get("vague")
                if two_words:
                    return i + 2, two_words, cut  # عشرات الآلاف
        return i + 1, kinds["vague"], cut
    total = current = 0.0
    j = i
    while kinds:
        if "scale" in kinds and (j > i or "add" not in kinds):
            total += max(current, 1.0) * kinds["scale"]
            current = 0.0
        elif "add" in kinds:
            current += kinds["add"]
        else:
            break
        j += 1
        if j >= n:
            break
        word = norms[j]
        kinds = lex.numbers.get(word) or (lex.numbers.get(word[1:]) if word.startswith("و") else None)
    value = total + current
    if j - i == 1 and value == 1:
        return None  # أحد / واحد alone mean "one of", not a count
    return j, value, cut


def count_at(norms: list[str], i: int) -> tuple[float, int] | None:
    """(value, words used) of a count written at norms[i]: "13", "13 الف", "ثلاثة", "خمسة وعشرون", "عشرات"."""
    found = _number(norms, i, lexicons())
    return (found[1], found[0] - i) if found else None


def _digits_value(norm: str) -> float:
    parts = re.split(r"[.,٫٬]", norm)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and ("," in norm or "٬" in norm):
        return float("".join(parts))
    if len(parts) == 2:
        return float(parts[0] + "." + parts[1])
    return float("".join(parts))


def _quantity(norms, i, lex):
    dual = _dual(norms, i, lex)
    if dual:
        return dual
    number = _number(norms, i, lex)
    if not number or number[0] >= len(norms):
        return None
    j, value, cut = number
    weapon = _weapon_at(norms, j, lex, later=True)
    if weapon:
        return weapon[0], "QUANTITY", cut, (value, weapon[1], j)
    noun = lex.nouns.match_later(norms, j)
    if noun:
        return noun[0], "QUANTITY", cut, (value, noun[1], j)
    if _countable(norms[j]):  # "12 منتسباً", "ثلاث عجلات": any noun a number counts
        return j + 1, "QUANTITY", cut, (value, "item", j)
    return None


_DUAL_ENDINGS = tuple(tuple(x) for x in _LANGUAGE["dual_endings"])
# Words that follow numbers without being what they count: time, order and function words.
_NOT_COUNTED = frozenset(_LANGUAGE["not_counted"])


_CALENDAR_WORDS = {w for name in (*MONTH_BY_NAME, *HIJRI_BY_NAME) for w in name.split()}


def _countable(norm: str) -> bool:
    return (len(norm) >= 3 and norm.isalpha() and not norm.startswith(("و", "ف")) and norm not in _NOT_COUNTED
            and norm not in _CALENDAR_WORDS)


def _dual(norms, i, lex):
    """A dual counts two: "عنصران", "شخصين", "صاروخين", "قنبلتين" (a counted noun with a dual ending)."""
    norm = norms[i]
    for ending, restore in _DUAL_ENDINGS:
        if norm.endswith(ending) and len(norm) - len(ending) >= 3:
            stem = norm[: -len(ending)] + restore
            known = lex.nouns.match_later([stem], 0) or _weapon_at([stem], 0, lex, later=True)
            if known:
                return i + 1, "QUANTITY", 0, (2.0, known[1], i)
    return None


def _weapon_at(norms, i, lex, later=False):
    """(end, unit, proclitic length) of a weapon phrase and its modifiers at i."""
    if later:
        found = lex.weapons.match_later(norms, i)
        found = (*found, 0) if found else None
    else:
        found = lex.weapons.match(norms, i)
    if not found:
        return None
    end, (unit, alone), cut = found
    modified = False
    while end < len(norms):
        more = lex.modifiers.match_later(norms, end)
        if not more:
            break
        end, modified = more[0], True
    return (end, unit, cut) if alone or modified else None


def _weapon(norms, i, lex):
    found = _weapon_at(norms, i, lex)
    return (found[0], "WEAPON", found[2], None) if found else None


def _is_norp(lex: Lexicons, norm: str) -> bool:
    return any(form in lex.norp for form, _ in first_forms(norm))


def _norp(norms, i, lex):
    cut = next((c for form, c in first_forms(norms[i]) if form in lex.norp), None)
    if cut is None:
        return None
    end = i + 1
    while end < len(norms) and any(form in lex.norp for form in later_forms(norms[end])):
        end += 1  # التوركمان السوريين
    return end, "NORP", cut, None


def _kinds(norms, i, lex, later=True):
    """(end, kinds) of a date-vocabulary phrase at i."""
    if i >= len(norms):
        return None
    if later:
        return lex.dates.match_later(norms, i)
    found = lex.dates.match(norms, i)
    return (found[0], found[1]) if found else None


def _date(norms, i, lex):
    cut = next((c for form, c in first_forms(norms[i]) if lex.dates.opens_with(form)), 0)
    first = lex.dates.match(norms, i)
    start_kinds = first[1] if first else frozenset()
    if norms[i] in _DEMONSTRATIVES or "lead" in start_kinds or norms[i] in _DURATION_LEADS:
        core = _date_core(norms, i + 1, lex, after_lead=True)
        if core:
            return core, "DATE", cut if "lead" in start_kinds else 0, None
        return None
    if i > 0 and norms[i - 1] in _NOT_A_DAY_BEFORE:
        return None
    core = _date_core(norms, i, lex, after_lead=False, first=first)
    if core:
        return core, "DATE", cut, None
    if norms[i] == "الساعه" and i + 1 < len(norms) and _is_digits(norms[i + 1]):
        end = i + 2
        if end + 1 < len(norms) and norms[end] == ":" and _is_digits(norms[end + 1]):
            end += 2
        if end < len(norms) and norms[end] in _TIME_OF_DAY:
            end += 1
        return end, "DATE", 0, None
    if _is_year(norms[i]) and i > 0 and norms[i - 1] in _YEAR_LEADS:
        return i + 1, "DATE", 0, None
    return None


def _is_year(norm: str) -> bool:
    return _is_digits(norm) and len(norm) == 4 and 1900 <= int(norm) <= 2100


def _is_digits(norm: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts ² and the like, which int() rejects."""
    return norm.isascii() and norm.isdigit()


def _date_core(norms, i, lex, after_lead: bool, first=None) -> int | None:
    """End of the date expression that starts at i, or None."""
    n = len(norms)
    if i >= n:
        return None
    # a day number, a month, a year: 12 تشرين الثاني 2026
    if _is_digits(norms[i]) and 1 <= int(norms[i]) <= 31:
        month = _kinds(norms, i + 1, lex)
        if month and month[1] & {"month", "month_ambiguous"}:
            return _year_after(norms, month[0])
        if after_lead:
            unit = _kinds(norms, i + 1, lex)
            if unit and "unit" in unit[1]:
                return unit[0]
    number = _number(norms, i, lex) if after_lead else None
    if number and number[0] < n:
        unit = _kinds(norms, number[0], lex)
        if unit and "unit" in unit[1]:
            return unit[0]  # منذ ثلاثة أيام
    found = (first[0], first[1]) if first else _kinds(norms, i, lex, later=after_lead)
    if not found:
        return None
    end, kinds = found
    if "unit2" in kinds and after_lead:
        return end  # قبل يومين
    if "daypart" in kinds:
        if end < n and norms[end] == "يوم":
            end += 1  # صباح يوم الخميس
        following = _kinds(norms, end, lex)
        if following and following[1] & {"day", "weekday"}:
            return _date_core(norms, end, lex, after_lead=True)
    if "day" in kinds:
        following = _kinds(norms, end, lex)
        return following[0] if following and "weekday" in following[1] else end  # اليوم الثلاثاء
    if "weekday" in kinds:
        end = _relative_after(norms, end, lex)
        if end < n and _is_digits(norms[end]):
            month = _kinds(norms, end + 1, lex)
            if month and month[1] & {"month", "month_ambiguous"}:
                return _year_after(norms, month[0])
        return end
    if "month" in kinds:
        return _year_after(norms, end)
    if "month_ambiguous" in kinds:
        after = _year_after(norms, end)
        return after if after > end else None  # رمضان 1447 (شهر رمضان is taken with its period word)
    if kinds & {"period", "periods"}:
        following = _kinds(norms, end, lex)
        if following and following[1] & {"month", "month_ambiguous"}:
            return _year_after(norms, following[0])  # شهر رمضان
        if end < n and _is_year(norms[end]):
            return end + 1  # عام 2026
        relative = _relative_after(norms, end, lex)
        if relative > end:
            return relative
    return None


def _relative_after(norms, end, lex) -> int:
    following = _kinds(norms, end, lex)
    return following[0] if following and "relative" in following[1] else end


def _year_after(norms, end) -> int:
    if end < len(norms) and _is_digits(norms[end]) and len(norms[end]) in (3, 4):
        end += 1
        if end < len(norms) and norms[end] in ("ه", "هـ", "م"):
            end += 1
    return end
