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
from rasd.events.lexicon import EventLexicon, TriggerMatch, is_word
from rasd.events.timex import resolve_date
from rasd.export import countries
from rasd.resolve.geo import haversine_km
from rasd.model import Attribution, Claim, Document, Entity, Event, Marker, Place, SourceLink
from rasd.nlp.arabic import normalize
from rasd.nlp.dates import parse_iso
from rasd.nlp.ner.rules import count_at

__all__ = ["extract_events", "EventLexicon"]

_LINE_BREAKS = re.compile(r"\n+")
MODALITY_WINDOW = 8  # words before a trigger whose cues set its modality
HISTORY_DAYS = 31  # events dated further back than this are background, not news
ACTOR_WINDOW = 14  # words around a trigger searched for its actors
TWO_SIDED = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
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

    def last_before(self, offset: int):
        i = bisect.bisect_left(self.starts, offset) - 1
        while i >= 0 and self.items[i].end > offset:
            i -= 1
        return self.items[i] if i >= 0 else None


def extract_events(doc: Document, res) -> None:
    lex: EventLexicon = res.event_lexicon
    registry = res.actors
    published = parse_iso(doc.published)
    words_all = [t for t in doc.tokens if is_word(t)]
    spans = {"entities": _Spans(doc.entities), "places": _Spans(doc.places), "quantities": _Spans(doc.quantities)}
    country = _country_iso(doc)
    paragraph_breaks = _paragraph_starts(doc)
    outlet_link = _outlet_link(doc, registry)

    candidates: list[Candidate] = []
    claims: list[Claim] = []
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
        paragraph = _paragraph_of(sentence.start, paragraph_breaks)
        if paragraph != current_paragraph:
            current_paragraph, paragraph_attribution, paragraph_date = paragraph, None, None
        headline = paragraph == 0 and bool(doc.title) and doc.text[sentence.start:sentence.end].startswith(doc.title[:40])
        ents = spans["entities"].within(sentence.start, sentence.end)
        ctx = SentenceContext(doc, words, ents, spans, country)
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
        blocked = {k for b0, b1, _ in lex.phrase_sets["trigger_blockers"].find(words) for k in range(b0 + 1, b1)}
        blocked |= {k for k, wd in enumerate(words)  # "منظمة حظر الأسلحة الكيميائية" is a name, not a chemical attack
                    if any(e.start <= wd.start < e.end and e.label == "ORG" for e in ents)}
        for match in ([] if headline else lex.triggers.find(words)):  # a headline restates the story's events
            if match.start in blocked:
                continue  # "قوات مكافحة الشغب" names riot police, not a riot
            made = _event_from_trigger(doc, ctx, lex, registry, match, sentence, published, when)
            if made is None:
                continue
            event, specificity, own_place = made
            event.sources = attribution
            target = _same_sentence(candidates, event, specificity, sentence.start)
            if target is None:
                target = next((t for t in events_here if _family(candidates[t].event) == _family(event)
                               and candidates[t].event.modality == event.modality), None)
            if target is None:
                target = _referent(candidates, event, ctx, lex, match, specificity)
            if target is not None:  # another word for an event already coded: "تفجير انتحاري استهدف", "الهجوم"
                _absorb(candidates[target], Candidate(event, paragraph, sentence.start, match.trigger.pattern, specificity,
                                                      own_place))
                events_here.append(target)
                continue
            events_here.append(len(candidates))
            candidates.append(Candidate(event, paragraph, sentence.start, match.trigger.pattern, specificity, own_place,
                                        separate=lex.has("separate_event_words", words)))
        if candidates and lex.has("responsibility_words", words):
            _credit_perpetrator(candidates, ctx, registry)
        sentence_quantities = spans["quantities"].within(sentence.start, sentence.end)
        if own or events_here or sentence_quantities and paragraph_attribution:
            claims.append(Claim(sentence.start, sentence.end, attribution, sentence_quantities, events_here))

    _fold_arrests_into_protests(candidates, doc, lex)
    _drop_transfers_won_in_battle(candidates)
    _fold_fire_into_battles(candidates)
    events, remap = _merge(candidates)
    for claim in claims:
        claim.events = sorted({remap[i] for i in claim.events if i in remap})
    framing_by_paragraph: dict[int, list[Marker]] = {}
    for m in doc.framing:
        framing_by_paragraph.setdefault(_paragraph_of(m.start, paragraph_breaks), []).append(m)
    for event in events:
        paragraphs = sorted({_paragraph_of(start, paragraph_breaks) for start, _ in event.evidence})
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
    actors = _actors_near(ctx, registry, match)
    etype, stype, specificity = _classify(ctx, lex, match, actors)
    if etype is None:
        return None
    start, end = words[match.start].start, words[match.end - 1].end
    event = Event(event_type=etype, sub_event_type=stype, evidence=[(sentence.start, sentence.end)],
                  trigger=doc.text[start:end], modality=_modality(ctx, lex, match))
    _assign_actors(event, actors, ctx, lex, registry, doc, match)
    event.location = _location(doc, ctx, lex, match, sentence)
    # a town or village of its own; a province or region ("البادية") does not make a new incident
    own_place = any(p.precision < 3 for p in ctx.spans["places"].within(sentence.start, sentence.end))
    if when:
        event.event_date, event.time_precision = when[0].isoformat(), when[1]
    elif published:
        event.event_date, event.time_precision = published.isoformat(), 2
    event.fatalities, event.civilian_fatalities = _fatalities(ctx, lex)
    event.quantities = ctx.spans["quantities"].within(sentence.start, sentence.end)
    event.weapons = list(dict.fromkeys(e.text for e in ctx.entities if e.label == "WEAPON"))
    if event.modality == "asserted" and published and when and (published - when[0]).days > HISTORY_DAYS:
        event.modality = "reference"  # an event months back, recalled as background
    return event, specificity, own_place


VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def _referent(candidates: list["Candidate"], event: Event, ctx: SentenceContext, lex: EventLexicon,
              match: TriggerMatch, specificity: int) -> int | None:
    """The earlier event a later mention refers back to: a definite noun ("الهجوم", "التفجير", "الاشتباكات"),
    a condemnation ("دانت الجمعية الاعتداء"), or a generic verb with nothing new ("زاعماً أنه استهدف ...")."""
    if event.modality != "asserted" or not candidates:
        return None
    head = ctx.words[match.start].norm
    definite = any(v.startswith("ال") for v in (head, head[1:], head[2:]))
    window = ctx.words[max(0, match.start - MODALITY_WINDOW):match.start]
    if definite and lex.has("condemnation_words", window):
        return next((i for i in range(len(candidates) - 1, -1, -1) if candidates[i].event.modality == "asserted"), None)
    if not definite and specificity <= 1 and match.trigger.event_type in ("?strike", "?explosion"):
        for i in range(len(candidates) - 1, -1, -1):
            earlier = candidates[i].event
            if earlier.modality == "asserted" and earlier.event_type in VIOLENT and (
                    event.location is None or event.location.precision == 3 or (earlier.location and haversine_km(
                        earlier.location.lat, earlier.location.lon, event.location.lat, event.location.lon) <= SAME_PLACE_KM)):
                return i
        return None
    if not definite:
        return None
    if event.sub_event_type == "Remote explosive/landmine/IED" and match.trigger.event_type != "?explosion":
        # "العبوة" after "فككت الوحدة عبوة ناسفة" is that device, whatever became of it
        for i in range(len(candidates) - 1, -1, -1):
            earlier = candidates[i].event
            if earlier.modality == "asserted" and earlier.sub_event_type in (
                    "Remote explosive/landmine/IED", "Disrupted weapons use"):
                return i
    for i in range(len(candidates) - 1, -1, -1):
        earlier = candidates[i].event
        if earlier.modality == "asserted" and _family(earlier) == _family(event) or (
                earlier.event_type in VIOLENT and event.event_type in VIOLENT and match.trigger.event_type.startswith("?")):
            return i
    return None


ARMED = (1, 2, 3, 4, 8)
# Who reports, monitors or mediates is not a party to what happened (a UN statement on arrests, an agency).
NOT_PARTIES = ("outlet", "monitor", "international_org", "ngo")
ARMED_TYPES = ("state_forces", "rebel_group", "political_militia", "identity_militia")


