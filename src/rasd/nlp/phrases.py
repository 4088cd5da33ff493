"""The phrase matcher: one mechanism for every list of words and names rasd looks for in a text.

Number and date words, weapons, event triggers and cue words, actor names, gazetteer names and time
expressions are all phrases of one or more words in rasd's normalised form (`rasd.text.arabic.normalize`),
matched against a sentence's normalised words.  What differs between them is the **clitic rule**: which
readings of a written word a phrase word may match.  Arabic writes prepositions, conjunctions and the article
onto the word (وبالقصف، للجيش), and each list has its own idea of which of those may be peeled off (a place name
never loses its article, an event cue matches with any proclitic).  That rule is a `WordForms` parameter; the
matching is the same everywhere, like spaCy's single `Matcher` over token attributes.

A phrase is a sequence of word specs: a plain word, `stem*` (any word starting with the stem) or `=word` (the
word itself, with at most و or ف before it).  Matching is longest-first at each position.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from rasd.text.arabic import clitic_variants, strip_article, word_cache

T = TypeVar("T")

def proclitic_cut(norm: str, form: str) -> int:
    """How many leading characters of `norm` a reading `form` leaves out (0 when the reading is not a suffix,
    as for للحزب → الحزب, where the article's alef is not written)."""
    return len(norm) - len(form) if norm.endswith(form) else 0


@dataclass(frozen=True)
class WordForms:
    """A clitic rule: the readings of a normalised word as the first word of a phrase, with the number of
    proclitic characters each leaves out, and as any later word.  Most literal reading first."""

    name: str
    first: Callable[[str], tuple[tuple[str, int], ...]]
    later: Callable[[str], tuple[str, ...]]


def _with_cuts(readings: Callable[[str], tuple[str, ...]]) -> Callable[[str], tuple[tuple[str, int], ...]]:
    return word_cache(lambda norm: tuple((form, proclitic_cut(norm, form)) for form in readings(norm)))


def _exact(norm: str) -> tuple[str, ...]:
    return (norm,)


@word_cache
def _clitic_and_article(norm: str) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for variant in clitic_variants(norm):
        cut = proclitic_cut(norm, variant)
        out.setdefault(variant, cut)
        out.setdefault(strip_article(variant), cut)
    return tuple(out.items())


@word_cache
def _with_or_without_article(norm: str) -> tuple[str, ...]:
    bare = strip_article(norm)
    return (norm, bare) if bare != norm else (norm,)


# Every word of the phrase may carry proclitics (event triggers and cues: وبالقصف → القصف → قصف).
ANY_CLITICS = WordForms("any-clitics", _with_cuts(clitic_variants), clitic_variants)
# The first word may carry proclitics and drop its article; later words may drop their article (number,
# date and weapon words: "بالصواريخ"، "الساعة الثالثة").
CLITICS_AND_ARTICLE = WordForms("clitics-and-article", _clitic_and_article, _with_or_without_article)
# Every word as written or without its article (a phrase that continues another, such as the noun a number counts).
ARTICLE_ONLY = WordForms("article", _with_cuts(_with_or_without_article), _with_or_without_article)
# The first word may carry proclitics; later words are as written (gazetteer names as NER features).
FIRST_CLITICS = WordForms("first-clitics", _with_cuts(clitic_variants), _exact)
# Words as written (time expressions, whose words have been stripped of clitics already).
EXACT = WordForms("exact", _with_cuts(_exact), _exact)


class PhraseMatch(NamedTuple, Generic[T]):
    """One phrase found: a named tuple, the cheapest object to make, as the matchers make about one per word read."""

    start: int  # index of the first word
    end: int  # index after the last word
    value: T
    form: str  # the reading of the first word that matched
    cut: int  # proclitic characters of the first word left outside the match


def parse_phrase(phrase: str | Sequence[str]) -> tuple[str, ...]:
    return tuple(phrase.split()) if isinstance(phrase, str) else tuple(phrase)


def _plain(spec: str) -> bool:
    return not (spec.endswith("*") or spec.startswith("="))


def spec_matches(spec: str, readings: tuple[str, ...], norm: str) -> bool:
    """Whether a word with these readings matches one phrase word spec."""
    if spec.startswith("="):
        stem = spec[1:]
        return norm == stem or (norm[:1] in "وف" and norm[1:] == stem)
    if spec.endswith("*"):
        stem = spec[:-1]
        return any(r.startswith(stem) for r in readings)
    return spec in readings


def sequence_end(norms: Sequence[str], i: int, specs: Sequence[str], forms: WordForms) -> int | None:
    """Index after `specs` matched word by word from norms[i] (every word read by the rule's later forms), or None."""
    if i + len(specs) > len(norms):
        return None
    for k, spec in enumerate(specs):
        norm = norms[i + k]
        if not spec_matches(spec, forms.later(norm), norm):
            return None
    return i + len(specs)


class PhraseMatcher(Generic[T]):
    """Longest-first matching of many phrases, each with a value, under one clitic rule.

    Phrases of plain words are kept as space-joined keys with the set of their word prefixes, so a match
    grows word by word only while some phrase still begins that way (the gazetteer's 90,000 names cost a
    few lookups per word).  Phrases with `stem*` or `=word` specs are checked spec by spec.  Immutable after
    construction; its caches are bounded memos, safe to share between threads.
    """

    def __init__(self, phrases: Iterable[tuple[str | Sequence[str], T]], forms: WordForms):
        self.forms = forms
        self._keys: dict[str, T] = {}
        self._prefixes: set[str] = set()
        self._patterns: dict[str, list[tuple[tuple[str, ...], T]]] = {}  # first word → phrases with specs
        self._prefix_patterns: list[tuple[str, tuple[str, ...], T]] = []  # (first stem, specs, value)
        self._first_words: set[str] = set()
        for phrase, value in phrases:
            specs = parse_phrase(phrase)
            if not specs:
                continue
            if all(_plain(s) for s in specs):
                key = " ".join(specs)
                self._keys.setdefault(key, value)
                self._first_words.add(specs[0])
                for k in range(1, len(specs)):
                    self._prefixes.add(" ".join(specs[:k]))
            elif specs[0].endswith("*"):
                self._prefix_patterns.append((specs[0][:-1], specs, value))
            else:
                first = specs[0].lstrip("=")
                self._patterns.setdefault(first, []).append((specs, value))
                self._first_words.add(first)
        self.stems = sorted({stem for stem, _, _ in self._prefix_patterns}, key=len)
        # word → its first-word readings that begin some phrase (usually none): asked of every word read, so a
        # word seen before is one dict look-up
        self.openings: Callable[[str], tuple[tuple[str, int], ...]] = word_cache(self._readings_that_open)

    def __len__(self) -> int:
        return len(self._keys) + sum(len(v) for v in self._patterns.values()) + len(self._prefix_patterns)

    def has_key(self, key: str) -> bool:
        """Whether a plain phrase is exactly this space-joined key."""
        return key in self._keys

    @property
    def first_words(self) -> frozenset[str]:
        return frozenset(self._first_words)

    def opens_with(self, form: str) -> bool:
        """Whether some phrase begins with this word (as a reading, not a written word)."""
        return form in self._first_words or any(form.startswith(stem) for stem in self.stems)

    def _readings_that_open(self, norm: str) -> tuple[tuple[str, int], ...]:
        return tuple((form, cut) for form, cut in self.forms.first(norm) if self.opens_with(form))

    def matches_at(self, norms: Sequence[str], i: int, can_extend: Callable[[int], bool] | None = None
                   ) -> Iterator[PhraseMatch[T]]:
        """Every phrase that matches at norms[i], in the order of the first word's readings, shorter first
        within a reading.  `can_extend(j)` may forbid a match to take in norms[j] (a line break, a name)."""
        openings = self.openings(norms[i])
        if not openings:
            return
        n = len(norms)
        keys, prefixes, later = self._keys, self._prefixes, self.forms.later
        for form, cut in openings:
            frontier = (form,)
            j = i + 1
            while frontier:
                grown = []
                for key in frontier:
                    value = keys.get(key, _MISSING)
                    if value is not _MISSING:
                        yield PhraseMatch(i, j, value, form, cut)
                    if key in prefixes and j < n and (can_extend is None or can_extend(j)):
                        for reading in later(norms[j]):
                            longer = f"{key} {reading}"
                            if longer in prefixes or longer in keys:
                                grown.append(longer)
                frontier = grown
                j += 1
            for specs, value in self._patterns.get(form, ()):
                if spec_matches(specs[0], (form,), norms[i]):
                    end = sequence_end(norms, i + 1, specs[1:], self.forms)
                    if end is not None and (can_extend is None or all(can_extend(k) for k in range(i + 1, end))):
                        yield PhraseMatch(i, end, value, form, cut)
            for stem, specs, value in self._prefix_patterns:
                if form.startswith(stem):
                    end = sequence_end(norms, i + 1, specs[1:], self.forms)
                    if end is not None and (can_extend is None or all(can_extend(k) for k in range(i + 1, end))):
                        yield PhraseMatch(i, end, value, form, cut)

    def match_at(self, norms: Sequence[str], i: int, can_extend: Callable[[int], bool] | None = None,
                 accept: Callable[[PhraseMatch[T]], bool] | None = None) -> PhraseMatch[T] | None:
        """The longest acceptable phrase at norms[i]; of equally long ones, the first found."""
        best: PhraseMatch[T] | None = None
        for m in self.matches_at(norms, i, can_extend):
            if (best is None or m.end > best.end) and (accept is None or accept(m)):
                best = m
        return best

    def find(self, norms: Sequence[str], start: int = 0, end: int | None = None) -> list[PhraseMatch[T]]:
        """Non-overlapping longest matches, left to right, within norms[start:end]."""
        out: list[PhraseMatch[T]] = []
        stop = len(norms) if end is None else end
        window = norms if stop == len(norms) else norms[:stop]
        openings = self.openings
        i = start
        while i < stop:
            m = self.match_at(window, i) if openings(norms[i]) else None
            if m is not None:
                out.append(m)
                i = m.end
            else:
                i += 1
        return out

    def any_in(self, norms: Sequence[str]) -> bool:
        """Whether any phrase occurs in `norms`."""
        openings = self.openings
        for i, norm in enumerate(norms):
            if openings(norm) and next(self.matches_at(norms, i), None) is not None:
                return True
        return False


_MISSING = object()


class MatcherGroup:
    """Matchers asked about the same sentence, with a one-pass answer to which of them can match in it at all.

    The event stage asks some forty word lists about every sentence and most lists match nothing there.
    `scope(norms)` reads each word once against one index of every list's first words (cached per word type)
    and returns, as bits, the lists with a phrase that may start in the sentence; the caller keeps that value
    for the sentence and passes it to `find` and `has`, which answer at once for the other lists.  All
    matchers of a group share one clitic rule.
    """

    def __init__(self, matchers: dict[str, PhraseMatcher]):
        self.matchers = matchers
        self._bit = {name: 1 << k for k, name in enumerate(matchers)}
        self._names = list(matchers)  # bit k's list
        self.everything = (1 << len(matchers)) - 1
        rules = {m.forms for m in matchers.values()}
        if len(rules) != 1:
            raise ValueError("a matcher group needs one clitic rule")
        self.forms = rules.pop()
        self._first: dict[str, int] = {}
        self._stems: dict[str, int] = {}
        for name, matcher in matchers.items():
            for word in matcher.first_words:
                self._first[word] = self._first.get(word, 0) | self._bit[name]
            for stem in matcher.stems:
                self._stems[stem] = self._stems.get(stem, 0) | self._bit[name]
        self._stem_lengths = sorted({len(s) for s in self._stems})
        self._word_bits: Callable[[str], int] = word_cache(self._bits_of)  # word → the lists it may start

    def _bits_of(self, norm: str) -> int:
        bits = 0
        for form, _ in self.forms.first(norm):
            bits |= self._first.get(form, 0)
            for n in self._stem_lengths:
                if n <= len(form):
                    bits |= self._stems.get(form[:n], 0)
        return bits

    def scope(self, norms: Iterable[str]) -> int:
        bits = 0
        word_bits = self._word_bits
        for norm in norms:
            bits |= word_bits(norm)
        return bits

    def __getitem__(self, name: str) -> PhraseMatcher:
        return self.matchers[name]

    def may_match(self, name: str, scope: int) -> bool:
        return bool(scope & self._bit[name])

    def find(self, name: str, norms: Sequence[str], scope: int) -> list[PhraseMatch]:
        return self.matchers[name].find(norms) if scope & self._bit[name] else []

    def has(self, name: str, norms: Sequence[str], scope: int) -> bool:
        return bool(scope & self._bit[name]) and self.matchers[name].any_in(norms)

    def present(self, norms: Sequence[str], scope: int) -> list[str]:
        """The names of the lists with a phrase somewhere in `norms`, in the group's order: what `has` answers for
        every list, reading each word once against the lists that may start there instead of every list reading
        the sentence."""
        found = 0
        word_bits = self._word_bits
        for i, norm in enumerate(norms):
            bits = word_bits(norm) & scope & ~found
            while bits:
                low = bits & -bits
                if next(self.matchers[self._names[low.bit_length() - 1]].matches_at(norms, i), None) is not None:
                    found |= low
                bits ^= low
        return [name for name in self.matchers if found & self._bit[name]]
