"""rasd serve under hostile requests, over real HTTP on 127.0.0.1: malformed parameters of every kind get a 4xx
with a JSON error, never a 500."""
from __future__ import annotations

import base64
import itertools
import json
import random
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui_support import build_db  # noqa: E402

from rasd.serve.app import create_app  # noqa: E402
from rasd.serve.server import background_server  # noqa: E402


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("hostile-requests") / "rasd.db")


@pytest.fixture(scope="module")
def api(fixture):
    with background_server(create_app(fixture.db)) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def b64(raw: str | bytes) -> str:
    return base64.urlsafe_b64encode(raw.encode() if isinstance(raw, str) else raw).decode().rstrip("=")


MALFORMED_CURSORS = {
    "deeply nested JSON": b64("[" * 5000 + "]" * 5000),
    "nested just past the parser's recursion limit": b64("[" * 1100 + "]" * 1100),
    "a lone surrogate in the id": b64('["2024-03-12", "\\ud800"]'),
    "a lone surrogate in the date": b64('["\\udfff", "x:0"]'),
    "garbage base64": "%%%not*base64%%%",
    "base64 of bytes that are not UTF-8": b64(b"\xff\xfe\x00garbage"),
    "numbers": b64("[1, 2]"),
    "a null id": b64('["2024-03-12", null]'),
    "three items": b64('["2024-03-12", "x:0", 3]'),
    "an object": b64('{"event_date": "2024-03-12"}'),
    "a huge number": b64("[" + "9" * 5000 + ', "x:0"]'),
    "non-ASCII characters": "حدث",
}


@pytest.mark.parametrize("name", MALFORMED_CURSORS)
def test_a_malformed_cursor_gets_a_400_with_a_json_error(api, name):
    for path in ("/events.json", "/events"):
        response = api.get(path, params={"cursor": MALFORMED_CURSORS[name]})
        assert response.status_code == 400, (path, name, response.text[:200])
        if path.endswith(".json"):
            assert response.json() == {"error": "cursor is not one this server returned", "status": 400}
        else:
            assert "cursor is not one this server returned" in response.text


def test_a_cursor_the_server_returned_still_pages(api):
    first = api.get("/events.json", params={"limit": 2, "modality": "any"}).json()
    second = api.get("/events.json", params={"limit": 2, "modality": "any", "cursor": first["next_cursor"]})
    assert second.status_code == 200
    assert [r["id"] for r in second.json()["rows"]] == [
        r["id"] for r in api.get("/events.json", params={"limit": 4, "modality": "any"}).json()["rows"]][2:]


PARAMETERS = ["from", "to", "event_type", "sub_event_type", "actor", "country", "admin1", "bbox", "outlet",
              "min_confidence", "modality", "limit", "offset", "cursor", "q", "part"]
HOSTILE_VALUES = ["", " ", "-1", "0", "1e309", "-inf", "nan", "9" * 40, "1" * 5000, "\x00", "%00", "١٢", "0x10",
                  "2024-02-30", "99999-01-01", "[]", "{}", ",,,", "1,2,3,4,5", "180,90,180,90", "' OR 1=1 --",
                  "<script>", "ب" * 3000, *MALFORMED_CURSORS.values()]


def test_fuzzed_parameters_never_get_a_server_error(api, fixture):
    """Every parameter of every page and JSON twin, with hostile values alone and in random pairs."""
    event_id, doc_id = fixture.event_id("syria", 0), fixture.docs["syria"].id
    paths = ["/events.json", "/events", "/map.json", "/map", "/documents.json", "/documents", "/actors.json",
             "/places.json", "/search.json", "/search", "/stats.json", "/actors/Hayat Tahrir al-Sham.json",
             "/places/SY/Idlib.json", f"/documents/{doc_id}.json", f"/documents/{doc_id}", f"/events/{event_id}.json"]
    rng = random.Random(7)
    requests = [(path, {name: value}) for path, name, value in itertools.product(paths, PARAMETERS, HOSTILE_VALUES)
                if rng.random() < 0.1]
    requests += [(rng.choice(paths), {a: rng.choice(HOSTILE_VALUES), b: rng.choice(HOSTILE_VALUES)})
                 for a, b in (rng.sample(PARAMETERS, 2) for _ in range(200))]
    for path, params in requests:
        response = api.get(path, params=params)
        assert response.status_code < 500, (path, params, response.text[:300])
        if response.status_code >= 400 and path.endswith(".json"):
            assert response.json()["status"] == response.status_code and response.json()["error"], (path, params)
    for path in ("/documents/%00.json", "/events/%ff.json", "/actors/%00", "/places/%00/%00.json",
                 "/places/SY/" + "a" * 5000 + ".json", "/documents/" + "a" * 5000):
        assert api.get(path).status_code in (400, 404), path
    assert json.loads(api.get("/events.json", params={"modality": "any"}).text)["total"] == 7  # still serving
