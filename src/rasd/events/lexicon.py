"""The event stage's lexicons (resources/events/) and the phrase matchers built from them.

Matching works on word tokens of one sentence (punctuation and quote marks are
skipped, so “هيئة تحرير الشام” reads as three words).  Every word of a phrase
also matches with proclitics attached (وبالقصف → القصف → قصف), which is how
Arabic writes prepositions and conjunctions.
"""
from __future__ import annotations

import csv
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rasd.model import Token
from rasd.text.arabic import clitic_variants, normalize
from rasd.runner.resources import RESOURCE_DIR

EVENT_DIR = RESOURCE_DIR / "events"
MAX_GAP = 3  # words that may stand between two segments of a trigger ("…" in triggers.tsv)
CANDIDATE_CACHE = 200_000  # word types remembered (which sets may start there; a set's candidates)
MAX_GAP_AFTER_VERB = 8  # "فككت وحدة الهندسة في الجيش أمس عبوة": the subject stands between verb and object


def is_word(token: Token) -> bool:
    return token.norm[:1].isalnum()


@lru_cache(maxsize=500_000)
def _word_matches(spec: str, norm: str) -> bool:
    """A word matches its spec with any proclitics; "=x" allows only the conjunctions و/ف, "x*" is a prefix."""
    prefix = spec.endswith("*")
    stem = spec.strip("*=")
    variants = (norm, norm[1:]) if spec.startswith("=") else clitic_variants(norm)
    if spec.startswith("=") and norm[:1] not in "وف":
        variants = (norm,)
    for v in variants:
        if v == stem or (prefix and v.startswith(stem)):
            return True
    return False


def _sequence_end(words: list[Token], i: int, specs: tuple[str, ...]) -> int | None:
    """Index after the match of `specs` at words[i], or None."""
    if i + len(specs) > len(words):
        return None
    for k, spec in enumerate(specs):
        if not _word_matches(spec, words[i + k].norm):
            return None
    return i + len(specs)


ALL_SETS = -1  # every bit set: outside a sentence scope, every phrase set may match


class SentenceScope:
    """Which phrase sets have a phrase that may start at a word, as bits, per word and per sentence.

    The event stage asks a few dozen phrase sets about every sentence, and most words start no phrase
    of any of them.  One index over the first words of every set answers for a word in one probe
    (cached per word type); the OR over a sentence's words tells which sets can match at all in it,
    and the others answer at once.  Every word list asked about inside a scope is part of its sentence.
    """

    def __init__(self) -> None:
        self.active = ALL_SETS
        self.word_bits: dict[str, int] = {}  # word type → bits of the sets a phrase of which may start there
        self._exact: dict[str, int] = {}
        self._prefix: dict[str, int] = {}
        self._prefix_lengths: list[int] = []
        self._count = 0

    def register(self, exact_keys, prefix_keys) -> int:
        bit = 1 << self._count
        self._count += 1
        for key in exact_keys:
            self._exact[key] = self._exact.get(key, 0) | bit
        for key in prefix_keys:
            self._prefix[key] = self._prefix.get(key, 0) | bit
        self._prefix_lengths = sorted({len(k) for k in self._prefix})
        self.word_bits.clear()
        return bit

    def bits(self, norm: str) -> int:
        found = self.word_bits.get(norm)
        if found is None:
            found = 0
            for v in clitic_variants(norm):
                found |= self._exact.get(v, 0)
                for n in self._prefix_lengths:
                    if n <= len(v):
                        found |= self._prefix.get(v[:n], 0)
            if len(self.word_bits) > CANDIDATE_CACHE:
                self.word_bits.clear()
            self.word_bits[norm] = found
        return found

    def enter(self, words: list[Token]) -> None:
        active = 0
        for w in words:
            active |= self.bits(w.norm)
        self.active = active


