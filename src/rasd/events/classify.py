"""Which ACLED type a trigger is, and whether the text says it happened.

The sub-type comes from the trigger itself or, for generic words ("قصف", "هجوم", "تفجير"), from the cue words
around it; the modality from cue words before it (negation, future, condition, hypothesis, purpose,
pluperfect background, tallies, habits).
"""
from __future__ import annotations

from dataclasses import replace

from rasd.events.attribution import SentenceContext
from rasd.events.lexicon import EventLexicon, Generic, TriggerMatch
from rasd.model import Token
from rasd.nlp.ner.rules import count_at
from rasd.resources.taxonomy import TYPE_OF, EventType, Modality, SubEventType
from rasd.resources import language_data

_LANGUAGE = language_data("events")  # the words this module looks for (resources/language/events.json)

ARMED = (1, 2, 3, 4, 8)


# Who reports, monitors or mediates is not a party to what happened (a UN statement on arrests, an agency).
NOT_PARTIES = ("outlet", "monitor", "international_org", "ngo")


ARMED_TYPES = ("state_forces", "rebel_group", "political_militia", "identity_militia")


MUNITIONS = tuple(_LANGUAGE["munitions"])
CUE_REACH = 6  # words on either side of a trigger whose cue words decide its sub-type


MODALITY_WINDOW = 8  # words before a trigger whose cues set its modality
TALLY_REACH = 12  # words after a violent trigger within which "منذ مطلع العام" makes it a tally


AGGREGATE_MIN = 10


