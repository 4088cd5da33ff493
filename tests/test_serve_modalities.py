"""The modalities the pipeline gives events are the ones the API accepts and the UI counts, and every count the
filter panel shows is the length of the list it leads to."""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui_support import build_db  # noqa: E402

import rasd  # noqa: E402
from rasd.resources.taxonomy import MODALITIES  # noqa: E402
from rasd.serve.app import create_app  # noqa: E402
from rasd.serve.server import background_server  # noqa: E402
from rasd.store import Store  # noqa: E402

# One sentence for each way of not asserting an event that the event stage reads.
STATEMENTS = {
    "reference": "وكانت قوات الدعم السريع قد سيطرت على مدينة ود مدني في ولاية الجزيرة.",
    "aggregate": "قُتل أكثر من 130 شخصاً بانفجار ألغام في سوريا منذ مطلع العام.",
    "habitual": "يشهد العراق احتجاجات متكررة كل صيف بسبب انقطاع الكهرباء.",
    "negated": "ونفت مصادر رسمية وقوع اشتباكات في بيروت.",
    "future": "ويعتزم المتظاهرون تنظيم مظاهرة في بغداد يوم الجمعة المقبل.",
}


def total(api: httpx.Client, path: str = "/events.json", **params: str) -> int:
    response = api.get(path, params=params)
    assert response.status_code == 200, (params, response.text[:300])
    return response.json()["total"]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """A database of the statements above as the pipeline analyses them."""
    db = tmp_path_factory.mktemp("modalities") / "rasd.db"
    docs = {name: rasd.analyze(text, published="2024-03-20", outlet="Test") for name, text in STATEMENTS.items()}
    with Store(db) as store, store.transaction():
        for name, doc in docs.items():
            store.save(doc, f"input-{name}")
    with background_server(create_app(db)) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield docs, client


def test_every_modality_the_pipeline_gives_can_be_listed(analysed):
    docs, api = analysed
    given = {e.modality for doc in docs.values() for e in doc.events}
    assert given <= set(MODALITIES) and {"reference", "aggregate", "habitual"} <= given
    for name, doc in docs.items():
        assert [e.modality for e in doc.events] == [name], name
        listed = api.get("/events.json", params={"modality": name}).json()
        assert [r["doc_id"] for r in listed["rows"]] == [doc.id] and listed["rows"][0]["modality"] == name
        assert total(api, "/map.json", modality=name) == 1
        assert api.get("/events", params={"modality": name}).status_code == 200


def test_the_stats_count_exactly_what_the_lists_hold(analysed):
    _, api = analysed
    stats = api.get("/stats.json").json()
    modalities = {m["name"]: m["events"] for m in stats["facets"]["modalities"]}
    assert list(modalities) == list(MODALITIES)
    assert modalities == {m: total(api, modality=m) for m in MODALITIES}
    assert {m: n for m, n in modalities.items() if n} == stats["by_modality"]
    assert sum(modalities.values()) == stats["events_all_modalities"] == total(api, modality="any") == 5
    page = api.get("/stats").text
    for m in MODALITIES:
        assert re.search(rf'<a href="/events\?modality={m}">{m}</a> .*?<td class="num">{modalities[m]}</td>', page), m


def test_a_modality_that_is_not_one_gets_a_400_naming_them_all(analysed):
    _, api = analysed
    response = api.get("/events.json", params={"modality": "rumoured"})
    assert response.status_code == 400
    assert response.json()["error"] == (f"modality must be one of {', '.join(MODALITIES)} or any, got 'rumoured'")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The hand-made database: one of its seven events, a clash in Beirut, is negated."""
    fixture = build_db(tmp_path_factory.mktemp("facets") / "rasd.db")
    with background_server(create_app(fixture.db)) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


@pytest.mark.parametrize("modality", ["", "any", "negated"])
def test_each_count_in_the_filter_panel_is_the_length_of_its_list(api, modality):
    facets = api.get("/stats.json").json()["facets"] if not modality else None
    page = api.get("/events", params={"modality": modality} if modality else {}).text
    options = {}
    select = None
    for name, value, n in re.findall(r'<select name="(\w+)">|<option value="([^"]*)"[^>]*>[^<(]*\((\d+)\)</option>',
                                     page):
        select = name or select
        if not name:
            options[(select, html.unescape(value))] = int(n)
    assert {s for s, _ in options} == {"event_type", "sub_event_type", "country", "outlet", "modality"}
    assert ("event_type", "Battles") in options
    for (select, value), n in options.items():
        params = {select: value} if select == "modality" else {select: value, "modality": modality}
        assert n == total(api, **params), (select, value, modality)
    if facets is not None:  # the stats' facets are the asserted events', as the panel shows them by default
        assert {t["name"]: t["events"] for t in facets["event_types"]} == {
            value: n for (select, value), n in options.items() if select == "event_type"}


def test_the_modality_list_offers_every_modality_with_any_second(api):
    page = api.get("/map").text
    select = page[page.index('<select name="modality">'):]
    values = re.findall(r'<option value="([^"]*)"', select[:select.index("</select>")])
    assert values == ["", "any", *MODALITIES[1:]]
