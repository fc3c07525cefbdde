"""The desk's JSON API, in process (FastAPI's TestClient) on a real store: the bundled examples,
plus pages we write here (two reports of one strike with different tolls, a hostile page, a
title that starts like a spreadsheet formula). Ingest jobs, uploads and `veille serve` too."""
from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import EXAMPLES, veille_bin
from fastapi.testclient import TestClient

from veille import Veille
from veille.errors import QueryError
from veille.query import PLOVER_TYPES, EventQuery
from veille.web import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = "=HYPERLINK(\"http://evil.test\",\"x\")"
PAGES = [  # our own words: two outlets tell one strike with different tolls; a hostile page; a formula title
    {"url": "https://first-outlet.test/depot", "title": "Missile strike on a tram depot", "published": "2024-05-21",
     "text": "Russian forces struck the Saltivka tram depot in Kharkiv on Monday, killing seven people, the regional "
             "governor said. Firefighters worked through the night at the depot."},
    {"url": "https://second-outlet.test/tram", "title": "Deadly attack on a tram depot", "published": "2024-05-21",
     "text": "Russian missiles hit the Saltivka tram depot in Kharkiv on Monday, killing nine people, local "
             "officials said. Several trams burned in the depot."},
    {"url": "https://hostile.test/page", "title": f"{SCRIPT} {IMG}", "published": "2024-05-22",
     "text": f"{SCRIPT} Ukrainian drones struck an oil depot in Belgorod on Tuesday. {IMG} The governor said two "
             "people were wounded."},
    {"url": "https://formula.test/odesa", "title": FORMULA, "published": "2024-05-23",
     "text": "Russian drones struck the port of Odesa on Wednesday night, the governor said."},
]
PAGE_ROUTES = ["/map", "/timeline", "/network", "/relationship?a=AZE&b=RUS", "/events", "/reader/abc",
               "/compare/c-abc:0", "/ingest"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory, dbs):
    d = tmp_path_factory.mktemp("desk")
    feed = d / "pages.jsonl"
    feed.write_text("".join(json.dumps(p) + "\n" for p in PAGES), encoding="utf-8")
    v = Veille(db=dbs.url(d), progress=False, workers=1)
    report = v.ingest([str(EXAMPLES), str(feed)])
    assert not report.failed, [o.reason for o in report.failed]
    return v


@pytest.fixture(scope="module")
def client(desk):
    return TestClient(create_app(desk))


def get(client, url, status=200):
    r = client.get(url, follow_redirects=False)
    assert r.status_code == status, (url, r.text[:300])
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else r


def is_error(body, status, code, words=""):
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert "\n" not in body["error"]["message"] and words in body["error"]["message"]


def strike(client):
    """The strike the two outlets tell."""
    hits = get(client, "/api/events?text=Saltivka")["items"]
    assert len(hits) == 2
    return hits


# ---------------------------------------------------------------------------- pages

