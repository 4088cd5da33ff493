"""The typed objects that travel between pipeline stages.

Every span (`start`, `end`) is a character offset into `Document.text`, the clean
text; `Document.offset_map` maps clean offsets back to the raw input.  The JSON
export contract (`Document.to_dict`) is built from these fields: later stages
may add keys, never rename them.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any


# How the text states an event, as the event stage reads it (events/classify.py).  Only asserted events are facts:
# the API lists them unless asked for another modality, and the CSV and GeoJSON exports carry nothing else.
MODALITIES = (
    "asserted",      # reported as having happened
    "negated",       # reported as not having happened ("نفت ... وقوع اشتباكات")
    "future",        # announced, planned or expected
    "conditional",   # on a condition ("إذا ...")
    "hypothetical",  # a purpose, threat or possibility ("لشن هجوم")
    "reference",     # an earlier event recalled as background ("وكانت القوات قد سيطرت", "بموجب اتفاق")
    "aggregate",     # a tally of many events ("أكثر من 700 اعتداء خلال الشهر")
    "habitual",      # a pattern, not one event ("احتجاجات متكررة كل صيف")
)


@dataclass
class Removal:
    """A piece of the raw input that the cleaner dropped, and why."""

    kind: str  # duplicate_paragraph | near_duplicate_paragraph | counter | read_also | copyright | url | signature | html_boilerplate
    text: str


@dataclass
class Sentence:
    start: int
    end: int


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    norm: str  # normalize(text): the form used for matching and search


@dataclass
class Entity:
    start: int
    end: int
    text: str
    label: str  # PER ORG LOC NORP WEAPON QUANTITY DATE MISC
    actor: str | None = None  # canonical English actor name when linked to the registry
    source: str = "model"  # which component produced it: model | lexicon | rule


@dataclass
class Quantity:
    start: int
    end: int
    text: str
    value: float
    unit: str  # what is counted, normalised (e.g. "drone", "fighter", "person")
    noun: str  # the counted noun as written


@dataclass
class Place:
    start: int
    end: int
    text: str
    name_ar: str
    name_en: str
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str | None = None
    admin2: str | None = None
    geonameid: int | None = None
    feature_class: str | None = None
    feature_code: str | None = None
    precision: int = 1  # ACLED geo_precision: 1 town/village, 2 near a town / part of a district, 3 province or larger
    direction: str | None = None  # N, NE, E, SE, S, SW, W, NW when the text gives one ("ريف حماة الشمالي الغربي")
    confidence: float = 1.0
    alternatives: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SourceLink:
    """One link of an attribution chain, innermost (original claimant) first."""

    text: str
    kind: str  # anonymous | official | person | organisation | agency | outlet | monitor
    actor: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Marker:
    """A framing word around a claim (loaded label, scare quotes, hedge)."""

    start: int
    end: int
    text: str
    kind: str


@dataclass
class Attribution:
    sources: list[SourceLink] = field(default_factory=list)
    verb: str | None = None
    hedges: list[str] = field(default_factory=list)
    framing: list[Marker] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class Event:
    event_type: str
    sub_event_type: str
    evidence: list[tuple[int, int]]  # sentence spans the event was read from
    actor1: str | None = None
    assoc_actor_1: str | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    interaction: int | None = None
    location: Place | None = None
    event_date: str | None = None  # ISO date
    time_precision: int | None = None  # ACLED: 1 day, 2 week, 3 month
    fatalities: int | None = None
    civilian_fatalities: int | None = None
    quantities: list[Quantity] = field(default_factory=list)
    weapons: list[str] = field(default_factory=list)
    trigger: str | None = None
    modality: str = "asserted"  # one of MODALITIES
    sources: Attribution = field(default_factory=Attribution)
    confidence: float = 0.5


@dataclass
class Claim:
    """A reported statement (one sentence) and who it is attributed to; events point to the claims they rest on."""

    start: int
    end: int
    attribution: Attribution
    quantities: list[Quantity] = field(default_factory=list)
    events: list[int] = field(default_factory=list)  # indexes into Document.events


@dataclass
class Document:
    raw: str
    source_path: str | None = None
    format: str = "text"  # text | html: how `raw` is to be read
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    language: str | None = None
    text: str = ""
    # the text the cleaner worked on: `raw` itself, or the main text extracted from HTML
    source_text: str = ""
    removed: list[Removal] = field(default_factory=list)
    # (clean_offset, source_offset) pairs at the start of every copied run; see source_offset()
    offset_map: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    framing: list[Marker] = field(default_factory=list)  # every framing marker in the text
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def source_offset(self, clean_offset: int) -> int:
        """Position in `source_text` of the character at `clean_offset` in `text`."""
        if not self.offset_map:
            return clean_offset
        keys = [c for c, _ in self.offset_map]
        i = bisect.bisect_right(keys, clean_offset) - 1
        if i < 0:
            return clean_offset
        c, r = self.offset_map[i]
        return r + (clean_offset - c)

    def to_dict(self) -> dict[str, Any]:
        """The export contract: one JSON object per document."""
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "language": self.language,
            "text": self.text,
            "removed": plain(self.removed),
            "entities": plain(self.entities),
            "quantities": plain(self.quantities),
            "places": plain(self.places),
            "events": [event_to_dict(e) for e in self.events],
            "claims": plain(self.claims),
            "framing": plain(self.framing),
            "warnings": list(self.warnings),
        }


def event_to_dict(event: Event) -> dict[str, Any]:
    d = plain(event)
    d["evidence"] = [{"start": s, "end": e} for s, e in event.evidence]
    return d


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Dataclasses as dicts, recursively: what `dataclasses.asdict` gives, without its deep copy of every
    value (the export's values are strings and numbers; copying them made storing cost as much as analysing)."""
    if type(value) in _SCALARS:
        return value
    names = _FIELD_NAMES.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
