"""The event dev gold set: in sync with its sources, spans exact, codes valid, coverage as promised."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "gold" / "events_dev.jsonl"
SOURCES = REPO / "gold" / "events_src"
CODEBOOK = REPO / "src" / "rasd" / "resources" / "acled_codebook.json"
REGISTRY = REPO / "src" / "rasd" / "resources" / "actors.jsonl"
# innermost markup only: its surface has no nested [[...]] inside
INNER_SPAN = re.compile(r"\[\[([A-Z]+):([^\[\]|@]+?)(?:[|@][^\[\]]*)?\]\]")
GENERIC_ACTOR = re.compile(
    r"^(Civilians|Protesters|Rioters|Unidentified Armed Group|Tribal Militia|Clan Militia) \([A-Za-z ]+\)$"
)


@cache
def load_builder():
    spec = importlib.util.spec_from_file_location("build_events_gold", REPO / "tools" / "build_events_gold.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def by_id(articles) -> dict[str, dict]:
    return {a["id"]: a for a in articles}


@pytest.fixture(scope="module")
def codebook() -> dict[str, set[str]]:
    data = json.loads(CODEBOOK.read_text(encoding="utf-8"))
    return {t["name"]: {s["name"] for s in t["sub_event_types"]} for t in data["event_types"]}


def test_built_file_is_in_sync_with_sources(tmp_path):
    rebuilt = tmp_path / "events_dev.jsonl"
    assert load_builder().main(["--src", str(SOURCES), "--out", str(rebuilt), "--codebook", str(CODEBOOK)]) == 0
    assert rebuilt.read_bytes() == GOLD.read_bytes()


def test_builder_rejects_an_event_type_outside_the_codebook(tmp_path):
    source = (SOURCES / "sy-01.txt").read_text(encoding="utf-8")
    broken = tmp_path / "src"
    broken.mkdir()
    (broken / "places.tsv").write_text((SOURCES / "places.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "sy-01.txt").write_text(source.replace("| Air/drone strike |", "| Airstrike |"), encoding="utf-8")
    assert load_builder().main(["--src", str(broken), "--out", str(tmp_path / "out.jsonl")]) == 1


def test_codebook_has_the_acled_taxonomy(codebook):
    assert len(codebook) == 6
    assert sum(len(subs) for subs in codebook.values()) == 25
    assert "Shelling/artillery/missile attack" in codebook["Explosions/Remote violence"]
    assert "Non-state actor overtakes territory" in codebook["Battles"]


def test_record_keys_and_size(articles):
    assert len(articles) >= 60
    for article in articles:
        assert set(article) == {"id", "text", "published", "outlet", "entities", "places", "events"}
        assert 120 <= len(article["text"].split()) <= 350
        for event in article["events"]:
            assert set(event) == {"event_type", "sub_event_type", "actors", "location", "date", "fatalities"}
            assert event["date"] is None or event["date"] <= article["published"]


def test_every_marked_surface_is_an_exact_span(articles):
    gold = {a["id"]: a for a in articles}
    for path in sorted(SOURCES.glob("*.txt")):
        header, marked, _ = path.read_text(encoding="utf-8").split("\n---\n")
        article = gold[re.search(r"^id: (\S+)", header, re.M).group(1)]
        text = article["text"]
        spans = [(e["label"], text[e["start"]:e["end"]]) for e in article["entities"]]
        for label, surface in INNER_SPAN.findall(marked):
            assert (label, surface) in spans, f"{path.name}: {label} {surface!r} missing"
        for entity in article["entities"]:
            surface = text[entity["start"]:entity["end"]]
            assert surface and surface == surface.strip()
            assert surface[0] not in "\"“”«(" and surface[-1] not in "\"“”»)،.:"
        loc_spans = {(e["start"], e["end"]) for e in article["entities"] if e["label"] == "LOC"}
        for place in article["places"]:
            assert (place["start"], place["end"]) in loc_spans


def test_known_spans_and_coordinates(by_id):
    article = by_id["sy-01"]
    text = article["text"]
    kiswah = next(p for p in article["places"] if text[p["start"]:p["end"]] == "الكسوة")
    assert (kiswah["lat"], kiswah["lon"], kiswah["precision"]) == (33.3581, 36.2419, 1)
    army = next(e for e in article["entities"] if text[e["start"]:e["end"]] == "الجيش العربي السوري")
    assert army["label"] == "ORG" and army["actor"] == "Military Forces of Syria (2024-)"
    assert article["events"] == [{
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "actors": ["Military Forces of Israel", "Military Forces of Syria (2024-)"],
        "location": {"lat": 33.3581, "lon": 36.2419}, "date": "2025-12-15", "fatalities": 2,
    }]
    countryside = by_id["sy-02"]
    places = {countryside["text"][p["start"]:p["end"]]: p for p in countryside["places"]}
    assert places["ريف حلب الشرقي"]["precision"] == 2
    # clitics stay outside the span: "و" before قوات سوريا الديمقراطية
    starts = {countryside["text"][e["start"]:e["end"]] for e in countryside["entities"]}
    assert "قوات سوريا الديمقراطية" in starts and "وقوات سوريا الديمقراطية" not in starts


def test_event_codes_and_coverage(articles, codebook):
    events = [e for a in articles for e in a["events"]]
    for event in events:
        assert event["sub_event_type"] in codebook[event["event_type"]]
        assert event["fatalities"] is None or event["fatalities"] >= 0
    assert {e["event_type"] for e in events} == set(codebook)
    assert len({(e["event_type"], e["sub_event_type"]) for e in events}) >= 15
    assert sum(1 for a in articles if not a["events"]) >= 3


def test_event_locations_are_places_of_the_article(articles):
    for article in articles:
        points = {(p["lat"], p["lon"]) for p in article["places"]}
        for event in article["events"]:
            if event["location"]:
                assert (event["location"]["lat"], event["location"]["lon"]) in points, article["id"]


def test_non_event_statements_are_present():
    builder = load_builder()
    built = builder.build(SOURCES, CODEBOOK)
    kinds = [kind for article in built for kind, _ in article.nonevents]
    assert len(kinds) >= 15
    assert {"negated", "future", "conditional"} <= set(kinds)


@pytest.mark.skipif(not REGISTRY.exists(), reason="actor registry not built")
def test_actor_names_come_from_the_registry(articles):
    lines = REGISTRY.read_text(encoding="utf-8").splitlines()
    names = {json.loads(line).get("name_en") for line in lines}
    for article in articles:
        for entity in article["entities"]:
            if "actor" in entity:
                assert entity["actor"] in names, (article["id"], entity["actor"])
        for event in article["events"]:
            for actor in event["actors"]:
                assert actor in names or GENERIC_ACTOR.match(actor), (article["id"], actor)


TEST_GOLD = REPO / "gold" / "events_test.jsonl"
TEST_SOURCES = REPO / "gold" / "events_test_src"


DEV2_GOLD = REPO / "gold" / "events_dev2.jsonl"
DEV2_SOURCES = REPO / "gold" / "events_dev2_src"


def test_second_dev_set_is_in_sync_and_separate(tmp_path, articles):
    rebuilt = tmp_path / "events_dev2.jsonl"
    assert load_builder().main(["--src", str(DEV2_SOURCES), "--out", str(rebuilt), "--codebook", str(CODEBOOK)]) == 0
    assert rebuilt.read_bytes() == DEV2_GOLD.read_bytes()
    dev2 = [json.loads(line) for line in DEV2_GOLD.read_text(encoding="utf-8").splitlines()]
    test_ids = {json.loads(line)["id"] for line in TEST_GOLD.read_text(encoding="utf-8").splitlines()}
    assert len(dev2) >= 30 and not {a["id"] for a in dev2} & ({a["id"] for a in articles} | test_ids)


def test_held_out_test_set_is_in_sync_with_its_sources(tmp_path):
    rebuilt = tmp_path / "events_test.jsonl"
    assert load_builder().main(["--src", str(TEST_SOURCES), "--out", str(rebuilt), "--codebook", str(CODEBOOK)]) == 0
    assert rebuilt.read_bytes() == TEST_GOLD.read_bytes()


def test_held_out_test_set_is_separate_and_covers_the_taxonomy(articles, codebook):
    test_articles = [json.loads(line) for line in TEST_GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(test_articles) >= 30
    assert not {a["id"] for a in test_articles} & {a["id"] for a in articles}
    dev_sentences = {s for a in articles for s in a["text"].split("\n")}
    assert not any(s in dev_sentences for a in test_articles for s in a["text"].split("\n"))
    events = [e for a in test_articles for e in a["events"]]
    assert {e["event_type"] for e in events} == set(codebook)
    assert len({(e["event_type"], e["sub_event_type"]) for e in events}) >= 15
    assert sum(1 for a in test_articles if not a["events"]) >= 3
    kinds = {kind for article in load_builder().build(TEST_SOURCES, CODEBOOK) for kind, _ in article.nonevents}
    assert kinds == {"negated", "future", "conditional"}
    suicide = next(e for a in test_articles for e in a["events"] if e["sub_event_type"] == "Suicide bomb")
    assert suicide == {
        "event_type": "Explosions/Remote violence", "sub_event_type": "Suicide bomb",
        "actors": ["Al-Qaeda in the Arabian Peninsula", "Shabwani Elite Forces"],
        "location": {"lat": 14.53767, "lon": 46.83187}, "date": "2026-02-23", "fatalities": 6,
    }
