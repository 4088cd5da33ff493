"""Who says so: the source chain, reporting verb, hedges and framing of one sentence.

Arabic reporting is mostly verb-first ("كشفت مصادر مطلعة", "ذكرت وكالة سانا"), so the
claimant is read after the reporting verb up to the complementiser (أن/إن) or a
colon; "لوكالة X" after it names the relay the claim was told to, and "نقلت X عن Y"
makes X the relay and Y the source.  The outlet that published the article closes
the chain.
"""
from __future__ import annotations

from dataclasses import dataclass

from rasd.events.lexicon import EventLexicon
from rasd.model import Attribution, Document, Entity, Marker, SourceLink, Token
from rasd.text.arabic import normalize
from rasd.resources import language_data

_LANGUAGE = language_data("events")  # the words this module looks for (resources/language/events.json)

MAX_SOURCE_WORDS = 7
_CLAUSE_BREAK = set(":،,“”\"«»؛")
_COMPLEMENTISERS = frozenset(_LANGUAGE["complementisers"])
_SOURCE_KIND = {"outlet": "outlet", "monitor": "monitor", "state_forces": "official", "government": "official",
                "person": "person", "international_org": "organisation", "ngo": "organisation"}
_BACK_REFERENCE_HEADS = frozenset(_LANGUAGE["back_reference_heads"])
_BACK_REFERENCES = frozenset(_LANGUAGE["back_references"])


@dataclass
class SentenceContext:
    doc: Document
    words: list[Token]
    entities: list[Entity]  # entities inside the sentence
    spans: dict  # the document's entities, places and quantities, indexed by offset (events._Spans)
    country: str | None  # ISO code of the country most of the document's places are in
    scope: int  # which cue lists can match in this sentence (EventLexicon.scope)
    sentence_starts: list[int]  # where the document's sentences start, computed once per document
    # where its location-introducing words end (events.facts.locative_starts), read once when first asked
    locative: set[int] | None = None


def framing_markers(ctx: SentenceContext, lex: EventLexicon) -> list[Marker]:
    out = [Marker(ctx.words[s].start, ctx.words[e - 1].end, ctx.doc.text[ctx.words[s].start:ctx.words[e - 1].end], kind)
           for s, e, kind in lex.find("framing", ctx.words, ctx.scope)]
    out.extend(_scare_quotes(ctx))
    return out


def _scare_quotes(ctx: SentenceContext) -> list[Marker]:
    """A single quoted word that is not a name (“خبراء”) distances the writer from the label."""
    out = []
    text = ctx.doc.text
    for w in ctx.words:
        before, after = text[w.start - 1:w.start], text[w.end:w.end + 1]
        if before in "“\"«" and after in "”\"»" and before and after and not any(
                e.start <= w.start < e.end for e in ctx.entities):
            out.append(Marker(w.start - 1, w.end + 1, text[w.start - 1:w.end + 1], "scare_quotes"))
    return out


def hedges(ctx: SentenceContext, lex: EventLexicon) -> list[str]:
    return list(dict.fromkeys(ctx.doc.text[ctx.words[s].start:ctx.words[e - 1].end]
                              for s, e, _ in lex.find("hedges", ctx.words, ctx.scope)))


