"""The learned event coder: trained models decide which sentences report a new, asserted event, of which
sub-type, and a document-level decoder makes one event per sub-type, place and day.

The rules stay, as candidate generators and as features: `read_document` reads the sentences as the rule
coder does (triggers, cue words, attribution, dates, candidate events with their actors, places and counts).
For every sentence, a linear model over lexical, cue, trigger, date, position and entity features gives the
probability that it reports an event as news (not background, a tally, a plan, a threat, a denial, a
hypothesis or a headline's restatement), and a second model its sub-type.  A sentence the models accept takes
its facts (actors, place, date, fatalities) from the rules' candidate of that sentence when there is one, and
otherwise from the same fact readers run at the sentence's most telling word.  Mentions of one incident are
merged across sentences: ACLED's one event per sub-type, place and day.

The models are numpy weight tables over named features (resources/events/model.npz, rasd.nlp.linear), trained
by `rasd train-events` (rasd.train.events); inference needs numpy only.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from rasd.events import (Reading, SentenceReading, _event_from_trigger, _own_copy, finish, is_history,
                         read_document)
from rasd.events.attribution import SentenceContext
from rasd.events.classify import NOT_PARTIES
from rasd.events.facts import LINES, introduced_as_location, locative_starts
from rasd.events.lexicon import EventLexicon, Trigger, TriggerMatch
from rasd.events.merge import SEVERITY, family, fold_arrests_into_protests, merge
from rasd.events.roles import is_target, state_force
from rasd.model import Document, Event, Place
from rasd.nlp.linear import LinearModel
from rasd.resolve.actors import ActorRegistry
from rasd.resolve.geo import haversine_km
from rasd.resources import data_path
from rasd.resources.countries import country_name
from rasd.resources.taxonomy import TYPE_OF, VIOLENT_TYPES, EventType, Inter, Modality, SubEventType, interaction
from rasd.text.arabic import clitic_variants

MODEL_FILE = data_path("events", "model.npz")
SECOND_EVENT_MIN = 0.15  # a sentence's event of a second family is coded from this probability (outlet CV)
RULES_MARGIN = 0.05  # how far below the most likely sub-type one the rules read may be and still be taken
DAY_SLACK = 2  # days between an approximate date (the report's) and an exact one that may be one event's
SAME_PLACE_KM = 25.0  # mentions of one incident name places this close (or one of them names no town)
NONE = "none"
UNIDENTIFIED_INTER = Inter.POLITICAL_MILITIAS  # ACLED codes unidentified armed groups as political militias


def stem(norm: str) -> str:
    """The most stripped reading of a word: the form features are counted under (وبالقصف → قصف)."""
    return clitic_variants(norm)[-1]


def sentence_features(reading: Reading, i: int, lex: EventLexicon) -> list[str]:
    """The named features of one sentence of a read document."""
    s = reading.sentences[i]
    ctx = s.ctx
    norms = [w.norm for w in ctx.words]
    stems = [stem(n) for n in norms]
    out = [f"w:{x}" for x in set(stems)]
    out += [f"b:{a}_{b}" for a, b in set(zip(stems, stems[1:]))]
    out += [f"cue:{name}" for name in lex.cues.present(norms, ctx.scope) if name != "triggers"]
    out += [f"mod:{kind}" for _, _, kind in lex.find("modality", ctx.words, ctx.scope)]
    out += [f"trig:{m.trigger.kind}" for m in s.triggers]
    for k in s.candidates:
        event = reading.candidates[k].event
        out += [f"cand:{event.sub_event_type}|{event.modality}", f"candtype:{event.event_type}|{event.modality}",
                f"candmod:{event.modality}"]
    out.append(_date_feature(reading.published, s))
    out.append("pos:headline" if s.headline else f"pos:p{min(s.paragraph, 3)}")
    for e in ctx.entities:
        out.append(f"ent:{e.label}")
        if e.actor:
            out.append("ent:actor")
    for p in ctx.spans["places"].within(s.sentence.start, s.sentence.end):
        out.append(f"place:p{p.precision}")
    for q in ctx.spans["quantities"].within(s.sentence.start, s.sentence.end):
        out.append(f"qty:{q.unit}")
    if s.attribution.sources:
        out.append(f"src:{s.attribution.sources[0].kind}")
    if s.attribution.hedges:
        out.append("hedged")
    out.append("bias")
    return list(dict.fromkeys(out))


def _date_feature(published: date | None, s: SentenceReading) -> str:
    """How far back the sentence's date (its own, or the one it carries over) lies from publication."""
    if published is None or s.when is None:
        return "date:none"
    days = (published - s.when[0]).days
    if days < 0:
        return "date:future"
    for limit, name in ((0, "same"), (1, "day"), (7, "week"), (31, "month")):
        if days <= limit:
            return f"date:{name}"
    return "date:old"


