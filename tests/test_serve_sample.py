"""The whole flow a user sees: the bundled corpus and the shared sample analysed by `rasd analyze`, served by
`rasd serve`, looked at in a real headless Chromium.  Screenshots go to test-artifacts/."""
from __future__ import annotations

import sqlite3

import pytest

from conftest import ROOT, SPUTNIK, rasd
from test_serve_ui import CHROMIUM, CHROMIUM_ARGS, click_marker, ensure_chromium, open_map

from rasd.serve.app import create_app
from rasd.serve.server import background_server


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "rasd.db"
    result = rasd("analyze", str(ROOT / "samples"), str(SPUTNIK), "--db", str(db), "--published", "2026-11-20",
                  "--no-progress")
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    return db


@pytest.fixture(scope="module")
def base_url(sample_db):
    with background_server(create_app(sample_db)) as base:
        yield base


@pytest.fixture(scope="module")
def page(sample_db):
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 940})
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        yield page
        browser.close()


def test_sample_corpus_on_the_map_and_the_shared_sample_highlighted(page, base_url, sample_db, artifacts):
    with sqlite3.connect(sample_db) as c:
        # the map draws each event merged across articles once, as its leading report (rasd.corpus)
        located = {r[0] for r in c.execute(
            "SELECT e.id FROM events e WHERE e.modality = 'asserted' AND e.lat IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM merged_mentions mm JOIN merged_events m ON m.id = mm.merged_id"
            " WHERE mm.event_id = e.id AND m.lead <> e.id)")}
        sputnik_id, = c.execute("SELECT id FROM documents WHERE source_path LIKE '%scraped-article-sputnik.txt'").fetchone()
        meeting, = c.execute("SELECT id FROM events WHERE doc_id = ? AND sub_event_type = 'Agreement'"
                             " AND modality = 'asserted'", (sputnik_id,)).fetchone()
    assert len(located) >= 60

    open_map(page, base_url)
    assert int(page.get_attribute("#map", "data-markers")) == len(located)
    assert sorted(i for m in page.evaluate("window.rasdMap.markers()") for i in m["ids"]) == sorted(located)
    page.screenshot(path=str(artifacts / "sample_map.png"))

    page.goto(f"{base_url}/map?country=SY&event_type=Strategic+developments")
    page.wait_for_function("() => window.rasdReady === true", timeout=20_000)
    ids = [i for m in page.evaluate("window.rasdMap.markers()") for i in m["ids"]]
    assert meeting in ids
    if any(m["ids"] == [meeting] for m in page.evaluate("window.rasdMap.markers()")):
        click_marker(page, meeting)
        page.locator(f"#map-popup .event-summary[data-event-id='{meeting}']").wait_for(timeout=10_000)
        page.locator("#map-popup a.popup-document").click()
    else:
        page.goto(f"{base_url}/documents/{sputnik_id}")
    page.wait_for_url(f"**/documents/{sputnik_id}")

    text = page.locator(".doc-text")
    assert text.get_attribute("dir") == "rtl"
    places = page.locator(".doc-text span.place").all_text_contents()
    assert "جسر الشغور" in places and "الجانودية" in places and "ريف حماة الشمالي الغربي" in places
    orgs = page.locator(".doc-text .ent-ORG").all_text_contents()
    assert "هيئة تحرير الشام" in orgs and "جبهة النصرة" in orgs
    assert page.locator(".doc-text .evidence").count() >= 3
    assert "Views: 4" in page.text_content("body")  # the cleaner's removals are listed
    page.screenshot(path=str(artifacts / "sample_sputnik_document.png"), full_page=True)
    assert page.errors == []