def _credit_perpetrator(candidates: list["Candidate"], ctx: SentenceContext, registry) -> None:
    """"وتبنى تنظيم القاعدة الهجوم": the claimant of an attack is its actor1."""
    claimant = next((registry.get(e.actor) for e in ctx.entities if e.actor and registry.get(e.actor) is not None
                     and registry.get(e.actor).acled_inter in ARMED and registry.get(e.actor).type != "state_forces"), None)
    if claimant is None:
        return
    event = next((c.event for c in reversed(candidates) if c.event.event_type in VIOLENT and c.event.modality == "asserted"), None)
    if event is None or event.actor1 == claimant.name_en:
        return
    if event.actor2 is None or event.actor2 == event.actor1:
        event.actor2, event.inter2 = event.actor1, event.inter1
    elif event.actor1 and event.actor1.startswith(("Military Forces", "Police Forces")) and event.actor1 != event.actor2:
        pass  # a generic state force read from the sentence was a guess; the claimant replaces it
    event.actor1, event.inter1 = claimant.name_en, claimant.acled_inter
    pair = sorted(x for x in (event.inter1, event.inter2) if x is not None)
    event.interaction = pair[0] * 10 + (pair[1] if len(pair) > 1 else 0) if pair else None


def _same_sentence(candidates: list["Candidate"], event: Event, specificity: int, sentence_start: int) -> int | None:
    """An event of the same type already read from this sentence: several words for one act."""
    for i in range(len(candidates) - 1, -1, -1):
        c = candidates[i]
        if c.sentence != sentence_start:
            break
        if c.event.modality != event.modality:
            continue
        if c.event.event_type == event.event_type or _family(c.event) == _family(event):
            return i
        if (specificity <= 1 or c.specificity <= 1) and _violent_or_weak(c.event) and _violent_or_weak(event):
            return i  # "قتلوا مدنيين خلال مداهمات": one act, coded by its most specific word
    return None


def _violent_or_weak(e: Event) -> bool:
    """Events a weak word can be folded into: "وتفجير ما يتعذر نقله" after weapons were found is their disposal."""
    return e.event_type in VIOLENT or e.sub_event_type in ("Arrests", "Disrupted weapons use")


CUE_REACH = 6  # words on either side of a trigger whose cue words decide its sub-type


