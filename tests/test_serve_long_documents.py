"""rasd serve on very long documents: highlighting stays linear, and no page or JSON twin grows with the length of an
article or of the rows it lists."""
from __future__ import annotations

import html
import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui_support import build_db, finish, place  # noqa: E402

from rasd.model import Document, Entity, Event  # noqa: E402
from rasd.serve.app import create_app  # noqa: E402
from rasd.serve.server import background_server  # noqa: E402
from rasd.serve.highlight import Mark, layer  # noqa: E402
from rasd.serve.queries import DOCUMENT_PART_CHARS, MAX_LISTED_CHARS, MAX_LISTED_URL_CHARS  # noqa: E402
from rasd.store import Store  # noqa: E402


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


# --- a long article served in parts ---------------------------------------------------------------------------

def long_report(n_sentences: int = 1_600) -> Document:
    """About 90,000 characters: every sentence names a weapon and a place, every hundredth one is an event's evidence
    (16 events, so that event ids run past ":9")."""
    text = "\n".join(f"وفي اليوم {i} قصفت المدفعية مواقع في إدلب وقتل {i % 7 + 2} مسلحين." for i in range(n_sentences))
    doc = Document(raw="", title="تقرير طويل", outlet="Long Wire", published="2024-03-20", text=text)
    lines = [m.span() for m in re.finditer(r"[^\n]+", text)]
    for start, end in lines:
        weapon = text.index("المدفعية", start)
        idlib = place(text, "إدلب", "Idlib", "إدلب", 35.9306, 36.6339, "SY", "Idlib", after=start)
        doc.entities += [Entity(weapon, weapon + len("المدفعية"), "المدفعية", "WEAPON"),
                         Entity(idlib.start, idlib.end, "إدلب", "LOC")]
        doc.places.append(idlib)
    doc.events = [Event("Explosions/Remote violence", "Shelling/artillery/missile attack", [lines[i]],
                        event_date=f"2024-03-{1 + i // 100:02d}", trigger="قصفت", confidence=0.8)
                  for i in range(0, n_sentences, 100)]
    return finish(doc)


@pytest.fixture(scope="module")
def long_doc(tmp_path_factory):
    db = tmp_path_factory.mktemp("long-documents") / "rasd.db"
    fixture = build_db(db)
    doc = long_report()
    with Store(db) as store, store.transaction():
        store.save(doc, "input-long")
    with background_server(create_app(db)) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield doc, client, fixture


def doc_text(page: str) -> str:
    """The text of the #doc-text element, markup removed and entities unescaped."""
    start = page.index('id="doc-text"')
    inner = page[page.index(">", start) + 1:page.index("</div>", start)]
    return html.unescape(re.sub(r"<[^>]+>", "", inner))


def test_a_long_document_page_shows_one_part_and_links_the_next(long_doc):
    doc, api, _ = long_doc
    assert len(doc.text) > 4 * DOCUMENT_PART_CHARS
    texts, path, pages = [], f"/documents/{doc.id}", 0
    while path:
        page = api.get(path)
        assert page.status_code == 200, page.text[:300]
        assert len(page.content) < 1_000_000  # the whole article would be several times this
        text = doc_text(page.text)
        assert 0 < len(text) <= DOCUMENT_PART_CHARS
        twin = path.replace(doc.id, doc.id + ".json")
        assert f'href="{twin}" class="json-twin"' in page.text
        assert api.get(twin).json()["text"] == text
        texts.append(text)
        pages += 1
        following = re.search(r'<a href="(\?part=\d+)" rel="next"', page.text)
        path = f"/documents/{doc.id}{following.group(1)}" if following else None
    assert "".join(texts) == doc.text
    assert pages == len(texts) >= 5


def test_a_long_documents_json_twin_comes_in_parts_that_add_up_to_the_whole(long_doc):
    doc, api, _ = long_doc
    contract = doc.to_dict()
    parts, path = [], f"/documents/{doc.id}.json"
    while path:
        response = api.get(path)
        assert response.status_code == 200, response.text[:300]
        assert len(response.content) < 1_000_000
        parts.append(response.json())
        path = parts[-1]["part"]["next"]
    assert [p["part"]["number"] for p in parts] == list(range(1, len(parts) + 1))
    assert {p["part"]["of"] for p in parts} == {len(parts)} and parts[0]["part"]["previous"] is None
    assert parts[1]["part"]["previous"] == f"/documents/{doc.id}.json?part=1"
    assert "".join(p["text"] for p in parts) == doc.text
    for p in parts:
        assert p["text"] == doc.text[p["part"]["start"]:p["part"]["end"]] and p["part"]["length"] == len(doc.text)
        assert all(p["part"]["start"] <= e["start"] < e["end"] <= p["part"]["end"] for e in p["entities"])
        assert (p["id"], p["title"], p["outlet"]) == (doc.id, doc.title, doc.outlet)
    assert [e for p in parts for e in p["entities"]] == contract["entities"]  # offsets into the whole text
    assert [pl for p in parts for pl in p["places"]] == contract["places"]
    events = [e for p in parts for e in p["events"]]
    assert [e["id"] for e in events] == [f"{doc.id}:{i}" for i in range(len(doc.events))]
    assert [{k: v for k, v in e.items() if k != "id"} for e in events] == contract["events"]


