"""One event per incident: mentions read from several words, sentences and paragraphs become one event."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from rasd.events.attribution import SentenceContext
from rasd.events.classify import MODALITY_WINDOW
from rasd.events.lexicon import EventLexicon, Generic, TriggerMatch
from rasd.model import Document, Event, Marker
from rasd.resources.taxonomy import VIOLENT_TYPES, EventType, Modality, SubEventType
from rasd.text.dates import parse_iso
from rasd.resolve.geo import haversine_km

SAME_PLACE_KM = 30.0


MAX_EVIDENCE = 50


@dataclass
class Candidate:
    """An event read from one trigger, with what merging needs to know about where it was read."""

    event: Event
    paragraph: int
    sentence: int
    pattern: str
    specificity: int
    own_place: bool  # the sentence names a place (else the location was carried over from earlier text)
    separate: bool = False  # the text says it is another incident
    patterns: set[str] = field(default_factory=set)
    paragraphs: set[int] = field(default_factory=set)
    dropped: bool = False  # folded into another event's account; kept so that indexes stay stable

    def __post_init__(self) -> None:
        self.patterns.add(self.pattern)
        self.paragraphs.add(self.paragraph)


def referent(candidates: list[Candidate], event: Event, ctx: SentenceContext, lex: EventLexicon,
              match: TriggerMatch, specificity: int) -> int | None:
    """The earlier event a later mention refers back to: a definite noun ("الهجوم", "التفجير", "الاشتباكات"),
    a condemnation ("دانت الجمعية الاعتداء"), or a generic verb with nothing new ("زاعماً أنه استهدف ...")."""
    if event.modality != Modality.ASSERTED or not candidates:
        return None
    head = ctx.words[match.start].norm
    definite = any(v.startswith("ال") for v in (head, head[1:], head[2:]))
    window = ctx.words[max(0, match.start - MODALITY_WINDOW):match.start]
    if definite and lex.has("condemnation_words", window, ctx.scope):
        return next((i for i in range(len(candidates) - 1, -1, -1) if candidates[i].event.modality == Modality.ASSERTED), None)
    if not definite and specificity <= 1 and match.trigger.kind in (Generic.STRIKE, Generic.EXPLOSION):
        for i in range(len(candidates) - 1, -1, -1):
            earlier = candidates[i].event
            if earlier.modality == Modality.ASSERTED and earlier.event_type in VIOLENT_TYPES and (
                    event.location is None or event.location.precision == 3 or (earlier.location and haversine_km(
                        earlier.location.lat, earlier.location.lon, event.location.lat, event.location.lon) <= SAME_PLACE_KM)):
                return i
        return None
    if not definite:
        return None
    if event.sub_event_type == SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED and match.trigger.kind is not Generic.EXPLOSION:
        # "العبوة" after "فككت الوحدة عبوة ناسفة" is that device, whatever became of it
        for i in range(len(candidates) - 1, -1, -1):
            earlier = candidates[i].event
            if earlier.modality == Modality.ASSERTED and earlier.sub_event_type in (
                    SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED, SubEventType.DISRUPTED_WEAPONS_USE):
                return i
    for i in range(len(candidates) - 1, -1, -1):
        earlier = candidates[i].event
        if earlier.modality == Modality.ASSERTED and family(earlier) == family(event) or (
                earlier.event_type in VIOLENT_TYPES and event.event_type in VIOLENT_TYPES and isinstance(match.trigger.kind, Generic)):
            return i
    return None


def same_sentence(candidates: list[Candidate], event: Event, specificity: int, sentence_start: int) -> int | None:
    """An event of the same type already read from this sentence: several words for one act."""
    for i in range(len(candidates) - 1, -1, -1):
        c = candidates[i]
        if c.sentence != sentence_start:
            break
        if c.event.modality != event.modality:
            continue
        if c.event.event_type == event.event_type or family(c.event) == family(event):
            return i
        if (specificity <= 1 or c.specificity <= 1) and violent_or_weak(c.event) and violent_or_weak(event):
            return i  # "قتلوا مدنيين خلال مداهمات": one act, coded by its most specific word
    return None


def violent_or_weak(e: Event) -> bool:
    """Events a weak word can be folded into: "وتفجير ما يتعذر نقله" after weapons were found is their disposal."""
    return e.event_type in VIOLENT_TYPES or e.sub_event_type in (SubEventType.ARRESTS, SubEventType.DISRUPTED_WEAPONS_USE)


def merge(candidates: list[Candidate]) -> tuple[list[Event], dict[int, int]]:
    """Mentions of one event become one: same family and modality, compatible day and place, and the same
    paragraph or the same trigger wording (a later "clashes" repeats an earlier "clashes broke out").
    Demonstrations merge across the article: one protest is described sentence by sentence."""
    merged: list[Candidate] = []
    remap: dict[int, int] = {}
    for i, c in enumerate(candidates):
        if c.dropped:
            continue
        target = next((j for j, m in enumerate(merged) if mergeable(m, c)), None)
        if target is None:
            remap[i] = len(merged)
            merged.append(c)
        else:
            remap[i] = target
            absorb(merged[target], c)
    return [m.event for m in merged], remap


def mergeable(m: Candidate, c: Candidate) -> bool:
    if c.paragraph in m.paragraphs:
        return same_event(m.event, c.event)
    # across paragraphs a repeated wording (or a protest told sentence by sentence) must also agree on the place:
    # "وفي مدينة مصراتة، خرج المئات في اليوم ذاته" is a second protest, not more of the first
    if c.separate:
        return False  # "وفي حادث منفصل ..."
    if not c.own_place:  # a later mention naming no new place tells more of the same event (its place is inherited)
        return same_event(m.event, c.event, ignore_place=True)
    if not (c.pattern in m.patterns or family(c.event) == "demonstration"):
        return False
    a, b = m.event.location, c.event.location
    if a is None or b is None:
        return False
    # a second town named in a later paragraph is a second event, however close
    return same_event(m.event, c.event) and (a.name_en == b.name_en or haversine_km(a.lat, a.lon, b.lat, b.lon) <= 5)


def fold_arrests_into_protests(candidates: list[Candidate], doc: Document, lex: EventLexicon) -> None:
    """Police arresting demonstrators is the intervention in a protest, not an event of its own."""
    protests = [c for c in candidates if c.event.event_type == EventType.PROTESTS and c.event.modality == Modality.ASSERTED]
    if not protests:
        return
    starts = [t.start for t in doc.tokens]
    for c in candidates:
        if c.event.sub_event_type != SubEventType.ARRESTS:
            continue
        sentence = doc.tokens[bisect.bisect_left(starts, c.sentence):bisect.bisect_left(starts, c.event.evidence[0][1])]
        if c.paragraph in {p.paragraph for p in protests} or lex.has("protester_words", sentence, lex.everything):
            c.event.event_type, c.event.sub_event_type = EventType.PROTESTS, SubEventType.PROTEST_WITH_INTERVENTION


def drop_transfers_won_in_battle(candidates: list[Candidate]) -> None:
    """A withdrawal reported alongside the battle that forced it is that battle's outcome, not a peaceful handover."""
    battle_days = {c.event.event_date for c in candidates if c.event.event_type == EventType.BATTLES and c.event.modality == Modality.ASSERTED}
    for c in candidates:
        if c.event.sub_event_type == SubEventType.NON_VIOLENT_TRANSFER_OF_TERRITORY and c.event.event_date in battle_days:
            c.dropped = True


