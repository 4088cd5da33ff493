"""Story and merged-event pages of rasd serve, over the bundled samples analysed by `rasd analyze`: the JSON twins
over real HTTP, the map drawing merged events once, and a story page in a real headless Chromium."""
from __future__ import annotations

import json
import sqlite3
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, SHARED, rasd  # noqa: E402
from test_serve_ui import CHROMIUM, CHROMIUM_ARGS, ensure_chromium  # noqa: E402

from rasd.serve.app import create_app  # noqa: E402
from rasd.serve.server import background_server  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stories") / "s.db"
    paths = [str(ROOT / "samples")] + ([str(SHARED / "samples")] if (SHARED / "samples").is_dir() else [])
    r = rasd("analyze", *paths, "--db", str(path), "--no-progress", cwd=ROOT, env={"RASD_CACHE": str(path.parent)})
    assert r.returncode == 0, r.stderr.decode()
    return path


@pytest.fixture(scope="module")
def base_url(db):
    with background_server(create_app(db)) as base:
        yield base


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def pair_story(base_url: str) -> dict:
    listed = json.loads(get(f"{base_url}/stories.json?min_documents=2")[1])["rows"]
    assert len(listed) == 1
    return json.loads(get(f"{base_url}/stories/{listed[0]['id']}.json")[1])


def test_story_and_merged_event_pages_have_json_twins(base_url):
    story = pair_story(base_url)
    assert [a["outlet"] for a in story["articles"]] == ["SANA", "Sputnik"]
    assert story["articles"][1]["duplicate_of"] == story["articles"][0]["id"]
    pair = next(e for e in story["merged_events"] if e["reports"] == 2)
    merged = json.loads(get(f"{base_url}/merged/{pair['id']}.json")[1])
    assert [m["outlet"] for m in merged["mentions"]] == ["SANA", "Sputnik"]
    assert merged["mentions"][0]["independent_source"] == merged["mentions"][1]["independent_source"]
    status, page = get(f"{base_url}/merged/{pair['id']}")
    assert status == 200 and "Reports side by side" in page and page.count("<th><a href=\"/events/") == 2
    status, page = get(f"{base_url}/stories/{story['id']}")
    assert status == 200 and f'data-query="story={story["id"]}"' in page
    event = json.loads(get(f"{base_url}/events/{merged['mentions'][1]['event_id']}.json")[1])
    assert event["merged_id"] == pair["id"] and event["reports"] == 2
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(f"{base_url}/stories/999999.json")
    assert missing.value.code == 404


def test_the_map_draws_each_merged_event_once(base_url, db):
    drawn = json.loads(get(f"{base_url}/map.json")[1])
    with sqlite3.connect(db) as c:
        located = c.execute("SELECT count(*) FROM merged_events WHERE lat IS NOT NULL").fetchone()[0]
        reports = c.execute("SELECT count(*) FROM events WHERE modality = 'asserted' AND lat IS NOT NULL").fetchone()[0]
    assert drawn["located"] == located < reports
    assert sorted(drawn["points"]["reports"], reverse=True)[0] == 2
    story = pair_story(base_url)
    of_story = json.loads(get(f"{base_url}/map.json?story={story['id']}")[1])
    assert of_story["located"] == len([e for e in story["merged_events"] if e["lat"] is not None])


def test_a_story_page_in_chromium_shows_its_articles_and_merged_events_on_the_map(base_url, tmp_path):
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    story = pair_story(base_url)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 1400})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base_url}/stories/{story['id']}")
            page.wait_for_function("() => window.rasdReady === true", timeout=20_000)
            assert page.locator(".timeline-list tbody tr").count() == 2
            markers = page.evaluate("window.rasdMap.markers()")
            drawn = sum(m["count"] for m in markers)
            assert drawn == len([e for e in story["merged_events"] if e["lat"] is not None]) > 0
            shot = tmp_path / "story_page.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"story page screenshot: {shot}")
            assert shot.stat().st_size > 10_000 and errors == []
        finally:
            browser.close()