def _classify(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch, actors) -> tuple[str | None, str | None, int]:
    """(event type, sub-event type, specificity): 3 the trigger names the sub-type, 2 the sentence's cue words
    decided it, 1 a default for a generic word ("قصف", "هجوم", "تفجير")."""
    t = match.trigger
    if not t.event_type.startswith("?"):
        return t.event_type, t.sub_event_type, 3
    # cue words around the trigger, not the trigger's own words ("قذائف" must not vouch for itself)
    near = ctx.words[max(0, match.start - CUE_REACH):match.start] + ctx.words[match.end:match.last + CUE_REACH]
    has = lambda name: lex.has(name, near)  # noqa: E731
    if t.event_type == "?shooting":  # "برصاص قوات ...": gunfire, whatever drones the sentence also names
        if has("protester_words") or has("protest_nouns"):
            return "Protests", "Excessive force against protesters", 2
        if has("civilian_words"):
            return "Violence against civilians", "Attack", 2
        return "Battles", "Armed clash", 1
    if t.event_type == "?gathering":  # "تجمع مئات المحتجين أمام المبنى", not "تجمع للخيام قرب المنطقة"
        if not (has("protester_words") or has("crowd_words") or has("gathering_words")):
            return None, None, 0
        t = replace(t, event_type="?protest")
    if t.event_type == "?meeting":
        # a meeting of armed groups' commanders is coded (it agrees on something); diplomats meeting is not news here
        armed = [a for a in actors if a[1] is not None and a[1].type in ARMED_TYPES]
        return ("Strategic developments", "Agreement", 3) if armed else (None, None, 0)
    if t.event_type == "?agreement":
        # an agreement reached, signed or in force, not one merely mentioned
        if lex.has("agreement_verbs", ctx.words):
            return "Strategic developments", "Agreement", 3
        return None, None, 0
    if t.event_type == "?arson":  # whoever set the fire, the sentence says who they were
        if lex.has("protester_words", ctx.words) or lex.has("crowd_words", ctx.words):
            return "Riots", "Violent demonstration", 2
        return "Strategic developments", "Looting/property destruction", 2
    if t.event_type == "?raid":
        return "Strategic developments", "Arrests", 1
    if t.event_type == "?kill":
        if has("protester_words"):
            return "Protests", "Excessive force against protesters", 1
        return "Violence against civilians", "Attack", 1
    if t.event_type in ("?strike", "?explosion", "?attack") and has("chemical_words"):
        return "Explosions/Remote violence", "Chemical weapon", 3
    if t.event_type in ("?strike", "?explosion", "?attack"):
        drones = any(w.norm in ("مسيره", "مسيرات", "المسيره", "المسيرات", "بالطائرات", "طائره") for w in ctx.words)
        if has("suicide_words") and not drones:
            return "Explosions/Remote violence", "Suicide bomb", 2
        if has("air_words"):
            return "Explosions/Remote violence", "Air/drone strike", 2
        if has("ied_words") and t.event_type != "?explosion":
            return "Explosions/Remote violence", "Remote explosive/landmine/IED", 2
    if t.event_type == "?explosion":
        if has("artillery_words"):
            return "Explosions/Remote violence", "Shelling/artillery/missile attack", 2
        return "Explosions/Remote violence", "Remote explosive/landmine/IED", 2 if has("ied_words") else 1
    if t.event_type == "?strike":
        if has("artillery_words"):
            return "Explosions/Remote violence", "Shelling/artillery/missile attack", 2
        if has("fire_words") or has("civilian_words"):
            return "Violence against civilians", "Attack", 2
        if "قصف" not in ctx.words[match.start].norm and not lex.has("strike_cues", ctx.words):
            return None, None, 0  # "استهدفت الحملة شبكة تمويل": targeting, but nothing was struck
        return "Explosions/Remote violence", "Shelling/artillery/missile attack", 1
    if t.event_type == "?attack":
        subject = ctx.words[match.end:match.end + 3]
        if lex.has("crowd_words", subject) or lex.has("protester_words", subject):
            return "Riots", "Violent demonstration", 2  # "اقتحم محتجون غاضبون المبنى": the crowd attacks
        if has("protester_words"):
            return "Protests", "Excessive force against protesters", 2
        armed = [a for a in actors if a[1] is not None and a[1].acled_inter in (1, 2, 3, 4, 8)]
        if has("riot_words") and not armed:
            return "Riots", "Violent demonstration", 2
        if has("civilian_words") and len(armed) < 2:
            return "Violence against civilians", "Attack", 2
        return "Battles", "Armed clash", 1
    if t.event_type == "?territory":
        first = actors[0][1] if actors and actors[0][1] is not None else None
        # territory changing hands outranks the fighting that took it (ACLED codes the takeover)
        if lex.has("peaceful_transfer_words", ctx.words):
            return "Strategic developments", "Non-violent transfer of territory", 4
        if first is not None and first.acled_inter == 1:
            return "Battles", "Government regains territory", 4
        return "Battles", "Non-state actor overtakes territory", 4
    # ?protest
    if has("protest_force_words"):
        return "Protests", "Excessive force against protesters", 2
    if has("riot_words"):
        return "Riots", "Violent demonstration", 2
    if has("protest_intervention_words"):
        return "Protests", "Protest with intervention", 2
    return "Protests", "Peaceful protest", 1


AGGREGATE_MIN = 10


def _aggregate_count(before: list[Token]) -> bool:
    """A count of ten or more (or "dozens", "hundreds") right before the trigger word."""
    parsed = count_at([w.norm for w in before[-1:]], 0) if before else None
    return parsed is not None and parsed[0] >= AGGREGATE_MIN


def _pluperfect(words: list[Token], lo: int, trigger: int, lex: EventLexicon) -> bool:
    """"وكانت المواجهات قد أسفرت", "وكان الجيش قد سيطر": كان before the trigger, قد within four words of it."""
    heads = [lo + i for i, _, _ in lex.phrase_sets["pluperfect_heads"].find(words[lo:trigger + 1])]
    return any(w.norm == "قد" for h in heads for w in words[h + 1:h + 5])