def fold_fire_into_battles(candidates: list[Candidate]) -> None:
    """Shelling and drone strikes told in the paragraph of a clash between the same sides are that battle's
    weapons (one event per action, place and day), unless they killed people of their own."""
    battles = [c for c in candidates if c.event.event_type == EventType.BATTLES and c.event.modality == Modality.ASSERTED and not c.dropped]
    for c in candidates:
        e = c.event
        if e.event_type != EventType.EXPLOSIONS_REMOTE_VIOLENCE or e.modality != Modality.ASSERTED or e.fatalities or c.dropped:
            continue
        battle = next((b for b in battles if (b.paragraph == c.paragraph or not c.own_place)
                       and compatible_day(b.event, e)), None)
        if battle is not None:
            battle.event.evidence = sorted(set(battle.event.evidence) | set(e.evidence))
            c.dropped = True


def compatible_day(a: Event, b: Event) -> bool:
    return a.event_date == b.event_date or max(a.time_precision or 3, b.time_precision or 3) >= 2


def same_event(a: Event, b: Event, ignore_place: bool = False) -> bool:
    if a.modality != b.modality or family(a) != family(b):
        return False
    if a.event_date != b.event_date:
        da, db = parse_iso(a.event_date), parse_iso(b.event_date)
        loose = max(a.time_precision or 3, b.time_precision or 3) >= 2
        if da is None or db is None or not loose or abs((da - db).days) > 7:
            return False
    if ignore_place or a.location is None or b.location is None or 3 in (a.location.precision, b.location.precision):
        return True
    return haversine_km(a.location.lat, a.location.lon, b.location.lat, b.location.lon) <= SAME_PLACE_KM


