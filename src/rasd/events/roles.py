"""Who did what to whom: actors near the trigger, in ACLED's roles and with its interaction codes."""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from rasd.events.attribution import SentenceContext
from rasd.events.classify import ARMED, NOT_PARTIES
from rasd.events.lexicon import EventLexicon, Generic, TriggerMatch
from rasd.resources.countries import country_name
from rasd.model import Document, Entity, Event, Place
from rasd.resources.taxonomy import VIOLENT_TYPES, EventType, Modality, SubEventType

if TYPE_CHECKING:
    from rasd.events.merge import Candidate

ACTOR_WINDOW = 14  # words around a trigger searched for its actors


NATIONALITY_REACH = 4  # words after a trigger within which "تركية" qualifies it


def credit_perpetrator(candidates: list[Candidate], ctx: SentenceContext, registry) -> None:
    """"وتبنى تنظيم القاعدة الهجوم": the claimant of an attack is its actor1."""
    claimant = next((registry.get(e.actor) for e in ctx.entities if e.actor and registry.get(e.actor) is not None
                     and registry.get(e.actor).acled_inter in ARMED and registry.get(e.actor).type != "state_forces"), None)
    if claimant is None:
        return
    event = next((c.event for c in reversed(candidates)
                  if c.event.event_type in VIOLENT_TYPES and c.event.modality == Modality.ASSERTED), None)
    if event is None or event.actor1 == claimant.name_en:
        return
    if event.actor2 is None or event.actor2 == event.actor1:
        event.actor2, event.inter2 = event.actor1, event.inter1
    elif event.actor1 and event.actor1.startswith(("Military Forces", "Police Forces")) and event.actor1 != event.actor2:
        pass  # a generic state force read from the sentence was a guess; the claimant replaces it
    event.actor1, event.inter1 = claimant.name_en, claimant.acled_inter
    pair = sorted(x for x in (event.inter1, event.inter2) if x is not None)
    event.interaction = pair[0] * 10 + (pair[1] if len(pair) > 1 else 0) if pair else None


def actors_near(ctx: SentenceContext, registry, match: TriggerMatch) -> list[tuple[Entity, object]]:
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


def assign_actors(event: Event, actors, ctx: SentenceContext, lex: EventLexicon, registry, doc: Document,
                   match: TriggerMatch) -> None:
    country = country_name(ctx.country)
    foreign = foreign_forces(ctx, lex, registry, doc, match)
    if foreign:  # "طائرة مسيرة تركية": the attacker is that state's military
        actors = [foreign] + [a for a in actors if a[0].actor != foreign[0].actor]
    elif len(actors) < 2:
        actors = actors + generic_forces(ctx, lex, registry, doc, {a.actor for a, _ in actors})
    if event.event_type in (EventType.PROTESTS, EventType.RIOTS):
        event.actor1 = f"Protesters ({country})" if event.event_type == EventType.PROTESTS else f"Rioters ({country})"
        event.inter1 = 6 if event.event_type == EventType.PROTESTS else 5
        forces = [(e, a) for e, a in actors if a is not None and a.acled_inter == 1]
        if forces and event.sub_event_type != SubEventType.PEACEFUL_PROTEST:
            event.actor2, event.inter2 = forces[0][0].actor, 1
    else:
        if event.sub_event_type != SubEventType.AGREEMENT:  # a government signs agreements; its forces fight
            actors = [a for a in actors if a[1] is None or a[1].type not in ("government", "political_party")]
        chosen = actors[:2] if foreign else sorted(actors[:2], key=lambda x: x[0].start)
        if event.event_type in VIOLENT_TYPES and chosen:
            attacked = [is_target(e, ctx, lex) for e, _ in chosen]
            if len(chosen) == 2 and attacked == [True, False] and not foreign:
                chosen = [chosen[1], chosen[0]]  # "قصف على مواقع الحوثيين شنته قوات التحالف"
            elif len(chosen) == 1 and attacked[0]:
                # "غارات على مواقع لميليشيا الحوثي": the one actor named is the one attacked
                (entity, actor), = chosen
                event.actor2, event.inter2 = entity.actor, inter(actor)
                chosen = []
        if chosen:
            event.actor1, event.inter1 = chosen[0][0].actor, inter(chosen[0][1])
        if len(chosen) > 1 and (event.event_type in VIOLENT_TYPES or event.sub_event_type in (SubEventType.AGREEMENT, SubEventType.ARRESTS)):
            event.actor2, event.inter2 = chosen[1][0].actor, inter(chosen[1][1])
        if event.actor1 is None and event.event_type in VIOLENT_TYPES and lex.has("unidentified_words", ctx.words, ctx.scope):
            event.actor1, event.inter1 = f"Unidentified Armed Group ({country})", 3  # "مسلحون مجهولون"
        if event.event_type == EventType.VIOLENCE_AGAINST_CIVILIANS or (
                event.event_type == EventType.EXPLOSIONS_REMOTE_VIOLENCE and event.actor2 is None
                and lex.has("civilian_words", ctx.words, ctx.scope)):
            event.actor2, event.inter2 = f"Civilians ({country})", 7
    first, second = registry.get(event.actor1 or ""), registry.get(event.actor2 or "")
    if first and second and first.type == second.type == "state_forces" and first.country == second.country:
        # "سلاح الجو الإسرائيلي" beside "الجيش الإسرائيلي": one side, so an associate, not the opponent
        event.assoc_actor_1, event.actor2, event.inter2 = event.actor2, None, None
    if event.inter1 is not None:
        pair = sorted(x for x in (event.inter1, event.inter2) if x is not None)
        event.interaction = pair[0] * 10 + (pair[1] if len(pair) > 1 else 0)


