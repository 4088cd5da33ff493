"""The GeoJSON export holds two kinds of feature, events and place mentions, told apart as README says."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, rasd  # noqa: E402
from ui_support import build_db  # noqa: E402


def test_every_feature_says_whether_it_is_an_event_or_a_place_mention(tmp_path):
    fixture = build_db(tmp_path / "rasd.db")
    out = tmp_path / "events.geojson"
    result = rasd("export", "--format", "geojson", "--db", str(fixture.db), "-o", str(out))
    assert result.returncode == 0
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    kinds = [f["properties"]["feature_type"] for f in features]
    assert set(kinds) == {"event", "place"} and kinds == sorted(kinds)  # events first, then place mentions
    asserted_located = {fixture.event_id(name, i) for name, doc in fixture.docs.items()
                        for i, e in enumerate(doc.events) if e.location and e.modality == "asserted"}
    assert {f["properties"]["id"] for f in features if f["properties"]["feature_type"] == "event"} == asserted_located
    mentions = sorted((doc.id, p.start, p.name_en) for doc in fixture.docs.values() for p in doc.places)
    assert sorted((f["properties"]["document_id"], f["properties"]["start"], f["properties"]["name_en"])
                  for f in features if f["properties"]["feature_type"] == "place") == mentions
    assert f"wrote {len(asserted_located) + len(mentions)} features" in result.stderr.decode()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`feature_type`" in readme and '`"event"`' in readme and '`"place"`' in readme