def _modality(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch) -> str:
    """asserted, or why the statement is not a past event: negated, future, conditional, hypothetical, or a
    reference to an earlier event or agreement ("بموجب اتفاق", "خرق الهدنة")."""
    words = ctx.words
    head = words[match.start].norm
    if match.trigger.pos == "noun" and head.startswith("ل") and not head.startswith("ال") and not (
            lex.has("subjected_to", words[:match.start])):
        return "hypothetical"  # ل + verbal noun states a purpose ("لشن هجوم", "معدة للتفجير"), but "تعرض لهجوم" happened
    lo = max(0, match.start - MODALITY_WINDOW)
    window = words[lo:match.start + 1]
    found = None
    for s, e, kind in lex.phrase_sets["modality"].find(window):
        if kind == "negated" and lo + e < len(words) and words[lo + e].norm in lex.normalized["negation_exceptions"]:
            continue  # "لم يتسن التحقق", "لم تعلن أي جهة": a hedge, not a negated event
        found = kind
    if found:
        return found
    if _pluperfect(words, lo, match.start, lex):
        return "reference"  # "وكانت قوات الدعم السريع قد سيطرت": background told in the pluperfect
    if match.start and match.trigger.event_type in ("?attack", "?strike", "?explosion") + VIOLENT and _aggregate_count(
            words[max(0, match.start - 2):match.start]):
        return "aggregate"  # "أكثر من 700 اعتداء خلال الشهر": a tally, not one event
    after = words[match.last:match.last + 4]
    if any(w.norm in lex.normalized["future_after"] for w in after):
        return "future"
    if lex.has("habitual_after", after):
        return "habitual"  # "احتجاجات متكررة كل صيف": a pattern, not an event
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
        if actor is not None and actor.type in NOT_PARTIES:
            continue
        seen.add(e.actor)
        distance = trig_start - e.end if e.end <= trig_start else max(0, e.start - trig_end)
        out.append((e, actor, distance))
    out.sort(key=lambda x: x[2])
    return [(e, a) for e, a, _ in out]


def _assign_actors(event: Event, actors, ctx: SentenceContext, lex: EventLexicon, registry, doc: Document,
                   match: TriggerMatch) -> None:
    country = _country_name(ctx.country)
    foreign = _foreign_forces(ctx, lex, registry, doc, match)
    if foreign:  # "طائرة مسيرة تركية": the attacker is that state's military
        actors = [foreign] + [a for a in actors if a[0].actor != foreign[0].actor]
    elif len(actors) < 2:
        actors = actors + _generic_forces(ctx, lex, registry, doc, {a.actor for a, _ in actors})
    if event.event_type in ("Protests", "Riots"):
        event.actor1 = f"Protesters ({country})" if event.event_type == "Protests" else f"Rioters ({country})"
        event.inter1 = 6 if event.event_type == "Protests" else 5
        forces = [(e, a) for e, a in actors if a is not None and a.acled_inter == 1]
        if forces and event.sub_event_type != "Peaceful protest":
            event.actor2, event.inter2 = forces[0][0].actor, 1
    else:
        if event.sub_event_type != "Agreement":  # a government signs agreements; its forces fight
            actors = [a for a in actors if a[1] is None or a[1].type not in ("government", "political_party")]
        chosen = actors[:2] if foreign else sorted(actors[:2], key=lambda x: x[0].start)
        if chosen:
            event.actor1, event.inter1 = chosen[0][0].actor, _inter(chosen[0][1])
        if len(chosen) > 1 and (event.event_type in TWO_SIDED or event.sub_event_type in ("Agreement", "Arrests")):
            event.actor2, event.inter2 = chosen[1][0].actor, _inter(chosen[1][1])
        if event.actor1 is None and event.event_type in VIOLENT and lex.has("unidentified_words", ctx.words):
            event.actor1, event.inter1 = f"Unidentified Armed Group ({country})", 3  # "مسلحون مجهولون"
        if event.event_type == "Violence against civilians" or (
                event.event_type == "Explosions/Remote violence" and event.actor2 is None and lex.has("civilian_words", ctx.words)):
            event.actor2, event.inter2 = f"Civilians ({country})", 7
    first, second = registry.get(event.actor1 or ""), registry.get(event.actor2 or "")
    if first and second and first.type == second.type == "state_forces" and first.country == second.country:
        # "سلاح الجو الإسرائيلي" beside "الجيش الإسرائيلي": one side, so an associate, not the opponent
        event.assoc_actor_1, event.actor2, event.inter2 = event.actor2, None, None
    if event.inter1 is not None:
        pair = sorted(x for x in (event.inter1, event.inter2) if x is not None)
        event.interaction = pair[0] * 10 + (pair[1] if len(pair) > 1 else 0)