def place_candidates(reading: Reading, i: int, anchor: int, lex: EventLexicon, sub_type: SubEventType
                     ) -> list[tuple[Place, list[str]]]:
    """The places an event of `sub_type` told in sentence i may have happened at, each with its features: the
    sentence's own places, those of the two sentences before it, the headline's, and the rest of the article's.
    The word before a place counts again with the sub-type: "من غزة" is where a rocket was fired from (the event
    is where it fell) but where a protest or an arrest was."""
    s = reading.sentences[i]
    ctx = s.ctx
    places = ctx.spans["places"]
    anchor_at = ctx.words[anchor].start if ctx.words else s.sentence.start
    sources = [("same", i)] + [(f"before{k}", i - k) for k in (1, 2) if i - k >= 0]
    if i > 0 and reading.sentences[0].headline:
        sources.append(("headline", 0))
    sources += [("earlier", j) for j in range(max(0, i - 2))]
    sources += [("later", j) for j in range(i + 1, len(reading.sentences))]
    # the countries the sentence itself names places in: a place elsewhere in the article, in none of them, is
    # rarely where this sentence's event happened ("قتل 11 إيرانيا ... في سوريا" under a headline about Beijing)
    own_countries = {p.country for p in places.within(s.sentence.start, s.sentence.end) if p.feature_code not in LINES}
    out: list[tuple[Place, list[str]]] = []
    seen: set[tuple[str, float, float]] = set()
    for where, j in sources:
        for p, key, head, tail in _sentence_places(reading, j, lex):
            if key in seen:
                continue
            seen.add(key)
            features = [f"where:{where}", *head, f"where_prec:{where}|{p.precision}", *tail,
                        *(f"{f}|{sub_type.value}" for f in tail if f.startswith("before:"))]
            if where == "same":
                distance = abs(p.start - anchor_at)
                features += [f"side:{'after' if p.start >= anchor_at else 'before'}",
                             f"dist:{0 if distance < 20 else 1 if distance < 60 else 2 if distance < 150 else 3}"]
            if p.country == ctx.country:
                features.append("main_country")
            if p.direction:
                features.append("direction")
            if where != "same" and own_countries:
                features.append("sentence_names_a_place" if p.country in own_countries else "sentence_names_another_country")
            features.append("bias")
            out.append((p, features))
    return out


def _sentence_places(reading: Reading, j: int, lex: EventLexicon
                     ) -> list[tuple[Place, tuple[str, float, float], list[str], list[str]]]:
    """Sentence j's places (lines left out), each with its key and the features it has wherever the event is told,
    in two parts that place_candidates puts around its own (precision, feature code, how often the article names it;
    then how it is introduced and the word before it): read once per document, as every event of the article ranks
    them (kept in reading.place_memo)."""
    memo = reading.place_memo.get(j)
    if memo is not None:
        return memo
    other = reading.sentences[j]
    places = other.ctx.spans["places"]
    named = [p for p in places.within(other.sentence.start, other.sentence.end) if p.feature_code not in LINES]
    memo = []
    if named:
        locative = locative_starts(other.ctx, lex)
        word_starts = [w.start for w in other.ctx.words]
        counts = Counter(p.name_en for p in places.items)
    for p in named:
        head = [f"prec:{p.precision}", f"code:{p.feature_code or '-'}", f"count:{min(counts.get(p.name_en, 1), 3)}"]
        tail = ["introduced"] if introduced_as_location(p, other.ctx, locative) else []
        memo.append((p, (p.name_en, p.lat, p.lon), head, tail + _word_features(p, other.ctx, word_starts)))
    reading.place_memo[j] = memo
    return memo


def _word_features(p: Place, ctx: SentenceContext, word_starts: list[int]) -> list[str]:
    """The word before a place and the clitic joined to it: "من غزة" is where a rocket came from, "قالت إسرائيل"
    a government speaking, "على غزة" and "بصعدة" where something happened."""
    k = bisect_right(word_starts, p.start) - 1  # the word the place starts in
    clitic = ctx.doc.text[ctx.words[k].start:p.start] if k >= 0 else ""
    before = stem(ctx.words[k - 1].norm) if k >= 1 else "^"
    return [f"before:{before}", f"clitic:{clitic or '-'}"]