# Sub-types of one family describe one event at different severities; a merged event takes the gravest.
SEVERITY = {SubEventType.PEACEFUL_PROTEST: 0, SubEventType.PROTEST_WITH_INTERVENTION: 1, SubEventType.VIOLENT_DEMONSTRATION: 2,
            SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS: 3, SubEventType.MOB_VIOLENCE: 2}


def family(e: Event) -> str:
    """Sub-types that can describe one event: a protest that turns violent, fighting that takes a town."""
    if e.event_type in (EventType.PROTESTS, EventType.RIOTS):
        return "demonstration"
    return "battle" if e.event_type == EventType.BATTLES else e.sub_event_type


def absorb(into_c: Candidate, other_c: Candidate) -> None:
    into, other = into_c.event, other_c.event
    if other_c.specificity > into_c.specificity or (
            other_c.specificity == into_c.specificity
            and SEVERITY.get(other.sub_event_type, -1) > SEVERITY.get(into.sub_event_type, -1)):
        into.event_type, into.sub_event_type = other.event_type, other.sub_event_type
        into_c.specificity = other_c.specificity
    if into.event_type == EventType.VIOLENCE_AGAINST_CIVILIANS and (into.fatalities or other.fatalities):
        into.sub_event_type = SubEventType.ATTACK  # people killed and others abducted in one raid: the killing is coded
    into_c.patterns |= other_c.patterns
    into_c.paragraphs |= other_c.paragraphs
    if len(into.evidence) < MAX_EVIDENCE:  # an event told in more sentences than this is an input gone wrong
        into.evidence = sorted(set(into.evidence) | set(other.evidence))[:MAX_EVIDENCE]
    for name in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "interaction", "location"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
    if other.location and into.location and other.location.precision < into.location.precision and haversine_km(
            other.location.lat, other.location.lon, into.location.lat, into.location.lon) <= 50:
        into.location = other.location  # a more precise place in the same area: "ريف إدلب" then "بلدة سرمين"
    if other.fatalities is not None:
        into.fatalities = max(into.fatalities or 0, other.fatalities)
        if other.civilian_fatalities is not None:
            into.civilian_fatalities = max(into.civilian_fatalities or 0, other.civilian_fatalities)
    if other.time_precision is not None and (into.time_precision is None or other.time_precision < into.time_precision):
        into.event_date, into.time_precision = other.event_date, other.time_precision
    if other.quantities and len(into.quantities) < MAX_EVIDENCE:
        seen_q = {(q.start, q.end) for q in into.quantities}
        into.quantities += [q for q in other.quantities if (q.start, q.end) not in seen_q]
    into.weapons = list(dict.fromkeys(into.weapons + other.weapons))
    if len(into.sources.sources) < len(other.sources.sources) or (
            into.sources.sources and into.sources.sources[0].kind == "outlet" and other.sources.sources
            and other.sources.sources[0].kind != "outlet"):
        framing = into.sources.framing
        into.sources = other.sources
        into.sources.framing = unique_markers(framing + other.sources.framing)
    else:
        into.sources.framing = unique_markers(into.sources.framing + other.sources.framing)
        into.sources.hedges = list(dict.fromkeys(into.sources.hedges + other.sources.hedges))


def unique_markers(markers: list[Marker]) -> list[Marker]:
    seen, out = set(), []
    for m in markers:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out
