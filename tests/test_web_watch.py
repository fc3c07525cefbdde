"""The desk's sources and watches: their JSON twins, their pages, and the Atom feed per watch, in
process (FastAPI's TestClient) on a real SQLite store filled through the sources and alerts
stores as the poller and the alerts loop fill them (no model is loaded: nothing is ingested)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from veille import Veille
from veille.watch import atom
from veille.web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SECRET = "s3cret-hmac-key"
HOOK = "https://hooks.example.test/services/T000/B000/XXXXsecretpath"
ALERTS = 60  # more than a page of the feed (50) and than the JSON page we ask for


def later(**delta) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def veille(tmp_path_factory, dbs):
    v = Veille(db=dbs.url(tmp_path_factory.mktemp("watchdesk")), progress=False)
    good = v.sources.add("http://127.0.0.1:9/feeds/ministry.xml", "ministry", "feed", 900)
    v.sources.update(good["id"], polled_at=later(minutes=-5), next_at=later(minutes=10), status=200, polls=3)
    v.sources.remember(good["id"], [{"url": "http://127.0.0.1:9/a/1", "title": "Port shelled"},
                                    {"url": "http://127.0.0.1:9/a/2", "title": f"{SCRIPT} broken"},
                                    {"url": "http://127.0.0.1:9/a/3", "title": "Waiting"}])
    v.sources.finish("http://127.0.0.1:9/a/1", "stored", doc_id="d" * 64)
    v.sources.finish("http://127.0.0.1:9/a/2", "failed", reason="HTTP 404")
    bad = v.sources.add("http://127.0.0.1:9/sitemap.xml", "wire", "sitemap", 3600)
    v.sources.update(bad["id"], polled_at=later(minutes=-1), next_at=later(hours=1), status=500,
                     error=f"HTTP 500 from 127.0.0.1 {SCRIPT}", errors_in_row=2, polls=2)
    v.sources.add("http://127.0.0.1:9/blog/", "blog", "page", 60)

    strikes = v.watchstore.add_watch("strikes", {"type": ["ASSAULT"], "country": "UA"}, "event",
                                     [{"kind": "terminal"}, {"kind": "webhook", "url": HOOK, "secret": SECRET},
                                      {"kind": "atom"}])
    for i in range(ALERTS - 1):
        v.watchstore.raise_alert(strikes, f"event:doc{i}:0", f"ASSAULT RUS → UKR, Kharkiv #{i}",
                                 {"title": f"Strike report {i}", "sentence": f"Russian forces struck Kharkiv ({i}).",
                                  "url": f"https://outlet.test/{i}", "doc_id": f"doc{i}", "event_id": f"doc{i}:0",
                                  "sources": ["outlet.test"]})
    v.watchstore.raise_alert(strikes, "event:hostile:0", f"ASSAULT {SCRIPT}",
                             {"title": f"{SCRIPT} {IMG}", "sentence": f"{IMG} Drones struck Odesa {SCRIPT}",
                              "url": "javascript:alert(1)", "cluster_id": "c-hostile:0", "sources": 2})
    newest = v.watchstore.alerts(strikes["id"], limit=1)[0]
    terminal, webhook = newest["deliveries"]
    v.watchstore.delivered(terminal["id"], ok=True)
    v.watchstore.delivered(webhook["id"], ok=False, error="HTTP 502 from hooks.example.test", next_at=later(minutes=2))
    second = v.watchstore.alerts(strikes["id"], limit=1, offset=1)[0]
    v.watchstore.delivered(second["deliveries"][1]["id"], ok=False, error="connection refused", give_up=True)
    v.watchstore.add_watch("quiet", {}, "sources", [{"kind": "atom"}], threshold=3)
    return v


@pytest.fixture(scope="module")
def client(veille):
    return TestClient(create_app(veille))


def get(client, url, status=200, **kw):
    r = client.get(url, follow_redirects=False, **kw)
    assert r.status_code == status, (url, r.text[:300])
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else r


def is_error(body, status, code, words=""):
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert "\n" not in body["error"]["message"] and words in body["error"]["message"], body


# ---------------------------------------------------------------------------- sources

def test_sources_list_health_and_counts(client):
    data = get(client, "/api/sources")
    by_name = {s["name"]: s for s in data["items"]}
    assert data["total"] == 3 and list(by_name) == ["ministry", "wire", "blog"]
    assert data["health"] == {"ok": 1, "failing": 1, "never": 1}
    ministry, wire, blog = by_name["ministry"], by_name["wire"], by_name["blog"]
    assert ministry["health"] == "ok" and ministry["status"] == 200
    assert (ministry["found"], ministry["stored"], ministry["failed"]) == (3, 1, 1)
    assert wire["health"] == "failing" and wire["status"] == 500 and wire["errors_in_row"] == 2
    assert wire["error"].startswith("HTTP 500") and wire["next_at"] > wire["polled_at"]
    assert blog["health"] == "never" and blog["polled_at"] is None
    for s in data["items"]:
        assert {"name", "url", "kind", "every_s", "polled_at", "status", "error", "errors_in_row", "next_at",
                "found", "stored", "failed", "health"} <= set(s)


@pytest.mark.parametrize("health, names", [("ok", ["ministry"]), ("failing", ["wire"]), ("never", ["blog"])])
def test_sources_health_filter(client, health, names):
    data = get(client, f"/api/sources?health={health}")
    assert [s["name"] for s in data["items"]] == names and data["total"] == len(names)
    assert data["health"] == {"ok": 1, "failing": 1, "never": 1}  # the counts stay those of every source


def test_sources_bad_health_is_a_400(client):
    is_error(get(client, "/api/sources?health=sick", 400), 400, "bad_request", "health=sick")


def test_one_source_by_name_id_or_url_with_its_items(client, veille):
    one = get(client, "/api/sources/ministry")
    assert one["health"] == "ok"
    assert {i["url"]: i["status"] for i in one["items"]} == {
        "http://127.0.0.1:9/a/1": "stored", "http://127.0.0.1:9/a/2": "failed", "http://127.0.0.1:9/a/3": "new"}
    assert get(client, f"/api/sources/{one['id']}")["name"] == "ministry"
    by_url = get(client, "/api/sources/http://127.0.0.1:9/sitemap.xml")  # a URL, slashes and all
    assert by_url["name"] == "wire" and by_url["items"] == []
    assert len(get(client, "/api/sources/ministry?limit=1")["items"]) == 1
    is_error(get(client, "/api/sources/ministry?limit=many", 400), 400, "bad_request")


def test_unknown_source_is_a_404(client):
    is_error(get(client, "/api/sources/nowhere", 404), 404, "not_found", "nowhere")


# ---------------------------------------------------------------------------- watches

def test_watch_list_with_counts_latest_alerts_and_deliveries(client):
    data = get(client, "/api/watches")
    assert data["total"] == len(data["items"]) and [w["name"] for w in data["items"]][:2] == ["strikes", "quiet"]
    strikes, quiet = data["items"][:2]
    assert strikes["alert_count"] == ALERTS and quiet["alert_count"] == 0 and quiet["latest"] == []
    assert strikes["condition"] == "event" and strikes["filters"] == {"type": ["ASSAULT"], "country": "UA"}
    assert quiet["condition"] == "sources" and quiet["threshold"] == 3
    latest = strikes["latest"]
    assert len(latest) == 3 and latest[0]["title"] == f"ASSAULT {SCRIPT}"
    assert [a["id"] for a in latest] == sorted((a["id"] for a in latest), reverse=True)
    assert {d["channel"]: d["status"] for d in latest[0]["deliveries"]} == {"terminal": "sent", "webhook": "pending"}
    assert latest[0]["deliveries"][1]["error"] == "HTTP 502 from hooks.example.test"
    assert {d["channel"]: d["status"] for d in latest[1]["deliveries"]} == {"terminal": "pending", "webhook": "failed"}
    assert latest[0]["desk_path"] == "/compare/c-hostile:0"
    assert latest[1]["desk_path"] == f"/compare/e-doc{ALERTS - 2}:0"
    assert len(get(client, "/api/watches?latest=10")["items"][0]["latest"]) == 10
    is_error(get(client, "/api/watches?latest=-1", 400), 400, "bad_request", "latest")


def test_the_desk_never_shows_a_channel_secret_or_a_webhook_path(client):
    for url in ("/api/watches", "/api/watches/strikes", "/api/watches/strikes?offset=1&limit=1"):
        text = client.get(url).text
        assert SECRET not in text and "XXXXsecretpath" not in text and "T000" not in text, url
        assert "hooks.example.test" in text  # where it goes is still said
    channels = get(client, "/api/watches")["items"][0]["channels"]
    assert {"kind": "webhook", "url": "https://hooks.example.test/…", "secret": "(set)"} in channels


def test_watch_alerts_are_paged(client):
    first = get(client, "/api/watches/strikes?limit=25")
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (ALERTS, 25, 0, 25)
    assert first["watch"]["name"] == "strikes"
    rest = get(client, "/api/watches/strikes?limit=25&offset=50")
    assert (rest["offset"], len(rest["items"])) == (50, ALERTS - 50)
    middle = get(client, "/api/watches/strikes?limit=25&offset=25")
    ids = [a["id"] for page in (first, middle, rest) for a in page["items"]]
    assert len(set(ids)) == ALERTS and ids == sorted(ids, reverse=True)
    assert get(client, "/api/watches/strikes?offset=1000")["items"] == []
    assert get(client, f"/api/watches/{first['watch']['id']}?limit=1")["watch"]["name"] == "strikes"
    default = get(client, "/api/watches/strikes")
    assert len(default["items"]) == ALERTS and default["limit"] >= ALERTS


@pytest.mark.parametrize("query, words", [("limit=0", "limit"), ("limit=100000", "at most"), ("offset=-3", "offset"),
                                          ("limit=ten", "limit")])
def test_watch_alerts_bad_paging_is_a_400(client, query, words):
    is_error(get(client, f"/api/watches/strikes?{query}", 400), 400, "bad_request", words)


def test_unknown_watch_is_a_404_everywhere(client):
    for url in ("/api/watches/nope", "/watches/nope.atom"):
        is_error(get(client, url, 404), 404, "not_found", "nope: no such watch")


# ---------------------------------------------------------------------------- pages

@pytest.mark.parametrize("url, script", [("/sources", "sources.js"), ("/watches", "watches.js"),
                                         ("/watches/strikes", "watches.js"), ("/watches/nope", "watches.js")])
def test_pages_are_shells_that_hold_no_data(client, url, script):
    r = get(client, url)
    assert r.headers["content-type"].startswith("text/html")
    assert f'src="/static/{script}"' in r.text and "/static/desk.js" in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]  # no inline script could run
    assert SCRIPT not in r.text and "Kharkiv" not in r.text  # the script renders the JSON twin as text


def test_every_page_links_sources_and_watches():
    from pathlib import Path

    desk = (Path(__file__).resolve().parents[1] / "src/veille/web/static/desk.js").read_text(encoding="utf-8")
    assert '["sources", "Sources"]' in desk and '["watches", "Watches"]' in desk


# ---------------------------------------------------------------------------- Atom

def feed(client, name="strikes", **headers):
    r = client.get(f"/watches/{name}.atom", headers=headers)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/atom+xml")
    return r


def test_atom_feed_parses_with_the_newest_alerts(client):
    r = feed(client)
    root = etree.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id").startswith("urn:uuid:")
    assert "strikes" in root.findtext(f"{ATOM}title")
    assert "a new event matches" in root.findtext(f"{ATOM}subtitle") and "ASSAULT" in root.findtext(f"{ATOM}subtitle")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50  # the newest 50 of 60
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 50
    second = parsed.entries[1]
    assert second.title == f"ASSAULT RUS → UKR, Kharkiv #{ALERTS - 2}"
    assert second.link == f"http://testserver/compare/e-doc{ALERTS - 2}:0"
    assert f"Russian forces struck Kharkiv ({ALERTS - 2})." in second.summary
    assert f"https://outlet.test/{ALERTS - 2}" in second.summary
    assert second.updated_parsed is not None
    assert [e.title for e in parsed.entries[1:3]] == [f"ASSAULT RUS → UKR, Kharkiv #{i}"
                                                      for i in (ALERTS - 2, ALERTS - 3)]
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": "http://testserver/watches/strikes.atom", "alternate": "http://testserver/watches/strikes"}


def test_atom_entry_ids_are_stable_and_distinct(client, veille):
    ids = [e.findtext(f"{ATOM}id") for e in etree.fromstring(feed(client).content).findall(f"{ATOM}entry")]
    assert len(set(ids)) == 50 and all(i.startswith("urn:uuid:") and len(i) == 45 for i in ids)
    assert ids == [e.findtext(f"{ATOM}id") for e in etree.fromstring(feed(client).content).findall(f"{ATOM}entry")]
    # the same alerts through a new app (a restarted server): the same ids
    again = [e.findtext(f"{ATOM}id") for e in etree.fromstring(
        TestClient(create_app(veille)).get("/watches/strikes.atom").content).findall(f"{ATOM}entry")]
    assert again == ids
    # the same key under another watch, or under a watch made again with the same name: other ids
    watch = veille.watchstore.watch("strikes")
    alert = {"key": veille.watchstore.alerts(watch["id"], limit=1)[0]["key"]}
    assert atom.entry_id(watch, alert) == ids[0]
    assert atom.entry_id({**watch, "name": "other"}, alert) != ids[0]
    assert atom.entry_id({**watch, "created_at": "2030-01-01T00:00:00+00:00"}, alert) != ids[0]


def test_atom_etag_and_304(client, veille):
    r = feed(client)
    tag = r.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"')
    again = client.get("/watches/strikes.atom", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get("/watches/strikes.atom", headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
    assert client.get("/watches/strikes.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    # a new alert changes the feed, hence its tag; the old entries keep their ids
    before = [e.findtext(f"{ATOM}id") for e in etree.fromstring(r.content).findall(f"{ATOM}entry")]
    growing = veille.watchstore.add_watch("growing", {}, "sources", [{"kind": "atom"}], threshold=3)
    veille.watchstore.raise_alert(growing, "cluster:c-x:0", "3 sources: ASSAULT in Odesa", {"cluster_id": "c-x:0",
                                                                                            "sources": 3})
    q_tag = feed(client, "growing").headers["etag"]
    veille.watchstore.raise_alert(growing, "cluster:c-y:0", "3 sources: ASSAULT in Kherson", {"cluster_id": "c-y:0"})
    changed = client.get("/watches/growing.atom", headers={"If-None-Match": q_tag})
    assert changed.status_code == 200 and changed.headers["etag"] != q_tag
    assert len(etree.fromstring(changed.content).findall(f"{ATOM}entry")) == 2
    assert before == [e.findtext(f"{ATOM}id") for e in etree.fromstring(feed(client).content).findall(f"{ATOM}entry")]


def test_atom_of_a_watch_without_alerts_is_valid(client, veille):
    veille.watchstore.add_watch("empty", {"actor": "RUS"}, "contradiction", [{"kind": "atom"}])
    parsed = feedparser.parse(feed(client, "empty").content)
    assert not parsed.bozo and parsed.entries == [] and "disagree" in parsed.feed.subtitle


def test_hostile_alert_text_is_escaped_in_atom(client):
    r = feed(client)
    assert SCRIPT.encode() not in r.content and b"<img" not in r.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in r.content
    root = etree.fromstring(r.content)
    assert not root.xpath("//*[local-name()='script' or local-name()='img']")
    hostile = root.findall(f"{ATOM}entry")[0]
    assert hostile.findtext(f"{ATOM}title") == f"ASSAULT {SCRIPT}"
    content = hostile.find(f"{ATOM}content")
    assert content.get("type") == "text" and len(content) == 0  # text, never markup
    assert f"{IMG} Drones struck Odesa {SCRIPT}" in content.text and f"{SCRIPT} {IMG}" in content.text
    # a javascript: page URL is never a link; the desk's link is this server's compare view
    hrefs = [link.get("href") for link in hostile.findall(f"{ATOM}link")]
    assert hrefs == ["http://testserver/compare/c-hostile:0"]
    assert "javascript:" not in r.text


def test_control_characters_from_a_page_do_not_break_the_feed(client, veille):
    w = veille.watchstore.add_watch("control", {}, "event", [{"kind": "atom"}])
    veille.watchstore.raise_alert(w, "event:ctl:0", "Strike\x0b on\x00 Kherson", {"sentence": "A\x1f strike\x08.",
                                                                               "doc_id": "ctl"})
    root = etree.fromstring(feed(client, "control").content)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Strike on Kherson"
    assert "A strike." in entry.findtext(f"{ATOM}content")
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/reader/ctl"