@dataclass(frozen=True)
class EventModels:
    detector: LinearModel  # one class: the sentence reports a new, asserted event
    sub_types: LinearModel  # which of the sub-types, given that it does
    places: LinearModel  # one class: a candidate place is where the event happened
    threshold: float  # sentences at or above this probability report an event
    # one class: the event is right as coded, from its score and its source chain (fitted on the dev split)
    calibration: LinearModel | None = None
    # one class: a candidate is the event's actor1
    roles: LinearModel | None = None

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "EventModels":
        with np.load(path, allow_pickle=False) as data:
            optional = {name: LinearModel.from_arrays(data, name) if f"{name}_bias" in data else None
                        for name in ("calibration", "roles")}
            return cls(LinearModel.from_arrays(data, "detector"), LinearModel.from_arrays(data, "sub_types"),
                       LinearModel.from_arrays(data, "places"), float(data["threshold"]), **optional)

    def save(self, path: Path) -> None:
        optional = {k: v for name in ("calibration", "roles") if getattr(self, name) is not None
                    for k, v in getattr(self, name).arrays(name).items()}
        np.savez_compressed(path, **self.detector.arrays("detector"), **self.sub_types.arrays("sub_types"),
                            **self.places.arrays("places"), threshold=np.array(self.threshold), **optional)

    def actor1(self, candidates: list[tuple[str, int | None, list[str]]]) -> tuple[str, int | None] | None:
        """The candidate most likely to be actor1 (None without a roles model or candidates)."""
        if self.roles is None or not candidates:
            return None
        name, inter_code, _ = max(candidates, key=lambda c: self.roles.log_odds(c[2]))
        return name, inter_code

    def confidence(self, event: Event, score: float) -> float:
        """The probability that the event is right as coded: its score, calibrated with its source chain when
        a calibration has been fitted (else the score itself)."""
        if self.calibration is None:
            return score
        return float(self.calibration.probabilities(calibration_features(event, score))[0])

    def place(self, candidates: list[tuple[Place, list[str]]]) -> Place | None:
        """The candidate most likely to be where the event happened."""
        if not candidates:
            return None
        return max(candidates, key=lambda c: self.places.log_odds(c[1]))[0]

    def decide(self, features: list[str], read: frozenset[str] = frozenset()) -> tuple[float, SubEventType | None, float]:
        """(probability of an event, its sub-type, the most likely sub-type's probability); (p, None, 0.0) when the
        probability of an event alone is below the threshold.  Of sub-types within
        RULES_MARGIN of the most likely, one the rules read in the sentence (`read`) is taken: a near tie is
        settled by the sentence's own words ("200 drones arrived" is a shipment, not an air strike), and it keeps
        the tie's probability, so that settling it never decides whether the sentence reports an event."""
        p_event = float(self.detector.probabilities(features)[0])
        if p_event < self.threshold:  # no sub-type's probability can lift it to an event: left uncomputed
            return p_event, None, 0.0
        p_sub = self.sub_types.probabilities(features)
        best = top = int(np.argmax(p_sub))
        backed = [k for k, name in enumerate(self.sub_types.classes) if name in read and p_sub[k] >= p_sub[top] - RULES_MARGIN]
        if backed:
            best = max(backed, key=lambda k: p_sub[k])
        return p_event, SubEventType(self.sub_types.classes[best]), float(p_sub[top])