NATIONALITY_REACH = 4  # words after a trigger within which "تركية" qualifies it


def _foreign_forces(ctx: SentenceContext, lex: EventLexicon, registry, doc: Document, match: TriggerMatch):
    """A nationality adjective right after a strike word ("غارات إسرائيلية", "مسيرة تركية") names the attacker."""
    if match.trigger.event_type not in ("?strike", "?attack", "?explosion", "Explosions/Remote violence"):
        return None
    words = ctx.words
    window = words[match.start:min(len(words), match.last + NATIONALITY_REACH)]
    for s, e, iso in lex.phrase_sets["nationality_adjectives"].find(window):
        actor = _state_force(registry, iso, "Military", doc.published)
        if actor is not None:
            w0, w1 = window[s], window[e - 1]
            return Entity(w0.start, w1.end, ctx.doc.text[w0.start:w1.end], "NORP", actor.name_en, "rule"), actor
    return None


def _generic_forces(ctx: SentenceContext, lex: EventLexicon, registry, doc: Document, known: set[str]):
    """"قوات الأمن", "الشرطة", "الجيش" without a country name: the state forces of the country the article is about."""
    iso = ctx.country
    if iso is None:
        return []
    out = []
    for s, e, kind in lex.phrase_sets["generic_forces"].find(ctx.words):
        follow = ctx.words[e:e + 3]
        w0, w1 = ctx.words[s], ctx.words[e - 1]
        if any(ent.actor and ent.start < w1.end and w0.start < ent.end for ent in ctx.entities):
            continue  # the words are part of a named actor ("للقوات المسلحة العربية الليبية")
        if follow and any(ent.actor and follow[0].start <= ent.start <= follow[-1].start for ent in ctx.entities):
            continue  # "جنود من قوات الحزام الأمني": the named force is the actor
        if e - s == 1 and follow and follow[0].norm.startswith("ال"):
            continue  # "الجيش الوطني", "الجيش الحر": an army with a name of its own, not the state's
        actor = _state_force(registry, iso, kind, doc.published)
        if actor is not None and actor.name_en not in known:
            known.add(actor.name_en)
            out.append((Entity(w0.start, w1.end, ctx.doc.text[w0.start:w1.end], "ORG", actor.name_en, "rule"), actor))
    return out


def _state_force(registry, iso: str, kind: str, published: str | None):
    prefix = f"{kind} Forces of "
    options = [a for a in registry.actors if a.country == iso and a.type == "state_forces" and a.name_en.startswith(prefix)]
    if not options:
        return None
    return registry.current(min(options, key=lambda a: len(a.name_en)), published)


def _inter(actor) -> int | None:
    return getattr(actor, "acled_inter", None)