def test_every_event_of_a_long_document_links_to_the_event_read_from_its_evidence(long_doc):
    """Event ids sorted as text (":10" before ":2") paired the wrong ids with the events of an article with more
    than ten of them."""
    doc, api, _ = long_doc
    pairs = []
    for number in range(1, 6):
        page = api.get(f"/documents/{doc.id}", params={"part": number}).text
        pairs += re.findall(r'<mark class="evidence" data-events="([^"]+)">(.*?)</mark>', page)
        pairs += [("side", m) for m in re.findall(r'<li><a href="/events/([^"]+)">', page)]
    marks = [(event_id, html.unescape(re.sub(r"<[^>]+>", "", text))) for event_id, text in pairs if event_id != "side"]
    assert len(marks) == len(doc.events) == 16
    for event_id, text in marks:
        event = api.get(f"/events/{event_id}.json").json()
        assert event["evidence"][0]["text"] == text, event_id
    assert sorted(unquote(m) for kind, m in pairs if kind == "side") == sorted(event_id for event_id, _ in marks)
    quote = api.get(f"/events/{doc.id}:11").text.split('<blockquote class="evidence-text"', 1)[1].split("</blockquote>")[0]
    assert "اليوم 1100 " in quote
    assert re.findall(r'<span class="([^"]+)" title="[^"]*">([^<]+)</span>', quote) == [
        ("trigger", "قصفت"), ("ent ent-WEAPON", "المدفعية"), ("ent ent-LOC", "إدلب")]


@pytest.mark.parametrize("part", ["0", "99", "two", "-1", "1" * 30])
def test_a_part_that_does_not_exist_is_a_400(long_doc, part):
    doc, api, fixture = long_doc
    for doc_id in (doc.id, fixture.docs["syria"].id):
        for suffix in ("", ".json"):
            response = api.get(f"/documents/{doc_id}{suffix}", params={"part": part})
            assert response.status_code == 400, (doc_id, suffix, part)
            assert "part must be" in (response.json()["error"] if suffix else response.text)


def test_a_short_documents_only_part_is_the_whole_document(long_doc):
    _, api, fixture = long_doc
    doc = fixture.docs["syria"]
    assert api.get(f"/documents/{doc.id}.json", params={"part": "1"}).json() == doc.to_dict()
    assert 'rel="next"' not in api.get(f"/documents/{doc.id}").text


# --- listed rows stay small whatever the input's metadata ------------------------------------------------------

def oversized_metadata_report(n: int) -> Document:
    """An article whose title, outlet and URL are 100,000 characters each, with a 100,000-letter 'word' beside the
    word a search finds."""
    text = f"قصفت المدفعية مواقع في إدلب صباح اليوم {n} " + "ا" * 100_000 + " وانتهى القصف."
    doc = Document(raw="", title=f"عنوان {n} " + "طويل " * 20_000, outlet="Wire " * 20_000,
                   url="https://example.org/" + "a" * 100_000, published="2024-03-21", text=text)
    idlib = place(text, "إدلب", "Idlib", "إدلب", 35.9306, 36.6339, "SY", "Idlib")
    doc.entities = [Entity(idlib.start, idlib.end, "إدلب", "LOC")]
    doc.places = [idlib]
    doc.events = [Event("Explosions/Remote violence", "Shelling/artillery/missile attack", [(0, len(text))],
                        location=idlib, event_date="2024-03-21", trigger="قصفت", confidence=0.8)]
    return finish(doc)


@pytest.fixture(scope="module")
def oversized(tmp_path_factory):
    db = tmp_path_factory.mktemp("oversized-metadata") / "rasd.db"
    docs = [oversized_metadata_report(n) for n in range(20)]
    with Store(db) as store, store.transaction():
        for n, doc in enumerate(docs):
            store.save(doc, f"input-{n}")
    with background_server(create_app(db)) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield docs, client


@pytest.mark.parametrize("path, fields", [
    ("/documents.json?limit=1000", ("title", "outlet", "url")),
    ("/events.json?limit=1000", ("title", "outlet")),
    ("/search.json?q=إدلب&limit=1000", ("title", "outlet", "snippet")),
    ("/places/SY/Idlib.json?limit=1000", ("title",)),  # its events and its mentions
])
def test_listed_rows_cut_long_titles_outlets_urls_and_snippets(oversized, path, fields):
    docs, api = oversized
    response = api.get(path)
    assert response.status_code == 200
    assert len(response.content) < 20 * 6_000  # 20 rows; uncut, they weighed 20 * 400 kB
    body = response.json()
    rows = body["rows"] if "rows" in body else body["events"]["rows"] + body["mentions"]
    assert len(rows) == (40 if path.startswith("/places") else 20)
    for row in rows:
        for field in fields:
            limit = MAX_LISTED_URL_CHARS if field == "url" else MAX_LISTED_CHARS
            assert len(row[field]) == limit and row[field].endswith("…"), field
        if "title" in fields:
            assert any(row["title"].startswith(f"عنوان {n} طويل") for n in range(20))
    for html_path in (path.replace(".json", ""), "/actors", "/places"):
        assert len(api.get(html_path).content) < 200_000, html_path


def test_a_documents_own_page_keeps_its_metadata_whole(oversized):
    docs, api = oversized
    doc = api.get(f"/documents/{docs[0].id}.json").json()
    assert (doc["title"], doc["outlet"], doc["url"]) == (docs[0].title, docs[0].outlet, docs[0].url)
    assert api.get(f"/events/{docs[0].id}:0.json").json()["title"] == docs[0].title
