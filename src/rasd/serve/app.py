"""The HTTP API and the web UI over one rasd database, opened read-only.

Every HTML page has a JSON twin at the same path with ".json" appended
(/events ↔ /events.json, /events/{id} ↔ /events/{id}.json).  Nothing is loaded
from another host: scripts, styles and the basemap are served from the package.
The only endpoint that is not a read is POST /analyze, which analyses a posted
article and returns its export-contract JSON without storing it.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from rasd.corpus import read as corpus_read
from rasd.model import Document
from rasd.resources.taxonomy import MODALITIES
from rasd.serve import queries
from rasd.serve.highlight import Mark, layer
from rasd.serve.queries import BASEMAP, BadParameter, EventFilter
from rasd.store import Store

HERE = Path(__file__).resolve().parent
MAX_ANALYZE_BYTES = 2 * 1024 * 1024
ANALYZE_BODY_SECONDS = 30.0  # to send the body of POST /analyze, once its head has arrived
Analyzer = Callable[..., Document]

ENTITY_LABELS = [("PER", "شخص", "person"), ("ORG", "منظمة", "organisation"), ("LOC", "موقع", "location"),
                 ("NORP", "جماعة", "group / nationality"), ("WEAPON", "سلاح", "weapon"),
                 ("QUANTITY", "كمية", "quantity"), ("DATE", "تاريخ", "date"), ("MISC", "أخرى", "other")]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class AnalyzeUnavailable(Exception):
    """The analysis pipeline cannot run in this installation (a stage or its resource is missing)."""


# --- query-parameter dependencies (declared as strings so that bad values get our own 400 message) --------------

def event_filter(
    date_from: str | None = Query(None, alias="from", description="first event date, YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="last event date, YYYY-MM-DD (inclusive)"),
    event_type: str | None = Query(None, description="ACLED event type, e.g. Battles"),
    sub_event_type: str | None = Query(None, description="ACLED sub-event type, e.g. Armed clash"),
    actor: str | None = Query(None, description="actor name as actor1, actor2 or an associated actor"),
    country: str | None = Query(None, description="ISO 3166-1 alpha-2 country code, e.g. SY"),
    admin1: str | None = Query(None, description="first-level administrative division, e.g. Idlib"),
    bbox: str | None = Query(None, description="minlon,minlat,maxlon,maxlat"),
    outlet: str | None = Query(None, description="reporting outlet"),
    min_confidence: str | None = Query(None, description="lowest event confidence, 0 to 1"),
    modality: str | None = Query(None, description=f"{', '.join(MODALITIES)} or any (default asserted)"),
    story: str | None = Query(None, description="only the reports of the merged events of this story"),
) -> EventFilter:
    return EventFilter.parse({"from": date_from, "to": date_to, "event_type": event_type,
                              "sub_event_type": sub_event_type, "actor": actor, "country": country, "admin1": admin1,
                              "bbox": bbox, "outlet": outlet, "min_confidence": min_confidence, "modality": modality,
                              "story": story})


def page(limit: str | None = Query(None, description=f"rows per page, 1 to {queries.MAX_LIMIT} (default "
                                                      f"{queries.DEFAULT_LIMIT})"),
         offset: str | None = Query(None, description="rows to skip")) -> tuple[int, int]:
    return queries.parse_page(limit, offset)


# --- template helpers ------------------------------------------------------------------------------------------

def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None: an article's URL must never become a javascript: link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def path_quote(value: Any) -> str:
    return quote(str(value), safe="")


def query_string(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def document_blocks(text: str, part: dict[str, Any]) -> list[Any]:
    """The part's stretch of the clean text with entities, places and quantities marked inline and event evidence
    as blocks (`part` is a `queries.document_part`)."""
    marks = [Mark(e["start"], e["end"], ["ent", f"ent-{e['label']}"],
                  e["label"] + (f" → {e['actor']}" if e.get("actor") else "")) for e in part["entities"]]
    marks += [Mark(q["start"], q["end"], ["ent", "ent-QUANTITY"], f"QUANTITY {q['value']:g} {q['unit']}")
              for q in part["quantities"]]
    marks += [Mark(p["start"], p["end"], ["place"], f"{p['name_en']} ({p['country']}) {p['lat']:.4f}, {p['lon']:.4f}")
              for p in part["places"]]
    blocks = [Mark(s["start"], s["end"], ["evidence"], f"{ev['event_type']}: {ev['sub_event_type']}", [ev["id"]])
              for ev in part["events"] for s in ev["evidence"]]
    return layer(text, marks, blocks, part["part"]["start"], part["part"]["end"])


def evidence_blocks(text: str, entities: list[dict[str, Any]], event: dict[str, Any]) -> list[list[Any]]:
    """Each evidence sentence of an event with its entities, place, quantities, framing words and sources marked."""
    data = event["attribution"]
    marks = [Mark(e["start"], e["end"], ["ent", f"ent-{e['label']}"], e["label"]) for e in entities]
    place = event.get("place")
    if place:
        marks.append(Mark(place["start"], place["end"], ["place"], place["name_en"]))
    marks += [Mark(q["start"], q["end"], ["ent", "ent-QUANTITY"], q["unit"]) for q in event.get("quantities") or []]
    marks += [Mark(m["start"], m["end"], ["framing"], m["kind"]) for m in data.get("framing", [])]
    marks += [Mark(s["start"], s["end"], ["source"], s["kind"]) for s in data.get("sources", [])
              if s.get("start") is not None and s.get("end") is not None]
    trigger = event.get("trigger")
    out = []
    for ev in event["evidence"]:
        sentence_marks = list(marks)
        if trigger:
            at = text.find(trigger, ev["start"], ev["end"])
            if at >= 0:
                sentence_marks.append(Mark(at, at + len(trigger), ["trigger"], "trigger"))
        out.append(layer(text, sentence_marks, lo=ev["start"], hi=ev["end"]))
    return out


# --- the application -------------------------------------------------------------------------------------------

def create_app(db_path: str | Path, token: str | None = None, analyzer: Analyzer | None = None,
               max_analyze_bytes: int = MAX_ANALYZE_BYTES) -> FastAPI:
    """The app over `db_path`.  With `token`, POST /analyze requires it (Authorization: Bearer TOKEN)."""
    Store(db_path, readonly=True).close()  # fail now, not on every request, when it is missing or cannot be read
    app = FastAPI(title="rasd رصد", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Arabic news as structured, geolocated, source-attributed event data. "
                              "Every HTML page has a JSON twin at the same path with .json appended.")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(q=path_quote, safe_url=safe_url)
    env.globals.update(query_string=query_string, codebook=queries.codebook(), entity_labels=ENTITY_LABELS,
                       country_names=queries.country_names(), report_fields=corpus_read.REPORT_FIELDS)
    local = threading.local()

    def store() -> Store:
        """One read-only connection per worker thread: sqlite3 connections are not shared across threads."""
        if not hasattr(local, "store"):
            local.store = Store(db_path, readonly=True)
        return local.store

    def html(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        twin = quote(request.url.path.rstrip("/") + ".json", safe="/:") + query
        return templates.TemplateResponse(request, name, {"nav": name.split(".")[0], "json_url": twin, **context},
                                          status_code=status_code)

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.endswith(".json") or path == "/analyze"

    def error(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return html(request, "error.html", status_code=status, status=status, message=message)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter) -> Response:
        return error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
        return error(request, 400, f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def found(value: Any, what: str, key: str) -> Any:
        """The looked-up record, or a 404 naming what was not found."""
        if value is None:
            raise HTTPException(404, f"no {what} {key!r}")
        return value

    def corpus_conn() -> sqlite3.Connection:
        """The connection to read the corpus layer with; a database without its tables has nothing there."""
        if not store().has_corpus:
            raise HTTPException(404, "this database has no corpus layer: run rasd corpus on it")
        return store().conn

    def parse_id(value: str) -> int:
        return queries.parse_int("id", value, 0, 1, 2**62)

    def stories_listing(paging: tuple[int, int], min_documents: str | None) -> dict[str, Any]:
        limit, offset = paging
        least = queries.parse_int("min_documents", min_documents, 1, 1, 1_000_000)
        return {"limit": limit, "offset": offset, "min_documents": least,
                "rows": corpus_read.list_stories(corpus_conn(), limit, offset, least)}

    def document_view(doc: dict[str, Any], part: str | None) -> dict[str, Any]:
        """The `part` (a query-string value) of a document, as `queries.document_part` gives it."""
        number = queries.parse_int("part", part, 1, 1, 10_000_000)
        return queries.document_part(doc, queries.document_event_ids(store(), doc["id"]), number)

    # --- JSON API (registered before the HTML routes so that "x.json" never reads as an id) -------------------

    @app.get("/stats.json", tags=["api"], summary="Counts and the values the filters accept")
    def stats_json() -> dict[str, Any]:
        return {**queries.stats(store()), "facets": queries.facets(store())}

    @app.get("/map.json", tags=["api"], summary="Located events (compact columns) and events per day and type")
    def map_json(flt: EventFilter = Depends(event_filter)) -> dict[str, Any]:
        return queries.map_data(store(), flt)

    @app.get("/events.json", tags=["api"], summary="Events, filtered, in (event_date, id) order")
    def events_json(flt: EventFilter = Depends(event_filter), paging: tuple[int, int] = Depends(page),
                    cursor: str | None = Query(None, description="next_cursor of the previous page "
                                                                 "(replaces offset)")) -> dict[str, Any]:
        result = queries.list_events(store(), flt, paging[0], paging[1], cursor)
        if result["next_cursor"]:
            result["next"] = "/events.json?" + query_string(flt.params(), limit=paging[0],
                                                            cursor=result["next_cursor"])
        return result

    @app.get("/events/{event_id:path}.json", tags=["api"],
             summary="One event with its sources, attribution chain and evidence text")
    def event_json(event_id: str) -> dict[str, Any]:
        event = found(queries.get_event(store(), event_id), "event", event_id)
        return event

    @app.get("/documents.json", tags=["api"], summary="Documents in (published, id) order")
    def documents_json(outlet: str | None = Query(None, description="reporting outlet"),
                       paging: tuple[int, int] = Depends(page)) -> dict[str, Any]:
        return queries.list_documents(store(), queries.parse_text("outlet", outlet), *paging)

    @app.get("/documents/{doc_id}.json", tags=["api"], summary="One document as its export-contract JSON",
             description=f"A document longer than {queries.DOCUMENT_PART_CHARS:,} characters comes in parts: "
                         "`part` says which, `previous` and `next` link its neighbours.")
    def document_json(doc_id: str, part: str | None = Query(None, description="part of a long document, from 1")
                      ) -> dict[str, Any]:
        doc = found(queries.get_document(store(), doc_id), "document", doc_id)
        view = document_view(doc, part)
        if view["part"]["of"] == 1:
            return doc
        number, path = view["part"]["number"], f"/documents/{path_quote(doc_id)}.json"
        view["part"]["previous"] = f"{path}?part={number - 1}" if number > 1 else None
        view["part"]["next"] = f"{path}?part={number + 1}" if number < view["part"]["of"] else None
        return view

    @app.get("/actors.json", tags=["api"], summary="Actors named by events or linked from mentions")
    def actors_json(paging: tuple[int, int] = Depends(page)) -> dict[str, Any]:
        return queries.list_actors(store(), *paging)

    @app.get("/actors/{name:path}.json", tags=["api"], summary="One actor with its events and documents")
    def actor_json(name: str, paging: tuple[int, int] = Depends(page)) -> dict[str, Any]:
        actor = found(queries.get_actor(store(), name, *paging), "actor", name)
        return actor

    @app.get("/places.json", tags=["api"], summary="Resolved places, most mentioned first")
    def places_json(country: str | None = Query(None, description="ISO 3166-1 alpha-2 country code"),
                    paging: tuple[int, int] = Depends(page)) -> dict[str, Any]:
        return queries.list_places(store(), _country(country), *paging)

    @app.get("/places/{country}/{name:path}.json", tags=["api"], summary="One place with its mentions and events")
    def place_json(country: str, name: str, paging: tuple[int, int] = Depends(page)) -> dict[str, Any]:
        place = found(queries.get_place(store(), country, name, *paging), "place", f"{country}/{name}")
        return place

    @app.get("/stories.json", tags=["api"], summary="Stories, the most recent first (rasd.corpus)")
    def stories_json(paging: tuple[int, int] = Depends(page),
                     min_documents: str | None = Query(None, description="only stories of at least this many"
                                                                         " articles")) -> dict[str, Any]:
        return stories_listing(paging, min_documents)

    @app.get("/stories/{story_id}.json", tags=["api"],
             summary="One story: its articles in time order, outlets and merged events")
    def story_json(story_id: str) -> dict[str, Any]:
        return found(corpus_read.story(corpus_conn(), parse_id(story_id)), "story", story_id)

    @app.get("/merged/{merged_id}.json", tags=["api"],
             summary="One event merged across articles, with every report behind it side by side")
    def merged_json(merged_id: str) -> dict[str, Any]:
        return found(corpus_read.merged_event(corpus_conn(), parse_id(merged_id)), "merged event", merged_id)

    @app.get("/search.json", tags=["api"], summary="Full-text search (Arabic normalisation, clitics stripped)")
    def search_json(q: str = Query("", description="words to find"),
                    paging: tuple[int, int] = Depends(page)) -> dict[str, Any]:
        return queries.search(store(), queries.parse_text("q", q, 500) or "", *paging)

    @app.get("/basemap.json", tags=["api"], summary="The offline basemap (Natural Earth countries, provinces)")
    def basemap_json() -> FileResponse:
        return FileResponse(BASEMAP, media_type="application/json", headers={"Cache-Control": "max-age=86400"})

    @app.get("/docs.json", include_in_schema=False)
    def docs_json() -> dict[str, Any]:
        return app.openapi()

    @app.post("/analyze", tags=["api"], summary="Analyse a posted article; returns its export-contract JSON",
              description="Body: JSON {\"text\" | \"html\", \"published\"?, \"outlet\"?, \"url\"?, \"title\"?}, "
                          "or the raw text or HTML with published, outlet, url, title as query parameters. "
                          f"At most {max_analyze_bytes:,} bytes. Nothing is stored.")
    async def analyze(request: Request) -> dict[str, Any]:
        if token and not _token_ok(request, token):
            raise HTTPException(401, "this server requires a token: send Authorization: Bearer TOKEN")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_analyze_bytes:
            raise HTTPException(413, f"body is larger than {max_analyze_bytes:,} bytes")
        body = bytearray()
        try:
            async with asyncio.timeout(ANALYZE_BODY_SECONDS):  # a trickling body would hold the connection
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > max_analyze_bytes:
                        raise HTTPException(413, f"body is larger than {max_analyze_bytes:,} bytes")
        except TimeoutError:
            raise HTTPException(408, f"the body did not arrive within {ANALYZE_BODY_SECONDS:g} s") from None
        fields = _analyze_fields(request, bytes(body))
        try:
            doc = await run_in_threadpool(_run_analyzer, analyzer, fields)
        except AnalyzeUnavailable as e:
            raise HTTPException(503, f"analysis is unavailable in this installation: {e}") from None
        except Exception as e:  # one bad article is reported, never takes the server down
            raise HTTPException(422, f"analysis failed: {type(e).__name__}: {e}") from None
        return doc.to_dict()

    # --- HTML pages -----------------------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/map", status_code=307)

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request, flt: EventFilter = Depends(event_filter)) -> HTMLResponse:
        return html(request, "map.html", filters=flt.params(), facets=queries.facets(store(), flt.modality))

    @app.get("/events", include_in_schema=False)
    def events_page(request: Request, flt: EventFilter = Depends(event_filter), paging: tuple[int, int] = Depends(page),
                    cursor: str | None = None) -> HTMLResponse:
        result = queries.list_events(store(), flt, paging[0], paging[1], cursor)
        return html(request, "events.html", result=result, filters=flt.params(),
                    facets=queries.facets(store(), flt.modality))

    @app.get("/events/{event_id:path}", include_in_schema=False)
    def event_page(request: Request, event_id: str) -> HTMLResponse:
        event = found(queries.get_event(store(), event_id), "event", event_id)
        entities = [e for span in event["evidence"]
                    for e in queries.entities_within(store(), event["doc_id"], span["start"], span["end"])]
        return html(request, "event.html", event=event,
                    evidence=evidence_blocks(queries.document_text(store(), event["doc_id"]), entities, event))

    @app.get("/documents", include_in_schema=False)
    def documents_page(request: Request, outlet: str | None = None,
                       paging: tuple[int, int] = Depends(page)) -> HTMLResponse:
        result = queries.list_documents(store(), queries.parse_text("outlet", outlet), *paging)
        return html(request, "documents.html", result=result)

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document_page(request: Request, doc_id: str, part: str | None = None) -> HTMLResponse:
        doc = found(queries.get_document(store(), doc_id), "document", doc_id)
        view = document_view(doc, part)
        return html(request, "document.html", doc=view, text_blocks=document_blocks(doc["text"], view))

    @app.get("/actors", include_in_schema=False)
    def actors_page(request: Request, paging: tuple[int, int] = Depends(page)) -> HTMLResponse:
        return html(request, "actors.html", result=queries.list_actors(store(), *paging))

    @app.get("/actors/{name:path}", include_in_schema=False)
    def actor_page(request: Request, name: str, paging: tuple[int, int] = Depends(page)) -> HTMLResponse:
        actor = found(queries.get_actor(store(), name, *paging), "actor", name)
        return html(request, "actor.html", actor=actor)

    @app.get("/places", include_in_schema=False)
    def places_page(request: Request, country: str | None = None,
                    paging: tuple[int, int] = Depends(page)) -> HTMLResponse:
        return html(request, "places.html", result=queries.list_places(store(), _country(country), *paging))

    @app.get("/places/{country}/{name:path}", include_in_schema=False)
    def place_page(request: Request, country: str, name: str, paging: tuple[int, int] = Depends(page)) -> HTMLResponse:
        place = found(queries.get_place(store(), country, name, *paging), "place", f"{country}/{name}")
        return html(request, "place.html", place=place)

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request, paging: tuple[int, int] = Depends(page),
                     min_documents: str | None = None) -> HTMLResponse:
        return html(request, "stories.html", result=stories_listing(paging, min_documents))

    @app.get("/stories/{story_id}", include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        story = found(corpus_read.story(corpus_conn(), parse_id(story_id)), "story", story_id)
        flt = EventFilter(story=story["id"])
        return html(request, "story.html", story=story, filters=flt.params(), facets=queries.facets(store()))

    @app.get("/merged/{merged_id}", include_in_schema=False)
    def merged_page(request: Request, merged_id: str) -> HTMLResponse:
        event = found(corpus_read.merged_event(corpus_conn(), parse_id(merged_id)), "merged event", merged_id)
        return html(request, "merged.html", event=event)

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, q: str = "", paging: tuple[int, int] = Depends(page)) -> HTMLResponse:
        result = queries.search(store(), queries.parse_text("q", q, 500) or "", *paging)
        return html(request, "search.html", result=result)

    @app.get("/stats", include_in_schema=False)
    def stats_page(request: Request) -> HTMLResponse:
        return html(request, "stats.html", stats=queries.stats(store()), facets=queries.facets(store()))

    @app.get("/docs", include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        return html(request, "docs.html", spec=app.openapi())

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app


def _country(value: str | None) -> str | None:
    return EventFilter.parse({"country": value}).country


def _token_ok(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    given = given[7:].strip() if given.lower().startswith("bearer ") else request.headers.get("x-rasd-token", "")
    return hmac.compare_digest(given.encode(), token.encode())


def _analyze_fields(request: Request, body: bytes) -> dict[str, Any]:
    """The article and its metadata from a JSON body, or from a raw body plus query parameters."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "body must be UTF-8") from None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            payload = json.loads(text)
        except ValueError as e:
            raise HTTPException(400, f"body is not valid JSON: {e}") from None
        if not isinstance(payload, dict):
            raise HTTPException(400, 'JSON body must be an object with "text" or "html"')
    else:
        payload = {"text": text, **{k: request.query_params.get(k) for k in ("published", "outlet", "url", "title")}}
    article = payload.get("text") or payload.get("html")
    if not isinstance(article, str) or not article.strip():
        raise HTTPException(400, 'nothing to analyse: give "text" or "html" (or a raw body)')
    fields: dict[str, Any] = {"text_or_html": article}
    for key in ("outlet", "url", "title"):
        value = payload.get(key)
        if value is not None and not isinstance(value, str):
            raise HTTPException(400, f"{key} must be a string")
        fields[key] = queries.parse_text(key, value, 2000)
    published = payload.get("published")
    if published is not None and not isinstance(published, str):
        raise HTTPException(400, "published must be a date string, YYYY-MM-DD")
    fields["published"] = queries.parse_date("published", published)
    return fields


def _run_analyzer(analyzer: Analyzer | None, fields: dict[str, Any]) -> Document:
    if analyzer is None:
        try:
            from rasd.runner.pipeline import analyze as analyzer
        except ImportError as e:
            raise AnalyzeUnavailable(str(e)) from e
    try:
        return analyzer(**fields)
    except Exception as e:
        cause = getattr(e, "cause", e)
        if isinstance(cause, (ImportError, FileNotFoundError)):  # a stage or its resource is not installed
            raise AnalyzeUnavailable(str(e)) from e
        raise
