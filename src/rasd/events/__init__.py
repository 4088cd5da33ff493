"""Events: ACLED-coded events with actors, place, date, counts, sources and confidence.

Per sentence: find triggers (resources/events/triggers.tsv), decide the sub-event
type from the sentence's cue words, read the modality (negated, future,
conditional, hypothetical statements are kept but marked, never coded as
asserted), then fill the event from what earlier stages found in the same
sentence: actors linked to the registry, resolved places, quantities.  Mentions
of one event across sentences are merged, so an article that says "clashes
broke out" and later "the clashes lasted three hours" yields one event with two
evidence sentences.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from datetime import date

from rasd.events.attribution import SentenceContext, framing_markers, hedges, sentence_attribution
from rasd.events.classify import classify, modality
from rasd.events.facts import fatalities, location
from rasd.events.lexicon import EventLexicon, TriggerMatch, is_word
from rasd.events.merge import (Candidate, absorb, drop_transfers_won_in_battle, family, fold_arrests_into_protests,
                               fold_fire_into_battles, merge, referent, same_sentence)
from rasd.events.roles import actors_near, assign_actors, country_iso, credit_perpetrator
from rasd.events.timex import resolve_date
from rasd.clean.lines import dateline_place_end
from rasd.model import Attribution, Claim, Document, Event, Marker, Place, Sentence, SourceLink
from rasd.resolve.actors import ActorRegistry
from rasd.resources.taxonomy import Modality
from rasd.text.dates import parse_iso

__all__ = ["extract_events", "read_document", "finish", "EventLexicon"]

_LINE_BREAKS = re.compile(r"\n+")
HISTORY_DAYS = 31  # events dated further back than this are background, not news
DATELINE_PARAGRAPHS = 3  # a wire dateline opens one of the first paragraphs (the headline may come first)
SOURCE_SCORE = {"anonymous": 0.25, "organisation": 0.45, "agency": 0.45, "outlet": 0.45, "official": 0.55,
                "person": 0.55, "monitor": 0.6}
DEFAULT_OUTLET_PRIOR = 0.5


class _Spans:
    """Spans sorted by start, for the ones inside a sentence without scanning the document each time."""

    def __init__(self, items):
        self.items = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def within(self, start: int, end: int) -> list:
        return self.items[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]

    def last_before(self, offset: int, usable=lambda item: True):
        i = bisect.bisect_left(self.starts, offset) - 1
        while i >= 0 and (self.items[i].end > offset or not usable(self.items[i])):
            i -= 1
        return self.items[i] if i >= 0 else None


def extract_events(doc: Document, lex: EventLexicon, registry: ActorRegistry) -> None:
    """Fill doc.events, doc.claims and doc.framing from the sentences and what earlier stages found."""
    reading = read_document(doc, lex, registry)
    candidates = reading.candidates
    fold_arrests_into_protests(candidates, doc, lex)
    drop_transfers_won_in_battle(candidates)
    fold_fire_into_battles(candidates)
    events, remap = merge(candidates)
    finish(doc, reading, events, remap, registry)


@dataclass
class SentenceReading:
    """What the reading of one sentence found: its context, attribution and date, and the candidates made or
    added to there (indexes into Reading.candidates)."""

    sentence: Sentence
    paragraph: int
    headline: bool
    ctx: SentenceContext
    attribution: Attribution
    when: tuple[date, int] | None
    candidates: list[int]
    triggers: list[TriggerMatch]  # every trigger word of the sentence (a headline's make no candidates)


@dataclass
class Reading:
    """A document read sentence by sentence: one candidate event per trigger (before any merging), the claims,
    and each sentence's reading.  Rules or a learned coder decide from here which events the document reports."""

    candidates: list[Candidate]
    claims: list[Claim]
    sentences: list[SentenceReading]
    published: date | None
    paragraph_breaks: list[int]
    # sentence → its places as rasd.events.learned ranks them, read once per document
    place_memo: dict[int, list] = field(default_factory=dict)


