"""Toponym resolution: find place names in a document and pick one gazetteer row for each.

Names are found by the gazetteer itself over the token stream (longest match first,
proclitics stripped from the first word), so the resolver works with or without an
NER.  Every candidate is scored from what the text says of it (head words such as
مدينة / محافظة / جبل), from the countries, provinces and places the same document
names, and from its importance.  Relative expressions ("ريف حماة الشمالي الغربي",
"شمال غربي سوريا", "بين X وY", "محافظة X") set precision and direction.

Being wrong about a village is worse than missing it: a minor single-word name is
only taken with support (a head word, a LOC entity, or a preposition plus a
document context that places it).
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from rasd.model import Document, Place
from rasd.text.arabic import raw_prefix_length, word_cache
from rasd.nlp.phrases import PhraseMatcher, WordForms
from rasd.resolve.gazetteer import PLACE_NAMES, Gazetteer, GazPlace, fold_key, place_name_readings
from rasd.resources import language_data, read_lines

_LANGUAGE = language_data("places")  # the words this module looks for (resources/language/places.json)

__all__ = ["Gazetteer", "resolve_places"]

# Head words, normalised, and the kind of place each announces.
HEADS = dict(_LANGUAGE["heads"])
# What each head prefers: (feature classes, feature-code prefixes).
HEAD_MATCH = {
    "city": ("P", ()), "town": ("P", ()), "province": ("A", ("ADM1",)), "district": ("A", ("ADM2",)),
    "subdistrict": ("A", ("ADM3",)), "feature": ("THSLR", ()),
}
# Heads that make a common word a name ("قرية النصر"); "أحياء المدينة" stays "the city".
OFFICE_HEADS = frozenset(_LANGUAGE["office_heads"])  # a district in Yemen, a government directorate everywhere
SINGULAR_HEADS = frozenset(_LANGUAGE["singular_heads"])
PREPOSITIONS = frozenset(_LANGUAGE["prepositions"])
RURAL = frozenset(_LANGUAGE["rural"])
DIRECTION_NOUNS = dict(_LANGUAGE["direction_nouns"])
DIRECTION_ADJECTIVES = dict(_LANGUAGE["direction_adjectives"])
COMPASS = {"N": "N", "S": "S", "E": "E", "W": "W", "NE": "NE", "NW": "NW", "SE": "SE", "SW": "SW",
           "EN": "NE", "WN": "NW", "ES": "SE", "WS": "SW"}
BORDER = frozenset(_LANGUAGE["border"])
STREET_WORDS = frozenset(_LANGUAGE["street_words"])  # a name after these is a square's or street's
# a place right after these is whose embassy it is, or part of an institution's name ("مستشفى عفرين", "محكمة
# اللد", "نيابة باريس", "جامعة صنعاء", "بتوقيت موسكو"): the annotated news marks neither as a place
INSTITUTION_WORDS = frozenset(_LANGUAGE["institution_words"])
# Country names that are also their adjective: after a definite noun ("القوات السعودية", "العاصمة السعودية") they
# agree with it as the adjective (Saudi); the country is "في السعودية", "بقيادة السعودية".
ADJECTIVE_NAMES = frozenset(_LANGUAGE["adjective_names"])
# Names that alone mean the province, not its capital, in a country's reporting: Yemen's fronts are told by
# governorate ("معارك في البيضاء", "غارات على صعدة"), so the annotated news places them there; the city is
# "مدينة البيضاء".  Sana'a, Aden, Hodeidah, Taiz and Marib are mostly the city and are not listed.
PROVINCE_FIRST_NAMES = {country: frozenset(names) for country, names in _LANGUAGE["province_first_names"].items()}
# Words that are also names of some village; taken only with a head word or a LOC entity.
COMMON_WORDS = frozenset(_LANGUAGE["common_words"])
# Names news mostly uses as ordinary words, measured on unlabeled news by tools/build_place_stopwords.py.
MEASURED_COMMON_WORDS = frozenset(line.split("\t", 1)[0] for line in read_lines("place_common_words.txt"))
# Function words never start or end a name ("وأن" is not Van, "التي" is not a Sudanese village).
STOPWORDS = frozenset(_LANGUAGE["stopwords"])
# Names that, inside these phrases, are part of an organisation's or a wider region's name ("أمريكا اللاتينية"),
# not the place.
ORG_PHRASES = list(_LANGUAGE["org_phrases"])
# Idioms whose word is also a place name: "بحجة" is "on the pretext of", not "in Hajjah".
ORDINARY_PHRASES = list(_LANGUAGE["ordinary_phrases"])
BLOCKING_LABELS = {"ORG", "PER", "NORP", "WEAPON", "DATE", "QUANTITY"}
TYPE_PRIOR = {"PCLI": 3.0, "PPLC": 3.0, "PPLA": 2.5, "PPLA2": 2.0, "PPLG": 2.0, "PPLA3": 1.5, "PPLA4": 1.2,
              "ADM1": 1.5, "ADM2": 1.0, "ADM3": 0.6, "PPLX": 0.6, "PPLL": 0.5, "PPLQ": 0.2, "PPLW": 0.2}
IMPORTANT_CODES = {"PCLI", "ADM1", "PPLC", "PPLA", "PPLA2", "PPLG"}
CORE_COUNTRIES = {"SY", "IQ", "YE", "LB", "PS", "LY", "SD"}
ALTERNATIVE_MARGIN = 1.5
CLOSE_READING = 2.0  # readings this close to the best one compete with it for anchoring the document


@dataclass
class Mention:
    start_tok: int
    end_tok: int  # exclusive
    start: int
    end: int
    key: str
    candidates: list[GazPlace]
    folded: bool = False
    runs_on: bool = False  # the next word may be part of a longer, unknown name
    # after "ساحة", "شارع", "دوار" and running on ("ساحة رياض الصلح" is no Riyadh), or after "سفارة", "مستشفى",
    # "محكمة"… with no proclitic ("سفارة إيران في لندن": Iran's embassy, in London; "مستشفى عفرين", a hospital)
    in_other_name: bool = False
    head: str | None = None
    head_word: str | None = None
    head_start: int | None = None  # char start of the head word when it belongs to the span
    support: set[str] = field(default_factory=set)
    precision: int | None = None
    direction: str | None = None
    relation: str | None = None  # rural | direction | between | border
    rural_word: str | None = None
    chosen: GazPlace | None = None
    scores: list[tuple[float, GazPlace]] = field(default_factory=list)


def resolve_places(doc: Document, gazetteer: Gazetteer) -> None:
    """Fill doc.places from doc.text (tokens and entities used when present)."""
    words = doc.tokens
    if not words:
        doc.places = []
        return
    blocked, loc_tokens = _entity_masks(doc, words)
    mentions = _find_mentions(doc.text, words, gazetteer, blocked, loc_tokens)
    _read_context_words(doc.text, words, mentions)
    _disambiguate(mentions, gazetteer)
    doc.places = [_to_place(doc.text, m) for m in mentions if m.chosen is not None]


# ---------------------------------------------------------------- finding names

def _entity_masks(doc: Document, words) -> tuple[set[int], set[int]]:
    """Word indexes inside names that are not places (organisations, people...) or idioms, and inside LOC entities."""
    starts = [t.start for t in words]

    def covered(spans) -> set[int]:
        out: set[int] = set()
        for s, e in spans:
            out.update(range(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)))
        return out

    blocked = covered((e.start, e.end) for e in doc.entities if e.label in BLOCKING_LABELS or (e.actor and e.label != "LOC"))
    loc = covered((e.start, e.end) for e in doc.entities if e.label == "LOC")
    norms = [t.norm for t in words]
    for i, norm in enumerate(norms):
        if _NOT_PLACES.openings(norm):
            for m in _NOT_PLACES.matches_at(norms, i):
                blocked.update(range(m.start, m.end))
    return blocked, loc


# every word of an organisation's name or idiom may carry و ف ب ل, as a place name's first word may
_NOT_PLACES = PhraseMatcher(((phrase.split(" "), True) for phrase in ORG_PHRASES + ORDINARY_PHRASES),
                            WordForms("not-place-phrases", PLACE_NAMES.first, place_name_readings))


def _adjacent(text: str, a, b) -> bool:
    return text[a.end:b.start].strip() == ""


TANWEEN_FATH = "\u064b"
_NUMBER_BEFORE = re.compile(r"\d+\s*$")


def _adjective_or_counted(text: str, words, norms: list[str], i: int, n: int, variant: str, key: str,
                          listed: bool) -> bool:
    """Whether the name read at words[i:i + n] is an adjective or a counted noun ("رجلا سورياً", Syrian; "اتهام 13
    روسيا", 13 Russians; "القوات السعودية", Saudi): a place takes no tanween, is not counted, and does not follow a
    noun to agree with it.  A name joined by "و" to the place name before it (`listed`) is the next of a list
    ("بين اليمن والسعودية"), not an adjective of it."""
    tok = words[i]
    return (TANWEEN_FATH in words[i + n - 1].text
            or (n == 1 and variant == tok.norm and _counted(text, tok.start))
            or (key in ADJECTIVE_NAMES and i > 0 and not listed and _definite(norms[i - 1])
                and _adjacent(text, words[i - 1], tok)))


def _definite(norm: str) -> bool:
    """Whether a word is a noun carrying the article, after its proclitics if any ("القوات", "والعاصمة",
    "للقوات"); "إلى", "التي", "الذي" only look like one."""
    return norm.startswith(("ال", "وال", "فال", "بال", "كال", "لل")) and norm not in STOPWORDS


def _counted(text: str, start: int) -> bool:
    """Whether the word at `start` follows a count ("13 روسيا"), not a year ("عام 1980 القدس")."""
    number = _NUMBER_BEFORE.search(text, max(0, start - 12), start)
    return number is not None and not (len(number.group().strip()) == 4 and number.group().startswith(("19", "20")))


def _find_mentions(text, words, gaz: Gazetteer, blocked, loc_tokens) -> list[Mention]:
    mentions: list[Mention] = []
    norms = [w.norm for w in words]
    i = 0
    n_words = len(words)
    while i < n_words:
        tok = words[i]
        opening = _opening(tok.norm)
        if i in blocked or opening is None:
            i += 1
            continue
        variants, relation_word = opening
        found = None
        name = _longest_name(text, words, norms, i, gaz, blocked, 2 if relation_word else 1)
        if name is not None:
            found = (name.end - i, name.form, " ".join([name.form, *norms[i + 1:name.end]]), False)
        if found is None and not relation_word:
            for variant in variants:
                if len(variant) >= 4 and not _is_relation_word(variant) and gaz.has_folded(fold_key(variant)):
                    found = (1, variant, variant, True)
                    break
        if found is None:
            i += 1
            continue
        n, variant, key, folded = found
        listed = bool(mentions) and mentions[-1].end_tok == i and tok.norm.startswith("و")
        if _adjective_or_counted(text, words, norms, i, n, variant, key, listed):
            i += n
            continue
        if key.split(" ")[0] in RURAL and n > 1 and i + n < n_words and words[i + n].norm in DIRECTION_ADJECTIVES:
            i += 1  # "ريف دمشق الجنوبي الغربي" is Damascus's countryside to the south-west, not the province
            continue
        candidates = gaz.lookup_folded(key) if folded else gaz.lookup(key)
        start = tok.start + raw_prefix_length(tok.text, len(tok.norm) - len(variant))
        m = Mention(i, i + n, start, words[i + n - 1].end, key, candidates, folded)
        if any(k in loc_tokens for k in range(i, i + n)):
            m.support.add("loc")
        m.runs_on = _runs_on(text, words, i + n, blocked)
        mentions.append(m)
        i += n
    return mentions


@word_cache
def _opening(norm: str) -> tuple[tuple[str, ...], bool] | None:
    """A word's clitic variants and whether it is a relation word (ريف, شرق, مدينة...); None for a word that
    never opens a place name (a stop word, a number, punctuation)."""
    variants = place_name_readings(norm)
    if not norm[:1].isalpha() or any(v in STOPWORDS for v in variants):
        return None
    return variants, _is_relation_word(norm)


def _runs_on(text: str, words, j: int, blocked) -> bool:
    """Whether the name seems to continue past the match: "منطقة باب التبانة", "ساحة رياض الصلح" (a longer name
    the gazetteer does not have, whose first word happens to be a village)."""
    if j >= len(words) or j in blocked or not _adjacent(text, words[j - 1], words[j]):
        return False
    nxt = words[j].norm
    return (nxt[:1].isalpha() and nxt[:1] not in "وبلف" and nxt not in STOPWORDS and nxt not in DIRECTION_ADJECTIVES
            and nxt not in DIRECTION_NOUNS and not _is_relation_word(nxt))


def _longest_name(text, words, norms: list[str], i: int, gaz: Gazetteer, blocked, min_words: int):
    """The longest gazetteer name at words[i] (the first reading wins a tie), of adjacent words, ending in no
    function word; a word inside another entity ends the name unless a head word opens it ("معبر كرم أبو سالم",
    "جبل الأكراد": a head word vouches for the name after it)."""
    if not gaz.names.openings(norms[i]):
        return None  # most words begin no name: answered from the matcher's memo, before any matching is set up

    def adjacent(j: int) -> bool:
        return _adjacent(text, words[j - 1], words[j])

    def acceptable(m) -> bool:
        return (m.end - i >= min_words and norms[m.end - 1] not in STOPWORDS
                and (m.form in HEADS or not any(k in blocked for k in range(i + 1, m.end))))

    return gaz.names.match_at(norms, i, can_extend=adjacent, accept=acceptable)


@word_cache
def _is_relation_word(norm: str) -> bool:
    return any(v in RURAL or v in DIRECTION_NOUNS or v in HEADS or v in BORDER or v in DIRECTION_ADJECTIVES
               for v in place_name_readings(norm))


def _stem_start(tok, vocabulary) -> int:
    """Where the stem of a head word begins once its proclitics are left out ("وبريف" → "ريف")."""
    stem = _stem(tok.norm, vocabulary)
    return tok.start + raw_prefix_length(tok.text, len(tok.norm) - len(stem)) if stem else tok.start


def _stem(norm: str, vocabulary) -> str | None:
    for v in place_name_readings(norm):
        if v in vocabulary:
            return v
    return None


# ---------------------------------------------------------------- reading the words around a name

def _read_context_words(text: str, words, mentions: list[Mention]) -> None:
    for idx, m in enumerate(mentions):
        i = m.start_tok
        prev = words[i - 1] if i > 0 else None
        prev2 = words[i - 2] if i > 1 else None
        first_variants = place_name_readings(words[i].norm)
        if prev is not None and _adjacent(text, prev, words[i]):
            if ((_stem(prev.norm, STREET_WORDS) and m.runs_on)
                    or (_stem(prev.norm, INSTITUTION_WORDS) and m.start == words[i].start)):
                m.in_other_name = True  # "مستشفى عفرين" names a hospital, "مستشفى بعفرين" says where one is
            head = _stem(prev.norm, HEADS)
            rural = _stem(prev.norm, RURAL)
            direction = _stem(prev.norm, DIRECTION_NOUNS)
            if head:
                m.head, m.head_word = HEADS[head], head
                m.support.add("head")
                m.head_start = _stem_start(prev, HEADS)
                # "شرق مدينة الرقة": a direction before the head
                if prev2 is not None and _stem(prev2.norm, DIRECTION_NOUNS):
                    m.direction = DIRECTION_NOUNS[_stem(prev2.norm, DIRECTION_NOUNS)]
                    m.relation = "direction"
                    m.head_start = _stem_start(prev2, DIRECTION_NOUNS)
            elif rural:
                m.relation, m.rural_word = "rural", rural
                m.support.add("head")
                m.head_start = _stem_start(prev, RURAL)
            elif direction:
                d = DIRECTION_NOUNS[direction]
                start = _stem_start(prev, DIRECTION_NOUNS)
                if prev2 is not None and _stem(prev2.norm, DIRECTION_NOUNS) and d in "EW":
                    first = DIRECTION_NOUNS[_stem(prev2.norm, DIRECTION_NOUNS)]
                    if first in "NS":
                        d, start = COMPASS[first + d], _stem_start(prev2, DIRECTION_NOUNS)
                m.direction, m.relation, m.head_start = d, "direction", start
                m.support.add("prep")
            elif _stem(prev.norm, BORDER):
                m.relation = "border"
                m.head_start = _stem_start(prev, BORDER)
            elif any(v in PREPOSITIONS for v in place_name_readings(prev.norm)):
                m.support.add("prep")
            if prev.norm == "بين":
                m.relation = "between"
                m.head_start = prev.start
            elif prev2 is not None and prev.norm in DIRECTION_ADJECTIVES and _stem(prev2.norm, BORDER):
                m.relation, m.direction = "border", DIRECTION_ADJECTIVES[prev.norm]
                m.head_start = _stem_start(prev2, BORDER)
        if len(first_variants) > 1 and first_variants[1][:1] != "ا" and words[i].norm[:1] in "بل":
            m.support.add("prep")  # بحماة, لمدينة: a preposition clitic
        # conjoined to the previous name: "بلدتي سرمين وتفتناز", "ريفي إدلب الغربي واللاذقية"
        if idx > 0 and words[i].norm.startswith("و") and first_variants[0] != words[i].norm[1:]:
            before = mentions[idx - 1]
            gap_end = _after_direction(words, before.end_tok)[0]
            if gap_end == i:
                m.support |= (before.support & {"head", "loc"}) | {"prep"}
                if before.relation == "rural" and before.rural_word != "ريف" and m.relation is None:
                    m.relation, m.rural_word = "rural", before.rural_word
                if before.relation == "between" and m.relation is None:
                    m.relation = "between"
                if m.head is None:
                    m.head, m.head_word = before.head, before.head_word
        # trailing direction adjectives: "ريف حماة الشمالي الغربي"
        end_tok, adj = _after_direction(words, m.end_tok)
        # ("حلب الشرقية" alone names a part of the city, which stays the city)
        if m.relation == "rural" and m.direction is None and adj:
            m.direction = adj
            m.end = words[end_tok - 1].end
            m.end_tok = end_tok
        if m.head_start is not None and (m.relation is not None or m.head in ("province", "district", "subdistrict")):
            m.start = m.head_start


def _after_direction(words, i: int) -> tuple[int, str | None]:
    """Direction adjectives starting at token i: (token after them, compass code)."""
    if i >= len(words) or words[i].norm not in DIRECTION_ADJECTIVES:
        return i, None
    first = DIRECTION_ADJECTIVES[words[i].norm]
    if i + 1 < len(words) and words[i + 1].norm in DIRECTION_ADJECTIVES:
        second = DIRECTION_ADJECTIVES[words[i + 1].norm]
        if first in "NS" and second in "EW":
            return i + 2, COMPASS[first + second]
    return i + 1, first


# ---------------------------------------------------------------- choosing

def _disambiguate(mentions: list[Mention], gaz: Gazetteer) -> None:
    # Pass 1: mentions whose reading is clear without context become anchors.
    anchors: dict[int, GazPlace] = {}
    alone = [[(_score(m, c), c) for c in m.candidates] for m in mentions]  # each reading's score without context
    for idx, m in enumerate(mentions):
        distinct = _distinct(sorted(alone[idx], key=_SCORE, reverse=True), CLOSE_READING)
        if not distinct:
            continue
        close = [p for sc, p in distinct if distinct[0][0] - sc < CLOSE_READING]
        # clear: one reading stands out, or the close readings agree on country and province
        # (for "ريف دمشق" the province and its capital district tell the same thing about the document)
        clear = len(close) == 1 or all((p.country, p.admin1) == (close[0].country, close[0].admin1) for p in close)
        if clear and _acceptable(m, distinct[0][1], None):
            anchors[idx] = distinct[0][1]
    # Pass 2: every mention, with the countries, provinces and places the rest of the document names
    # (a mention is never its own evidence).
    # The context grows as mentions are chosen; a mention's own anchor is taken out while it is scored.
    context = _Context(list(anchors.values()))
    for idx, m in enumerate(mentions):
        own = anchors.get(idx)
        if own is not None:
            context.remove(own)
        container = _container(mentions, idx, anchors)
        if len(alone[idx]) == 1:
            scored = alone[idx]  # one reading: nothing to rank it against, and its score is never shown
        else:
            scored = sorted(((_in_context(score, c, context) + _inside_bonus(c, container), c) for score, c in alone[idx]),
                            key=_SCORE, reverse=True)
        acceptable = bool(scored) and _acceptable(m, scored[0][1], context)  # judged without its own evidence too
        if own is not None:
            context.add(own)
        if not acceptable:
            continue
        m.chosen = scored[0][1]
        if m.chosen.fclass != "A" and (m.head == "province" or (
                m.head is None and m.key in PROVINCE_FIRST_NAMES.get(m.chosen.country, ()))):
            # "محافظة الحديدة" is the governorate, not its capital, whose nearness to the rest may have won it
            m.chosen = gaz.admin1.get((m.chosen.country, m.chosen.admin1), m.chosen)
        m.scores = _distinct(scored, ALTERNATIVE_MARGIN)
        context.add(m.chosen)


# the score of a (score, reading) pair: best first with reverse=True, which keeps equal scores in their order
_SCORE = itemgetter(0)
CONTAINER_KM = 80.0
SELF_DEG2 = (0.5 / 111.195) ** 2  # half a kilometre, in squared degrees


def _container(mentions: list[Mention], idx: int, anchors: dict[int, GazPlace]) -> GazPlace | None:
    """The place a mention is said to lie in: "بيت جن بريف دمشق", "سرمين في ريف إدلب" (the next mention, right
    after it, read as its countryside or introduced by ب / في)."""
    if idx + 1 >= len(mentions):
        return None
    nxt = mentions[idx + 1]
    if nxt.start_tok - mentions[idx].end_tok > 1 or not (nxt.relation == "rural" or "prep" in nxt.support):
        return None
    return anchors.get(idx + 1) or (nxt.candidates[0] if len(nxt.candidates) == 1 else None)


def _inside_bonus(c: GazPlace, container: GazPlace | None) -> float:
    if container is None or c is container:
        return 0.0
    return 3.0 if _fast_km(c.lat, c.lon, container.lat, container.lon) <= CONTAINER_KM else 0.0


class _Context:
    """What the rest of the document says: countries, provinces and points named (multisets, so that a
    mention's own evidence can be taken out and put back)."""

    def __init__(self, anchors: list[GazPlace]):
        self.countries: Counter[str] = Counter()
        self.admin1: Counter[tuple[str, str]] = Counter()
        self.points: Counter[tuple[float, float]] = Counter()
        for a in anchors:
            self.add(a)

    def add(self, p: GazPlace, sign: int = 1) -> None:
        _count(self.countries, p.country, sign)
        if p.admin1:
            _count(self.admin1, (p.country, p.admin1), sign)
        if p.fcode not in ("PCLI", "ADM1") and p.precision < 3:
            _count(self.points, (p.lat, p.lon), sign)

    def remove(self, p: GazPlace) -> None:
        self.add(p, -1)

    def nearest_km(self, p: GazPlace) -> float:
        """Distance to the nearest other point named (equirectangular, squared degrees compared until the end)."""
        scale = math.cos(math.radians(p.lat))
        best = 1e18
        p_lat, p_lon, self_deg2 = p.lat, p.lon, SELF_DEG2  # locals: read for each of the points
        for lat, lon in self.points:
            dx, dy = (lon - p_lon) * scale, lat - p_lat
            d2 = dx * dx + dy * dy
            if self_deg2 < d2 < best:  # the place itself is not its own evidence
                best = d2
        return 111.195 * math.sqrt(best) if best < 1e18 else 1e9


def _count(counter: Counter, key, sign: int) -> None:
    """Add `sign` to a key's count; a key whose count falls to zero is gone (membership is what is asked)."""
    value = counter[key] + sign
    if value > 0:
        counter[key] = value
    else:
        counter.pop(key, None)


def _fast_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: within 0.5% of the great circle at the few hundred km that matter here."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.195 * math.hypot(lat2 - lat1, x)


def _score(m: Mention, c: GazPlace) -> float:
    """How likely the reading is from the mention alone: kind of place, size, country, head word."""
    s = TYPE_PRIOR.get(c.fcode or "", 2.5 if c.source == "curated" else 1.0)
    s += 0.35 * math.log10(c.population + 1)
    if c.country in CORE_COUNTRIES:
        s += 0.5
    if m.folded:
        s -= 1.0
    if m.head:
        classes, codes = HEAD_MATCH[m.head]
        if c.fclass in classes and (not codes or (c.fcode or "").startswith(codes)):
            s += 3.0
        else:
            s -= 2.0
    if m.relation in ("rural", "direction", "between") and m.head is None:
        if c.fclass == "P" or c.fcode in ("PCLI", "ADM1") or c.source == "curated":
            s += 1.0
    return s


def _in_context(s: float, c: GazPlace, ctx: _Context) -> float:
    """A reading's score `s` raised by what the rest of the document names near it."""
    if c.country in ctx.countries:
        s += 1.5
    if c.admin1 and (c.country, c.admin1) in ctx.admin1:
        s += 1.5
    d = ctx.nearest_km(c) if c.fclass != "A" else 1e9  # an area's centroid says little about nearness
    if d < 1e8:
        s += 2.5 * math.exp(-d / 60.0)
    return s


def _distinct(scored: list[tuple[float, GazPlace]], margin: float) -> list[tuple[float, GazPlace]]:
    """Best-scored row per location (a city, its district and sub-district often share a point), from a list
    sorted best first, down to `margin` below the best; the runner-up is always found, however far below.
    A common name has hundreds of rows, and only the close ones are ever looked at."""
    out: list[tuple[float, GazPlace]] = []
    for s, p in scored:
        if len(out) >= 2 and scored[0][0] - s > margin:
            break
        # a latitude gap alone puts most pairs (other countries) beyond 25 km without the full distance
        if all(abs(p.lat - q.lat) * 111.195 > 25 or _fast_km(p.lat, p.lon, q.lat, q.lon) > 25 for _, q in out):
            out.append((s, p))
    return out


def _important(p: GazPlace, ctx: "_Context | None" = None) -> bool:
    """Known enough to be taken from its name alone."""
    if p.source == "curated" or p.fcode in ("PCLI", "PPLC"):
        return True
    familiar = p.country in CORE_COUNTRIES or (ctx is not None and p.country in ctx.countries)
    return familiar and (p.fcode in IMPORTANT_CODES or p.population >= 50000)


def _acceptable(m: Mention, best: GazPlace, ctx: _Context | None) -> bool:
    if m.in_other_name:
        return False
    ordinary_word = m.key in COMMON_WORDS or fold_key(m.key) in COMMON_WORDS or m.key in MEASURED_COMMON_WORDS
    if "loc" in m.support and not ordinary_word and not m.folded:
        return True  # the NER says it is a place; for a word like "سكني" (residential) it needs a head word too
    single = m.end_tok - m.start_tok == 1 or m.key.count(" ") == 0
    # an ordinary word after "مديرية" (also a directorate) is a place of a country the text is about:
    # "مديرية الأمن" in a Libyan story is the security directorate, not Al Amn in Saudi Arabia
    headed = m.head_word in SINGULAR_HEADS and not m.runs_on and (
        m.head_word not in OFFICE_HEADS or ctx is None or best.country in ctx.countries)
    if m.key in COMMON_WORDS or fold_key(m.key) in COMMON_WORDS or len(m.key) <= 2:
        return headed
    if m.key in MEASURED_COMMON_WORDS:
        # "تدمر" destroys / Palmyra: a well-known place still counts after "في", "بين", "ريف"
        return headed or (_important(best, ctx) and ("prep" in m.support or m.relation in ("rural", "between", "border")))
    if m.relation == "border":
        return best.fcode == "PCLI"
    near = ctx is not None and (
        ((best.country, best.admin1) in ctx.admin1 and best.admin1) or ctx.nearest_km(best) < 40)
    if m.folded:
        return bool(near) and ("head" in m.support or "prep" in m.support or m.relation is not None)
    if _important(best, ctx):
        return True
    if not single and (best.country in CORE_COUNTRIES or (ctx is not None and best.country in ctx.countries)):
        return True
    if "head" in m.support:
        # "حي سكني", "وادي الشاي": a head word before an ordinary word is not enough when the only place of that
        # name is of another kind or in a country the text does not otherwise touch
        return _head_fits(m, best) and (ctx is None or bool(near) or best.country in ctx.countries)
    return bool(near) and ("prep" in m.support or m.relation is not None)


def _head_fits(m: Mention, place: GazPlace) -> bool:
    """The place is of the kind its head word says; an administrative unit may be named by its seat town.
    Support from "ريف" (or from a conjoined name's head) says nothing of the kind."""
    if m.head is None:
        return True
    classes, codes = HEAD_MATCH[m.head]
    if place.fclass == "P" and m.head in ("province", "district", "subdistrict"):
        return True
    return place.fclass in classes and (not codes or (place.fcode or "").startswith(codes))


# ---------------------------------------------------------------- output

def _to_place(text: str, m: Mention) -> Place:
    c = m.chosen
    assert c is not None
    precision = c.precision
    if m.relation in ("rural", "direction", "between"):
        precision = 3 if c.precision >= 3 else 2
    if m.head == "province":
        precision = 3
    elif m.head in ("district", "subdistrict") and c.fclass == "A":
        precision = 2
    if m.relation == "border":
        precision = 3
    best_score = m.scores[0][0]
    alternatives = [
        {"name_en": p.name_en, "lat": p.lat, "lon": p.lon, "country": p.country, "admin1": p.admin1,
         "score": round(s, 2)}
        for s, p in m.scores[1:] if best_score - s <= ALTERNATIVE_MARGIN
    ][:5]
    margin = best_score - m.scores[1][0] if len(m.scores) > 1 else 3.0
    confidence = 1 / (1 + math.exp(-(margin - 0.5)))
    if m.folded:
        confidence *= 0.7
    if not m.support and m.end_tok - m.start_tok == 1 and not _important(c):
        confidence *= 0.8
    return Place(start=m.start, end=m.end, text=text[m.start:m.end], name_ar=c.name_ar, name_en=c.name_en,
                 lat=c.lat, lon=c.lon, country=c.country, admin1=c.admin1, admin2=c.admin2,
                 geonameid=c.geonameid, feature_class=c.fclass, feature_code=c.fcode, precision=precision,
                 direction=m.direction, confidence=round(confidence, 3), alternatives=alternatives)
