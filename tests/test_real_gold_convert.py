"""tools/real_gold/convert.py: an actor an annotator proposed as new is written with the registry's name once the
registry has taken it, under that name or an English alias."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _convert():
    spec = importlib.util.spec_from_file_location("real_gold_convert", REPO / "tools" / "real_gold" / "convert.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_proposed_actor_takes_the_registry_s_name_by_its_name_or_english_alias():
    convert = _convert()
    _, names, _ = convert.load_reference_data()
    assert convert.actor_name("new: Joint Resistance Forces (Yemen)", names) == "Joint Forces (Yemen)"  # an alias
    assert convert.actor_name("new: Joint Forces (Yemen)", names) == "Joint Forces (Yemen)"
    assert convert.actor_name("new: Militia of Nowhere", names) == "Militia of Nowhere"  # not in the registry yet
    assert convert.actor_name("Houthis (Ansar Allah)", names) == "Houthis (Ansar Allah)"  # a registry actor
    assert convert.actor_name(None, names) is None
