"""Reading gold files."""
from __future__ import annotations

import json

import pytest

from rasd.evaluate import GoldError, load_gold


def test_a_gold_line_whose_text_holds_a_paragraph_separator_is_one_record(tmp_path):
    # real articles carry U+2029 and U+2028, which str.splitlines() would break a JSON line at
    texts = ["قال الناطق إن الاشتباكات مع فلول\u2029القاعدة مستمرة.", "سطر\u2028ثان", "\x85ثالث"]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps({"id": str(k), "text": t}, ensure_ascii=False) + "\n"
                            for k, t in enumerate(texts)), encoding="utf-8")
    assert [r["text"] for r in load_gold([str(path)])] == texts


def test_a_broken_gold_line_is_named_by_its_number(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "نص"}\n{"id": "b", "text": \n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold.jsonl:2: not JSON"):
        load_gold([str(path)])