class LearnedCoder:
    """The event coder of `--engine learned`: the rules read, trained models decide."""

    def __init__(self, lexicon: EventLexicon, registry: ActorRegistry, models: EventModels):
        self.lexicon = lexicon
        self.registry = registry
        self.models = models

    def extract(self, doc: Document) -> None:
        reading = read_document(doc, self.lexicon, self.registry)
        mentions: list[tuple[int, Event, float]] = []  # (sentence order, event, probability)
        for i, s in enumerate(reading.sentences):
            p_event, sub_type, p_sub = self.decide(reading, i)
            if p_event * p_sub < self.models.threshold:
                continue
            event = self._event_of(doc, reading, i, sub_type)
            if event is None:
                continue
            event.confidence = p_event * p_sub
            mentions.append((i, event, p_event * p_sub))
            for place in coordinated_places(doc.text, s, event.location):
                # ACLED codes one event per location: "استهدفت بلدات مسرابا وجسرين وكفربطنا" is three
                other = _copy_event(event)
                other.location = place
                mentions.append((i, other, p_event * p_sub))
            for other_type, p_other in self.second_events(reading, i, event, p_event):
                other = self._event_of(doc, reading, i, other_type)
                if other is not None:
                    other.confidence = p_other
                    mentions.append((i, other, p_other))
        decoded = decode(mentions)
        events = decoded + _statements_not_coded(reading, decoded, doc, self.lexicon)
        finish(doc, reading, events, _claim_remap(reading, events), self.registry)
        for event, (_, _, score) in zip(decoded, _strongest(mentions, decoded)):
            event.confidence = round(self.models.confidence(event, score), 3)
            event.sources.confidence = event.confidence

    def second_events(self, reading: Reading, i: int, first: Event, p_event: float) -> list[tuple[SubEventType, float]]:
        """The sub-types of other families that sentence i also reports ("قصف مدفعي وجوي", a missile fired and
        shot down), with their probabilities: those the rules read there as asserted events and the sub-type
        model gives at least SECOND_EVENT_MIN, beside the sentence's first event."""
        others = {t for t in _asserted_sub_types(reading, i) if family(_stub(t)) != family(first)}
        if not others:
            return []
        model = self.models.sub_types
        p_sub = model.probabilities(sentence_features(reading, i, self.lexicon))
        found = [(t, p_event * float(p_sub[model.classes.index(t.value)])) for t in others if t.value in model.classes]
        return sorted((pair for pair in found if pair[1] >= SECOND_EVENT_MIN), key=lambda pair: -pair[1])

    def decide(self, reading: Reading, i: int) -> tuple[float, SubEventType | None, float]:
        """Whether sentence i reports an event, and of which sub-type (tools/compare_event_models.py puts other
        sentence models here to compare them through the same decoding)."""
        read = frozenset(t.value for t in _asserted_sub_types(reading, i))
        return self.models.decide(sentence_features(reading, i, self.lexicon), read)

    def _event_of(self, doc: Document, reading: Reading, i: int, sub_type: SubEventType) -> Event | None:
        """The sentence's event with the decided sub-type: the rules' candidate of the sentence when they made one
        of that sub-type (its actors, place, date and counts, gathered over the sentences that tell it); else one
        read afresh for that sub-type at the sentence's most telling word, so that its roles fit the sub-type."""
        s = reading.sentences[i]
        made = [reading.candidates[k].event for k in s.candidates]
        anchor = _anchor(s)
        chosen = next((e for e in made if e.sub_event_type == sub_type), None)
        if chosen is not None:
            event = _copy_event(chosen)
        else:
            related = next((e for e in made if family(e) == family(_stub(sub_type))), None) or (made[0] if made else None)
            at = _word_at(s, doc.text.find(related.trigger, s.sentence.start, s.sentence.end)) \
                if related is not None and related.trigger else anchor
            trigger = Trigger("", (), sub_type, "noun")
            made_now = _event_from_trigger(doc, s.ctx, self.lexicon, self.registry,
                                           TriggerMatch(at, at + 1, at + 1, trigger), s.sentence,
                                           reading.published, s.when)
            if made_now is None:
                return None
            event = made_now[0]
            event.sources = _own_copy(s.attribution)
        event.event_type, event.sub_event_type = TYPE_OF[sub_type], sub_type
        chosen_place = self.models.place(place_candidates(reading, i, anchor, self.lexicon, sub_type))
        event.location = _town_located_by(doc.text, s, chosen_place)
        candidates = role_candidates(s, event, anchor, self.lexicon, self.registry)
        if sub_type == SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS:
            # the force that fired, never the crowd (the guide's roles), when the sentence names one
            candidates = [c for c in candidates if "kind:state_forces" in c[2]] or candidates
        chosen_actor = self.models.actor1(candidates)
        if chosen_actor is not None and chosen_actor[0] != event.actor1:
            if chosen_actor[0] == event.actor2:  # the rules had the sides the other way round
                event.actor2, event.inter2 = event.actor1, event.inter1
            event.actor1, event.inter1 = chosen_actor
            event.interaction = interaction(event.inter1, event.inter2)
        if sub_type == SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS and (event.actor1 or "").startswith(CROWDS):
            # the guide's roles: the crowd is who the force was used on (actor2), whoever used it is actor1
            event.actor1, event.inter1, event.actor2, event.inter2 = event.actor2, event.inter2, event.actor1, event.inter1
            event.interaction = interaction(event.inter1, event.inter2)
        country = event.location.country if event.location else s.ctx.country
        by_convention = _actor1_by_convention(event, country, self.registry, doc.published)
        if by_convention is not None:
            displaced = self.registry.get(event.actor1) if event.actor1 else None
            if event.actor2 is None and displaced is not None and displaced.type == "rebel_group":
                # the rebels the state's forces fought, took ground from or shot down are the other side
                event.actor2, event.inter2 = displaced.name_en, displaced.acled_inter
            event.actor1, event.inter1 = by_convention
            event.interaction = interaction(event.inter1, event.inter2)
        if event.actor1 is None and event.event_type in VIOLENT_TYPES:
            # ACLED's convention for violence whose perpetrator the report does not name
            event.actor1, event.inter1 = f"Unidentified Armed Group ({country_name(country)})", UNIDENTIFIED_INTER
            event.interaction = interaction(event.inter1, event.inter2)
        # an incident more than a month old is background however the sentence tells it (the guide), as the rules code it
        old = bool(reading.published and event.event_date
                   and is_history(date.fromisoformat(event.event_date), reading.published))
        event.modality = Modality.REFERENCE if old else Modality.ASSERTED
        event.evidence = [(s.sentence.start, s.sentence.end)]
        return event


