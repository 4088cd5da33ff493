"""Which ACLED type a trigger is, and whether the text says it happened.

The sub-type comes from the trigger itself or, for generic words ("قصف", "هجوم", "تفجير"), from the cue words
around it; the modality from cue words before it (negation, future, condition, hypothesis, purpose,
pluperfect background, tallies, habits).
"""
from __future__ import annotations

from dataclasses import replace

from rasd.events.attribution import SentenceContext
from rasd.events.lexicon import EventLexicon, TriggerMatch
from rasd.model import Token
from rasd.nlp.ner.rules import count_at

VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


TWO_SIDED = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


ARMED = (1, 2, 3, 4, 8)


# Who reports, monitors or mediates is not a party to what happened (a UN statement on arrests, an agency).
NOT_PARTIES = ("outlet", "monitor", "international_org", "ngo")


ARMED_TYPES = ("state_forces", "rebel_group", "political_militia", "identity_militia")


MUNITIONS = ("قذيفه", "قذائف", "صاروخ", "صواريخ")
CUE_REACH = 6  # words on either side of a trigger whose cue words decide its sub-type


MODALITY_WINDOW = 8  # words before a trigger whose cues set its modality
TALLY_REACH = 12  # words after a violent trigger within which "منذ مطلع العام" makes it a tally


AGGREGATE_MIN = 10


def classify(ctx: SentenceContext, lex: EventLexicon, match: TriggerMatch, actors) -> tuple[str | None, str | None, int]:
    """(event type, sub-event type, specificity): 3 the trigger names the sub-type, 2 the sentence's cue words
    decided it, 1 a default for a generic word ("قصف", "هجوم", "تفجير")."""
    t = match.trigger
    if not t.event_type.startswith("?"):
        return t.event_type, t.sub_event_type, 3
    # cue words around the trigger, not the trigger's own words ("قذائف" must not vouch for itself)
    near = ctx.words[max(0, match.start - CUE_REACH):match.start] + ctx.words[match.end:match.last + CUE_REACH]
    has = lambda name: lex.has(name, near, ctx.scope)  # noqa: E731
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
        if lex.has("agreement_verbs", ctx.words, ctx.scope):
            return "Strategic developments", "Agreement", 3
        return None, None, 0
    if t.event_type == "?arson":  # whoever set the fire, the sentence says who they were
        if lex.has("protester_words", ctx.words, ctx.scope) or lex.has("crowd_words", ctx.words, ctx.scope):
            return "Riots", "Violent demonstration", 2
        return "Strategic developments", "Looting/property destruction", 2
    if t.event_type == "?beating":  # "أقدم حشد من الأهالي على ضرب شاب حتى الموت": a crowd's beating is mob violence
        if has("crowd_words") or has("gathering_words") or has("protester_words"):
            return "Riots", "Mob violence", 2
        return None, None, 0  # "تعرضوا للضرب": mostly told of an incident already coded
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
        if any(ctx.words[match.start].norm.endswith(m) for m in MUNITIONS):
            # a shell that falls on a house is shelling, whoever it hits (weak, so a clash can absorb it)
            return "Explosions/Remote violence", "Shelling/artillery/missile attack", 1
        if has("fire_words") or has("civilian_words"):
            return "Violence against civilians", "Attack", 2
        if "قصف" not in ctx.words[match.start].norm and not lex.has("strike_cues", ctx.words, ctx.scope):
            return None, None, 0  # "استهدفت الحملة شبكة تمويل": targeting, but nothing was struck
        return "Explosions/Remote violence", "Shelling/artillery/missile attack", 1
    if t.event_type == "?attack":
        subject = ctx.words[match.end:match.end + 3]
        if lex.has("crowd_words", subject, ctx.scope) or lex.has("protester_words", subject, ctx.scope):
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
        if lex.has("peaceful_transfer_words", ctx.words, ctx.scope):
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
        return "hypothetical"  # ل + verbal noun states a purpose ("لشن هجوم", "معدة للتفجير"), but "تعرض لهجوم" happened
    lo = clause_start(ctx, lex, max(0, match.start - MODALITY_WINDOW), match.start)
    window = words[lo:match.start + 1]
    found = None
    for s, e, kind in lex.find("modality", window, ctx.scope):
        if kind == "negated" and lo + e < len(words) and words[lo + e].norm in lex.normalized["negation_exceptions"]:
            continue  # "لم يتسن التحقق", "لم تعلن أي جهة": a hedge, not a negated event
        found = kind
    if found:
        return found
    if pluperfect(words, lo, match.start, lex, ctx.scope):
        return "reference"  # "وكانت قوات الدعم السريع قد سيطرت": background told in the pluperfect
    if match.start and match.trigger.event_type in ("?attack", "?strike", "?explosion") + VIOLENT and aggregate_count(
            words[max(0, match.start - 2):match.start]):
        return "aggregate"  # "أكثر من 700 اعتداء خلال الشهر": a tally, not one event
    if match.trigger.event_type in ("?attack", "?strike", "?explosion", "?kill") + VIOLENT and lex.has(
            "tally_after", words[match.last:match.last + TALLY_REACH], ctx.scope):
        return "aggregate"  # "قُتل أكثر من 130 شخصاً بانفجار ألغام منذ مطلع العام": a tally, not one event
    after = words[match.last:match.last + 4]
    if any(w.norm in lex.normalized["future_after"] for w in after):
        return "future"
    if lex.has("habitual_after", after, ctx.scope):
        return "habitual"  # "احتجاجات متكررة كل صيف": a pattern, not an event
    return "asserted"
