"""rasd serve on very long documents: highlighting stays linear, and no page or JSON twin grows with the length of an
article or of the rows it lists."""
from __future__ import annotations

import time

from rasd.serve.highlight import Mark, layer


def test_highlighting_tens_of_thousands_of_marks_is_linear_and_loses_no_text():
    """A 200,000-character article with 32,000 overlapping marks and 3,000 evidence blocks (a quadratic layering took
    40 s on this input; a linear one takes well under a second)."""
    text = "كلمة " * 40_000
    entities = [Mark(i * 5, i * 5 + 4, ["ent"], f"entity {i}") for i in range(24_000)]
    places = [Mark(i * 5, i * 5 + 9, ["place"], f"place {i}") for i in range(1, 24_000, 3)]  # longer: they win
    blocks = [Mark(i * 50, i * 50 + 45, ["evidence"], events=[f"e{i}"]) for i in range(3_000)]
    started = time.perf_counter()
    layered = layer(text, entities + places, blocks)
    elapsed = time.perf_counter() - started
    assert "".join(p.text for b in layered for p in b.pieces) == text
    assert [b.events for b in layered if b.classes] == [[f"e{i}"] for i in range(3_000)]
    marked = [p for b in layered for p in b.pieces if p.classes]
    # each place covers two words and pushes out both entities under it; a place crossing a block edge is split
    assert {p.title for p in marked if p.classes == ["place"]} == {m.title for m in places}
    assert {p.title for p in marked if p.classes == ["ent"]} == {f"entity {i}" for i in range(0, 24_000, 3)}
    assert elapsed < 10, f"layering took {elapsed:.1f} s"