def read_document(doc: Document, lex: EventLexicon, registry: ActorRegistry) -> Reading:
    """Walk the sentences: framing, attribution and dates as they carry over, and a candidate for every trigger
    (absorbed into an earlier one when it is another word for it).  Fills doc.framing."""
    published = parse_iso(doc.published)
    words_all = [t for t in doc.tokens if is_word(t)]
    paragraph_breaks = _paragraph_starts(doc)
    places = _places_reported_on(doc, paragraph_breaks)
    spans = {"entities": _Spans(doc.entities), "places": _Spans(places), "quantities": _Spans(doc.quantities)}
    country = country_iso(places)
    sentence_starts = [s.start for s in doc.sentences]
    outlet_link = _outlet_link(doc, registry)

    candidates: list[Candidate] = []
    claims: list[Claim] = []
    readings: list[SentenceReading] = []
    doc.framing = []
    earlier_anonymous: str | None = None
    paragraph_attribution: Attribution | None = None
    paragraph_date: tuple[date, int] | None = None
    last_date: tuple[date, int] | None = None  # the article's most recent date: undated later paragraphs keep it
    current_paragraph = -1
    w = 0
    for sentence in doc.sentences:
        words = []
        while w < len(words_all) and words_all[w].start < sentence.end:
            if words_all[w].start >= sentence.start:
                words.append(words_all[w])
            w += 1
        if not words:
            continue
        scope = lex.scope(words)
        paragraph = _paragraph_of(sentence.start, paragraph_breaks)
        if paragraph != current_paragraph:
            current_paragraph, paragraph_attribution, paragraph_date = paragraph, None, None
        headline = paragraph == 0 and bool(doc.title) and doc.text[sentence.start:sentence.end].startswith(doc.title[:40])
        ents = spans["entities"].within(sentence.start, sentence.end)
        ctx = SentenceContext(doc, words, ents, spans, country, scope, sentence_starts)
        markers = framing_markers(ctx, lex)
        doc.framing.extend(markers)
        own = sentence_attribution(ctx, lex, registry, earlier_anonymous)
        if own:
            for link in own.sources:
                if link.kind == "anonymous" and earlier_anonymous is None:
                    earlier_anonymous = link.text
            paragraph_attribution = own
        attribution = _complete_chain(own or paragraph_attribution, outlet_link)
        attribution.hedges = hedges(ctx, lex)
        attribution.framing = markers
        sentence_date = resolve_date(words, doc.text[sentence.start:sentence.end], published, last_date)
        if sentence_date:
            paragraph_date = last_date = sentence_date
        when = sentence_date or paragraph_date or last_date

        events_here: list[int] = []
        blocked = {k for b0, b1, _ in lex.find("trigger_blockers", words, ctx.scope) for k in range(b0 + 1, b1)}
        organisations = [e for e in ents if e.label == "ORG"]
        if organisations:  # "منظمة حظر الأسلحة الكيميائية" is a name, not a chemical attack
            blocked |= {k for k, wd in enumerate(words) if any(wd.start < e.end and e.start < wd.end for e in organisations)}
        triggers = lex.find_triggers(words, scope)
        for match in ([] if headline else triggers):  # a headline restates the story's events
            if match.start in blocked:
                continue  # "قوات مكافحة الشغب" names riot police, not a riot
            made = _event_from_trigger(doc, ctx, lex, registry, match, sentence, published, when)
            if made is None:
                continue
            event, specificity, own_place = made
            event.sources = _own_copy(attribution)  # merging later edits an event's framing and hedges
            target = same_sentence(candidates, event, specificity, sentence.start)
            if target is None:
                target = next((t for t in events_here if family(candidates[t].event) == family(event)
                               and candidates[t].event.modality == event.modality), None)
            if target is None:
                target = referent(candidates, event, ctx, lex, match, specificity)
            if target is not None:  # another word for an event already coded: "تفجير انتحاري استهدف", "الهجوم"
                absorb(candidates[target], Candidate(event, paragraph, sentence.start, match.trigger.pattern, specificity,
                                                      own_place))
                events_here.append(target)
                continue
            events_here.append(len(candidates))
            candidates.append(Candidate(event, paragraph, sentence.start, match.trigger.pattern, specificity, own_place,
                                        separate=lex.has("separate_event_words", words, ctx.scope)))
        if candidates and lex.has("responsibility_words", words, ctx.scope):
            credit_perpetrator(candidates, ctx, registry)
        sentence_quantities = spans["quantities"].within(sentence.start, sentence.end)
        if own or events_here or sentence_quantities and paragraph_attribution:
            claims.append(Claim(sentence.start, sentence.end, attribution, sentence_quantities, events_here))
        readings.append(SentenceReading(sentence, paragraph, headline, ctx, attribution, when, events_here, triggers))
    return Reading(candidates, claims, readings, published, paragraph_breaks)


