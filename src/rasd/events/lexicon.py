"""The event stage's lexicons (resources/events/) and the phrase matchers built from them.

Matching works on word tokens of one sentence (punctuation and quote marks are
skipped, so “هيئة تحرير الشام” reads as three words).  Every word of a phrase
also matches with proclitics attached (وبالقصف → القصف → قصف), which is how
Arabic writes prepositions and conjunctions.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rasd.model import Token
from rasd.nlp.phrases import ANY_CLITICS, MatcherGroup, PhraseMatcher, sequence_end
from rasd.resources import data_path, shared
from rasd.resources.taxonomy import TYPE_OF, VIOLENT_TYPES, EventType, SubEventType
from rasd.text.arabic import normalize

MAX_GAP = 3  # words that may stand between two segments of a trigger ("…" in triggers.tsv)
MAX_GAP_AFTER_VERB = 8  # "فككت وحدة الهندسة في الجيش أمس عبوة": the subject stands between verb and object


def is_word(token: Token) -> bool:
    return token.norm[:1].isalnum()


def norms_of(words: list[Token]) -> list[str]:
    return [w.norm for w in words]


class Generic(StrEnum):
    """Trigger words that name no sub-type by themselves ("قصف", "هجوم", "تفجير"): the sentence decides
    (rasd.events.classify).  Written "?name" in triggers.tsv."""

    ATTACK = "?attack"
    STRIKE = "?strike"
    EXPLOSION = "?explosion"
    TERRITORY = "?territory"
    PROTEST = "?protest"
    RAID = "?raid"
    KILL = "?kill"
    ARSON = "?arson"
    AGREEMENT = "?agreement"
    MEETING = "?meeting"
    GATHERING = "?gathering"
    SHOOTING = "?shooting"
    BEATING = "?beating"


@dataclass(frozen=True)
class Trigger:
    pattern: str
    segments: tuple[tuple[tuple[str, ...], ...], ...]  # segment → alternatives → words
    kind: SubEventType | Generic  # the sub-type the trigger names, or the class of word that leaves it open
    pos: str

    @property
    def event_type(self) -> EventType | None:
        """The ACLED type of a trigger that names its sub-type; None for a generic word."""
        return TYPE_OF[self.kind] if isinstance(self.kind, SubEventType) else None

    @property
    def violent(self) -> bool:
        """A word for violence: a violent sub-type's own word, or a generic strike, attack or explosion."""
        return self.kind in (Generic.ATTACK, Generic.STRIKE, Generic.EXPLOSION) or self.event_type in VIOLENT_TYPES


def _trigger_kind(event_type: str, sub_event_type: str, pattern: str) -> SubEventType | Generic:
    if event_type.startswith("?"):
        return Generic(event_type)
    kind = SubEventType(sub_event_type)
    if TYPE_OF[kind] != event_type:
        raise ValueError(f"triggers.tsv: {pattern!r}: {sub_event_type!r} is not a sub-type of {event_type!r}")
    return kind


@dataclass
class TriggerMatch:
    start: int  # word index of the head (first segment)
    end: int  # word index after the head
    last: int  # word index after the last segment
    trigger: Trigger


class TriggerSet:
    """Triggers found by their first segment (one phrase matcher over every trigger's head), then checked
    segment by segment with the gaps a trigger allows."""

    def __init__(self, triggers: list[Trigger]):
        index: dict[tuple[str, ...], list[Trigger]] = {}
        for t in triggers:
            for alt in t.segments[0]:
                index.setdefault(alt, []).append(t)
        self.triggers = triggers
        self.heads: PhraseMatcher[list[Trigger]] = PhraseMatcher(index.items(), ANY_CLITICS)

    def find(self, words: list[Token]) -> list[TriggerMatch]:
        out: list[TriggerMatch] = []
        norms = norms_of(words)
        i = 0
        while i < len(norms):
            best: TriggerMatch | None = None
            for head in self.heads.matches_at(norms, i):
                for t in head.value:
                    last = _rest_end(norms, head.end, t.segments[1:], MAX_GAP_AFTER_VERB if t.pos == "verb" else MAX_GAP)
                    if last is not None and (best is None or (head.end, last) > (best.end, best.last)):
                        best = TriggerMatch(i, head.end, last, t)
            if best:
                out.append(best)
                i = best.last  # "تفكيك أربع عبوات ناسفة": the object of a trigger starts no event of its own
            else:
                i += 1
        return out


def _rest_end(norms: list[str], pos: int, segments: tuple[tuple[tuple[str, ...], ...], ...], gap: int) -> int | None:
    for alternatives in segments:
        found = None
        for start in range(pos, min(len(norms), pos + gap + 1)):
            for alt in alternatives:
                end = sequence_end(norms, start, alt, ANY_CLITICS)
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


