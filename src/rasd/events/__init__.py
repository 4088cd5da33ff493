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
import math
from datetime import date

from rasd.events.attribution import SentenceContext, framing_markers, hedges, sentence_attribution
from rasd.events.lexicon import EventLexicon, TriggerMatch, is_word
from rasd.events.timex import resolve_date
from rasd.export import countries
from rasd.model import Attribution, Claim, Document, Entity, Event, Marker, Place, SourceLink
from rasd.nlp.arabic import normalize
from rasd.nlp.dates import parse_iso
from rasd.nlp.numbers import parse_number

__all__ = ["extract_events", "EventLexicon"]

MODALITY_WINDOW = 6  # words before a trigger whose cues set its modality
ACTOR_WINDOW = 14  # words around a trigger searched for its actors
TWO_SIDED = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
SOURCE_SCORE = {"anonymous": 0.25, "organisation": 0.45, "agency": 0.45, "outlet": 0.45, "official": 0.55,
                "person": 0.55, "monitor": 0.6}
DEFAULT_OUTLET_PRIOR = 0.5


def extract_events(doc: Document, res) -> None:
    lex: EventLexicon = res.event_lexicon
    registry = res.actors
    published = parse_iso(doc.published)
    words_all = [t for t in doc.tokens if is_word(t)]
    paragraph_breaks = _paragraph_starts(doc)
    outlet_link = _outlet_link(doc, registry)

    candidates: list[tuple[Event, int, str]] = []  # (event, paragraph index, trigger pattern)
    claims: list[Claim] = []
    doc.framing = []
    earlier_anonymous: str | None = None
    paragraph_attribution: Attribution | None = None
    paragraph_date: tuple[date, int] | None = None
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
        paragraph = _paragraph_of(sentence.start, paragraph_breaks)
        if paragraph != current_paragraph:
            current_paragraph, paragraph_attribution, paragraph_date = paragraph, None, None
        ents = [e for e in doc.entities if sentence.start <= e.start < sentence.end]
        ctx = SentenceContext(doc, words, ents)
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
        sentence_date = resolve_date(words, doc.text[sentence.start:sentence.end], published)
        if sentence_date:
            paragraph_date = sentence_date
        when = sentence_date or paragraph_date

        events_here: list[int] = []
        for match in lex.triggers.find(words):
            event = _event_from_trigger(doc, ctx, lex, registry, match, sentence, published, when)
            if event is None:
                continue
            event.sources = attribution
            events_here.append(len(candidates))
            candidates.append((event, paragraph, match.trigger.pattern))
        sentence_quantities = [q for q in doc.quantities if sentence.start <= q.start < sentence.end]
        if own or events_here or sentence_quantities and paragraph_attribution:
            claims.append(Claim(sentence.start, sentence.end, attribution, sentence_quantities, events_here))

    events, remap = _merge(candidates)
    for claim in claims:
        claim.events = sorted({remap[i] for i in claim.events})
    for event in events:
        paragraphs = {_paragraph_of(start, paragraph_breaks) for start, _ in event.evidence}
        event.sources.framing = [m for m in doc.framing if _paragraph_of(m.start, paragraph_breaks) in paragraphs]
        event.confidence = _confidence(event, registry, doc)
        event.sources.confidence = event.confidence
    for claim in claims:
        claim.attribution.confidence = _source_confidence(claim.attribution, registry)
    doc.events = events
    doc.claims = claims


# --- one trigger → one candidate event -------------------------------------------------------------------

def _event_from_trigger(doc: Document, ctx: SentenceContext, lex: EventLexicon, registry, match: TriggerMatch,
                        sentence, published: date | None, when: tuple[date, int] | None) -> Event | None:
    words = ctx.words
    actors = _actors_near(ctx, registry, match)
    etype, stype = _classify(ctx, lex, match, actors, registry)
    if etype is None:
        return None
    start, end = words[match.start].start, words[match.end - 1].end
    event = Event(event_type=etype, sub_event_type=stype, evidence=[(sentence.start, sentence.end)],
                  trigger=doc.text[start:end], modality=_modality(ctx, lex, match))
    _assign_actors(event, actors, ctx, lex, registry, doc)
    event.location = _location(doc, ctx, match, sentence)
    if when:
        event.event_date, event.time_precision = when[0].isoformat(), when[1]
    elif published:
        event.event_date, event.time_precision = published.isoformat(), 2
    event.fatalities, event.civilian_fatalities = _fatalities(ctx, lex)
    event.quantities = [q for q in doc.quantities if sentence.start <= q.start < sentence.end]
    event.weapons = list(dict.fromkeys(e.text for e in ctx.entities if e.label == "WEAPON"))
    return event