def classify(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch, actors) -> tuple[str | None, str | None, int]:
    """(event type, sub-event type, specificity): 3 the trigger names the sub-type, 2 the sentence's cue words
    decided it, 1 a default for a generic word ("قصف", "هجوم", "تفجير")."""
    t = match.trigger
    if isinstance(t.kind, SubEventType):
        return TYPE_OF[t.kind], t.kind, 3
    # cue words around the trigger, not the trigger's own words ("قذائف" must not vouch for itself)
    near = ctx.words[max(0, match.start - CUE_REACH):match.start] + ctx.words[match.end:match.last + CUE_REACH]
    has = lambda name: lex.has(name, near, ctx.scope)  # noqa: E731
    if t.kind == Generic.SHOOTING:  # "برصاص قوات ...": gunfire, whatever drones the sentence also names
        if has("protester_words") or has("protest_nouns"):
            return EventType.PROTESTS, SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS, 2
        if has("civilian_words"):
            return EventType.VIOLENCE_AGAINST_CIVILIANS, SubEventType.ATTACK, 2
        return EventType.BATTLES, SubEventType.ARMED_CLASH, 1
    if t.kind == Generic.GATHERING:  # "تجمع مئات المحتجين أمام المبنى", not "تجمع للخيام قرب المنطقة"
        if not (has("protester_words") or has("crowd_words") or has("gathering_words")):
            return None, None, 0
        t = replace(t, kind=Generic.PROTEST)
    if t.kind == Generic.MEETING:
        # a meeting of armed groups' commanders is coded (it agrees on something); diplomats meeting is not news here
        armed = [a for a in actors if a[1] is not None and a[1].type in ARMED_TYPES]
        return (EventType.STRATEGIC_DEVELOPMENTS, SubEventType.AGREEMENT, 3) if armed else (None, None, 0)
    if t.kind == Generic.AGREEMENT:
        # an agreement reached, signed or in force, not one merely mentioned
        if lex.has("agreement_verbs", ctx.words, ctx.scope):
            return EventType.STRATEGIC_DEVELOPMENTS, SubEventType.AGREEMENT, 3
        return None, None, 0
    if t.kind == Generic.ARSON:  # whoever set the fire, the sentence says who they were
        if lex.has("protester_words", ctx.words, ctx.scope) or lex.has("crowd_words", ctx.words, ctx.scope):
            return EventType.RIOTS, SubEventType.VIOLENT_DEMONSTRATION, 2
        return EventType.STRATEGIC_DEVELOPMENTS, SubEventType.LOOTING_PROPERTY_DESTRUCTION, 2
    if t.kind == Generic.BEATING:  # "أقدم حشد من الأهالي على ضرب شاب حتى الموت": a crowd's beating is mob violence
        if has("crowd_words") or has("gathering_words") or has("protester_words"):
            return EventType.RIOTS, SubEventType.MOB_VIOLENCE, 2
        return None, None, 0  # "تعرضوا للضرب": mostly told of an incident already coded
    if t.kind == Generic.RAID:
        return EventType.STRATEGIC_DEVELOPMENTS, SubEventType.ARRESTS, 1
    if t.kind == Generic.KILL:
        if has("protester_words"):
            return EventType.PROTESTS, SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS, 1
        return EventType.VIOLENCE_AGAINST_CIVILIANS, SubEventType.ATTACK, 1
    if t.kind in (Generic.STRIKE, Generic.EXPLOSION, Generic.ATTACK) and has("chemical_words"):
        return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.CHEMICAL_WEAPON, 3
    if t.kind in (Generic.STRIKE, Generic.EXPLOSION, Generic.ATTACK):
        drones = any(w.norm in ("مسيره", "مسيرات", "المسيره", "المسيرات", "بالطائرات", "طائره") for w in ctx.words)
        if has("suicide_words") and not drones:
            return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.SUICIDE_BOMB, 2
        if has("air_words"):
            return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.AIR_DRONE_STRIKE, 2
        if has("ied_words") and t.kind != Generic.EXPLOSION:
            return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED, 2
    if t.kind == Generic.EXPLOSION:
        if has("artillery_words"):
            return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, 2
        return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.REMOTE_EXPLOSIVE_LANDMINE_IED, 2 if has("ied_words") else 1
    if t.kind == Generic.STRIKE:
        if has("artillery_words"):
            return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, 2
        if any(ctx.words[match.start].norm.endswith(m) for m in MUNITIONS):
            # a shell that falls on a house is shelling, whoever it hits (weak, so a clash can absorb it)
            return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, 1
        if has("fire_words") or has("civilian_words"):
            return EventType.VIOLENCE_AGAINST_CIVILIANS, SubEventType.ATTACK, 2
        if "قصف" not in ctx.words[match.start].norm and not lex.has("strike_cues", ctx.words, ctx.scope):
            return None, None, 0  # "استهدفت الحملة شبكة تمويل": targeting, but nothing was struck
        return EventType.EXPLOSIONS_REMOTE_VIOLENCE, SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, 1
    if t.kind == Generic.ATTACK:
        subject = ctx.words[match.end:match.end + 3]
        if lex.has("crowd_words", subject, ctx.scope) or lex.has("protester_words", subject, ctx.scope):
            return EventType.RIOTS, SubEventType.VIOLENT_DEMONSTRATION, 2  # "اقتحم محتجون غاضبون المبنى": the crowd attacks
        if has("protester_words"):
            return EventType.PROTESTS, SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS, 2
        armed = [a for a in actors if a[1] is not None and a[1].acled_inter in (1, 2, 3, 4, 8)]
        if has("riot_words") and not armed:
            return EventType.RIOTS, SubEventType.VIOLENT_DEMONSTRATION, 2
        if has("civilian_words") and len(armed) < 2:
            return EventType.VIOLENCE_AGAINST_CIVILIANS, SubEventType.ATTACK, 2
        return EventType.BATTLES, SubEventType.ARMED_CLASH, 1
    if t.kind == Generic.TERRITORY:
        first = actors[0][1] if actors and actors[0][1] is not None else None
        # territory changing hands outranks the fighting that took it (ACLED codes the takeover)
        if lex.has("peaceful_transfer_words", ctx.words, ctx.scope):
            return EventType.STRATEGIC_DEVELOPMENTS, SubEventType.NON_VIOLENT_TRANSFER_OF_TERRITORY, 4
        if first is not None and first.acled_inter == 1:
            return EventType.BATTLES, SubEventType.GOVERNMENT_REGAINS_TERRITORY, 4
        return EventType.BATTLES, SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, 4
    # ?protest
    if has("protest_force_words"):
        return EventType.PROTESTS, SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS, 2
    if has("riot_words"):
        return EventType.RIOTS, SubEventType.VIOLENT_DEMONSTRATION, 2
    if has("protest_intervention_words"):
        return EventType.PROTESTS, SubEventType.PROTEST_WITH_INTERVENTION, 2
    return EventType.PROTESTS, SubEventType.PEACEFUL_PROTEST, 1