def sentence_attribution(ctx: SentenceContext, lex: EventLexicon, registry, earlier_anonymous: str | None) -> Attribution | None:
    """The sentence's own attribution, or None when it reports nothing as someone's claim."""
    words = ctx.words
    # "بزعم" (on the pretext of) and "لنشر" (to deploy) are not reporting verbs: only و/ف may precede one
    verbs = lex.normalized["reporting_verbs"]
    verb_matches = [m for m in lex.find("reporting_verbs", words, ctx.scope)
                    if not (words[m[0]].norm[:1] in "بلك" and words[m[0]].norm[1:] in verbs)]
    prep_matches = lex.find("attribution_prepositions", words, ctx.scope)
    candidates = [(s, e, "verb") for s, e, _ in verb_matches] + [(s, e, "prep") for s, e, _ in prep_matches]
    for start, end, kind in sorted(candidates):
        np_start, np_end = end, _source_end(ctx, end)
        if np_end == np_start and kind == "verb" and start > 0:
            np_start, np_end = max(0, start - 4), start  # subject before the verb: "المرصد السوري قال"
        if np_end == np_start:
            continue
        verb = ctx.doc.text[words[start].start:words[end - 1].end]
        relay: SourceLink | None = None
        # "نقلت وكالة X عن مصادر ...": the subject relays, the object of عن is the source
        an = next((k for k in range(np_start, np_end) if words[k].norm == "عن"), None)
        if an is not None and kind == "verb" and an + 1 < len(words):
            relay = _link(ctx, lex, np_start, an, registry, earlier_anonymous)
            np_start, np_end = an + 1, _source_end(ctx, an + 1)
        else:
            # "قال مصدر عسكري لوكالة سبوتنيك": ل + outlet after the source is the relay it was told to
            for k in range(np_start + 1, min(np_end + 1, len(words))):
                if words[k].norm.startswith("ل") and _outlet_at(ctx, k, registry):
                    relay = _link(ctx, lex, k, _name_end(ctx, k), registry, earlier_anonymous)
                    np_end = k
                    break
        source = _link(ctx, lex, np_start, np_end, registry, earlier_anonymous)
        chain = [source] + ([relay] if relay else [])
        return Attribution(sources=chain, verb=verb)
    return None


def _source_end(ctx: SentenceContext, start: int) -> int:
    """Index after the claimant noun phrase that starts at `start`."""
    words, text = ctx.words, ctx.doc.text
    if start < len(words) and words[start].norm in _BACK_REFERENCE_HEADS:
        end = start + 1  # "المصادر" (the sources already introduced), maybe "ذاتها"/"نفسها"
        return end + 1 if end < len(words) and words[end].norm in ("ذاتها", "نفسها", "ذاته", "نفسه") else end
    end = start
    while end < len(words) and end - start < MAX_SOURCE_WORDS:
        w = words[end]
        if w.norm in _COMPLEMENTISERS:
            break
        if end > start and _CLAUSE_BREAK & set(text[words[end - 1].end:w.start]):
            break
        end += 1
    return end


def _name_end(ctx: SentenceContext, start: int) -> int:
    """End of an outlet's name after its head word: "لوكالة “سبوتنيك”" reads through the quote marks."""
    end = start + 1
    for e in ctx.entities:
        if e.start >= ctx.words[start].start and e.actor and e.start - ctx.words[start].end <= 3:
            while end < len(ctx.words) and ctx.words[end].start < e.end:
                end += 1
            return end
    return end


def _outlet_at(ctx: SentenceContext, k: int, registry) -> bool:
    w = ctx.words[k]
    for e in ctx.entities:
        if e.start <= w.start < e.end and e.actor:
            actor = registry.get(e.actor)
            return bool(actor and actor.type == "outlet")
    return w.norm in ("لوكاله", "لصحيفه", "لقناه", "لموقع", "لشبكه")


def _link(ctx: SentenceContext, lex: EventLexicon, start: int, end: int, registry, earlier_anonymous: str | None) -> SourceLink:
    words, text = ctx.words, ctx.doc.text
    s, e = words[start].start, words[end - 1].end
    phrase = text[s:e]
    for ent in ctx.entities:
        if s <= ent.start < e and ent.actor:
            actor = registry.get(ent.actor)
            kind = _SOURCE_KIND.get(actor.type, "organisation") if actor else "organisation"
            if kind == "outlet" and actor and actor.outlet and actor.outlet.kind == "agency":
                kind = "agency"
            return SourceLink(phrase, kind, ent.actor, s, e)
    for ent in ctx.entities:
        if s <= ent.start < e and ent.label == "PER":
            return SourceLink(phrase, "person", None, s, e)
    head = words[start:end]
    norm_phrase = normalize(phrase)
    if norm_phrase in {normalize(b) for b in _BACK_REFERENCES} and earlier_anonymous:
        return SourceLink(earlier_anonymous, "anonymous", None, s, e)
    if lex.has("anonymous_heads", head[:1], ctx.scope):
        return SourceLink(phrase, "anonymous", None, s, e)
    if lex.has("agency_heads", head[:1], ctx.scope):
        return SourceLink(phrase, "agency", None, s, e)
    if lex.has("official_heads", head[:2], ctx.scope):
        return SourceLink(phrase, "official", None, s, e)
    return SourceLink(phrase, "organisation", None, s, e)
