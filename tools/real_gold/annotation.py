"""The annotation source format for real news, and its checks.

Annotators write one ``.ann`` file per article (see gold/GUIDE.md): a header, the article's text with inline
markup, and event / non-event blocks.  This module turns such a file into character offsets and checks every
rule it can; `tools/real_gold/convert.py` then writes the offsets (never the text) into the repository.

    docno: BB-middleEast-17-20180220
    annotator: A3
    ---
    <the article text with [[LABEL:span]] markup>
    ---
    event: Explosions/Remote violence | Air/drone strike
      actor1: Military Forces of Russia
      actor2: Civilians (Syria)
      place: osy:sy-rif-dimashq-douma/2
      date: 2018-02-19
      fatalities: 12
      evidence: <an exact quote of the text that reports it>
    nonevent: background | <an exact quote> | optional note

Markup: ``[[ORG:span|Registry Name]]`` links an actor; ``[[LOC:span@source_id/precision]]`` places a toponym
(``source_id`` from the gazetteer lookup, precision 1-3); markup may nest (a QUANTITY around a WEAPON).
Only the standard library is used, so the annotation kit runs without the rasd package.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

LABELS = ("PER", "ORG", "LOC", "NORP", "WEAPON", "QUANTITY", "DATE")
ACTOR_LABELS = {"PER", "ORG", "NORP"}
NONEVENT_KINDS = ("background", "tally", "threat", "denial", "plan", "negated", "conditional", "call", "general",
                  "excluded")
EVENT_FIELDS = ("actor1", "assoc1", "actor2", "assoc2", "place", "date", "fatalities", "evidence", "note")
GENERIC_ACTOR = re.compile(r"^(Civilians|Protesters|Rioters|Unidentified Armed Group|Unidentified Military Forces|"
                           r"Prisoners|Refugees/IDPs|Migrants|Journalists|Health Workers|Aid Workers|"
                           r"Tribal Militia|Clan Militia|Communal Militia|Students|Labour Group|Women)"
                           r" \([A-Z][A-Za-z .'-]+\)$")
NEW_ACTOR = re.compile(r"^new: .{3,}$")
EDGE_CHARS = "\"'“”«»()[]،,.:؛!?؟ \n"
MAX_EVENT_AGE_DAYS = 31
_OPEN = re.compile(r"\[\[(" + "|".join(LABELS) + r"):")


class AnnotationError(ValueError):
    pass


@dataclass
class Span:
    start: int
    end: int
    label: str
    actor: str | None = None
    place: str | None = None        # gazetteer source_id
    precision: int | None = None


@dataclass
class Event:
    event_type: str
    sub_event_type: str
    actor1: str | None = None
    assoc1: list[str] = field(default_factory=list)
    actor2: str | None = None
    assoc2: list[str] = field(default_factory=list)
    place: str | None = None
    precision: int | None = None
    date: str | None = None
    fatalities: int | None = None
    evidence: list[tuple[int, int]] = field(default_factory=list)
    note: str = ""


@dataclass
class NonEvent:
    kind: str
    start: int
    end: int
    note: str = ""


@dataclass
class Annotation:
    docno: str
    annotator: str
    text: str
    spans: list[Span]
    events: list[Event]
    nonevents: list[NonEvent]


def _context(text: str, at: int) -> str:
    return text[max(0, at - 30):at + 30].replace("\n", " / ")


def strip_markup(marked: str) -> tuple[str, list[Span]]:
    """Plain text and its spans; `[[LABEL:...]]` may nest, a suffix starts at the span's first `|` or `@`."""
    out: list[str] = []
    length = 0
    stack: list[list] = []  # [label, start, suffix or None, opened at]
    spans: list[Span] = []
    i = 0
    while i < len(marked):
        opener = _OPEN.match(marked, i)
        if opener:
            stack.append([opener.group(1), length, None, i])
            i = opener.end()
            continue
        if marked.startswith("[[[", i) and _OPEN.match(marked, i + 1):
            out.append("[")  # a bracket of the article's own, right before a span
            length += 1
            i += 1
            continue
        if marked.startswith("[[", i):
            raise AnnotationError(f"unknown label at «{_context(marked, i)}» (labels: {', '.join(LABELS)})")
        if marked.startswith("]]", i):
            if not stack:
                raise AnnotationError(f"']]' without an opening '[[' at «{_context(marked, i)}»")
            label, start, suffix, opened = stack.pop()
            spans.append(_close(label, start, length, suffix, "".join(out), marked, opened))
            i += 2
            continue
        char = marked[i]
        if stack and stack[-1][2] is None and char in "|@":
            stack[-1][2] = char
        elif stack and stack[-1][2] is not None:
            stack[-1][2] += char
        else:
            out.append(char)
            length += 1
        i += 1
    if stack:
        raise AnnotationError(f"'[[{stack[-1][0]}:' is never closed: «{_context(marked, stack[-1][3])}»")
    spans.sort(key=lambda s: (s.start, -s.end))
    return "".join(out), spans