def _classify(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch, actors, registry) -> tuple[str | None, str | None]:
    t = match.trigger
    words = ctx.words
    has = lambda name: lex.has(name, words)  # noqa: E731
    if t.event_type == "?strike":
        if has("suicide_words"):
            return "Explosions/Remote violence", "Suicide bomb"
        if has("air_words"):
            return "Explosions/Remote violence", "Air/drone strike"
        if has("ied_words"):
            return "Explosions/Remote violence", "Remote explosive/landmine/IED"
        if has("artillery_words") or ctx.words[match.start].norm.endswith("قصف") or "قصف" in ctx.words[match.start].norm:
            return "Explosions/Remote violence", "Shelling/artillery/missile attack"
        if has("fire_words") or has("civilian_words"):
            return "Violence against civilians", "Attack"
        return "Explosions/Remote violence", "Shelling/artillery/missile attack"
    if t.event_type == "?attack":
        if has("suicide_words"):
            return "Explosions/Remote violence", "Suicide bomb"
        if has("ied_words"):
            return "Explosions/Remote violence", "Remote explosive/landmine/IED"
        if has("air_words"):
            return "Explosions/Remote violence", "Air/drone strike"
        armed = [a for a in actors if a[1] is not None and a[1].acled_inter in (1, 2, 3, 4, 8)]
        if has("civilian_words") and len(armed) < 2:
            return "Violence against civilians", "Attack"
        return "Battles", "Armed clash"
    if t.event_type == "?territory":
        first = actors[0][1] if actors and actors[0][1] is not None else None
        if first is not None and first.acled_inter == 1:
            return "Battles", "Government regains territory"
        return "Battles", "Non-state actor overtakes territory"
    if t.event_type == "?protest":
        if has("protest_force_words"):
            return "Protests", "Excessive force against protesters"
        if has("riot_words"):
            return "Riots", "Violent demonstration"
        if has("protest_intervention_words"):
            return "Protests", "Protest with intervention"
        return "Protests", "Peaceful protest"
    return t.event_type, t.sub_event_type


def _modality(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch) -> str:
    words = ctx.words
    lo = max(0, match.start - MODALITY_WINDOW)
    window = words[lo:match.start + 1]
    exceptions = {normalize(w) for w in lex.cues["modality"]["negation_exceptions"]}
    found = None
    for s, e, kind in lex.phrase_sets["modality"].find(window):
        if kind == "negated" and lo + e < len(words) and words[lo + e].norm in exceptions:
            continue  # "لم يتسن التحقق", "لم تعلن أي جهة": a hedge, not a negated event
        found = kind
    if found:
        return {"negated": "negated", "future": "future", "conditional": "conditional"}.get(found, "hypothetical")
    after = words[match.last:match.last + 4]
    if any(w.norm in {normalize(x) for x in lex.cues["modality"]["future_after"]} for w in after):
        return "future"
    return "asserted"


# --- roles ------------------------------------------------------------------------------------------------

def _actors_near(ctx: SentenceContext, registry, match: TriggerMatch) -> list[tuple[Entity, object]]:
    """Actor mentions of the sentence near the trigger, nearest first; outlets and monitors are sources, not actors."""
    words = ctx.words
    trig_start, trig_end = words[match.start].start, words[match.last - 1].end
    lo = words[max(0, match.start - ACTOR_WINDOW)].start
    hi = words[min(len(words) - 1, match.last + ACTOR_WINDOW)].end
    out = []
    seen = set()
    for e in ctx.entities:
        if not e.actor or e.actor in seen or not (lo <= e.start < hi):
            continue
        actor = registry.get(e.actor)
        if actor is not None and actor.type in ("outlet", "monitor"):
            continue
        seen.add(e.actor)
        distance = trig_start - e.end if e.end <= trig_start else max(0, e.start - trig_end)
        out.append((e, actor, distance))
    out.sort(key=lambda x: x[2])
    return [(e, a) for e, a, _ in out]