TARGET_REACH = 3  # words before an actor's name that can mark it as the side attacked


def is_target(entity: Entity, ctx: SentenceContext, lex: EventLexicon) -> bool:
    """Whether the words just before the name say it was attacked: "مواقع", "استهدفت", "في صفوف" a few words
    before, or "على" / "ضد" right before it ("على الأرجح قوات التحالف" is not an attack on the coalition)."""
    i = bisect.bisect_left([w.start for w in ctx.words], entity.start)
    return (lex.has("target_cues", ctx.words[max(0, i - TARGET_REACH):i], ctx.scope)
            or lex.has("target_prepositions", ctx.words[i - 1:i], ctx.scope))


def foreign_forces(ctx: SentenceContext, lex: EventLexicon, registry, doc: Document, match: TriggerMatch):
    """A nationality adjective right after a strike word ("غارات إسرائيلية", "مسيرة تركية") names the attacker."""
    if match.trigger.kind not in (Generic.STRIKE, Generic.ATTACK, Generic.EXPLOSION) and (
            match.trigger.event_type is not EventType.EXPLOSIONS_REMOTE_VIOLENCE):
        return None
    words = ctx.words
    window = words[match.start:min(len(words), match.last + NATIONALITY_REACH)]
    for s, e, iso in lex.find("nationality_adjectives", window, ctx.scope):
        actor = state_force(registry, iso, "Military", doc.published)
        if actor is not None:
            w0, w1 = window[s], window[e - 1]
            return Entity(w0.start, w1.end, ctx.doc.text[w0.start:w1.end], "NORP", actor.name_en, "rule"), actor
    return None


def generic_forces(ctx: SentenceContext, lex: EventLexicon, registry, doc: Document, known: set[str]):
    """"قوات الأمن", "الشرطة", "الجيش" without a country name: the state forces of the country the article is about."""
    iso = ctx.country
    if iso is None:
        return []
    out = []
    for s, e, kind in lex.find("generic_forces", ctx.words, ctx.scope):
        follow = ctx.words[e:e + 3]
        w0, w1 = ctx.words[s], ctx.words[e - 1]
        if any(ent.actor and ent.start < w1.end and w0.start < ent.end for ent in ctx.entities):
            continue  # the words are part of a named actor ("للقوات المسلحة العربية الليبية")
        if follow and any(ent.actor and follow[0].start <= ent.start <= follow[-1].start for ent in ctx.entities):
            continue  # "جنود من قوات الحزام الأمني": the named force is the actor
        if e - s == 1 and follow and follow[0].norm.startswith("ال"):
            continue  # "الجيش الوطني", "الجيش الحر": an army with a name of its own, not the state's
        actor = state_force(registry, iso, kind, doc.published)
        if actor is not None and actor.name_en not in known:
            known.add(actor.name_en)
            out.append((Entity(w0.start, w1.end, ctx.doc.text[w0.start:w1.end], "ORG", actor.name_en, "rule"), actor))
    return out


def state_force(registry, iso: str, kind: str, published: str | None):
    prefix = f"{kind} Forces of "
    options = [a for a in registry.actors if a.country == iso and a.type == "state_forces" and a.name_en.startswith(prefix)]
    if not options:
        return None
    return registry.current(min(options, key=lambda a: len(a.name_en)), published)


def inter(actor) -> int | None:
    return getattr(actor, "acled_inter", None)


def country_iso(places: list[Place]) -> str | None:
    """The country most of the places are in."""
    counts: dict[str, int] = {}
    for p in places:
        counts[p.country] = counts.get(p.country, 0) + 1
    return max(counts, key=counts.get) if counts else None


