"""The canonical actor registry and the stage that links names in a document to it.

Names are indexed by token tuples in the same normalised form as `Document.tokens`,
so linking is a dict lookup per token: the first token of a name is looked up under
each of its clitic-stripped forms ("وهيئة" → "هيئة"), later tokens under their
normalised form with the article dropped, so "لواء سلطان مراد" and "لواء السلطان
مراد" are one key.  The longest name starting at a token wins.
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path

from rasd.model import Document, Entity, Token
from rasd.nlp.phrases import PhraseMatcher, WordForms, proclitic_cut
from rasd.resources import data_path, shared
from rasd.text.arabic import clitic_variants, normalize, strip_article, tokenize, word_cache

REGISTRY_PATH = data_path("actors.jsonl")

ACTOR_TYPES = ("state_forces", "rebel_group", "political_militia", "identity_militia", "government",
               "political_party", "international_org", "ngo", "outlet", "monitor", "person")
_KEPT_LABELS = ("ORG", "PER", "NORP")
_MAX_SUCCESSOR_HOPS = 10

Key = tuple[str, ...]


@dataclass(frozen=True)
class Outlet:
    country: str | None
    ownership: str  # state | private | party | militia | independent | ngo
    kind: str  # agency | tv | newspaper | website | monitor
    affiliation: str
    reliability_prior: float  # prior share of its conflict claims that hold
    signature_names: tuple[str, ...] = ()  # short names that are ordinary words: only trusted in a byline


@dataclass(frozen=True)
class FormerName:
    name_en: str
    names_ar: tuple[str, ...]
    until: str


@dataclass(frozen=True)
class Actor:
    id: str
    name_en: str
    type: str
    names_ar: tuple[str, ...]
    aliases_en: tuple[str, ...] = ()
    former_names: tuple[FormerName, ...] = ()
    successor: str | None = None
    acled_inter: int | None = None
    country: str | None = None
    wikidata: str | None = None
    active_until: str | None = None  # YYYY or YYYY-MM
    member_of: str | None = None  # persons: the actor they lead or belong to
    outlet: Outlet | None = None

    @property
    def is_outlet(self) -> bool:
        return self.outlet is not None

    @property
    def is_person(self) -> bool:
        return self.type == "person"

    def all_names_ar(self) -> tuple[str, ...]:
        """Current and former Arabic names: a former name still refers to this actor."""
        return self.names_ar + tuple(n for f in self.former_names for n in f.names_ar)

    @classmethod
    def from_dict(cls, d: dict) -> "Actor":
        out = d.get("outlet")
        return cls(
            id=d["id"], name_en=d["name_en"], type=d["type"], names_ar=tuple(d.get("names_ar", ())),
            aliases_en=tuple(d.get("aliases_en", ())),
            former_names=tuple(FormerName(f["name_en"], tuple(f.get("names_ar", ())), f["until"])
                               for f in d.get("former_names", ())),
            successor=d.get("successor"), acled_inter=d.get("acled_inter"), country=d.get("country"),
            wikidata=d.get("wikidata"), active_until=d.get("active_until"), member_of=d.get("member_of"),
            outlet=Outlet(out["country"], out["ownership"], out["kind"], out["affiliation"],
                          float(out["reliability_prior"]), tuple(out.get("signature_names", ())))
            if out else None,
        )


def _loose(norm: str) -> str:
    """A non-initial name token with its article dropped; short words (الله) are left whole."""
    return strip_article(norm) if len(norm) >= 5 else norm


@word_cache
def _first_forms(norm: str) -> tuple[tuple[str, int], ...]:
    """Forms the first token of a name may take once proclitics are stripped.

    A form that only drops an article ("الحماس" → "حماس") is not offered: names
    written without the article never take one in running text.
    """
    variants = clitic_variants(norm)
    return tuple((v, proclitic_cut(norm, v)) for v in variants if v.startswith("ال") or "ال" + v not in variants)


# The clitic rule of registry names: proclitics off the first word, the article off later ones.
ACTOR_NAMES = WordForms("actor-names", _first_forms, lambda norm: (_loose(norm),))


def name_key(name: str) -> Key:
    """The index key of a name as written in the registry."""
    norms = [t.norm for t in tokenize(name)]
    return (norms[0],) + tuple(_loose(n) for n in norms[1:]) if norms else ()


class _NameIndex:
    """Registry names in running text: the longest name at each token, left to right."""

    def __init__(self, names: list[tuple[str, Actor]]) -> None:
        keys: dict[Key, tuple[Actor, bool]] = {}
        for name, actor in names:
            key = name_key(name)
            if not key:
                continue
            # a key whose every name ends in a word with the article must keep it in text, since an
            # indefinite last word is in construct with what follows ("جيش أحرار الشرقية")
            last = tokenize(name)[-1].norm if len(key) > 1 else ""
            definite = last.startswith("ال") and last != key[-1]
            known = keys.get(key)
            keys[key] = (known[0], known[1] and definite) if known else (actor, definite)
        self._matcher: PhraseMatcher[tuple[Actor, bool]] = PhraseMatcher(keys.items(), ACTOR_NAMES)

    def scan(self, text: str, tokens: list[Token]) -> list[tuple[int, int, Actor]]:
        """(start, end, actor) of the longest name at each position, left to right; a name never runs over a
        line break."""
        norms = [t.norm for t in tokens]

        def same_line(j: int) -> bool:
            return "\n" not in text[tokens[j - 1].end:tokens[j].start]

        def keeps_article(m) -> bool:
            return not m.value[1] or norms[m.end - 1].startswith("ال")

        out = []
        i = 0
        while i < len(tokens):
            m = self._matcher.match_at(norms, i, can_extend=same_line, accept=keeps_article) \
                if self._matcher.openings(norms[i]) else None
            if m is None:
                i += 1
                continue
            out.append((_form_start(tokens[i], m.form), tokens[m.end - 1].end, m.value[0]))
            i = m.end
        return out


def _form_start(tok: Token, form: str) -> int:
    """Where `form` (a clitic-stripped form of the token) begins in the text.

    The span drops the proclitics only: "وهيئة" → "هيئة"; for "للحزب" (ل + ال with
    the alef elided) the article's lam stays, giving "لحزب".
    """
    if form == tok.norm:
        return tok.start
    kept = len(form) if tok.norm.endswith(form) else len(form) - 1
    pos = len(tok.text)
    while kept > 0 and pos > 0:
        pos -= 1
        if normalize(tok.text[pos]):
            kept -= 1
    return tok.start + pos


class ActorRegistry:
    def __init__(self, actors: list[Actor], meta: dict | None = None):
        self.meta = meta or {}
        self.actors = actors
        self._by_id = {a.id: a for a in actors}
        predecessors: dict[str, list[Actor]] = {}
        for a in actors:
            if a.successor:
                predecessors.setdefault(a.successor, []).append(a)
        # walking back follows the one predecessor of the same kind and name ("Military Forces of Syria (2000-2024)"
        # before "... (2024-)"), never the groups that merged into an actor
        self._predecessor = {}
        for sid, ps in predecessors.items():
            same = [p for p in ps if p.type == self._by_id[sid].type and _period_free(p.name_en) == _period_free(
                self._by_id[sid].name_en)] if sid in self._by_id else []
            if len(same) == 1:
                self._predecessor[sid] = same[0]
        self._by_name = {a.name_en: a for a in actors}
        self._names = _NameIndex([(name, actor) for actor in actors for name in actor.all_names_ar()])
        self._outlet_names = _NameIndex([
            (name, actor) for actor in actors if actor.outlet
            for name in actor.all_names_ar() + actor.outlet.signature_names + (actor.name_en,) + actor.aliases_en])

    @classmethod
    def load(cls, path: Path | str | None = None) -> "ActorRegistry":
        meta: dict = {}
        actors: list[Actor] = []
        with open(path or REGISTRY_PATH, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                d = json.loads(line)
                if "_meta" in d:
                    meta = d["_meta"]
                else:
                    actors.append(Actor.from_dict(d))
        return cls(actors, meta)

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, name_en: str) -> Actor | None:
        return self._by_name.get(name_en)

    def by_id(self, actor_id: str) -> Actor | None:
        return self._by_id.get(actor_id)

    def current(self, actor: Actor, date: str | None = None) -> Actor:
        """The actor that carries on `actor`'s role: its successor chain followed to the end, or, given an
        ISO `date`, the one that held the role then ("القوات الحكومية السورية" in 2018 is Assad's army)."""
        for _ in range(_MAX_SUCCESSOR_HOPS):
            nxt = self._by_id.get(actor.successor) if actor.successor else None
            if nxt is None:
                break
            if date is not None and not (actor.active_until and date[:len(actor.active_until)] > actor.active_until):
                break
            actor = nxt
        if date is None:
            return actor
        for _ in range(_MAX_SUCCESSOR_HOPS):
            before = self._predecessor.get(actor.id)
            if before is None or not before.active_until or date[:len(before.active_until)] > before.active_until:
                break
            actor = before
        return actor

    def find_outlet(self, text: str) -> Actor | None:
        """The first outlet or monitor named in `text` (a byline, signature or source line)."""
        for _, _, actor in self._outlet_names.scan(text, tokenize(text)):
            return actor
        return None

    def matches(self, doc: Document) -> list[tuple[int, int, Actor]]:
        """Registry names in the document, longest first at each token, as (start, end, actor)."""
        return self._names.scan(doc.text, doc.tokens)


@shared
def actor_registry() -> ActorRegistry:
    """The shipped registry, shared by every document of the process."""
    return ActorRegistry.load()


def _period_free(name_en: str) -> str:
    """"Military Forces of Syria (2000-2024)" → "Military Forces of Syria"."""
    return name_en.split(" (")[0]


def link_actors(doc: Document, registry: ActorRegistry) -> None:
    """Stage entry point: tag registry names in `doc` and attach canonical names to entities.

    A name links to the actor that held its role when the document was published: "الجيش السوري"
    in 2025 is the new army, not Assad's, and the new army's names in 2018 are Assad's.
    """
    matches = registry.matches(doc)
    if not matches:
        return
    existing = sorted(doc.entities, key=lambda e: e.start)
    ends = [e.end for e in existing]  # ascending too: entities do not overlap
    replaced: set[int] = set()
    added: list[Entity] = []
    for start, end, actor in matches:
        if doc.published:
            actor = registry.current(actor, doc.published)
        j = bisect.bisect_right(ends, start)
        overlapping = []
        while j < len(existing) and existing[j].start < end:
            overlapping.append(existing[j])
            j += 1
        added.extend(_link(doc.text, start, end, actor, overlapping, replaced))
    doc.entities = sorted([e for e in existing if id(e) not in replaced] + added, key=lambda e: e.start)


def _link(text: str, start: int, end: int, actor: Actor, overlapping: list[Entity], replaced: set[int]) -> list[Entity]:
    """New entities for one match; entities the match covers are marked in `replaced`,
    entities that reach beyond it keep their span and take the actor."""
    default_label = "PER" if actor.is_person else "ORG"
    if not overlapping:
        return [Entity(start, end, text[start:end], default_label, actor=actor.name_en, source="lexicon")]
    if all(start <= e.start and e.end <= end for e in overlapping):
        first = overlapping[0]
        # a name covering "الإسرائيلي" (NORP) is the organisation "الجيش الإسرائيلي", not a nationality
        label = first.label if first.label in ("ORG", "PER") else default_label
        replaced.update(id(e) for e in overlapping)
        return [Entity(start, end, text[start:end], label, actor=actor.name_en, source=first.source)]
    for e in overlapping:
        if e.actor is None and e.label in _KEPT_LABELS:
            e.actor = actor.name_en
    return []