def _assign_actors(event: Event, actors, ctx: SentenceContext, lex: EventLexicon, registry, doc: Document) -> None:
    country = _country_hint(doc)
    if event.event_type in ("Protests", "Riots"):
        event.actor1 = f"Protesters ({country})" if event.event_type == "Protests" else f"Rioters ({country})"
        event.inter1 = 6 if event.event_type == "Protests" else 5
        forces = [(e, a) for e, a in actors if a is not None and a.acled_inter == 1]
        if forces and event.sub_event_type != "Peaceful protest":
            event.actor2, event.inter2 = forces[0][0].actor, 1
    else:
        chosen = sorted(actors[:2], key=lambda x: x[0].start)
        if chosen:
            event.actor1, event.inter1 = chosen[0][0].actor, _inter(chosen[0][1])
        if len(chosen) > 1 and (event.event_type in TWO_SIDED or event.sub_event_type in ("Agreement", "Arrests")):
            event.actor2, event.inter2 = chosen[1][0].actor, _inter(chosen[1][1])
        if event.event_type == "Violence against civilians" or (
                event.event_type == "Explosions/Remote violence" and event.actor2 is None and lex.has("civilian_words", ctx.words)):
            event.actor2, event.inter2 = f"Civilians ({country})", 7
    if event.inter1 is not None:
        pair = sorted(x for x in (event.inter1, event.inter2) if x is not None)
        event.interaction = pair[0] * 10 + (pair[1] if len(pair) > 1 else 0)


def _inter(actor) -> int | None:
    return getattr(actor, "acled_inter", None)


def _country_hint(doc: Document) -> str:
    """The country most places of the document are in, by its English name as ACLED writes it."""
    counts: dict[str, int] = {}
    for p in doc.places:
        counts[p.country] = counts.get(p.country, 0) + 1
    if not counts:
        return "Unknown"
    iso = max(counts, key=counts.get)
    return countries().get(iso, {}).get("name", iso)


# --- where, how many --------------------------------------------------------------------------------------

def _location(doc: Document, ctx: SentenceContext, match: TriggerMatch, sentence) -> Place | None:
    """The most precise place of the sentence, nearest after the trigger; else the last place named before it."""
    trig = ctx.words[match.start].start
    here = [p for p in doc.places if sentence.start <= p.start < sentence.end]
    if here:
        return min(here, key=lambda p: (p.precision, 0 if p.start >= trig else 1, abs(p.start - trig)))
    before = [p for p in doc.places if p.end <= sentence.start]
    if before:
        return before[-1]
    return None


def _fatalities(ctx: SentenceContext, lex: EventLexicon) -> tuple[int | None, int | None]:
    """Deaths reported in the sentence: numbers next to a fatality word, with civilians counted apart."""
    words = ctx.words
    total = civilians = 0
    found = False
    for s, e, _ in lex.phrase_sets["fatality_words"].find(words):
        # "مقتل خمسة مسلحين", "مقتل 3 مدنيين و2 من عناصر الأمن", "سقوط 4 قتلى", "مقتل شخصين"
        spans = []
        k = e
        while k < len(words) and k < e + 8:
            parsed = parse_number([x.text for x in words[k:k + 4]])
            if parsed:
                spans.append((parsed[0], k + parsed[1]))
                k += parsed[1]
                continue
            if words[k].norm.endswith(("ين", "ان")) and words[k].norm in ("شخصين", "شخصان", "مدنيين", "طفلين", "جنديين", "عنصرين") and not spans:
                spans.append((2.0, k))
            if not (words[k].norm.startswith("و") or words[k].norm in ("من", "بينهم", "منهم")) and spans:
                break
            k += 1
        if not spans and s > 0:
            parsed = parse_number([words[s - 1].text])
            if parsed:
                spans.append((parsed[0], s))
        if not spans and words[e - 1].norm in ("شخص", "مدني", "قتيل", "قتيلا", "شهيد", "شهيدا") or (
                not spans and e < len(words) and words[e].norm in ("شخص", "مدني", "طفل", "جندي", "عنصر", "مواطن")):
            spans.append((1.0, e + 1))
        for value, after in spans:
            found = True
            total += int(value)
            if lex.has("civilian_words", words[max(0, after - 1):after + 2]):
                civilians += int(value)
    if not found:
        return None, None
    return total, (civilians or None)


# --- merging and confidence -------------------------------------------------------------------------------