def finish(doc: Document, reading: Reading, events: list[Event], remap: dict[int, int], registry) -> None:
    """Set the decided events on the document: claims point at them, each carries its paragraphs' framing and
    its confidence."""
    claims = reading.claims
    for claim in claims:
        claim.events = sorted({remap[i] for i in claim.events if i in remap})
    framing_by_paragraph: dict[int, list[Marker]] = {}
    for m in doc.framing:
        framing_by_paragraph.setdefault(_paragraph_of(m.start, reading.paragraph_breaks), []).append(m)
    for event in events:
        paragraphs = sorted({_paragraph_of(start, reading.paragraph_breaks) for start, _ in event.evidence})
        event.sources.framing = [m for p in paragraphs for m in framing_by_paragraph.get(p, ())]
        event.confidence = _confidence(event, registry, doc)
        event.sources.confidence = event.confidence
    for claim in claims:
        claim.attribution.confidence = _source_confidence(claim.attribution, registry)
    doc.events = events
    doc.claims = claims


# --- one trigger → one candidate event -------------------------------------------------------------------

def _event_from_trigger(doc: Document, ctx: SentenceContext, lex: EventLexicon, registry, match: TriggerMatch,
                        sentence, published: date | None, when: tuple[date, int] | None) -> tuple[Event, int, bool] | None:
    words = ctx.words
    actors = actors_near(ctx, registry, match)
    etype, stype, specificity = classify(ctx, lex, match, actors)
    if etype is None:
        return None
    start, end = words[match.start].start, words[match.end - 1].end
    event = Event(event_type=etype, sub_event_type=stype, evidence=[(sentence.start, sentence.end)],
                  trigger=doc.text[start:end], modality=modality(ctx, lex, match))
    assign_actors(event, actors, ctx, lex, registry, doc, match)
    event.location = location(doc, ctx, lex, match, sentence)
    # a town or village of its own; a province or region ("البادية") does not make a new incident
    own_place = any(p.precision < 3 for p in ctx.spans["places"].within(sentence.start, sentence.end))
    # the day written after the event word is its own ("قتلا بقصف إسرائيلي ليلة السبت"), before the sentence's
    # first, which may be the day it was reported ("شيّع الأحد جثمان...")
    when = resolve_date(words[match.start:], doc.text[words[match.start].start:sentence.end], published) or when
    if when:
        event.event_date, event.time_precision = when[0].isoformat(), when[1]
    elif published:
        event.event_date, event.time_precision = published.isoformat(), 2
    event.fatalities, event.civilian_fatalities = fatalities(ctx, lex)
    event.quantities = ctx.spans["quantities"].within(sentence.start, sentence.end)
    event.weapons = list(dict.fromkeys(e.text for e in ctx.entities if e.label == "WEAPON"))
    if event.modality == Modality.ASSERTED and published and (
            when and is_history(when[0], published) or _names_a_past_year(doc.text[sentence.start:sentence.end],
                                                                           published)):
        event.modality = Modality.REFERENCE  # an event months or years back, recalled as background
    return event, specificity, own_place


def is_history(day: date, published: date) -> bool:
    """Whether an incident of `day` is too old to be news in a report of `published`: background, however told."""
    return (published - day).days > HISTORY_DAYS


_YEAR = re.compile(r"(?<!منذ )(?:عام|العام|سنة|السنة)\s+(\d{4})(?!\d)")