def _close(label: str, start: int, end: int, suffix: str | None, text: str, marked: str, opened: int) -> Span:
    surface = text[start:end]
    where = f"[[{label}:{surface}]] at «{_context(marked, opened)}»"
    if not surface.strip():
        raise AnnotationError(f"empty span {where}")
    if surface[0] in EDGE_CHARS or surface[-1] in EDGE_CHARS:
        raise AnnotationError(f"span starts or ends with a space or punctuation: {where}")
    span = Span(start, end, label)
    if suffix is None:
        return span
    if suffix.startswith("|"):
        if label not in ACTOR_LABELS:
            raise AnnotationError(f"an actor link is only for PER, ORG or NORP: {where}")
        span.actor = suffix[1:].strip()
        return span
    if label != "LOC":
        raise AnnotationError(f"a place is only for LOC spans: {where}")
    place, _, precision = suffix[1:].strip().rpartition("/")
    if not place or precision not in ("1", "2", "3"):
        raise AnnotationError(f"a place is written @source_id/precision with precision 1, 2 or 3: {where}")
    span.place, span.precision = place, int(precision)
    return span


def parse(source: str) -> Annotation:
    """Parse an .ann file's content (no checks against the article yet)."""
    parts = source.replace("\r\n", "\n").split("\n---\n")
    if len(parts) != 3:
        raise AnnotationError("expected three blocks (header, marked text, annotations) separated by lines '---'")
    header = {}
    for line in parts[0].strip().splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            raise AnnotationError(f"header line without ':': {line!r}")
        header[key.strip()] = value.strip()
    for key in ("docno", "annotator"):
        if not header.get(key):
            raise AnnotationError(f"header needs '{key}:'")
    text, spans = strip_markup(parts[1].strip("\n"))
    events, nonevents = _parse_blocks(parts[2], text)
    return Annotation(header["docno"], header["annotator"], text, spans, events, nonevents)


def _quote(text: str, quote: str, what: str) -> tuple[int, int]:
    quote = quote.strip()
    at = text.find(quote)
    if not quote or at < 0:
        raise AnnotationError(f"{what}: the quote is not in the article text exactly as written: «{quote[:80]}»")
    return at, at + len(quote)


def _parse_blocks(block: str, text: str) -> tuple[list[Event], list[NonEvent]]:
    events: list[Event] = []
    nonevents: list[NonEvent] = []
    current: Event | None = None
    for number, raw in enumerate(block.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        where = f"annotation line {number}"
        if not sep:
            raise AnnotationError(f"{where}: expected 'key: value', got {line!r}")
        if key == "event":
            kind, _, sub = (s.strip() for s in value.partition("|"))
            current = Event(kind, sub)
            events.append(current)
        elif key == "nonevent":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) < 2 or parts[0] not in NONEVENT_KINDS:
                raise AnnotationError(f"{where}: nonevent: KIND | exact quote [| note], KIND one of "
                                      f"{', '.join(NONEVENT_KINDS)}")
            start, end = _quote(text, parts[1], where)
            nonevents.append(NonEvent(parts[0], start, end, " | ".join(parts[2:])))
            current = None
        elif key in EVENT_FIELDS:
            if current is None:
                raise AnnotationError(f"{where}: '{key}:' outside an event block")
            _set_field(current, key, value, text, where)
        else:
            raise AnnotationError(f"{where}: unknown key {key!r}")
    return events, nonevents