# who acts in these sub-types when the report names nobody ("اعتقلت السلطات", "اعترضت الدفاعات الجوية"): the
# state's forces of the country it happened in, as ACLED codes them
UNNAMED_STATE_ACTOR1 = {SubEventType.ARRESTS: "Police", SubEventType.DISRUPTED_WEAPONS_USE: "Military",
                        SubEventType.GOVERNMENT_REGAINS_TERRITORY: "Military"}
# the crowd each event type's actor1 is, as ACLED names it, and the other crowd's name it replaces
CROWD = {SubEventType.PEACEFUL_PROTEST: ("Protesters", Inter.PROTESTERS),
         SubEventType.PROTEST_WITH_INTERVENTION: ("Protesters", Inter.PROTESTERS),
         SubEventType.VIOLENT_DEMONSTRATION: ("Rioters", Inter.RIOTERS),
         SubEventType.MOB_VIOLENCE: ("Rioters", Inter.RIOTERS)}
OTHER_CROWD = {"Protesters": "Rioters", "Rioters": "Protesters"}
CROWDS = tuple(OTHER_CROWD)
YEMEN_COALITION, HOUTHIS = "Saudi-led coalition in Yemen", "Houthis (Ansar Allah)"
# the actor1s of air strikes in Yemen that are the coalition's: its members' forces, the Yemeni government's it
# flies for ("غارات مساندة لقوات الشرعية"), and the Houthis (read as actor1 from "غارات على الحوثيين", they are whom
# the coalition's aircraft strike); 126 of the 127 annotated air strikes in Yemen are the coalition's
CODED_AS_COALITION = {HOUTHIS, "Military Forces of Saudi Arabia", "Military Forces of the United Arab Emirates",
                      "Military Forces of Yemen (Government)"}
# whose forces act in a country other than its own, meeting its protests and striking from its skies: Israel's
# army in Gaza and the West Bank
FORCES_IN = {"PS": ("IL", "Military")}
AIR_ARMS = ("Air Force", "Aerospace Force")  # an air arm is not an actor of its own: its state's military is
# what a country's (or, per FORCES_IN, its occupier's) forces do to a rebel group, never the rebel group itself
STATE_FORCES_ACT_ON_REBELS = frozenset({SubEventType.GOVERNMENT_REGAINS_TERRITORY, SubEventType.DISRUPTED_WEAPONS_USE})


def _forces(registry: ActorRegistry, country: str, kind: str, published: str | None) -> tuple[str, int | None] | None:
    """The (name, inter code) of a country's military or police forces on the day, if the registry has them."""
    forces = state_force(registry, country, kind, published)
    return (forces.name_en, forces.acled_inter) if forces is not None else None