_KINDS = {  # cue lists whose phrases carry a kind, as {kind: [phrases]} in cues.json
    "framing": "framing", "nationality_adjectives": "nationality_adjectives", "generic_forces": "generic_forces"}
_FLAT = ("trigger_blockers", "locative_cues", "fatality_words", "civilian_words", "air_words", "artillery_words",
         "ied_words", "suicide_words", "fire_words", "protest_force_words", "protest_intervention_words",
         "riot_words", "anonymous_heads", "injury_words", "protester_words", "chemical_words",
         "responsibility_words", "agreement_verbs", "condemnation_words", "pluperfect_heads", "strike_cues",
         "crowd_words", "peaceful_transfer_words", "subjected_to", "separate_event_words", "unidentified_words",
         "gathering_words", "protest_nouns", "official_heads", "agency_heads", "target_cues", "target_prepositions",
         "tally_after")
_MODALITY_WORDS_ONLY = ("negation_exceptions", "future_after", "habitual_after")


def _phrases(words, value) -> list[tuple[tuple[str, ...], object]]:
    return [(tuple(normalize(w) for w in phrase.split()), value(phrase)) for phrase in words]


@dataclass(frozen=True)
class EventLexicon:
    """The event stage's word lists, loaded once and shared: triggers, and cue lists as one matcher group.

    A sentence's `scope` (which cue lists can match in it at all) is computed per call and passed back in;
    nothing about a sentence is kept here.
    """

    triggers: TriggerSet
    cues: MatcherGroup
    normalized: dict[str, frozenset[str]]

    @classmethod
    def load(cls, directory: Path | None = None) -> "EventLexicon":
        directory = directory or data_path("events")
        triggers = []
        with open(directory / "triggers.tsv", encoding="utf-8") as fh:
            rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
            for row in rows:
                triggers.append(Trigger(row["pattern"], _parse_pattern(row["pattern"]),
                                        _trigger_kind(row["event_type"], row["sub_event_type"], row["pattern"]),
                                        row["pos"]))
        with open(directory / "cues.json", encoding="utf-8") as fh:
            cues = json.load(fh)
        lists = {
            "reporting_verbs": _phrases(cues["reporting_verbs"], lambda p: "verb"),
            "attribution_prepositions": _phrases(cues["attribution_prepositions"], lambda p: "prep"),
            "hedges": _phrases(cues["hedges"], lambda p: p),
            "modality": [pair for kind, words in cues["modality"].items() if kind not in _MODALITY_WORDS_ONLY
                         for pair in _phrases(words, lambda p, kind=kind: kind)],
            "habitual_after": _phrases(cues["modality"]["habitual_after"], lambda p: True),
            **{name: [pair for kind, words in cues[key].items() for pair in _phrases(words, lambda p, kind=kind: kind)]
               for name, key in _KINDS.items()},
            **{name: _phrases(cues[name], lambda p: True) for name in _FLAT},
        }
        trigger_set = TriggerSet(triggers)
        group = MatcherGroup({name: PhraseMatcher(pairs, ANY_CLITICS) for name, pairs in lists.items()}
                             | {"triggers": trigger_set.heads})
        normalized = {"reporting_verbs": frozenset(normalize(v) for v in cues["reporting_verbs"]),
                      "negation_exceptions": frozenset(normalize(v) for v in cues["modality"]["negation_exceptions"]),
                      "future_after": frozenset(normalize(v) for v in cues["modality"]["future_after"])}
        return cls(trigger_set, group, normalized)

    def scope(self, words: list[Token]) -> int:
        """Which word lists can match in this sentence (see MatcherGroup.scope)."""
        return self.cues.scope(norms_of(words))

    @property
    def everything(self) -> int:
        """A scope that rules out no list (for word lists taken from anywhere in a document)."""
        return self.cues.everything

    def find(self, name: str, words: list[Token], scope: int) -> list[tuple[int, int, object]]:
        """Non-overlapping longest matches of one cue list: (start, end, value) word indexes."""
        return [(m.start, m.end, m.value) for m in self.cues.find(name, norms_of(words), scope)]

    def has(self, name: str, words: list[Token], scope: int) -> bool:
        return self.cues.has(name, norms_of(words), scope)

    def find_triggers(self, words: list[Token], scope: int) -> list[TriggerMatch]:
        return self.triggers.find(words) if self.cues.may_match("triggers", scope) else []


@shared
def event_lexicon() -> EventLexicon:
    """The shipped lexicon (resources/events), shared by every document of the process."""
    return EventLexicon.load()