def _merge(candidates: list[tuple[Event, int, str]]) -> tuple[list[Event], dict[int, int]]:
    """Mentions of one event become one: same sub-type and modality, compatible day and place, and either
    the same paragraph or the same trigger wording (a later "the clashes" refers back to "clashes broke out").

    Later mentions add evidence, actors, counts and a more precise place or date.
    """
    merged: list[Event] = []
    mentions: list[tuple[set[str], set[int]]] = []  # per merged event: trigger rows and paragraphs it was read from
    remap: dict[int, int] = {}
    for i, (ev, paragraph, trigger_row) in enumerate(candidates):
        target = next((j for j, m in enumerate(merged) if _same_event(m, ev) and (
            trigger_row in mentions[j][0] or paragraph in mentions[j][1])), None)
        if target is None:
            remap[i] = len(merged)
            merged.append(ev)
            mentions.append(({trigger_row}, {paragraph}))
        else:
            remap[i] = target
            _absorb(merged[target], ev)
            mentions[target][0].add(trigger_row)
            mentions[target][1].add(paragraph)
    return merged, remap


SAME_PLACE_KM = 30.0


def _same_event(a: Event, b: Event) -> bool:
    if (a.sub_event_type, a.modality) != (b.sub_event_type, b.modality):
        return False
    if a.event_date != b.event_date:
        da, db = parse_iso(a.event_date), parse_iso(b.event_date)
        loose = max(a.time_precision or 3, b.time_precision or 3) >= 2
        if da is None or db is None or not loose or abs((da - db).days) > 7:
            return False
    if a.location is None or b.location is None or 3 in (a.location.precision, b.location.precision):
        return True
    return haversine_km(a.location.lat, a.location.lon, b.location.lat, b.location.lon) <= SAME_PLACE_KM


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _absorb(into: Event, other: Event) -> None:
    for span in other.evidence:
        if span not in into.evidence:
            into.evidence.append(span)
    into.evidence.sort()
    for field in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "interaction", "location"):
        if getattr(into, field) is None and getattr(other, field) is not None:
            setattr(into, field, getattr(other, field))
    if other.location and into.location and other.location.precision < into.location.precision:
        into.location = other.location
    if other.fatalities is not None:
        into.fatalities = max(into.fatalities or 0, other.fatalities)
        if other.civilian_fatalities is not None:
            into.civilian_fatalities = max(into.civilian_fatalities or 0, other.civilian_fatalities)
    if other.time_precision is not None and (into.time_precision is None or other.time_precision < into.time_precision):
        into.event_date, into.time_precision = other.event_date, other.time_precision
    seen_q = {(q.start, q.end) for q in into.quantities}
    into.quantities += [q for q in other.quantities if (q.start, q.end) not in seen_q]
    into.weapons = list(dict.fromkeys(into.weapons + other.weapons))
    if len(into.sources.sources) < len(other.sources.sources) or (
            into.sources.sources and into.sources.sources[0].kind == "outlet" and other.sources.sources
            and other.sources.sources[0].kind != "outlet"):
        framing = into.sources.framing
        into.sources = other.sources
        into.sources.framing = _unique_markers(framing + other.sources.framing)
    else:
        into.sources.framing = _unique_markers(into.sources.framing + other.sources.framing)
        into.sources.hedges = list(dict.fromkeys(into.sources.hedges + other.sources.hedges))


def _unique_markers(markers: list[Marker]) -> list[Marker]:
    seen, out = set(), []
    for m in markers:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out


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

def _outlet_link(doc: Document, registry) -> SourceLink | None:
    if not doc.outlet:
        return None
    actor = registry.get(doc.outlet)
    kind = "agency" if actor is not None and actor.outlet and actor.outlet.kind == "agency" else "outlet"
    return SourceLink(doc.outlet, kind, actor.name_en if actor is not None else None)


def _complete_chain(attribution: Attribution | None, outlet: SourceLink | None) -> Attribution:
    """A copy of the attribution with the publishing outlet closing the chain (or alone, for the outlet's own voice)."""
    links = list(attribution.sources) if attribution else []
    if outlet and not any(link.actor and link.actor == outlet.actor for link in links) and not any(
            link.text == outlet.text for link in links):
        links.append(outlet)
    return Attribution(sources=links, verb=attribution.verb if attribution else None)


def _paragraph_starts(doc: Document) -> list[int]:
    starts = [0]
    i = doc.text.find("\n\n")
    while i != -1:
        starts.append(i + 2)
        i = doc.text.find("\n\n", i + 2)
    return starts


def _paragraph_of(offset: int, starts: list[int]) -> int:
    return bisect.bisect_right(starts, offset) - 1