def _actor1_by_convention(event: Event, country: str | None, registry: ActorRegistry,
                          published: str | None) -> tuple[str, int | None] | None:
    """ACLED's actor1 (name, inter code) where its conventions differ from the report's words, or None when the
    actor1 stands as it is: a person is not an actor, what they lead is; a government does not fight and an air
    force is not an actor of its own, their country's military forces are; an arrest or an interception nobody is
    named for is the work of the country's police or military forces (ACLED's name for them when the registry has
    none), and so is an interception of a rebel group's missile; the crowd of a peaceful protest is protesters,
    that of a riot rioters."""
    actor = registry.get(event.actor1) if event.actor1 else None
    led = registry.by_id(actor.member_of) if actor is not None and actor.is_person and actor.member_of else None
    if led is not None:
        # a person is not one of ACLED's actors: the force, party or government they lead or belong to is
        # ("أعلن أردوغان السيطرة على عفرين" is Turkey's military, "حفتر يعلن سيطرته على درنة" Haftar's army)
        led = registry.current(led, published)
        as_led = _copy_event(event)
        as_led.actor1 = led.name_en
        return _actor1_by_convention(as_led, country, registry, published) or (led.name_en, led.acled_inter)
    if actor is not None and actor.country and (
            (actor.type == "government" and event.event_type in VIOLENT_TYPES)
            or (actor.type == "state_forces" and any(arm in actor.name_en for arm in AIR_ARMS)
                and "Intelligence" not in actor.name_en)):
        return _forces(registry, actor.country, "Military", published)
    if event.sub_event_type in STATE_FORCES_ACT_ON_REBELS and actor is not None and (
            actor.type == "rebel_group") and country:
        # a rebel group does not regain territory for a government, nor shoot down its own missile ("أقرت
        # الميليشيات الحوثية بإطلاقها صواريخ" over Riyadh): it is the side the state's forces took the territory
        # from or whose missile they stopped (militias that clear mines stay actor1)
        return _forces(registry, *FORCES_IN.get(country, (country, "Military")), published)
    if country == "YE" and event.event_type == EventType.BATTLES and event.actor1 == HOUTHIS and (
            event.actor2 in (None, HOUTHIS)):
        # a battle told through the Houthis' side alone ("مقتل 20 من الحوثيين في مواجهات"): they are the side
        # attacked, and the side that fights them is the government's forces
        return _forces(registry, "YE", "Military", published)
    if event.sub_event_type == SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS and country and (
            event.actor1 is None or event.actor1.startswith(CROWDS)):
        # the crowd is who the force was used on: the forces that police the country's protests used it
        return _forces(registry, *FORCES_IN.get(country, (country, "Police")), published)
    crowd = CROWD.get(event.sub_event_type)
    if crowd is not None and event.actor1 and event.actor1.startswith(OTHER_CROWD[crowd[0]] + " ("):
        return crowd[0] + event.actor1[len(OTHER_CROWD[crowd[0]]):], crowd[1]
    unnamed = event.actor1 is None or event.actor1.startswith(GENERIC_KINDS)
    if event.sub_event_type == SubEventType.AIR_DRONE_STRIKE and country and (
            unnamed or (country == "YE" and event.actor1 in CODED_AS_COALITION)):
        # aircraft belong to states: in Yemen the Saudi-led coalition's (the Houthis are who they strike, its
        # members' strikes are the coalition's), in Gaza and the West Bank Israel's, elsewhere military forces of a
        # side the report does not name
        if country == "YE":
            coalition = registry.get(YEMEN_COALITION)
            return coalition.name_en, coalition.acled_inter
        if country in FORCES_IN:
            return _forces(registry, *FORCES_IN[country], published)
        return f"Unidentified Military Forces ({country_name(country)})", Inter.STATE_FORCES
    kind = UNNAMED_STATE_ACTOR1.get(event.sub_event_type)
    if not (unnamed and kind and country):
        return None
    return _forces(registry, country, kind, published) or (
        f"{kind} Forces of {_with_article(country_name(country))}", Inter.STATE_FORCES)


# countries ACLED names with "the" in its actors' names ("Police Forces of the Netherlands")
ARTICLE_COUNTRIES = frozenset({"United States", "United Kingdom", "United Arab Emirates", "Philippines",
                               "Netherlands", "Central African Republic", "Dominican Republic"})


def _with_article(name: str) -> str:
    """A country's name as it follows "Forces of": "the United States", "the Netherlands", "Egypt"."""
    bare = name[4:] if name.startswith("The ") else name
    return f"the {bare}" if bare in ARTICLE_COUNTRIES else bare


def _word_at(s: SentenceReading, offset: int) -> int:
    """The index of the sentence's word that starts at (or covers) a character offset; 0 when none does."""
    return next((k for k, w in enumerate(s.ctx.words) if w.start <= offset < w.end or w.start >= offset), 0)


GENERIC_KINDS = ("Civilians", "Protesters", "Rioters", "Unidentified Armed Group", "Unidentified Military Forces")


