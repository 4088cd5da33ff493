"""rasd serve in a real headless Chromium: the map, its markers and popups, the filters, the highlighted document,
and hostile article content that must stay inert.  Screenshots go to test-artifacts/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT  # noqa: E402
from ui_support import HOSTILE_SCRIPT, HOSTILE_TITLE, build_db  # noqa: E402

from rasd.serve.app import create_app  # noqa: E402
from rasd.serve.server import background_server  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    try:
        subprocess.run(["sh", str(ROOT / "tools" / "install_chromium.sh")], check=True, capture_output=True,
                       timeout=900)
    except (OSError, subprocess.SubprocessError) as e:
        pytest.skip(f"chromium is absent and could not be installed: {e}")
    if not CHROMIUM.exists():
        pytest.skip("chromium is absent and could not be installed")


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("serve-ui") / "rasd.db")


@pytest.fixture(scope="module")
def base_url(fixture):
    with background_server(create_app(fixture.db)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 940})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and page.errors.append(f"console: {m.text}"))
    yield page
    context.close()


def open_map(page, base_url, query: str = "") -> None:
    page.goto(f"{base_url}/map{query}")
    page.wait_for_function("() => window.rasdReady === true", timeout=20_000)


def click_marker(page, event_id: str) -> None:
    markers = page.evaluate("window.rasdMap.markers()")
    marker = next(m for m in markers if m["ids"] == [event_id])
    box = page.locator("#map-canvas").bounding_box()
    page.mouse.click(box["x"] + marker["x"], box["y"] + marker["y"])


def located_events(fixture) -> set[str]:
    return {fixture.event_id(name, i) for name, doc in fixture.docs.items() for i, e in enumerate(doc.events)
            if e.location and e.modality == "asserted"}


def test_map_draws_every_located_event_and_a_marker_opens_its_popup(page, base_url, fixture, artifacts):
    open_map(page, base_url)
    expected = located_events(fixture)
    assert int(page.get_attribute("#map", "data-markers")) == len(expected) == 5
    markers = page.evaluate("window.rasdMap.markers()")
    assert sorted(i for m in markers for i in m["ids"]) == sorted(expected)
    assert "6 events" in page.text_content("#map-status")
    assert page.locator("#event-list tbody tr").count() == 6
    page.screenshot(path=str(artifacts / "serve_map.png"))

    sanaa = fixture.event_id("yemen", 0)
    click_marker(page, sanaa)
    popup = page.locator(f"#map-popup .event-summary[data-event-id='{sanaa}']")
    popup.wait_for(timeout=10_000)
    assert "Air/drone strike" in popup.text_content() and "صنعاء" in popup.text_content()
    page.screenshot(path=str(artifacts / "serve_map_popup.png"))

    popup.locator("a.popup-document").click()
    page.wait_for_url(f"**/documents/{fixture.docs['yemen'].id}")
    assert page.locator(".doc-text span.place").all_text_contents() == ["صنعاء", "بيروت"]
    assert page.errors == []


def test_document_page_highlights_entities_places_and_evidence(page, base_url, fixture, artifacts):
    doc = fixture.docs["syria"]
    page.goto(f"{base_url}/documents/{doc.id}")
    text = page.locator("#doc-text")
    assert (text.get_attribute("dir"), text.get_attribute("lang")) == ("rtl", "ar")
    assert text.text_content() == doc.text
    assert text.locator("span.ent-ORG").all_text_contents() == ["سانا", "الجيش العربي السوري", "هيئة تحرير الشام"]
    assert text.locator("span.ent-WEAPON").all_text_contents() == ["المدفعية"]
    assert text.locator("span.ent-QUANTITY").all_text_contents() == ["خمسة مسلحين"]
    assert text.locator("span.place").all_text_contents() == ["إدلب", "حلب"]
    assert text.locator("span.place.ent-LOC").count() == 2  # a place and its LOC entity are one element
    evidence = text.locator("mark.evidence")
    assert evidence.count() == 2
    assert evidence.nth(0).get_attribute("data-events") == fixture.event_id("syria", 0)
    assert evidence.nth(0).text_content() == doc.text[slice(*doc.events[0].evidence[0])]
    page.locator("details.removed summary").click()
    assert "تابعونا على قناتنا في تلغرام" in page.locator("details.removed").text_content()
    assert page.locator(".legend .ent-PER").count() == 1
    page.screenshot(path=str(artifacts / "serve_document.png"), full_page=True)

    page.goto(f"{base_url}/events/{fixture.event_id('syria', 0)}")
    quote = page.locator("blockquote.evidence-text")
    assert quote.locator("span.trigger").all_text_contents() == ["قصفت"]
    assert quote.locator("span.framing").all_text_contents() == ["لمسلحي"]
    assert quote.locator("span.source").all_text_contents() == ["مصدر عسكري", "سانا"]
    assert page.locator("ol.chain li").all_text_contents()[0].split() == ["anonymous", "مصدر", "عسكري"]
    page.screenshot(path=str(artifacts / "serve_event.png"), full_page=True)
    assert page.errors == []


def test_hostile_article_content_never_runs(page, base_url, fixture, artifacts):
    doc = fixture.docs["hostile"]
    event_id = fixture.event_id("hostile", 0)
    for path in (f"/documents/{doc.id}", f"/events/{event_id}", "/events", "/documents", "/actors",
                 "/search?q=طرابلس"):
        page.goto(base_url + path)
        assert page.evaluate("window.__pwned") is None, path
    page.goto(f"{base_url}/documents/{doc.id}")
    assert page.text_content("h1") == HOSTILE_TITLE
    assert HOSTILE_SCRIPT in page.text_content("#doc-text")
    assert page.locator("a[href^='javascript']").count() == 0
    page.screenshot(path=str(artifacts / "serve_hostile_document.png"), full_page=True)

    open_map(page, base_url)
    click_marker(page, event_id)
    popup = page.locator(f"#map-popup .event-summary[data-event-id='{event_id}']")
    popup.wait_for(timeout=10_000)
    assert HOSTILE_TITLE in popup.text_content() and "<svg onload" in popup.text_content()
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


def test_filters_drive_the_map_timeline_and_list(page, base_url, fixture):
    open_map(page, base_url)
    assert [b["total"] for b in page.evaluate("window.rasdMap.timeline()")] == [1, 1, 2, 2]
    page.select_option("select[name=event_type]", "Battles")
    page.wait_for_function("() => window.rasdMap.loads === 2")
    assert int(page.get_attribute("#map", "data-markers")) == 2
    assert page.evaluate("window.rasdMap.timeline()") == [
        {"start": "2024-03-11", "days": 1, "total": 1}, {"start": "2024-03-12", "days": 1, "total": 0},
        {"start": "2024-03-13", "days": 1, "total": 1}]
    page.wait_for_function("() => document.querySelectorAll('#event-list tbody tr').length === 2")
    assert "event_type=Battles" in page.url
    page.fill("input[name=actor]", "Military Forces of Syria")
    page.press("input[name=actor]", "Enter")
    page.wait_for_function("() => window.rasdMap.loads === 3")
    assert page.evaluate("window.rasdMap.markers()")[0]["ids"] == [fixture.event_id("syria", 1)]
    assert page.get_attribute("#all-events-link", "href") == "/events?event_type=Battles&actor=Military+Forces+of+Syria"
    assert page.errors == []


def test_pan_zoom_and_cluster_click(page, base_url):
    open_map(page, base_url)
    box = page.locator("#map-canvas").bounding_box()
    zoom = page.evaluate("window.rasdMap.view.zoom")
    page.click("button[data-zoom=in]")
    page.wait_for_function(f"() => window.rasdMap.view.zoom === {round(zoom) + 1}")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 400)
    page.wait_for_function(f"() => window.rasdMap.view.zoom < {round(zoom) + 1}")
    center = page.evaluate("[window.rasdMap.view.cx, window.rasdMap.view.cy]")
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 40, steps=5)
    page.mouse.up()
    assert page.evaluate("[window.rasdMap.view.cx, window.rasdMap.view.cy]") != center
    page.click("button[data-zoom=fit]")
    cluster = next(m for m in page.evaluate("window.rasdMap.markers()") if m["count"] > 1)
    before = page.evaluate("window.rasdMap.view.zoom")
    page.mouse.click(box["x"] + cluster["x"], box["y"] + cluster["y"])
    page.wait_for_function(f"() => window.rasdMap.view.zoom > {before}")
    page.wait_for_timeout(100)
    counts = sorted(m["count"] for m in page.evaluate("window.rasdMap.markers()"))
    assert counts == [1] * 5
    assert page.errors == []


def test_choosing_a_modality_on_the_map_counts_the_filters_for_it(page, base_url):
    """The negated clash in Beirut counts among the battles only once the modality filter lets it in."""
    open_map(page, base_url)
    battles = page.locator("select[name=event_type] option[value=Battles]")
    assert battles.text_content().endswith("(2)")
    page.select_option("select[name=modality]", "any")
    page.wait_for_url("**/map?modality=any")
    page.wait_for_function("() => window.rasdReady === true", timeout=20_000)
    assert battles.text_content().endswith("(3)")
    page.wait_for_function("() => document.querySelectorAll('#event-list tbody tr').length === 7")
    assert "7 events" in page.text_content("#map-status")
    page.select_option("select[name=event_type]", "Battles")
    page.wait_for_function("() => window.rasdMap.loads === 2")  # other filters still redraw in place
    assert page.url.endswith("/map?event_type=Battles&modality=any")
    page.wait_for_function("() => document.querySelectorAll('#event-list tbody tr').length === 3")
    assert page.errors == []