def _set_field(event: Event, key: str, value: str, text: str, where: str) -> None:
    if key == "evidence":
        event.evidence.append(_quote(text, value, where))
    elif key == "note":
        event.note = value
    elif not value or value == "-":
        return
    elif key in ("actor1", "actor2"):
        setattr(event, key, value)
    elif key in ("assoc1", "assoc2"):
        getattr(event, key).extend(a.strip() for a in value.split(";") if a.strip())
    elif key == "place":
        place, _, precision = value.rpartition("/")
        if not place or precision not in ("1", "2", "3"):
            raise AnnotationError(f"{where}: place is source_id/precision, as on a LOC span")
        event.place, event.precision = place, int(precision)
    elif key == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise AnnotationError(f"{where}: date must be YYYY-MM-DD or '-'") from None
        event.date = value
    elif key == "fatalities":
        if not value.isdigit():
            raise AnnotationError(f"{where}: fatalities must be a whole number or '-'")
        event.fatalities = int(value)


@dataclass(frozen=True)
class Reference:
    """What an annotation is checked against: the article, the codebook, the registry and the gazetteer."""
    text: str
    published: str
    subtypes: dict[str, set[str]]        # event type -> sub-types
    actor_names: set[str]
    place_ids: set[str]


def check(ann: Annotation, ref: Reference) -> list[str]:
    """Every rule broken, as messages an annotator can act on (empty when the file is good)."""
    problems: list[str] = []
    if ann.text != ref.text:
        problems.append(_first_difference(ann.text, ref.text))
    for span in ann.spans:
        surface = ann.text[span.start:span.end]
        if span.actor and not _known_actor(span.actor, ref.actor_names):
            problems.append(f"[[{span.label}:{surface}|{span.actor}]]: not a registry name_en (use lookup_actor.py, "
                            f"a generic 'Civilians (Country)'-style name, or 'new: Proposed Name')")
        if span.place and span.place not in ref.place_ids:
            problems.append(f"[[LOC:{surface}@{span.place}]]: unknown gazetteer source_id (use lookup_place.py)")
    marked_places = {(s.place, s.precision) for s in ann.spans if s.place}
    published = dt.date.fromisoformat(ref.published)
    for n, event in enumerate(ann.events, start=1):
        what = f"event {n} ({event.sub_event_type})"
        if event.sub_event_type not in ref.subtypes.get(event.event_type, set()):
            problems.append(f"{what}: '{event.event_type} | {event.sub_event_type}' is not a type | sub-type of the "
                            f"codebook")
        if not event.actor1:
            problems.append(f"{what}: actor1 is required")
        for actor in [event.actor1, event.actor2, *event.assoc1, *event.assoc2]:
            if actor and not _known_actor(actor, ref.actor_names):
                problems.append(f"{what}: actor {actor!r} is not a registry name_en, a generic name or 'new: ...'")
        if event.place is None:
            problems.append(f"{what}: place is required (the most precise place the text gives; a country/3 if "
                            f"only the country is known)")
        elif (event.place, event.precision) not in marked_places:
            problems.append(f"{what}: place {event.place}/{event.precision} is not marked on a LOC span of the text")
        if event.date:
            age = (published - dt.date.fromisoformat(event.date)).days
            if not 0 <= age <= MAX_EVENT_AGE_DAYS:
                problems.append(f"{what}: date {event.date} is {age} days before publication ({ref.published}); "
                                f"older events are background")
        if not event.evidence:
            problems.append(f"{what}: at least one evidence quote is required")
    return problems


def _known_actor(name: str, registry: set[str]) -> bool:
    return name in registry or bool(GENERIC_ACTOR.match(name)) or bool(NEW_ACTOR.match(name))


def _first_difference(mine: str, theirs: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
    return (f"the text without markup differs from the article at character {at}: "
            f"yours «{mine[max(0, at - 25):at + 25]}» vs article «{theirs[max(0, at - 25):at + 25]}» "
            f"(lengths {len(mine)} vs {len(theirs)}); copy the text exactly and only add markup")


def summary(ann: Annotation) -> str:
    labels: dict[str, int] = {}
    for span in ann.spans:
        labels[span.label] = labels.get(span.label, 0) + 1
    places = sum(1 for s in ann.spans if s.place)
    linked = sum(1 for s in ann.spans if s.actor)
    return (f"{ann.docno}: {len(ann.spans)} entity spans ({', '.join(f'{k} {v}' for k, v in sorted(labels.items()))}), "
            f"{places} placed, {linked} actor links, {len(ann.events)} events, {len(ann.nonevents)} non-events")