def role_candidates(s: SentenceReading, event: Event, anchor: int, lex: EventLexicon,
                    registry: ActorRegistry) -> list[tuple[str, int | None, list[str]]]:
    """Who may be the event's actor1, each with its inter code and features: the sides the rules gave it, every
    registry actor the sentence names (reporters and monitors aside), and an unidentified armed group."""
    ctx = s.ctx
    anchor_at = ctx.words[anchor].start if ctx.words else s.sentence.start
    fam = family(event)
    found: dict[str, tuple[int | None, list[str]]] = {}

    def add(name: str, inter_code: int | None, features: list[str]) -> None:
        kind = next((k for k in GENERIC_KINDS if name.startswith(f"{k} (")), None)
        actor = registry.get(name)
        kind = kind or (actor.type if actor is not None else "unknown")
        known = found.setdefault(name, (inter_code, [f"kind:{kind}", f"fam_kind:{fam}|{kind}", "bias"]))
        known[1].extend(f for f in features if f not in known[1])

    for role, name, inter_code in (("actor1", event.actor1, event.inter1), ("actor2", event.actor2, event.inter2),
                                   ("assoc1", event.assoc_actor_1, None), ("assoc2", event.assoc_actor_2, None)):
        if name:
            add(name, inter_code, [f"rule:{role}", f"fam_rule:{fam}|{role}"])
    first = True
    for e in ctx.entities:
        actor = registry.get(e.actor) if e.actor else None
        if actor is None or actor.type in NOT_PARTIES:
            continue
        side = "before" if e.end <= anchor_at else "after"
        features = [f"side:{side}", f"fam_side:{fam}|{side}"]
        if first:
            features.append("first_named")
            first = False
        if is_target(e, ctx, lex):
            features.append("target_cue")
        if actor.country and actor.country == ctx.country:
            features.append("home")
        add(actor.name_en, actor.acled_inter, features)
    country = event.location.country if event.location else ctx.country
    add(f"Unidentified Armed Group ({country_name(country)})", UNIDENTIFIED_INTER, ["fallback"])
    return [(name, inter_code, features) for name, (inter_code, features) in found.items()]


def calibration_features(event: Event, score: float) -> list[str]:
    """What the confidence of an event is read from: its model score (in tenths), who first said it, whether it
    is hedged, and how precisely it is placed."""
    chain = event.sources.sources
    return [f"score:{min(int(score * 10), 9)}", f"src:{chain[0].kind if chain else 'none'}",
            f"hedged:{bool(event.sources.hedges)}", f"prec:{event.location.precision if event.location else 0}",
            "bias"]


def _asserted_sub_types(reading: Reading, i: int) -> set[SubEventType]:
    """The sub-types of the events the rules read as asserted in sentence i."""
    return {reading.candidates[k].event.sub_event_type for k in reading.sentences[i].candidates
            if reading.candidates[k].event.modality == Modality.ASSERTED}


def _stub(sub_type: SubEventType) -> Event:
    return Event(TYPE_OF[sub_type], sub_type, [])


def _copy_event(event: Event) -> Event:
    copy = Event(**{k: getattr(event, k) for k in event.__dataclass_fields__})
    copy.sources = _own_copy(event.sources)
    copy.quantities = list(event.quantities)
    copy.weapons = list(event.weapons)
    return copy


def _anchor(s: SentenceReading) -> int:
    """The word the sentence's event is read around: its first trigger word, else its first word."""
    return s.triggers[0].start if s.triggers else 0


def _statements_not_coded(reading: Reading, events: list[Event], doc: Document, lex: EventLexicon) -> list[Event]:
    """What the rules read as events that did not happen or are not news (negated, future, conditional,
    hypothetical, background, tallies, habits), in sentences the models coded nothing from: kept with their
    modality, as the rules coder keeps them, never as events."""
    covered = {start for event in events for start, _ in event.evidence}
    candidates = [c for c in reading.candidates if c.event.modality != Modality.ASSERTED]
    fold_arrests_into_protests(candidates, doc, lex)
    statements, _ = merge(candidates)
    return [e for e in statements if not any(start in covered for start, _ in e.evidence)]


def decode(mentions: list[tuple[int, Event, float]]) -> list[Event]:
    """One event per sub-type family, place and day: a mention joins an earlier event of its family whose day it
    shares (or either day is unknown) and whose place is within SAME_PLACE_KM (or either names no town).  The
    events one sentence tells at the several places it lists stay apart, however near the places are."""
    events: list[Event] = []
    told_in: list[set[int]] = []  # the sentences each event was told in
    for i, event, _ in mentions:
        target = next((k for k, e in enumerate(events) if i not in told_in[k] and _same_incident(e, event)), None)
        if target is None:
            events.append(event)
            told_in.append({i})
        else:
            _absorb(events[target], event)
            told_in[target].add(i)
    return events


_LOCATING_GAP = re.compile(r"\s*(?:في|ب)\s*")  # "سرمين في ريف إدلب", "كفرنبل بريف إدلب"


def _town_located_by(text: str, s: SentenceReading, place: Place | None) -> Place | None:
    """The town the chosen place locates when the sentence tells the town by it ("قصف بلدتي سرمين وبنش في ريف
    إدلب"): the most precise place the text gives is the event's (the guide's rule); else the place itself."""
    if place is None or place.precision == 1 or not s.sentence.start <= place.start < s.sentence.end:
        return place
    named = [p for p in s.ctx.spans["places"].within(s.sentence.start, place.start) if p.feature_code not in LINES]
    town = next((p for p in reversed(named) if p.end <= place.start), None)
    if town is not None and town.precision == 1 and town.country == place.country \
            and _LOCATING_GAP.fullmatch(text, town.end, place.start):
        return town
    return place


