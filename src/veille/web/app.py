"""The desk's web app: pages (static shells whose script reads the URL and calls the JSON twin),
the JSON API, and an Atom feed per watch (``veille.watch.atom``). Every route calls a ``Veille``
method; no query lives here.

One error shape for every 4xx and 5xx: ``{"error": {"status", "code", "message"}}``.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Iterator

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from veille.errors import InputError, NotFoundError, QueryError, StoreError, StoreUnavailableError, VeilleError
from veille.web.jobs import MAX_FILES, BusyError, IngestJobs, base_name, check_urls

STATIC = Path(__file__).parent / "static"
VIEWS = ("map", "timeline", "network", "relationship", "events", "reader", "compare", "ingest", "sources", "watches")
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
       "base-uri 'none'")
CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "too_large",
         422: "bad_request", 500: "internal_error", 503: "unavailable"}
UPLOAD_CHUNK = 1 << 16


def ok(data) -> JSONResponse:
    """The data as JSON, encoded once by the json module (FastAPI's encoder walks every value in
    Python first: a map of 1,000 markers took twice as long)."""
    return JSONResponse(data)


def error(status: int, message: str, code: str | None = None) -> JSONResponse:
    message = " ".join(str(message).split())[:500]
    return JSONResponse({"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message}},
                        status_code=status)


class Filters:
    """The query parameters every list route takes, read as text so that ``EventQuery`` checks
    them once, with the CLI's messages."""

    def __init__(self, text: str | None = Query(None, description="words in the event's sentence or the page title"),
                 type: list[str] | None = Query(None, description="PLOVER type (repeat, or comma list)"),
                 mode: str | None = None,
                 actor: str | None = Query(None, description="actor code, e.g. RUS"),
                 role: str | None = Query(None, description="source or target (with actor)"),
                 country: str | None = Query(None, description="ISO 3166-1 alpha-2 of the event's place"),
                 near: str | None = Query(None, description="LAT,LON,KM"),
                 since: str | None = Query(None, description="YYYY[-MM[-DD]]"),
                 until: str | None = Query(None, description="YYYY[-MM[-DD]]"),
                 source: str | None = Query(None, description="text in the document's name, URL or site"),
                 modality: str | None = None,
                 min_sources: str | None = Query(None, description="at least this many independent sources"),
                 doc: str | None = Query(None, description="document id, id prefix or name")):
        self.values = {"text": text, "type": type or (), "mode": mode or None, "actor": actor or None,
                       "role": role or None, "country": country or None, "near": near or None,
                       "since": since or None, "until": until or None, "source": source or None,
                       "modality": modality or None, "min_sources": min_sources or None, "doc": doc or None}