def clause_start(ctx: SentenceContext, lex: EventLexicon, lo: int, trigger: int) -> int:
    """Where the trigger's clause begins, looking back no further than `lo`: after the last "و" + reporting verb
    ("ونفت الشرطة ... وأعلنت اعتقال تسعة": the denial does not reach the arrests)."""
    verbs = lex.normalized["reporting_verbs"]
    for k in range(trigger - 1, lo, -1):
        norm = ctx.words[k].norm
        if norm[:1] == "و" and norm[1:] in verbs:
            return k
    return lo


def aggregate_count(before: list[Token]) -> bool:
    """A count of ten or more (or "dozens", "hundreds") right before the trigger word."""
    parsed = count_at([w.norm for w in before[-1:]], 0) if before else None
    return parsed is not None and parsed[0] >= AGGREGATE_MIN


def pluperfect(words: list[Token], lo: int, trigger: int, lex: EventLexicon, scope: int) -> bool:
    """"وكانت المواجهات قد أسفرت", "وكان الجيش قد سيطر": كان before the trigger, قد within four words of it."""
    heads = [lo + i for i, _, _ in lex.find("pluperfect_heads", words[lo:trigger + 1], scope)]
    return any(w.norm == "قد" for h in heads for w in words[h + 1:h + 5])


def modality(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch) -> str:
    """asserted, or why the statement is not a past event: negated, future, conditional, hypothetical, or a
    reference to an earlier event or agreement ("بموجب اتفاق", "خرق الهدنة")."""
    words = ctx.words
    head = words[match.start].norm
    if match.trigger.pos == "noun" and head.startswith("ل") and not head.startswith("ال") and not (
            lex.has("subjected_to", words[:match.start], ctx.scope)):
        return Modality.HYPOTHETICAL  # ل + verbal noun states a purpose ("لشن هجوم", "معدة للتفجير"), but "تعرض لهجوم" happened
    lo = clause_start(ctx, lex, max(0, match.start - MODALITY_WINDOW), match.start)
    window = words[lo:match.start + 1]
    found = None
    for s, e, kind in lex.find("modality", window, ctx.scope):
        if kind == Modality.NEGATED and lo + e < len(words) and words[lo + e].norm in lex.normalized["negation_exceptions"]:
            continue  # "لم يتسن التحقق", "لم تعلن أي جهة": a hedge, not a negated event
        found = kind
    if found:
        return found
    if pluperfect(words, lo, match.start, lex, ctx.scope):
        return Modality.REFERENCE  # "وكانت قوات الدعم السريع قد سيطرت": background told in the pluperfect
    if match.start and match.trigger.violent and aggregate_count(
            words[max(0, match.start - 2):match.start]):
        return Modality.AGGREGATE  # "أكثر من 700 اعتداء خلال الشهر": a tally, not one event
    if (match.trigger.violent or match.trigger.kind is Generic.KILL) and lex.has(
            "tally_after", words[match.last:match.last + TALLY_REACH], ctx.scope):
        return Modality.AGGREGATE  # "قُتل أكثر من 130 شخصاً بانفجار ألغام منذ مطلع العام": a tally, not one event
    after = words[match.last:match.last + 4]
    if any(w.norm in lex.normalized["future_after"] for w in after):
        return Modality.FUTURE
    if lex.has("habitual_after", after, ctx.scope):
        return Modality.HABITUAL  # "احتجاجات متكررة كل صيف": a pattern, not an event
    return Modality.ASSERTED