@pytest.mark.parametrize("url", PAGE_ROUTES)
def test_pages_are_shells_with_a_content_security_policy(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_home_redirects_to_the_map(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/map"


@pytest.mark.parametrize("url", ["/static/../views.py", "/static/%2e%2e/views.py", "/static/..%2fviews.py",
                                 "/static/nothing.js"])
def test_static_files_never_leave_the_static_folder(client, url):
    r = client.get(url)
    assert r.status_code == 404 and "def " not in r.text
    is_error(r.json(), 404, "not_found")


def test_openapi_lists_every_json_route(client):
    paths = get(client, "/openapi.json")["paths"]
    for route in ("/api/events", "/api/events/{event_id}", "/api/map", "/api/timeline", "/api/network",
                  "/api/relationship", "/api/documents", "/api/documents/{doc_ref}", "/api/clusters",
                  "/api/clusters/{cluster_id}", "/api/events.csv", "/api/events.geojson", "/api/events.jsonl",
                  "/api/ingest", "/api/ingest/{job_id}"):
        assert route in paths, route
    page = client.get("/docs")
    assert page.status_code == 200 and "http" not in page.text.replace("http-equiv", "")  # nothing from outside
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):  # Swagger UI from the package's static files
        assert f"/static/vendor/swagger-ui-dist/{asset}" in page.text
        assert client.get(f"/static/vendor/swagger-ui-dist/{asset}").status_code == 200


# ---------------------------------------------------------------------------- events, filters, pages

EVENT_KEYS = {"id", "doc_id", "n", "type", "mode", "source", "target", "date", "date_precision", "place",
              "geo_precision", "quantities", "attributed_to", "modality", "evidence", "trigger", "offsets", "doc",
              "cluster", "reports", "sources"}


def test_events_have_the_contract_shape_newest_first(client):
    body = get(client, "/api/events")
    assert set(body) == {"items", "total", "limit", "offset", "clusters_pending"}
    assert body["limit"] == 100 and body["offset"] == 0 and body["clusters_pending"] is False
    assert body["total"] == len(body["items"]) > 30
    for e in body["items"]:
        assert set(e) == EVENT_KEYS and e["id"] == f"{e['doc_id']}:{e['n']}"
        assert set(e["doc"]) == {"id", "name", "title", "published", "url", "site"}
        assert e["place"] is None or set(e["place"]) == {"name", "lat", "lon", "country", "kind"}
        assert e["modality"] != "hypothetical"
    dated = [e["date"] for e in body["items"] if e["date"]]
    assert dated == sorted(dated, reverse=True)
    assert all(e["date"] is None for e in body["items"][len(dated):])  # undated last


def test_pagination_covers_every_event_once(client):
    total = get(client, "/api/events")["total"]
    seen = []
    for offset in range(0, total, 7):
        page = get(client, f"/api/events?limit=7&offset={offset}")
        assert page["total"] == total and page["limit"] == 7 and page["offset"] == offset
        seen += [e["id"] for e in page["items"]]
    assert len(seen) == len(set(seen)) == total
    assert get(client, f"/api/events?offset={total}")["items"] == []


def ids(client, query):
    return {e["id"] for e in get(client, "/api/events?limit=1000&" + query)["items"]}


def test_filters(client):
    everything = get(client, "/api/events?limit=1000")["items"]
    by_id = {e["id"]: e for e in everything}
    assault = ids(client, "type=ASSAULT")
    assert assault == {i for i, e in by_id.items() if e["type"] == "ASSAULT"}
    assert ids(client, "type=ASSAULT,AID") == ids(client, "type=ASSAULT&type=aid") > assault
    assert all(by_id[i]["mode"] == "drone" for i in ids(client, "mode=drone"))
    assert {by_id[i]["place"]["country"] for i in ids(client, "country=ua")} == {"UA"}
    assert all("RUS" in by_id[i]["target"] for i in ids(client, "actor=RUS&role=target"))
    assert all("RUS" in by_id[i]["source"] + by_id[i]["target"] for i in ids(client, "actor=rus"))
    assert all(e["date"] >= "2024-05" for e in map(by_id.get, ids(client, "since=2024-05-01")))
    assert all(e["date"] and e["date"][:7] <= "2024-03" for e in map(by_id.get, ids(client, "until=2024-03")))
    odesa = ids(client, "near=46.48,30.72,30")
    assert odesa and all(by_id[i]["place"]["name"] in ("Odesa", "Pivdenne") or "Odesa" in by_id[i]["evidence"]
                         or abs(by_id[i]["place"]["lat"] - 46.48) < 0.3 for i in odesa)
    assert ids(client, "source=second-outlet") == {i for i, e in by_id.items() if "second-outlet" in e["doc"]["name"]}
    assert ids(client, "text=tram depot") == {e["id"] for e in strike(client)}
    assert ids(client, "text=Missile strike") <= {e["id"] for e in strike(client)}  # a title's words count too
    assert ids(client, "text=100%25_") == set()  # % and _ are letters here, not LIKE patterns
    assert ids(client, "min_sources=2") == {e["id"] for e in strike(client)}
    assert ids(client, "min_sources=1") == set(by_id)
    assert ids(client, "modality=asserted") == {i for i, e in by_id.items() if e["modality"] == "asserted"}
    doc = strike(client)[0]["doc"]
    assert ids(client, f"doc={doc['id'][:8]}") == {i for i, e in by_id.items() if e["doc_id"] == doc["id"]}
    assert ids(client, "type=ASSAULT&country=UA&since=2024-05") == {e["id"] for e in strike(client)} | {
        i for i, e in by_id.items() if e["type"] == "ASSAULT" and "formula" in e["doc"]["name"]}


@pytest.mark.parametrize("query, filters", [
    ("type=BOOM", dict(type="BOOM")),
    ("since=March", dict(since="March")),
    ("near=46,30", dict(near="46,30")),
    ("country=UKR", dict(country="UKR")),
    ("role=victim&actor=UKR", dict(role="victim", actor="UKR")),
    ("modality=rumoured", dict(modality="rumoured")),
    ("min_sources=0", dict(min_sources="0")),
    ("min_sources=two", dict(min_sources="two")),
    ("offset=-1", dict(offset="-1")),
    ("limit=0", dict(limit="0")),
    ("limit=ten", dict(limit="ten")),
])
def test_a_bad_filter_is_a_400_with_the_message_the_cli_gives(client, query, filters):
    with pytest.raises(QueryError) as caught:
        EventQuery(**filters)
    paged = query.startswith(("limit", "offset"))
    routes = ("/api/events", "/api/map", "/api/clusters", "/api/documents") if paged else (
        "/api/events", "/api/map", "/api/timeline", "/api/network", "/api/clusters", "/api/events.csv")
    for route in routes:
        body = get(client, f"{route}?{query}", 400)
        is_error(body, 400, "bad_request", str(caught.value))


def test_limits_are_bounded(client):
    is_error(get(client, "/api/events?limit=1001", 400), 400, "bad_request", "at most 1000")
    assert get(client, "/api/events?limit=1000")["limit"] == 1000
    is_error(get(client, "/api/events?text=" + "w " * 40, 400), 400, "bad_request", "at most 32 words")


def test_one_event_carries_every_report_of_its_cluster(client):
    a, b = strike(client)
    assert a["cluster"] == b["cluster"] and a["cluster"].startswith("c-") and a["reports"] == a["sources"] == 2
    body = get(client, f"/api/events/{a['id']}")
    assert set(body) == EVENT_KEYS | {"reports_list"}
    reports = body["reports_list"]
    assert {r["event_id"] for r in reports} == {a["id"], b["id"]}
    for r in reports:
        assert {"event_id", "doc", "evidence", "offsets", "date", "quantities", "attributed_to", "modality", "outlet",
                "warnings"} <= set(r)
    assert sorted(r["quantities"]["killed"] for r in reports) == [7, 9]
    alone = next(e for e in get(client, "/api/events?limit=1000")["items"] if e["cluster"] is None)
    assert alone["reports"] == alone["sources"] == 1
    assert [r["event_id"] for r in get(client, f"/api/events/{alone['id']}")["reports_list"]] == [alone["id"]]


@pytest.mark.parametrize("url, status, code", [
    ("/api/events/0000000000000000:3", 404, "not_found"),
    ("/api/events/nocolon", 400, "bad_request"),
    ("/api/events/abc:x", 400, "bad_request"),
    ("/api/documents/nothing.txt", 404, "not_found"),
    ("/api/clusters/c-0000:1", 404, "not_found"),
    ("/api/clusters/e-0000000000000000:1", 404, "not_found"),
    ("/api/clusters/not-a-cluster", 400, "bad_request"),
    ("/api/nothing", 404, "not_found"),
    ("/nothing/here", 404, "not_found"),
    ("/api/relationship?a=RUS", 400, "bad_request"),
    ("/api/relationship?a=RUS&b=1;DROP", 400, "bad_request"),
    ("/api/ingest/nojob", 404, "not_found"),
])
def test_errors_have_one_shape(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status and r.headers["content-type"].startswith("application/json")
    is_error(r.json(), status, code)


def test_wrong_method_and_bad_ingest_bodies_have_the_error_shape(client):
    r = client.delete("/api/events")
    assert r.status_code == 405
    is_error(r.json(), 405, "method_not_allowed")
    for body in ({"urls": []}, {"urls": "https://x.test"}, {"urls": ["/etc/passwd"]}, {"urls": ["file:///etc/passwd"]},
                 {"nothing": 1}, [1, 2]):
        r = client.post("/api/ingest", json=body)
        assert r.status_code == 400, body
        is_error(r.json(), 400, "bad_request")
    r = client.post("/api/ingest", content=b"{not json", headers={"content-type": "application/json"})
    is_error(r.json(), 400, "bad_request", "not valid JSON")
    r = client.post("/api/ingest", content=b"x", headers={"content-type": "text/plain"})
    is_error(r.json(), 400, "bad_request")


# ---------------------------------------------------------------------------- views

def test_map_is_geojson_of_located_events(client):
    body = get(client, "/api/map")
    assert body["type"] == "FeatureCollection" and body["total"] == len(body["features"]) > 10
    events = {e["id"]: e for e in get(client, "/api/events?limit=1000")["items"]}
    assert body["total"] == sum(1 for e in events.values() if e["place"] and e["place"]["lat"] is not None)
    for f in body["features"]:
        e = events[f["properties"]["id"]]
        assert f["geometry"] == {"type": "Point", "coordinates": [e["place"]["lon"], e["place"]["lat"]]}
        assert set(f["properties"]) == {"id", "type", "mode", "date", "place", "sources", "reports", "title", "cluster"}
    assert {f["properties"]["sources"] for f in get(client, "/api/map?min_sources=2")["features"]} == {2}
    assert len(get(client, "/api/map?limit=3&offset=1")["features"]) == 3


def test_timeline_counts_every_event_once(client):
    body = get(client, "/api/timeline")
    total = get(client, "/api/events")["total"]
    by_day = sum(n for d in body["days"] for n in d["counts"].values())
    assert by_day + body["coarse"]["month"] + body["coarse"]["year"] + body["undated"] == total
    assert [d["date"] for d in body["days"]] == sorted(d["date"] for d in body["days"])
    assert all(len(d["date"]) == 10 for d in body["days"]) and body["coarse"]["month"] >= 1
    assert set(body["types"]) <= set(PLOVER_TYPES) and "ASSAULT" in body["types"]
    assert get(client, "/api/timeline?type=AID")["types"] == ["AID"]


def test_network_nodes_and_edges(client):
    body = get(client, "/api/network")
    nodes = {n["id"]: n for n in body["nodes"]}
    assert nodes["RUS"]["label"] == "Russian Federation" and nodes["UN"]["label"] == "United Nations"
    edge = next(e for e in body["edges"] if (e["source"], e["target"], e["type"]) == ("RUS", "UKR", "ASSAULT"))
    assert edge["count"] >= 4
    assert all(e["source"] in nodes and e["target"] in nodes for e in body["edges"])
    only_aid = get(client, "/api/network?type=AID")
    assert {e["type"] for e in only_aid["edges"]} == {"AID"}


def test_relationship_by_quad_class(client):
    body = get(client, "/api/relationship?a=rus&b=UKR")
    assert body["a"] == "RUS" and body["b"] == "UKR"
    may = next(m for m in body["months"] if m["month"] == "2024-05")
    assert set(may) == {"month", "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"}
    assert may["material_conflict"] >= 2
    assert {p["quad"] for p in body["points"]} == {"material_conflict"}
    assert {(p["from"], p["to"]) for p in body["points"]} == {("RUS", "UKR"), ("UKR", "RUS")}
    assert len(body["points"]) == body["total"]
    from veille.views import QUADS, quad_classes

    assert set(quad_classes()) == set(PLOVER_TYPES) and set(quad_classes().values()) == set(QUADS)


def test_documents_list_and_reader(client):
    body = get(client, "/api/documents")
    assert body["total"] == len(body["items"]) == 11
    doc = next(d for d in body["items"] if d["name"] == "fr_frappe_odessa.html")
    assert set(doc) == {"id", "name", "title", "published", "site", "language", "genre", "events", "warnings"}
    assert doc["events"] >= 4 and doc["warnings"] >= 1
    assert get(client, "/api/documents?text=Odessa")["total"] >= 1
    assert get(client, "/api/documents?limit=2&offset=2")["items"] == body["items"][2:4]
    page = get(client, "/api/documents/fr_frappe_odessa.html")
    assert page["id"] == doc["id"] and get(client, f"/api/documents/{doc['id'][:6]}")["id"] == doc["id"]
    kinds = {h["kind"] for h in page["highlights"]}
    assert kinds == {"entity", "place", "date", "event"}
    for h in page["highlights"]:
        if h["segment"] == "body" and h["kind"] in ("place", "date", "event"):
            assert page["text"][h["start"]:h["end"]].strip(), h
    place = next(h for h in page["highlights"] if h["kind"] == "place" and h["detail"]["country"] == "UA")
    assert {"lat", "lon", "country", "geonameid"} <= set(place["detail"])
    date = next(h for h in page["highlights"] if h["kind"] == "date")
    assert {"value", "precision", "timex"} <= set(date["detail"])
    event = next(h for h in page["highlights"] if h["kind"] == "event")
    assert {"id", "type", "source", "target"} <= set(event["detail"])
    assert all(set(d) == {"line", "text", "reason"} for d in page["dropped"])
    assert page["signals"] and {e["doc_id"] for e in page["events"]} == {doc["id"]}


def test_clusters_and_compare(client):
    body = get(client, "/api/clusters")
    assert body["total"] == len(body["items"]) >= 1
    c = next(c for c in body["items"] if c["id"] == strike(client)[0]["cluster"])
    assert set(c) == {"id", "type", "mode", "date", "place", "source", "target", "reports", "sources",
                      "contradictions"}
    assert c["reports"] == c["sources"] == 2 and c["contradictions"] >= 1 and c["type"] == "ASSAULT"
    assert get(client, "/api/clusters?type=AID")["total"] == 0
    assert get(client, "/api/clusters?min_sources=2")["total"] == body["total"]
    full = get(client, f"/api/clusters/{c['id']}")
    assert full["independent_sources"] == 2 and len(full["reports"]) == 2
    assert sorted(f["value"] for f in full["figures"]["killed"]) == [7, 9]
    contradiction = full["contradictions"][0]
    assert set(contradiction) == {"kind", "a", "b", "note"} and "killed" in contradiction["note"]
    assert {r["outlet"] for r in full["reports"]} == {"https://first-outlet.test/depot",
                                                     "https://second-outlet.test/tram"}
    alone = next(e for e in get(client, "/api/events?limit=1000")["items"] if e["cluster"] is None)
    one = get(client, f"/api/clusters/e-{alone['id']}")
    assert one["independent_sources"] == 1 and [r["event_id"] for r in one["reports"]] == [alone["id"]]
    assert one["contradictions"] == [] and one["type"] == alone["type"]
    clustered = get(client, f"/api/clusters/e-{strike(client)[0]['id']}")  # an e- id of a clustered event
    assert clustered["id"] == c["id"]


def test_cluster_index_is_cached_until_the_store_changes(tmp_path, db_url):
    feed = tmp_path / "strike.jsonl"
    feed.write_text("".join(json.dumps(p) + "\n" for p in PAGES[:2]), encoding="utf-8")
    v = Veille(db=db_url(), progress=False, workers=1)
    v.ingest([str(feed)])
    first = v.cluster_index()
    assert v.cluster_index() is first and first.signature == v.store.signature()
    assert [c.reports for c in first.clusters.values()] == [2]
    other = Veille(db=v.options.db, progress=False, workers=1)  # another process, say
    (tmp_path / "more.txt").write_text(ARTICLE, encoding="utf-8")
    assert other.ingest([str(tmp_path / "more.txt")]).stored
    assert v.cluster_index() is not first
    assert v.cluster_index().clusters.keys() == first.clusters.keys()


# ---------------------------------------------------------------------------- downloads

def test_csv_download_holds_every_filtered_event_and_no_formula(client):
    r = client.get("/api/events.csv?country=UA")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == get(client, "/api/events?country=UA")["total"]
    formula = next(row for row in rows if "formula.test" in row["doc"])
    assert formula["title"] == "'" + FORMULA
    assert all(not (v or "").startswith(("=", "+", "@")) for row in rows for v in row.values())
    assert any(row["lon"] and float(row["lon"]) > 30 for row in rows)


def test_geojson_and_jsonl_downloads(client):
    r = client.get("/api/events.geojson?type=ASSAULT")
    body = r.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == get(client, "/api/map?type=ASSAULT")["total"]
    assert all(f["properties"]["type"] == "ASSAULT" for f in body["features"])
    lines = client.get("/api/events.jsonl?since=2024-05").text.splitlines()
    assert len(lines) == get(client, "/api/events?since=2024-05")["total"]
    assert set(json.loads(lines[0])) == EVENT_KEYS
    is_error(client.get("/api/events.jsonl?type=NOPE").json(), 400, "bad_request")


# ---------------------------------------------------------------------------- hostile page

def test_a_hostile_page_comes_back_as_plain_json_strings(client):
    doc = next(d for d in get(client, "/api/documents")["items"] if d["name"] == "https://hostile.test/page")
    assert doc["title"] == f"{SCRIPT} {IMG}"
    r = client.get(f"/api/documents/{doc['id']}")
    assert r.headers["content-type"].startswith("application/json")
    page = r.json()
    assert page["title"] == f"{SCRIPT} {IMG}" and SCRIPT in page["text"] and IMG in page["text"]
    events = get(client, "/api/events?source=hostile.test")["items"]
    assert events and all(e["doc"]["title"] == f"{SCRIPT} {IMG}" for e in events)
    shell = client.get(f"/reader/{doc['id']}")
    assert "alert(1)" not in shell.text and "default-src 'self'" in shell.headers["content-security-policy"]


# ---------------------------------------------------------------------------- ingest from the desk

@pytest.fixture(scope="module")
def ingest_desk(tmp_path_factory, dbs):
    d = tmp_path_factory.mktemp("ingest")
    v = Veille(db=dbs.url(d), progress=False, workers=1, url_timeout=10.0)
    return d, TestClient(create_app(v))


def wait(client, job, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = get(client, f"/api/ingest/{job}")
        assert set(body) >= {"state", "done", "total", "outcomes"}
        if body["state"] == "done":
            return body
        time.sleep(0.2)
    raise AssertionError("the ingest job did not end")


ARTICLE = ("Offensive near Pokrovsk\n\nMay 30, 2024\n\nRussian troops shelled the town of Pokrovsk on Thursday, "
           "wounding four civilians, the regional administration said.\n")


def test_ingest_uploaded_files_under_their_base_names(ingest_desk):
    folder, client = ingest_desk
    outside = folder / "evil.txt"
    files = [("files", ("../../evil.txt", ARTICLE.encode(), "text/plain")),
             ("files", ("..\\..\\twice.txt", ARTICLE.encode(), "text/plain")),
             ("files", ("/etc/cron.d/x.txt", b"\x00\x01 not text", "text/plain"))]
    r = client.post("/api/ingest", files=files)
    assert r.status_code == 202, r.text
    body = wait(client, r.json()["job"])
    assert body["total"] == 3 and body["done"] == 3
    by_source = {o["source"]: o for o in body["outcomes"]}
    assert set(by_source) == {"evil.txt", "twice.txt", "x.txt"}
    assert by_source["evil.txt"]["status"] == "stored"
    assert by_source["evil.txt"]["line"].startswith("stored    ") and "evil.txt" in by_source["evil.txt"]["line"]
    assert by_source["twice.txt"]["status"] == "unchanged"  # the same text: as the CLI says it
    assert by_source["x.txt"]["status"] == "failed" and by_source["x.txt"]["line"].startswith("veille: x.txt: ")
    assert not outside.exists() and not (folder.parent / "evil.txt").exists()
    assert get(client, "/api/documents")["total"] == 1


@pytest.mark.parametrize("name", ["..", ".", "", "../", ".hidden.txt"])
def test_an_upload_without_a_file_name_is_refused(ingest_desk, name):
    _, client = ingest_desk
    r = client.post("/api/ingest", files=[("files", (name, b"text", "text/plain"))])
    assert r.status_code == 400
    is_error(r.json(), 400, "bad_request")


def test_ingest_a_url_from_a_local_server(ingest_desk, tmp_path):
    _, client = ingest_desk
    (tmp_path / "page.html").write_text(
        "<html><head><title>Drone strike on Sumy</title></head><body><article><h1>Drone strike on Sumy</h1>"
        "<p>June 2, 2024</p><p>Russian drones struck an energy facility in Sumy on Sunday, leaving thousands "
        "without power, the regional governor said on Telegram.</p><p>Repair crews were at work by noon, "
        "the energy company said in a statement.</p></article></body></html>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        r = client.post("/api/ingest", json={"urls": [f"{base}/page.html", f"{base}/missing.html"]})
        assert r.status_code == 202
        body = wait(client, r.json()["job"])
    finally:
        server.shutdown()
    assert body["total"] == 2
    page, missing = body["outcomes"]
    assert page["status"] == "stored" and page["source"] == f"{base}/page.html"
    assert missing["status"] == "failed" and "HTTP 404" in missing["reason"]
    assert missing["line"] == f"veille: {base}/missing.html: HTTP 404"
    assert get(client, f"/api/events?source={base}")["total"] >= 1


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# ---------------------------------------------------------------------------- veille serve

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at ``port`` (Linux's /proc/net/tcp)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_serve_binds_loopback_by_default(desk):
    port = free_port()
    proc = subprocess.Popen([veille_bin(), "--db", desk.options.db, "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        import httpx

        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=2).json()
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                time.sleep(0.3)
        assert body and body["limit"] == 1 and body["total"] > 10
        if os.path.exists("/proc/net/tcp"):
            assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "http://127.0.0.1:" in proc.stderr.read()


def test_serve_help_has_an_example():
    r = subprocess.run([veille_bin(), "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "Example:" in r.stdout and "127.0.0.1" in r.stdout


class SlowHandler(QuietHandler):
    def do_GET(self):
        time.sleep(1.5)
        super().do_GET()


def test_one_job_at_a_time(ingest_desk, tmp_path):
    _, client = ingest_desk
    (tmp_path / "slow.html").write_text("<html><body><p>Nothing much.</p></body></html>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SlowHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/slow.html"
        first = client.post("/api/ingest", json={"urls": [url]})
        assert first.status_code == 202
        second = client.post("/api/ingest", json={"urls": [url]})
        assert second.status_code == 409
        is_error(second.json(), 409, "conflict", "running")
        assert wait(client, first.json()["job"])["done"] == 1
    finally:
        server.shutdown()


def test_uploads_obey_the_size_limit(db_url):
    v = Veille(db=db_url(), progress=False, workers=1, max_bytes=2000)
    client = TestClient(create_app(v))
    r = client.post("/api/ingest", files=[("files", ("big.txt", b"Kyiv. " * 1000, "text/plain"))])
    assert r.status_code == 202
    outcome = wait(client, r.json()["job"])["outcomes"][0]
    assert outcome["status"] == "failed" and "too large" in outcome["reason"] and outcome["source"] == "big.txt"
    r = client.post("/api/ingest", files=[("files", ("huge.txt", b"x" * 1_300_000, "text/plain"))])
    assert r.status_code == 413
    is_error(r.json(), 413, "too_large")


def test_document_warnings_counted_in_sql_match_the_warning_card(client, desk):
    from veille.views import warning_kinds

    for item in get(client, "/api/documents")["items"]:
        doc = desk.show(item["id"])
        assert (item["warnings"], item["genre"]) == (len(warning_kinds(doc)), doc.genre), item["name"]


def test_migration_004_indexes_a_database_made_before_the_desk(tmp_path, db_url):
    from sqlalchemy import inspect, text

    feed = tmp_path / "strike.jsonl"
    feed.write_text(json.dumps(PAGES[0]) + "\n", encoding="utf-8")
    first = Veille(db=db_url(), progress=False, workers=1)
    first.ingest([str(feed)])
    lite = first.store.engine.dialect.name == "sqlite"
    made = {"events_desk", "events_desk_type", "documents_revisions"} | ({"documents_desk"} if lite else set())
    with first.store.engine.begin() as conn:  # back to a database from before 004_desk
        for name in sorted(made):
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("DELETE FROM migrations WHERE name = '004_desk'"))
    first.store.engine.dispose()
    again = Veille(db=first.options.db, progress=False)
    assert again.event_rows()["total"] == 1
    seen = inspect(again.store.engine)
    assert made <= {i["name"] for table in ("events", "documents") for i in seen.get_indexes(table)}
    if lite:  # the desk's counts read SQLite's covering index, not the events' rows
        with again.store.engine.connect() as conn:
            plan = " ".join(r[-1] for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM events WHERE type = 'ASSAULT' AND country || '' = 'UA'")))
        assert "COVERING INDEX events_desk_type" in plan


def test_links_compare_every_pair_that_can_match(desk):
    """The cluster index at scale rests on links._candidates: it must hold every compatible pair."""
    import copy
    import random
    from datetime import date, timedelta

    from veille.links import _candidates, compatible

    rnd = random.Random(5)
    docs = desk.documents()
    for k in range(40):  # copies with dates moved, made coarser or dropped
        d = copy.deepcopy(rnd.choice(docs))
        d.id = f"{k:016x}"
        for e in d.events:
            if e.date and len(e.date) == 10:
                e.date = (date.fromisoformat(e.date) + timedelta(days=rnd.randint(-60, 60))).isoformat()
            if rnd.random() < 0.2 and e.date:
                e.date, e.date_precision = e.date[:rnd.choice((4, 7))], rnd.choice(("month", "year"))
            if rnd.random() < 0.1:
                e.date = None
        docs.append(d)
    items = [(d, e) for d in sorted(docs, key=lambda d: d.id) for e in d.events if e.modality != "hypothetical"]
    every = {(i, j) for i in range(len(items)) for j in range(i + 1, len(items))
             if compatible(items[i][1], items[j][1])}
    found = list(_candidates(items))
    assert every <= set(found) and len(found) == len(set(found)) and len(every) > 50
