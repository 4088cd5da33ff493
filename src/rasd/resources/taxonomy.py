"""The ACLED taxonomy as typed values, read from the codebook (resources/acled_codebook.json).

Event types, sub-event types and inter codes are enums whose values are the codebook's own names, so they
serialise as the strings ACLED uses and compare equal to them; the codebook is the one place they are
written.  Modalities are rasd's: how a statement about an event stands (asserted, or why not).
"""
from __future__ import annotations

import json
import re
from enum import IntEnum, StrEnum

from rasd.resources import data_path


def _member_name(name: str) -> str:
    """"Explosions/Remote violence" → EXPLOSIONS_REMOTE_VIOLENCE."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


with open(data_path("acled_codebook.json"), encoding="utf-8") as _handle:
    CODEBOOK: dict = json.load(_handle)

EventType = StrEnum("EventType", [(_member_name(t["name"]), t["name"]) for t in CODEBOOK["event_types"]])
EventType.__doc__ = "ACLED's six event types."
SubEventType = StrEnum("SubEventType", [(_member_name(s["name"]), s["name"]) for t in CODEBOOK["event_types"]
                                        for s in t["sub_event_types"]])
SubEventType.__doc__ = "ACLED's 25 sub-event types."
Inter = IntEnum("Inter", [(_member_name(i["name"]), i["inter"]) for i in CODEBOOK["actor_types"]])
Inter.__doc__ = "ACLED inter codes: the kind of actor (1 state forces ... 8 external/other)."

TYPE_OF: dict[SubEventType, EventType] = {SubEventType(s["name"]): EventType(t["name"])
                                          for t in CODEBOOK["event_types"] for s in t["sub_event_types"]}
SUB_TYPES: dict[EventType, tuple[SubEventType, ...]] = {
    EventType(t["name"]): tuple(SubEventType(s["name"]) for s in t["sub_event_types"]) for t in CODEBOOK["event_types"]}
DEFINITIONS: dict[str, str] = {**{t["name"]: t["definition"] for t in CODEBOOK["event_types"]},
                               **{s["name"]: s["definition"] for t in CODEBOOK["event_types"]
                                  for s in t["sub_event_types"]}}


class Modality(StrEnum):
    """How the text states an event; only `asserted` events are ACLED events."""
    ASSERTED = "asserted"
    NEGATED = "negated"            # "لم تسجل اشتباكات"
    FUTURE = "future"              # "من المقرر أن"
    CONDITIONAL = "conditional"    # "في حال"
    HYPOTHETICAL = "hypothetical"  # a purpose or a possibility: "لشن هجوم"
    REFERENCE = "reference"        # an earlier event recalled as background
    AGGREGATE = "aggregate"        # a tally over a period, not one event
    HABITUAL = "habitual"          # a pattern: "احتجاجات متكررة كل صيف"


# Only asserted events are facts: the API lists them unless asked for another modality, and the CSV and GeoJSON
# exports carry nothing else.
MODALITIES: tuple[Modality, ...] = tuple(Modality)


class Disorder(StrEnum):
    POLITICAL_VIOLENCE = "Political violence"
    DEMONSTRATIONS = "Demonstrations"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


VIOLENT_TYPES: frozenset[EventType] = frozenset(
    {EventType.BATTLES, EventType.EXPLOSIONS_REMOTE_VIOLENCE, EventType.VIOLENCE_AGAINST_CIVILIANS})
DISORDER_OF: dict[EventType, Disorder] = {
    **{t: Disorder.POLITICAL_VIOLENCE for t in VIOLENT_TYPES},
    EventType.PROTESTS: Disorder.DEMONSTRATIONS, EventType.RIOTS: Disorder.DEMONSTRATIONS,
    EventType.STRATEGIC_DEVELOPMENTS: Disorder.STRATEGIC_DEVELOPMENTS,
}

__all__ = ["CODEBOOK", "EventType", "SubEventType", "Inter", "Modality", "MODALITIES", "Disorder", "TYPE_OF", "SUB_TYPES",
           "DEFINITIONS", "VIOLENT_TYPES", "DISORDER_OF"]


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: the two inter codes, smaller first; one actor alone is its code times ten."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    return 10 * min(inter1, inter2) + max(inter1, inter2)
