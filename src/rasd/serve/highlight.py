"""Turn character spans over a text into nested pieces a template can render without building HTML itself.

Two layers: blocks (event evidence sentences) and, inside them, inline marks
(entities, places, quantities, framing words).  Marks on the same span merge
into one element with both classes; a mark overlapping an earlier, longer one
is dropped; a mark crossing a block edge is split, so the nesting always holds.
"""
from __future__ import annotations

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
    """Marks clipped to [lo, hi), longest first wins where two overlap, returned in text order."""
    kept: list[Mark] = []
    for m in sorted(_merge_same_span(marks), key=lambda m: (-(m.end - m.start), m.start)):
        start, end = max(m.start, lo), min(m.end, hi)
        if start >= end or any(start < k.end and k.start < end for k in kept):
            continue
        kept.append(Mark(start, end, m.classes, m.title, m.events))
    return sorted(kept, key=lambda m: m.start)


def _pieces(text: str, marks: list[Mark], lo: int, hi: int) -> list[Piece]:
    out: list[Piece] = []
    cursor = lo
    for m in marks:
        if m.end <= lo or m.start >= hi:
            continue
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
    out: list[Block] = []
    cursor = lo
    for b in _non_overlapping(blocks or [], lo, hi):
        if b.start > cursor:
            out.append(Block(_pieces(text, inline, cursor, b.start)))
        out.append(Block(_pieces(text, inline, b.start, b.end), b.classes, b.events))
        cursor = b.end
    if cursor < hi:
        out.append(Block(_pieces(text, inline, cursor, hi)))
    return out