_LIST_GAP = re.compile(r"[\s،,]*(و?)\s*")  # what stands between two places of a list: "مسرابا وجسرين، وكفربطنا"


def coordinated_places(text: str, s: SentenceReading, place: Place | None) -> list[Place]:
    """The other places of the list the event's place stands in within its sentence ("في صعدة وحجة"), when it
    stands in one: places joined by و (or commas before a last و), none of them a country or told by its
    direction from another ("التحيتا جنوب الحديدة" places one town), the list not the two ends of a road or a
    front ("بين حلب ودمشق")."""
    if place is None:
        return []
    named = [p for p in s.ctx.spans["places"].within(s.sentence.start, s.sentence.end)
             if not (p.feature_code or "").startswith("PCL")]
    at = next((k for k, p in enumerate(named) if p.start == place.start and p.end == place.end), None)
    if at is None:
        return []
    gaps = [_LIST_GAP.fullmatch(text, a.end, b.start) for a, b in zip(named, named[1:])]
    first = last = at
    while first > 0 and gaps[first - 1]:
        first -= 1
    while last + 1 < len(named) and gaps[last]:
        last += 1
    listed = named[first:last + 1]
    if len(listed) < 2 or not any(g.group(1) for g in gaps[first:last]) or any(p.direction for p in listed) \
            or "بين" in text[max(s.sentence.start, listed[0].start - 12):listed[0].end]:
        return []
    return [p for p in listed if p is not named[at] and p.name_en != place.name_en]


def _same_incident(a: Event, b: Event) -> bool:
    if family(a) != family(b):
        return False
    if a.event_date and b.event_date and a.event_date != b.event_date and (
            _other_days(a, b) or a.event_type not in VIOLENT_TYPES and a.actor1 and b.actor1 and a.actor1 != b.actor1):
        # told on other days, one of them exactly, or a development of other actors (a shipment last week, a
        # meeting today): other events; violence told by its victims and by its perpetrators stays one
        return False
    la, lb = a.location, b.location
    if la is None or lb is None:
        return True
    if 3 in (la.precision, lb.precision):
        wide, other = (la, lb) if la.precision == 3 else (lb, la)
        return wide.country == other.country and (
            (wide.feature_code or "").startswith("PCL") or not wide.admin1 or wide.admin1 == other.admin1)
    return la.name_en == lb.name_en or haversine_km(la.lat, la.lon, lb.lat, lb.lon) <= SAME_PLACE_KM


def _other_days(a: Event, b: Event) -> bool:
    """Whether two mentions were told on other days: two exact days, or an exact day more than DAY_SLACK days
    from one that is only approximate (a sentence that names no day is dated by its report)."""
    if (a.time_precision or 3) == 1 and (b.time_precision or 3) == 1:
        return True
    if min(a.time_precision or 3, b.time_precision or 3) > 1:
        return False
    return abs((date.fromisoformat(a.event_date) - date.fromisoformat(b.event_date)).days) > DAY_SLACK


def _absorb(into: Event, other: Event) -> None:
    if SEVERITY.get(other.sub_event_type, -1) > SEVERITY.get(into.sub_event_type, -1) >= 0:
        # a protest that the police then broke up is one protest with intervention, as ACLED codes it
        into.event_type, into.sub_event_type = other.event_type, other.sub_event_type
    into.evidence = sorted(set(into.evidence) | set(other.evidence))
    if other.location is not None and (into.location is None or other.location.precision < into.location.precision):
        into.location = other.location
    if other.fatalities is not None:
        into.fatalities = max(into.fatalities or 0, other.fatalities)
    for name in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "interaction"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
    if other.time_precision is not None and (into.time_precision is None or other.time_precision < into.time_precision):
        into.event_date, into.time_precision = other.event_date, other.time_precision


def _claim_remap(reading: Reading, events: list[Event]) -> dict[int, int]:
    """Claims pointed at the rules' candidates; after decoding, each candidate index maps to the event whose
    evidence holds the candidate's sentence."""
    remap = {}
    for k, candidate in enumerate(reading.candidates):
        for j, event in enumerate(events):
            if any(start == candidate.sentence for start, _ in event.evidence):
                remap[k] = j
                break
    return remap


def _strongest(mentions: list[tuple[int, Event, float]], events: list[Event]) -> list[tuple[int, Event, float]]:
    """For each decoded event, its most probable mention."""
    out = []
    for event in events:
        starts = {start for start, _ in event.evidence}
        mine = [m for m in mentions if m[1].evidence[0][0] in starts]
        out.append(max(mine, key=lambda m: m[2]))
    return out