class PhraseSet:
    """Fast lookup of many short phrases, indexed by first word (exact or prefix)."""

    def __init__(self, phrases: dict[str, object], scope: SentenceScope):
        self.exact: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        self.prefix: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        for phrase, value in phrases.items():
            specs = tuple(normalize(w) for w in phrase.split())
            first = specs[0]
            table = self.prefix if first.endswith("*") else self.exact
            table.setdefault(first.strip("*="), []).append((specs, value))
        self.prefix_lengths = sorted({len(k) for k in self.prefix})
        self.scope = scope
        self.bit = scope.register(self.exact, self.prefix)
        self._seen: dict[str, list[tuple[tuple[str, ...], object]]] = {}  # word → candidates (only words that have some)

    def starts_at(self, token: Token) -> bool:
        """Whether a phrase of this set may start at `token` (one cached probe)."""
        bits = self.scope.word_bits.get(token.norm)
        return bool((self.scope.bits(token.norm) if bits is None else bits) & self.bit)

    def candidates(self, token: Token) -> list[tuple[tuple[str, ...], object]]:
        """Phrases whose first word may match `token` (verified by _sequence_end)."""
        if not self.starts_at(token):
            return []
        found = self._seen.get(token.norm)
        if found is not None:
            return found
        out: list[tuple[tuple[str, ...], object]] = []
        for v in clitic_variants(token.norm):
            out.extend(self.exact.get(v, ()))
            for n in self.prefix_lengths:
                if n <= len(v):
                    out.extend(self.prefix.get(v[:n], ()))
        if len(self._seen) > CANDIDATE_CACHE:
            self._seen.clear()
        self._seen[token.norm] = out
        return out

    def match_at(self, words: list[Token], i: int) -> tuple[int, object] | None:
        """Longest phrase starting at words[i]: (end index, value)."""
        best: tuple[int, object] | None = None
        for specs, value in self.candidates(words[i]):
            end = _sequence_end(words, i, specs)
            if end is not None and (best is None or end > best[0]):
                best = (end, value)
        return best

    def find(self, words: list[Token]) -> list[tuple[int, int, object]]:
        """Non-overlapping longest matches, left to right: (start, end, value) word indexes."""
        out: list[tuple[int, int, object]] = []
        if not self.scope.active & self.bit:
            return out
        word_bits, bit = self.scope.word_bits, self.bit  # read inline: this loop sees every word of every sentence
        i = 0
        while i < len(words):
            bits = word_bits.get(words[i].norm)
            if bits is None:
                bits = self.scope.bits(words[i].norm)
            m = self.match_at(words, i) if bits & bit else None
            if m:
                out.append((i, m[0], m[1]))
                i = m[0]
            else:
                i += 1
        return out

    def any_in(self, words: list[Token]) -> bool:
        """Whether any phrase occurs in `words` (stops at the first)."""
        if not self.scope.active & self.bit:
            return False
        return any(_sequence_end(words, i, specs) is not None
                   for i, w in enumerate(words) if self.starts_at(w) for specs, _ in self.candidates(w))


@dataclass(frozen=True)
class Trigger:
    pattern: str
    segments: tuple[tuple[tuple[str, ...], ...], ...]  # segment → alternatives → words
    event_type: str
    sub_event_type: str
    pos: str


@dataclass
class TriggerMatch:
    start: int  # word index of the head (first segment)
    end: int  # word index after the head
    last: int  # word index after the last segment
    trigger: Trigger


class TriggerSet:
    def __init__(self, triggers: list[Trigger], scope: SentenceScope):
        heads: dict[str, object] = {}
        self.triggers = triggers
        index: dict[str, list[Trigger]] = {}
        for t in triggers:
            for alt in t.segments[0]:
                key = " ".join(alt)
                index.setdefault(key, []).append(t)
        for key, ts in index.items():
            heads[key] = ts
        self.heads = PhraseSet(heads, scope)

    def find(self, words: list[Token]) -> list[TriggerMatch]:
        out: list[TriggerMatch] = []
        if not self.heads.scope.active & self.heads.bit:
            return out
        i = 0
        while i < len(words):
            best: TriggerMatch | None = None
            for specs, triggers in self.heads.candidates(words[i]):
                head_end = _sequence_end(words, i, specs)
                if head_end is None:
                    continue
                for t in triggers:  # type: ignore[attr-defined]
                    last = _rest_end(words, head_end, t.segments[1:], MAX_GAP_AFTER_VERB if t.pos == "verb" else MAX_GAP)
                    if last is not None and (best is None or (head_end, last) > (best.end, best.last)):
                        best = TriggerMatch(i, head_end, last, t)
            if best:
                out.append(best)
                i = best.last  # "تفكيك أربع عبوات ناسفة": the object of a trigger starts no event of its own
            else:
                i += 1
        return out