def _names_a_past_year(sentence: str, published: date) -> bool:
    """"شهدت البلاد في عام 2011 مظاهرات": a sentence set in an earlier year tells background ("منذ عام 2011",
    since then, does not)."""
    return any(1900 < int(y) < published.year for y in _YEAR.findall(sentence))


# --- merging and confidence -------------------------------------------------------------------------------

def _outlet_prior(registry, name: str | None) -> float:
    actor = registry.get(name) if name else None
    return actor.outlet.reliability_prior if actor is not None and actor.outlet else DEFAULT_OUTLET_PRIOR


def _source_confidence(attribution: Attribution, registry) -> float:
    """How much the chain itself supports a claim: who first said it, who carried it, how hedged it is."""
    chain = attribution.sources
    if not chain:
        return 0.3
    source = SOURCE_SCORE.get(chain[0].kind, 0.45)
    carriers = [_outlet_prior(registry, link.actor) for link in chain[1:] if link.actor]
    carrier = min(carriers) if carriers else DEFAULT_OUTLET_PRIOR
    penalty = min(0.24, 0.08 * len(attribution.hedges))
    return max(0.05, min(0.95, 0.65 * source + 0.35 * carrier - penalty))


def _confidence(event: Event, registry, doc: Document) -> float:
    """Source support (who says so, through whom, how hedged) and how completely the event could be coded."""
    extraction = 0.5
    extraction += 0.15 if event.actor1 else 0.0
    extraction += 0.15 if event.location and event.location.precision <= 2 else 0.05 if event.location else 0.0
    extraction += 0.1 if event.time_precision == 1 else 0.0
    extraction += 0.1 if len(event.evidence) > 1 else 0.0
    score = 0.75 * _source_confidence(event.sources, registry) + 0.25 * min(1.0, extraction)
    return round(max(0.05, min(0.95, score)), 3)


# --- attribution helpers ----------------------------------------------------------------------------------

UNKNOWN_OUTLET = "(outlet not known)"


def _outlet_link(doc: Document, registry) -> SourceLink:
    """The publisher closes every chain; when the input did not say who published it, the chain says so."""
    if not doc.outlet:
        return SourceLink(UNKNOWN_OUTLET, "outlet")
    actor = registry.get(doc.outlet)
    kind = "agency" if actor is not None and actor.outlet and actor.outlet.kind == "agency" else "outlet"
    return SourceLink(doc.outlet, kind, actor.name_en if actor is not None else None)


def _complete_chain(attribution: Attribution | None, outlet: SourceLink) -> Attribution:
    """A copy of the attribution with the publishing outlet closing the chain (or alone, for the outlet's own voice)."""
    links = list(attribution.sources) if attribution else []
    if not any(link.actor and link.actor == outlet.actor for link in links) and not any(
            link.text == outlet.text for link in links):
        links.append(outlet)
    return Attribution(sources=links, verb=attribution.verb if attribution else None)


def _own_copy(attribution: Attribution) -> Attribution:
    """An event's own attribution: what a sentence's events and its claim share is copied, not aliased."""
    return replace(attribution, sources=list(attribution.sources), hedges=list(attribution.hedges),
                   framing=list(attribution.framing))


def _paragraph_starts(doc: Document) -> list[int]:
    """Where paragraphs start: after every line break (the cleaner separates paragraphs by a blank line,
    hand-written and fed text often by a single one)."""
    return [0] + [m.end() for m in _LINE_BREAKS.finditer(doc.text)]


def _places_reported_on(doc: Document, paragraph_starts: list[int]) -> list[Place]:
    """The document's places less the city and country of a wire dateline ("دبي، الإمارات العربية المتحدة
    (CNN)--"): where the report was filed from is neither an event's place nor the country it is about."""
    filed = []
    for start in paragraph_starts[:DATELINE_PARAGRAPHS]:
        end = dateline_place_end(doc.text[start:start + 120])
        if end:
            filed.append((start, start + end))
    return [p for p in doc.places if not any(a <= p.start < b for a, b in filed)]


def _paragraph_of(offset: int, starts: list[int]) -> int:
    return bisect.bisect_right(starts, offset) - 1