def create_app(veille) -> FastAPI:
    """The desk over one ``Veille`` (its store, its pipeline for ingest jobs)."""
    app = FastAPI(title="veille desk", version=_version(), docs_url=None, redoc_url=None,
                  description="Sourced, mapped, dated events from conflict news: the JSON twins of the desk's pages.")
    jobs = IngestJobs(veille)
    app.state.veille, app.state.jobs = veille, jobs
    veille.serving = True  # a slow cluster index is rebuilt in a thread, not while a request waits

    # ------------------------------------------------------------------ errors, headers
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc):
        message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"{request.url.path[:200]}: no such page or route (see /docs)"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path[:200]}"
        return error(exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request, exc):
        first = (exc.errors() or [{}])[0]
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body", "path"))
        return error(400, f"{where}: {first.get('msg', 'not valid')}" if where else first.get("msg", "not valid"))

    @app.exception_handler(VeilleError)
    async def veille_error(request, exc):
        if isinstance(exc, NotFoundError):
            return error(404, str(exc))
        if isinstance(exc, BusyError):
            return error(409, str(exc))
        if isinstance(exc, StoreUnavailableError):
            return error(503, str(exc))
        if isinstance(exc, StoreError):
            return error(500, str(exc), "store_error")
        return error(400, str(exc))

    @app.exception_handler(Exception)
    async def internal_error(request, exc):
        return error(500, f"internal error ({type(exc).__name__}); the server's log says more")

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        path = request.url.path
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not path.startswith(("/docs", "/openapi.json")):  # Swagger UI's page starts itself with an inline script
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # ------------------------------------------------------------------ pages
    @app.get("/docs", include_in_schema=False)
    def docs():
        """The OpenAPI documentation, with Swagger UI from the package's own static files (no CDN)."""
        from fastapi.openapi.docs import get_swagger_ui_html

        vendor = "/static/vendor/swagger-ui-dist"
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="veille desk: API",
                                   swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{vendor}/swagger-ui.css",
                                   swagger_favicon_url=f"{vendor}/favicon-32x32.png")

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/map", status_code=302)

    def shell(view: str):
        path = STATIC / f"{view}.html"
        if path.is_file():
            return FileResponse(path, media_type="text/html; charset=utf-8")
        return HTMLResponse(placeholder(view))

    for view in ("map", "timeline", "network", "relationship", "events", "ingest", "sources", "watches"):
        app.add_api_route(f"/{view}", (lambda v: lambda: shell(v))(view), methods=["GET"], include_in_schema=False,
                          response_class=HTMLResponse)

    @app.get("/reader/{doc_ref:path}", include_in_schema=False, response_class=HTMLResponse)
    def reader_page(doc_ref: str):
        return shell("reader")

    @app.get("/compare/{cluster_id}", include_in_schema=False, response_class=HTMLResponse)
    def compare_page(cluster_id: str):
        return shell("compare")

    # before /watches/{name}, which would take "name.atom" for a name
    @app.get("/watches/{name}.atom", tags=["watch"], response_class=Response,
             summary="A watch's alerts as an Atom feed (the newest 50; ETag, 304 on If-None-Match)",
             responses={200: {"content": {"application/atom+xml": {}}}, 304: {"description": "unchanged"}})
    def watch_feed(name: str, request: Request):
        from veille.watch import atom

        page = veille.watch_alerts(name, limit=atom.FEED_SIZE, offset=0)
        body = atom.build_feed(page["watch"], page["alerts"], str(request.base_url), str(request.url))
        tag = atom.etag(body)
        headers = {"ETag": tag, "Cache-Control": "no-cache"}
        if _etag_matches(request.headers.get("if-none-match", ""), tag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=headers)

    @app.get("/watches/{name}", include_in_schema=False, response_class=HTMLResponse)
    def watch_page(name: str):
        return shell("watches")

    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    # ------------------------------------------------------------------ events
    @app.get("/api/events", tags=["events"], summary="Events, newest first (filtered, paginated)")
    def api_events(f: Filters = _depends(), limit: str | None = None, offset: str | None = None):
        return ok(veille.event_rows(limit=limit, offset=offset, **f.values))

    @app.get("/api/events.csv", tags=["downloads"], summary="Every event of the filtered view as CSV")
    def api_events_csv(f: Filters = _depends()):
        rows = veille.iter_events(**f.values)
        return StreamingResponse(_csv(rows), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    @app.get("/api/events.geojson", tags=["downloads"], summary="Every located event of the filtered view")
    def api_events_geojson(f: Filters = _depends()):
        rows = veille.iter_events(**f.values)
        return StreamingResponse(_geojson(rows), media_type="application/geo+json",
                                 headers={"Content-Disposition": 'attachment; filename="events.geojson"'})

    @app.get("/api/events.jsonl", tags=["downloads"], summary="Every event of the filtered view, one a line")
    def api_events_jsonl(f: Filters = _depends()):
        rows = veille.iter_events(**f.values)
        return StreamingResponse((json.dumps(e, ensure_ascii=False) + "\n" for e in rows),
                                 media_type="application/x-ndjson; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="events.jsonl"'})

    @app.get("/api/events/{event_id}", tags=["events"], summary="One event and every report of its cluster")
    def api_event(event_id: str):
        return ok(veille.event(event_id))

    @app.get("/api/map", tags=["views"], summary="Located events as GeoJSON ([lon, lat])")
    def api_map(f: Filters = _depends(), limit: str | None = None, offset: str | None = None):
        return ok(veille.event_map(limit=limit, offset=offset, **f.values))

    @app.get("/api/timeline", tags=["views"], summary="Events per day and type")
    def api_timeline(f: Filters = _depends()):
        return ok(veille.timeline(**f.values))

    @app.get("/api/network", tags=["views"], summary="Actors and who acts on whom")
    def api_network(f: Filters = _depends()):
        return ok(veille.network(**f.values))

    @app.get("/api/relationship", tags=["views"], summary="Two actors' events per month by PLOVER quad class")
    def api_relationship(a: str, b: str, f: Filters = _depends(), limit: str | None = None):
        return ok(veille.relationship(a, b, limit=limit, **f.values))

    # ------------------------------------------------------------------ documents, clusters
    @app.get("/api/documents", tags=["documents"], summary="Documents, newest first")
    def api_documents(text: str | None = None, limit: str | None = None, offset: str | None = None):
        return ok(veille.document_rows(text=text, limit=limit, offset=offset))

    @app.get("/api/documents/{doc_ref:path}", tags=["documents"], summary="The reader: text and highlights")
    def api_document(doc_ref: str):
        return ok(veille.reader(doc_ref))

    @app.get("/api/clusters", tags=["clusters"], summary="Events told by several reports")
    def api_clusters(f: Filters = _depends(), limit: str | None = None, offset: str | None = None):
        return ok(veille.cluster_list(limit=limit, offset=offset, **f.values))

    @app.get("/api/clusters/{cluster_id}", tags=["clusters"], summary="Compare: the reports side by side")
    def api_cluster(cluster_id: str):
        return ok(veille.compare(cluster_id))

    # ------------------------------------------------------------------ sources, watches (issue 9)
    @app.get("/api/sources", tags=["watch"], summary="Followed sources with their health (?health=ok|failing|never)")
    def api_sources(health: str | None = Query(None, description="ok, failing (last poll failed) or never (polled)")):
        items = veille.source_list(health)
        return ok({"items": items, "total": len(items),
                   "health": _health_counts(items if not health else veille.source_list())})

    @app.get("/api/sources/{ref:path}", tags=["watch"], summary="One source (id, name or URL) and its latest items")
    def api_source(ref: str, limit: str | None = None):
        from veille.views import page

        limit, _ = page(limit, 0)
        return ok(veille.source(ref, items=limit))

    @app.get("/api/watches", tags=["watch"], summary="Saved watches, each with its alert count and latest alerts")
    def api_watches(latest: int = Query(3, ge=0, le=50, description="how many of each watch's alerts")):
        items = [_watch(w) for w in veille.watch_list(latest=latest)]
        for w in items:
            w["latest"] = [_alert(a) for a in w.get("latest") or ()]
        return ok({"items": items, "total": len(items)})

    @app.get("/api/watches/{name}", tags=["watch"], summary="One watch and a page of its alerts, newest first")
    def api_watch(name: str, limit: str | None = None, offset: str | None = None):
        from veille.views import page

        limit, offset = page(limit, offset)
        found = veille.watch_alerts(name, limit=limit, offset=offset)
        return ok({"watch": _watch(found["watch"]), "items": [_alert(a) for a in found["alerts"]],
                   "total": found["total"], "limit": limit, "offset": offset})

    # ------------------------------------------------------------------ ingest
    @app.post("/api/ingest", tags=["ingest"], status_code=202,
              summary='Ingest URLs (JSON {"urls": [...]}) or uploaded files (multipart "files")')
    async def api_ingest(request: Request):
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            most = veille.options.max_bytes * MAX_FILES + (1 << 20)
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > most:
                return error(413, f"the upload is {int(length) / 1e6:.1f} MB: at most {MAX_FILES} files of "
                                  f"{veille.options.max_bytes / 1e6:.1f} MB each")
            form = await request.form(max_files=MAX_FILES, max_fields=10)
            uploads = [u for u in form.getlist("files") if hasattr(u, "filename")]
            if not uploads:
                raise QueryError('no file: send them as multipart fields named "files"')
            folder = jobs.new_folder()
            try:
                targets = []
                for i, upload in enumerate(uploads):
                    name = base_name(upload.filename)
                    (folder / str(i)).mkdir()
                    target = folder / str(i) / name
                    _copy_bounded(upload.file, target, veille.options.max_bytes)
                    targets.append(str(target))
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            job = jobs.start(targets, folder)
        elif kind.startswith("application/json"):
            try:
                body = await request.json()
            except ValueError:
                raise QueryError("the body is not valid JSON") from None
            urls = check_urls(body.get("urls") if isinstance(body, dict) else None)
            job = jobs.start(urls)
        else:
            raise QueryError('send JSON {"urls": [...]} or multipart/form-data files')
        return JSONResponse({"job": job.id}, status_code=202)

    @app.get("/api/ingest/{job_id}", tags=["ingest"], summary="An ingest job's progress and outcomes")
    def api_ingest_job(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"{job_id[:40]}: no such ingest job")
        return ok(job.as_dict())

    return app


def _depends():
    from fastapi import Depends

    return Depends(Filters)


SECRET_WORDS = ("secret", "password", "token", "key", "auth")


def _health_counts(rows: list[dict]) -> dict:
    from veille.sourcestore import HEALTH

    counts = dict.fromkeys(HEALTH, 0)
    for r in rows:
        counts[r["health"]] += 1
    return counts


def _where(url) -> str:
    """A webhook's scheme and host only: its path or query often is the credential (chat hooks)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "(not a URL)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return str(url)
    rest = "/…" if parts.path not in ("", "/") or parts.query else ""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{rest}"


def _watch(w: dict) -> dict:
    """A watch as the desk shows it: no channel secret, no webhook path."""
    channels = []
    for ch in w.get("channels") or ():
        if not isinstance(ch, dict):
            continue
        shown = {k: ("(set)" if any(word in k.lower() for word in SECRET_WORDS) else v) for k, v in ch.items()}
        if ch.get("kind") == "webhook" and "url" in ch:
            shown["url"] = _where(ch["url"])
        channels.append(shown)
    return {**w, "channels": channels}


def _alert(a: dict) -> dict:
    from veille.watch.atom import desk_path

    data = a.get("data") if isinstance(a.get("data"), dict) else {}
    deliveries = [{**d, "target": _where(d["target"]) if d.get("channel") == "webhook" else d.get("target")}
                  for d in a.get("deliveries") or ()]
    return {**a, "data": data, "desk_path": desk_path(data), "deliveries": deliveries}


def _etag_matches(header: str, tag: str) -> bool:
    """If-None-Match as RFC 9110 reads it for GET: ``*`` or any listed tag, weak or strong."""
    wanted = [t.strip() for t in header.split(",") if t.strip()]
    return "*" in wanted or tag in (t[2:] if t.startswith("W/") else t for t in wanted)


def _version() -> str:
    from veille import __version__

    return __version__


def _copy_bounded(source, target: Path, max_bytes: int) -> None:
    """Copy an upload, stopping one byte past the limit: the reader then refuses it as the CLI does."""
    written = 0
    with open(target, "wb") as out:
        while written <= max_bytes:
            chunk = source.read(min(UPLOAD_CHUNK, max_bytes + 1 - written))
            if not chunk:
                break
            out.write(chunk)
            written += len(chunk)


CSV_COLUMNS = ("id", "date", "date_precision", "type", "mode", "source", "target", "place", "lat", "lon", "country",
               "geo_precision", "modality", "attributed_to", "quantities", "cluster", "reports", "sources", "doc",
               "title", "published", "url", "evidence")


def _csv(events: Iterator[dict]) -> Iterator[str]:
    from veille.export import spreadsheet_safe

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in events:
        place = e["place"] or {}
        writer.writerow(spreadsheet_safe({
            "id": e["id"], "date": e["date"], "date_precision": e["date_precision"], "type": e["type"],
            "mode": e["mode"], "source": "; ".join(e["source"]), "target": "; ".join(e["target"]),
            "place": place.get("name"), "lat": place.get("lat"), "lon": place.get("lon"),
            "country": place.get("country"), "geo_precision": e["geo_precision"], "modality": e["modality"],
            "attributed_to": e["attributed_to"],
            "quantities": json.dumps(e["quantities"], ensure_ascii=False) if e["quantities"] else "",
            "cluster": e["cluster"], "reports": e["reports"], "sources": e["sources"], "doc": e["doc"]["name"],
            "title": e["doc"]["title"], "published": e["doc"]["published"], "url": e["doc"]["url"],
            "evidence": e["evidence"]}))
        if buf.tell() > 1 << 15:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _geojson(events: Iterator[dict]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for e in events:
        place = e["place"] or {}
        if place.get("lat") is None or place.get("lon") is None:
            continue
        feature = {"type": "Feature", "id": e["id"], "geometry": {"type": "Point",
                                                                  "coordinates": [place["lon"], place["lat"]]},
                   "properties": e}
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"


def placeholder(view: str) -> str:
    """A page shell while the desk's own pages are not installed: the route works, and says where
    its data is."""
    twin = {"map": "/api/map", "timeline": "/api/timeline", "network": "/api/network",
            "relationship": "/api/relationship", "events": "/api/events", "reader": "/api/documents",
            "compare": "/api/clusters", "ingest": "/api/ingest", "sources": "/api/sources",
            "watches": "/api/watches"}[view]
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>veille · {view}</title>"
            f"<link rel=\"stylesheet\" href=\"/static/desk.css\"></head><body data-view=\"{view}\">"
            f"<h1>veille · {view}</h1><p>This page's data: <a href=\"{twin}\">{twin}</a> "
            f"(API: <a href=\"/docs\">/docs</a>).</p><script src=\"/static/desk.js\"></script></body></html>")