def _rest_end(words: list[Token], pos: int, segments: tuple[tuple[tuple[str, ...], ...], ...], gap: int) -> int | None:
    for alternatives in segments:
        found = None
        for start in range(pos, min(len(words), pos + gap + 1)):
            for alt in alternatives:
                end = _sequence_end(words, start, alt)
                if end is not None and (found is None or end > found):
                    found = end
            if found is not None:
                break
        if found is None:
            return None
        pos = found
    return pos


def _parse_pattern(pattern: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    segments = []
    for segment in pattern.split("…"):
        alts = tuple(tuple(normalize(w) for w in alt.split()) for alt in segment.split("|") if alt.strip())
        segments.append(alts)
    return tuple(segments)


@dataclass
class EventLexicon:
    triggers: TriggerSet
    cues: dict
    phrase_sets: dict[str, PhraseSet]
    normalized: dict[str, frozenset[str]]
    codebook: dict
    scope: SentenceScope = field(repr=False)

    @classmethod
    def load(cls, directory: Path = EVENT_DIR) -> "EventLexicon":
        triggers = []
        with open(directory / "triggers.tsv", encoding="utf-8") as fh:
            rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
            for row in rows:
                triggers.append(Trigger(row["pattern"], _parse_pattern(row["pattern"]), row["event_type"], row["sub_event_type"],
                                        row["pos"]))
        with open(directory / "cues.json", encoding="utf-8") as fh:
            cues = json.load(fh)
        scope = SentenceScope()
        sets = {
            "reporting_verbs": PhraseSet(dict.fromkeys(cues["reporting_verbs"], "verb"), scope),
            "attribution_prepositions": PhraseSet(dict.fromkeys(cues["attribution_prepositions"], "prep"), scope),
            "hedges": PhraseSet({h: h for h in cues["hedges"]}, scope),
            "framing": PhraseSet({w: kind for kind, words in cues["framing"].items() for w in words}, scope),
            "modality": PhraseSet({w: kind for kind, words in cues["modality"].items()
                                   if kind not in ("negation_exceptions", "future_after", "habitual_after") for w in words},
                                  scope),
            "habitual_after": PhraseSet(dict.fromkeys(cues["modality"]["habitual_after"], True), scope),
            "trigger_blockers": PhraseSet(dict.fromkeys(cues["trigger_blockers"], True), scope),
            "locative_cues": PhraseSet(dict.fromkeys(cues["locative_cues"], True), scope),
            "nationality_adjectives": PhraseSet({w: iso for iso, words in cues["nationality_adjectives"].items() for w in words}, scope),
            "generic_forces": PhraseSet({w: kind for kind, words in cues["generic_forces"].items() for w in words}, scope),
            "fatality_words": PhraseSet(dict.fromkeys(cues["fatality_words"], True), scope),
        }
        for name in ("civilian_words", "air_words", "artillery_words", "ied_words", "suicide_words", "fire_words",
                     "protest_force_words", "protest_intervention_words", "riot_words", "anonymous_heads",
                     "injury_words", "protester_words", "chemical_words", "responsibility_words",
                     "agreement_verbs", "condemnation_words", "pluperfect_heads", "strike_cues", "crowd_words",
                     "peaceful_transfer_words", "subjected_to", "separate_event_words", "unidentified_words", "gathering_words", "protest_nouns",
                     "official_heads", "agency_heads", "target_cues", "target_prepositions", "tally_after"):
            sets[name] = PhraseSet(dict.fromkeys(cues[name], True), scope)
        with open(RESOURCE_DIR / "acled_codebook.json", encoding="utf-8") as fh:
            codebook = json.load(fh)
        normalized = {"reporting_verbs": frozenset(normalize(v) for v in cues["reporting_verbs"]),
                      "negation_exceptions": frozenset(normalize(v) for v in cues["modality"]["negation_exceptions"]),
                      "future_after": frozenset(normalize(v) for v in cues["modality"]["future_after"])}
        return cls(TriggerSet(triggers, scope), cues, sets, normalized, codebook, scope)

    def has(self, name: str, words: list[Token]) -> bool:
        return self.phrase_sets[name].any_in(words)

    @contextmanager
    def sentence(self, words: list[Token]):
        """Scope the phrase sets to one sentence (see SentenceScope)."""
        self.scope.enter(words)
        try:
            yield
        finally:
            self.scope.active = ALL_SETS
