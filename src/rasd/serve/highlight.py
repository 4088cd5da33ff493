"""Turn character spans over a text into nested pieces a template can render without building HTML itself.

Two layers: blocks (event evidence sentences) and, inside them, inline marks
(entities, places, quantities, framing words).  Marks on the same span merge
into one element with both classes; a mark overlapping an earlier, longer one
is dropped; a mark crossing a block edge is split, so the nesting always holds.
"""
from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field


@dataclass
class Mark:
    start: int
    end: int
    classes: list[str]
    title: str = ""
    events: list[str] = field(default_factory=list)  # block marks: the events whose evidence this is


@dataclass
class Piece:
    text: str
    classes: list[str] = field(default_factory=list)
    title: str = ""


@dataclass
class Block:
    pieces: list[Piece]
    classes: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def _merge_same_span(marks: list[Mark]) -> list[Mark]:
    merged: dict[tuple[int, int], Mark] = {}
    for m in marks:
        key = (m.start, m.end)
        if key in merged:
            target = merged[key]
            target.classes += [c for c in m.classes if c not in target.classes]
            if m.title and m.title not in target.title:
                target.title = f"{target.title} · {m.title}" if target.title else m.title
            target.events += [e for e in m.events if e not in target.events]
        else:
            merged[key] = Mark(m.start, m.end, list(m.classes), m.title, list(m.events))
    return list(merged.values())


def _non_overlapping(marks: list[Mark], lo: int, hi: int) -> list[Mark]:
    """Marks clipped to [lo, hi), longest first wins where two overlap, returned in text order.

    The marks kept never overlap one another, so in text order their ends rise with their starts, and the only
    kept mark a new one can overlap is the last kept one that starts before the new one ends: one bisection per
    mark instead of a comparison with every mark kept (a long article has tens of thousands of entities).
    """
    inside = [m for m in marks if m.start < hi and m.end > lo]
    starts: list[int] = []
    kept: list[Mark] = []  # in text order, parallel to starts
    for m in sorted(_merge_same_span(inside), key=lambda m: (-(m.end - m.start), m.start)):
        start, end = max(m.start, lo), min(m.end, hi)
        at = bisect_left(starts, end)
        if start >= end or (at and kept[at - 1].end > start):
            continue
        starts.insert(at, start)
        kept.insert(at, Mark(start, end, m.classes, m.title, m.events))
    return kept


def _pieces(text: str, marks: list[Mark], ends: list[int], lo: int, hi: int) -> list[Piece]:
    """The text between lo and hi as pieces; `marks` do not overlap and are in text order, `ends` are their ends."""
    out: list[Piece] = []
    cursor = lo
    for m in itertools.islice(marks, bisect_right(ends, lo), None):
        if m.start >= hi:
            break
        start, end = max(m.start, lo), min(m.end, hi)
        if start > cursor:
            out.append(Piece(text[cursor:start]))
        out.append(Piece(text[start:end], m.classes, m.title))
        cursor = end
    if cursor < hi:
        out.append(Piece(text[cursor:hi]))
    return out


def layer(text: str, marks: list[Mark], blocks: list[Mark] | None = None, lo: int = 0,
          hi: int | None = None) -> list[Block]:
    """The text between lo and hi as blocks of pieces: block marks become Blocks, inline marks Pieces."""
    hi = len(text) if hi is None else hi
    inline = _non_overlapping(marks, lo, hi)
    ends = [m.end for m in inline]
    out: list[Block] = []
    cursor = lo
    for b in _non_overlapping(blocks or [], lo, hi):
        if b.start > cursor:
            out.append(Block(_pieces(text, inline, ends, cursor, b.start)))
        out.append(Block(_pieces(text, inline, ends, b.start, b.end), b.classes, b.events))
        cursor = b.end
    if cursor < hi:
        out.append(Block(_pieces(text, inline, ends, cursor, hi)))
    return out