def _country_iso(doc: Document) -> str | None:
    """The country most places of the document are in."""
    counts: dict[str, int] = {}
    for p in doc.places:
        counts[p.country] = counts.get(p.country, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _country_name(iso: str | None) -> str:
    """The article's country by its English name, as ACLED writes it in "Civilians (Syria)"."""
    return countries().get(iso, {}).get("name", iso) if iso else "Unknown"


# --- where, how many --------------------------------------------------------------------------------------

def _location(doc: Document, ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch, sentence) -> Place | None:
    """The sentence's place the event happened at: precise, introduced as a location ("في", "قرب", "ريف"),
    near the trigger; else the last place named before the sentence."""
    trig = ctx.words[match.start].start
    here = ctx.spans["places"].within(sentence.start, sentence.end)
    if here:
        locative = _locative_starts(ctx, lex)
        return min(here, key=lambda p: (p.precision + (0 if _introduced_as_location(p, ctx, locative) else 1.5),
                                        0 if p.start >= trig else 1, abs(p.start - trig)))
    return ctx.spans["places"].last_before(sentence.start)


def _locative_starts(ctx: SentenceContext, lex: EventLexicon) -> set[int]:
    """Offsets where a word introducing a location ends: the place that follows is where something happened."""
    return {ctx.words[e - 1].end for _, e, _ in lex.phrase_sets["locative_cues"].find(ctx.words)}


def _introduced_as_location(place: Place, ctx: SentenceContext, locative: set[int]) -> bool:
    """Written as where something is: "بحلب", "ريف حماة", "مدينة إدلب", or right after "في", "قرب", "محيط"."""
    head = place.text.split()[0] if place.text else ""
    if (head[:1] in "بو" and len(head) > 3) or head.startswith(("ريف", "محافظة", "مدينة", "بلدة", "قرية")):
        return True
    return any(0 <= place.start - off <= 12 and not ctx.doc.text[off:place.start].strip(" \u201c\u201d\"«»(")
               for off in locative)


_PERSON_DUALS = ("شخصين", "شخصان", "طفلين", "طفلان", "جنديين", "جنديان", "عنصرين", "عنصران", "مدنيان")
_SINGLE_PERSON = ("شخص", "مدني", "طفل", "طفله", "جندي", "عنصر", "مواطن", "امراه", "سيده", "رجل")


def _fatalities(ctx: SentenceContext, lex: EventLexicon) -> tuple[int | None, int | None]:
    """Deaths reported in the sentence: numbers next to a fatality word, with civilians counted apart.

    "مقتل خمسة مسلحين", "مقتل 3 مدنيين و2 من عناصر الأمن", "سقوط 4 قتلى", "قتل متظاهران" (a dual is two),
    "مقتل شخص" (one).  Counting stops at the wounded: "قتل متظاهران وأصيب 17 آخرون" is two dead.
    """
    words = ctx.words
    injured = {s for s, _, _ in lex.phrase_sets["injury_words"].find(words)}
    total = civilians = 0
    found = False
    for s, e, _ in lex.phrase_sets["fatality_words"].find(words):
        counts: list[tuple[float, int]] = []  # (value, index of the counted noun)
        k = e
        while k < len(words) and k < e + 8 and k not in injured:
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
            found = True
            total += int(value)
            if lex.has("civilian_words", words[noun:noun + 2]):
                civilians += int(value)
    if not found:
        return None, None
    return total, (civilians or None)


# --- merging and confidence -------------------------------------------------------------------------------

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


def _merge(candidates: list[Candidate]) -> tuple[list[Event], dict[int, int]]:
    """Mentions of one event become one: same family and modality, compatible day and place, and the same
    paragraph or the same trigger wording (a later "clashes" repeats an earlier "clashes broke out").
    Demonstrations merge across the article: one protest is described sentence by sentence."""
    merged: list[Candidate] = []
    remap: dict[int, int] = {}
    for i, c in enumerate(candidates):
        if c.dropped:
            continue
        target = next((j for j, m in enumerate(merged) if _mergeable(m, c)), None)
        if target is None:
            remap[i] = len(merged)
            merged.append(c)
        else:
            remap[i] = target
            _absorb(merged[target], c)
    return [m.event for m in merged], remap


def _mergeable(m: Candidate, c: Candidate) -> bool:
    if c.paragraph in m.paragraphs:
        return _same_event(m.event, c.event)
    # across paragraphs a repeated wording (or a protest told sentence by sentence) must also agree on the place:
    # "وفي مدينة مصراتة، خرج المئات في اليوم ذاته" is a second protest, not more of the first
    if c.separate:
        return False  # "وفي حادث منفصل ..."
    if not c.own_place:  # a later mention naming no new place tells more of the same event (its place is inherited)
        return _same_event(m.event, c.event, ignore_place=True)
    if not (c.pattern in m.patterns or _family(c.event) == "demonstration"):
        return False
    a, b = m.event.location, c.event.location
    if a is None or b is None:
        return False
    # a second town named in a later paragraph is a second event, however close
    return _same_event(m.event, c.event) and (a.name_en == b.name_en or haversine_km(a.lat, a.lon, b.lat, b.lon) <= 5)


def _fold_arrests_into_protests(candidates: list[Candidate], doc: Document, lex: EventLexicon) -> None:
    """Police arresting demonstrators is the intervention in a protest, not an event of its own."""
    protests = [c for c in candidates if c.event.event_type == "Protests" and c.event.modality == "asserted"]
    for c in candidates:
        if c.event.sub_event_type != "Arrests" or not protests:
            continue
        starts = [t.start for t in doc.tokens]
        sentence = doc.tokens[bisect.bisect_left(starts, c.sentence):bisect.bisect_left(starts, c.event.evidence[0][1])]
        if c.paragraph in {p.paragraph for p in protests} or lex.has("protester_words", sentence):
            c.event.event_type, c.event.sub_event_type = "Protests", "Protest with intervention"


def _drop_transfers_won_in_battle(candidates: list[Candidate]) -> None:
    """A withdrawal reported alongside the battle that forced it is that battle's outcome, not a peaceful handover."""
    battle_days = {c.event.event_date for c in candidates if c.event.event_type == "Battles" and c.event.modality == "asserted"}
    for c in candidates:
        if c.event.sub_event_type == "Non-violent transfer of territory" and c.event.event_date in battle_days:
            c.dropped = True


def _fold_fire_into_battles(candidates: list[Candidate]) -> None:
    """Shelling and drone strikes told in the paragraph of a clash between the same sides are that battle's
    weapons (one event per action, place and day), unless they killed people of their own."""
    battles = [c for c in candidates if c.event.event_type == "Battles" and c.event.modality == "asserted" and not c.dropped]
    for c in candidates:
        e = c.event
        if e.event_type != "Explosions/Remote violence" or e.modality != "asserted" or e.fatalities or c.dropped:
            continue
        battle = next((b for b in battles if (b.paragraph == c.paragraph or not c.own_place)
                       and _compatible_day(b.event, e)), None)
        if battle is not None:
            battle.event.evidence = sorted(set(battle.event.evidence) | set(e.evidence))
            c.dropped = True


def _compatible_day(a: Event, b: Event) -> bool:
    return a.event_date == b.event_date or max(a.time_precision or 3, b.time_precision or 3) >= 2


SAME_PLACE_KM = 30.0
MAX_EVIDENCE = 50


def _same_event(a: Event, b: Event, ignore_place: bool = False) -> bool:
    if a.modality != b.modality or _family(a) != _family(b):
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
SEVERITY = {"Peaceful protest": 0, "Protest with intervention": 1, "Violent demonstration": 2,
            "Excessive force against protesters": 3, "Mob violence": 2}


def _family(e: Event) -> str:
    """Sub-types that can describe one event: a protest that turns violent, fighting that takes a town."""
    if e.event_type in ("Protests", "Riots"):
        return "demonstration"
    return "battle" if e.event_type == "Battles" else e.sub_event_type


def _absorb(into_c: Candidate, other_c: Candidate) -> None:
    into, other = into_c.event, other_c.event
    if other_c.specificity > into_c.specificity or (
            other_c.specificity == into_c.specificity
            and SEVERITY.get(other.sub_event_type, -1) > SEVERITY.get(into.sub_event_type, -1)):
        into.event_type, into.sub_event_type = other.event_type, other.sub_event_type
        into_c.specificity = other_c.specificity
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


def _paragraph_starts(doc: Document) -> list[int]:
    """Where paragraphs start: after every line break (the cleaner separates paragraphs by a blank line,
    hand-written and fed text often by a single one)."""
    return [0] + [m.end() for m in _LINE_BREAKS.finditer(doc.text)]


def _paragraph_of(offset: int, starts: list[int]) -> int:
    return bisect.bisect_right(starts, offset) - 1

