"""Where and how many: the place an event happened at and the deaths a sentence reports."""
from __future__ import annotations

import bisect
import math

from rasd.events.attribution import SentenceContext
from rasd.events.lexicon import EventLexicon, TriggerMatch
from rasd.model import Document, Place
from rasd.nlp.ner.rules import count_at
from rasd.resources import language_data

_LANGUAGE = language_data("events")  # the words this module looks for (resources/language/events.json)

def location(doc: Document, ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch, sentence) -> Place | None:
    """The sentence's place the event happened at: precise, introduced as a location ("في", "قرب", "ريف"),
    near the trigger; else the last place named before the sentence."""
    trig = ctx.words[match.start].start
    locative = locative_starts(ctx, lex)
    # a country named without "في"/"على"/"ب" is mostly a party ("روسيا شنت غارات"، "أبلغت إسرائيل الولايات المتحدة")
    here = [p for p in ctx.spans["places"].within(sentence.start, sentence.end) if p.feature_code not in LINES
            and (p.feature_code != "PCLI" or introduced_as_location(p, ctx, locative))]
    if here:
        return min(here, key=lambda p: (p.precision + (0 if introduced_as_location(p, ctx, locative) else 1.5),
                                        0 if p.start >= trig else 1, abs(p.start - trig)))
    last = ctx.spans["places"].last_before(sentence.start, lambda p: p.feature_code not in LINES)
    if last is None:
        return None
    # the most precise place of the last sentence that named one: "مسكنة في ريف حلب الشرقي" → مسكنة
    named = ctx.doc.sentences[max(0, bisect.bisect_right(ctx.sentence_starts, last.start) - 1)]
    there = [p for p in ctx.spans["places"].within(named.start, min(named.end, sentence.start))
             if p.feature_code not in LINES]
    return min(there, key=lambda p: (p.precision, -p.start)) if there else last


LINES = {"STM", "CNL"}  # a river's or canal's middle point says nothing about where on it something happened


def locative_starts(ctx: SentenceContext, lex: EventLexicon) -> set[int]:
    """Offsets where a word introducing a location ends: the place that follows is where something happened
    (read once per sentence: every trigger and every event placed near the sentence asks)."""
    if ctx.locative is None:
        ctx.locative = {ctx.words[e - 1].end for _, e, _ in lex.find("locative_cues", ctx.words, ctx.scope)}
    return ctx.locative


def introduced_as_location(place: Place, ctx: SentenceContext, locative: set[int]) -> bool:
    """Written as where something is: "بحلب", "ريف حماة", "مدينة إدلب", or right after "في", "قرب", "محيط"."""
    head = place.text.split()[0] if place.text else ""
    if (head[:1] in "بو" and len(head) > 3) or head.startswith(("ريف", "محافظة", "مدينة", "بلدة", "قرية")):
        return True
    return any(0 <= place.start - off <= 12 and not ctx.doc.text[off:place.start].strip(" \u201c\u201d\"«»(")
               for off in locative)


_PERSON_DUALS = tuple(_LANGUAGE["person_duals"])


_COUNTED_BEFORE = tuple(_LANGUAGE["counted_before"])  # normalised


_SINGLE_PERSON = tuple(_LANGUAGE["single_person"])


def fatalities(ctx: SentenceContext, lex: EventLexicon) -> tuple[int | None, int | None]:
    """Deaths reported in the sentence: numbers next to a fatality word, with civilians counted apart.

    "مقتل خمسة مسلحين", "مقتل 3 مدنيين و2 من عناصر الأمن", "سقوط 4 قتلى", "قتل متظاهران" (a dual is two),
    "مقتل شخص" (one).  Counting stops at the wounded: "قتل متظاهران وأصيب 17 آخرون" is two dead.
    """
    words = ctx.words
    injured = {s for s, _, _ in lex.find("injury_words", words, ctx.scope)}
    total = civilians = 0
    found = False
    text = ctx.doc.text
    for s, e, _ in lex.find("fatality_words", words, ctx.scope):
        counts: list[tuple[float, int]] = []  # (value, index of the counted noun)
        before = count_at([words[s - 1].norm], 0) if s > 0 and words[e - 1].norm in _COUNTED_BEFORE else None
        k = len(words) if before else e  # "مئات القتلى": the count stands before the noun, look no further
        if before:
            counts.append((before[0], s))
        while k < len(words) and k < e + 8 and k not in injured:
            if not counts and any(c in text[words[k - 1].end:words[k].start] for c in "،,;؛."):
                break  # "أسفرت عن مئات القتلى، ودفعت بعشرات الآلاف إلى النزوح": another clause, another count
            norm = words[k].norm
            parsed = count_at([x.norm for x in words[k:k + 4]], 0)
            if parsed:
                counts.append((parsed[0], k + parsed[1]))
                k += parsed[1]
                continue
            if not counts and k == e and (norm in _PERSON_DUALS or (norm.endswith("ان") and len(norm) >= 6)):
                counts.append((2.0, k))
                break
            if not counts and k == e and norm in _SINGLE_PERSON:
                counts.append((1.0, k))
                break
            if counts and not (norm.startswith("و") or norm in ("من", "بينهم", "منهم")):
                break
            k += 1
        if not counts and s > 0:
            parsed = count_at([words[s - 1].norm], 0)
            if parsed:
                counts.append((parsed[0], s))
        if not counts and words[e - 1].norm in ("قتيل", "قتيلا", "شهيد", "شهيدا"):
            counts.append((1.0, e))
        for value, noun in counts:
            if not math.isfinite(value):
                continue  # a number with hundreds of digits reads as infinity: not a count of anyone
            found = True
            total += int(value)
            if lex.has("civilian_words", words[noun:noun + 2], ctx.scope):
                civilians += int(value)
    if not found:
        return None, None
    return total, (civilians or None)
