"""The desk in a real headless Chromium (Debian's, driven by Playwright's Python package).

The bundled examples and a hostile article are ingested into a temporary store, a real
``veille serve`` runs on loopback, and the browser opens the map, filters it by type and by a
brushed period, opens a marker's card, the reader and the compare view, and visits every other
page. The hostile article (script and img-onerror payloads in its title and body) is opened in
the reader, the events list and the map card: no dialog may open, no flag may be set, and the
payloads must be visible as text. Screenshots go to build/screenshots/.

Skipped when no Chromium is found, unless VEILLE_REQUIRE_BROWSER=1 (CI), which makes it fail.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("VEILLE_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# written for this test: a plain news story whose title and body carry both payloads as text,
# and a real script element the reader must drop
HOSTILE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;alert(1)&lt;/script&gt; Port shelled "&gt;&lt;img src=x onerror=alert(1)&gt;</title>
<meta property="article:published_time" content="2024-03-14T09:00:00Z">
<script>alert(1)</script>
</head><body><article>
<h1>&lt;script&gt;alert(1)&lt;/script&gt; Port shelled "&gt;&lt;img src=x onerror=alert(1)&gt;</h1>
<p>Russian forces shelled the port of Odesa on Wednesday, killing two dock workers, the regional
governor said in a statement titled &lt;script&gt;alert(1)&lt;/script&gt; and "&gt;&lt;img src=x onerror=alert(1)&gt;.</p>
<p>The strike damaged a grain terminal and two warehouses near the harbour, according to the port
authority, which said repairs would take several weeks.</p>
<p>Ukraine's foreign ministry condemned the attack and called on its partners to send more air
defence systems to protect the Black Sea ports.</p>
<p>Shipping companies said they were monitoring the situation and that traffic through the corridor
had not been suspended.</p>
</article></body></html>
"""
# two reports of one strike that disagree on its toll (written for this test): a contradiction
TOLL_A = """Missile strike on Kharkiv market kills 12, says governor

Jun 9, 2024

KHARKIV, Ukraine - A Russian missile struck a crowded market in Kharkiv on Saturday, killing 12 people, the regional governor said.
Rescue teams worked through the night to clear the rubble, the emergency service said.
"""
TOLL_B = """Russian strike on Kharkiv market leaves 20 dead, mayor says

Jun 9, 2024

KHARKIV, Ukraine - A Russian missile struck a market in Kharkiv on Saturday, killing 20 people, the city's mayor said.
Dozens of people were wounded and several remain in hospital, the health department said.
"""
# runs before any page script: a flag any executed payload would set, whatever it calls
TRAP = """
window.__xss = 0;
const realAlert = window.alert.bind(window);
window.alert = (...a) => { window.__xss += 1; return realAlert(...a); };
"""



STATIC = ROOT / "src" / "veille" / "web" / "static"


def test_static_scripts_never_write_html():
    """Runs without a browser: the desk's scripts build the DOM from text only, and the page
    shells hold no inline script or handler (the server's CSP would refuse them anyway)."""
    import re

    for js in STATIC.glob("*.js"):
        code = js.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                     ".html("):
            assert sink not in code, f"{js.name} uses {sink}"
    for page in STATIC.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(re.search(r'\bsrc="/static/[^"]+\.js"', s) for s in scripts), page.name
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), page.name
        assert not re.search(r"\son[a-z]+=", html), page.name
        assert "http://" not in html and "https://" not in html, page.name  # nothing from a CDN


def _chromium() -> str | None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


@pytest.fixture(scope="module")
def chromium_path():
    required = os.environ.get("VEILLE_REQUIRE_BROWSER") == "1"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("Playwright's Python package is missing and VEILLE_REQUIRE_BROWSER=1")
        pytest.skip("Playwright's Python package is not installed")
    path = _chromium()
    if path is None:
        if required:
            pytest.fail(f"no Chromium at {CHROMIUM} and VEILLE_REQUIRE_BROWSER=1")
        pytest.skip("no Chromium found (set VEILLE_CHROMIUM or install Debian's chromium)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, dbs, chromium_path):
    """``veille serve`` on an empty store; the desk's own ingest page fills it (test_ingest)."""
    tmp = tmp_path_factory.mktemp("desk")
    veille = Path(sys.executable).parent / "veille"
    cmd = [str(veille)] if veille.exists() else [sys.executable, "-c", "from veille.cli import main; main()"]
    port = _free_port()
    db = dbs.url(tmp, "desk.db")
    log = open(tmp / "serve.log", "w")
    proc = subprocess.Popen(cmd + ["--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise AssertionError("veille serve exited: " + (tmp / "serve.log").read_text())
            try:
                with urllib.request.urlopen(base + "/static/desk.js", timeout=5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("veille serve did not answer in 30 s")
        yield base, tmp, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that records dialogs and script errors; both must stay empty."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.dialogs, pg.errors = [], []

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.add_init_script(TRAP)
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def desk(server, browser):
    """The examples and the hostile page, uploaded through the desk's ingest page (one model load,
    in the server), every input's CLI line shown."""
    base, tmp, db = server
    ours = {"hostile.html": HOSTILE, "toll_a.txt": TOLL_A, "toll_b.txt": TOLL_B}
    for name, text in ours.items():
        (tmp / name).write_text(text, encoding="utf-8")
    files = sorted(str(p) for p in (ROOT / "examples").iterdir() if p.suffix in (".txt", ".html", ".jsonl"))
    files += [str(tmp / name) for name in ours]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base + "/ingest")
    pg.set_input_files("#files", files)
    pg.click("#start")
    pg.wait_for_selector("#progress-text[data-state=done]", timeout=150_000)
    lines = pg.locator("#outcomes .outcome").all_inner_texts()
    shot(pg, "ingest")
    context.close()
    assert len(lines) >= len(files) and all(line.startswith("stored") for line in lines), lines
    assert any("hostile.html" in line for line in lines)
    assert not errors, errors
    return base


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


def marker_count(pg) -> int:
    return int(pg.get_attribute("#map-count", "data-count") or -1)


def wait_count_change(pg, before: int) -> int:
    pg.wait_for_function(f"() => document.querySelector('#map-count').dataset.count !== '{before}'")
    return marker_count(pg)


def open_a_marker(pg) -> None:
    """Click markers, zooming into clusters, until an event card shows."""
    for _ in range(8):
        single = pg.locator(".ev-marker:visible")
        if single.count():
            single.first.click()
            pg.wait_for_selector("#event-card .sentence")
            return
        pg.locator(".ev-cluster:visible").first.click()
        pg.wait_for_timeout(500)
    raise AssertionError("no single marker after zooming into clusters")


def test_map_filters_card_reader_compare(desk, page):
    server = desk
    pg = page
    pg.goto(server + "/map")
    # borders drawn from the TopoJSON (one path a country), markers or clusters on top
    pg.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length > 100")
    pg.wait_for_selector(".ev-marker, .ev-cluster")
    pg.wait_for_function("() => document.querySelector('#map-count').dataset.count !== ''")
    everything = marker_count(pg)
    assert everything > 5
    shot(pg, "map")

    # by type: the URL says it, fewer markers
    pg.check("#f-type input[value=ASSAULT]")
    pg.click("#apply")
    pg.wait_for_url("**/map?*type=ASSAULT*")
    assaults = wait_count_change(pg, everything)
    assert 0 < assaults < everything

    # by date: brush the first part of the timeline strip under the map (once redrawn for the type)
    pg.wait_for_selector("#timeline-strip[data-drawn-for='type=ASSAULT'] .brush .overlay")
    box = pg.locator("#timeline-strip .brush .overlay").bounding_box()
    y = box["y"] + box["height"] / 2
    pg.mouse.move(box["x"] + 2, y)
    pg.mouse.down()
    pg.mouse.move(box["x"] + box["width"] * 0.12, y, steps=5)
    pg.mouse.up()
    pg.wait_for_url("**since=*")
    query = parse_qs(urlparse(pg.url).query)
    assert query["type"] == ["ASSAULT"] and query["since"] and query["until"]
    in_period = wait_count_change(pg, assaults)
    expected = _get(server + "/api/map?" + urlparse(pg.url).query)
    assert in_period == len(expected["features"]) and 0 < in_period < assaults
    assert pg.input_value("#f-since") == query["since"][0]

    # a marker's card: every report, its sentence, links to the reader and the compare view
    open_a_marker(pg)
    assert pg.inner_text("#event-card .sentence").strip()
    shot(pg, "map-card")
    compare_href = pg.get_attribute("#event-card a[href^='/compare/']", "href")

    pg.click("#event-card a[href^='/reader/']")
    pg.wait_for_selector("#doc-text .hl")
    for kind in ("entity", "place", "date", "event"):
        assert pg.locator(f"#doc-text .hl-{kind}").count() > 0, kind
    assert pg.get_attribute("#doc-text .hl-place", "title").startswith("place:")
    assert pg.locator("#warnings").count() == 1
    shot(pg, "reader")

    pg.goto(server + compare_href)
    pg.wait_for_selector("#reports .report .sentence")
    assert pg.inner_text("#independent").strip()[0].isdigit()
    shot(pg, "compare")
    # an event told by two pages (the hostile page retells the Odesa strike): both side by side
    pg.click("#left a[href^='/compare/']")
    pg.wait_for_function("() => document.querySelectorAll('#reports .report').length >= 2")
    assert int(pg.inner_text("#independent strong")) >= 2
    assert pg.locator("table.figures").count() == 1
    shot(pg, "compare-cluster")

    # two pages that disagree on the toll: both reports marked, the figures that differ too
    disputed = [c for c in _get(server + "/api/clusters")["items"] if c["contradictions"]]
    assert disputed
    pg.goto(server + "/compare/" + disputed[0]["id"])
    pg.wait_for_selector("#contradictions .contradiction")
    assert pg.locator("#reports .report.contradicted").count() >= 2
    assert pg.locator("table.figures td.differs").count() >= 2
    shot(pg, "compare-contradiction")
    assert not pg.dialogs and not pg.errors, (pg.dialogs, pg.errors)


def test_other_views_draw(desk, page):
    server = desk
    pg = page
    pg.goto(server + "/timeline")
    pg.wait_for_selector("svg.timeline rect.bar")
    pg.wait_for_selector("#period-events .event-line")
    shot(pg, "timeline")

    pg.goto(server + "/network")
    pg.wait_for_selector("svg.network .node")
    pg.locator("svg.network .node").first.click()
    pg.wait_for_selector("#details .event-line")
    shot(pg, "network")

    pg.goto(server + "/relationship?a=RUS&b=UKR")
    pg.wait_for_selector("svg.relationship .point")
    pg.locator("svg.relationship .point").first.click()
    pg.wait_for_selector("#event-card .sentence")
    shot(pg, "relationship")

    pg.goto(server + "/events?type=ASSAULT")
    pg.wait_for_selector("#events-list .event-line")
    assert pg.is_checked("#f-type input[value=ASSAULT]")
    total = int(pg.get_attribute("#events-list .total", "data-total"))
    assert total == _get(server + "/api/events?type=ASSAULT&limit=1")["total"]
    href = pg.get_attribute("#downloads a[data-format=csv]", "href")
    assert href == "/api/events.csv?type=ASSAULT"
    pg.fill("#quick-text", "drones")
    pg.press("#quick-text", "Enter")
    pg.wait_for_url("**text=drones*")
    pg.wait_for_function(f"() => document.querySelector('#events-list .total').dataset.total !== '{total}'")
    shot(pg, "events")

    # pagination kept in the URL; a bad filter is said, not crashed on
    pg.goto(server + "/events?limit=10")
    pg.wait_for_selector("#events-list .pager .range")
    first = pg.locator("#events-list .event-line").first.get_attribute("data-id")
    pg.click("#events-list .pager button.older")
    pg.wait_for_url("**offset=10*")
    pg.wait_for_function("() => document.querySelector('#events-list .pager .range').textContent.startsWith('11')")
    assert pg.locator("#events-list .event-line").count() <= 10
    assert pg.locator("#events-list .event-line").first.get_attribute("data-id") != first
    pg.goto(server + "/events?since=garbage")
    assert "since" in pg.locator("#events-list .error").inner_text()

    assert not pg.dialogs and not pg.errors, (pg.dialogs, pg.errors)


def _no_script_ran(pg) -> None:
    pg.wait_for_timeout(300)  # an onerror fires once the broken image fails to load
    assert pg.dialogs == []
    assert pg.evaluate("window.__xss") == 0
    assert pg.evaluate("document.querySelectorAll('img[src=x], img[onerror]').length") == 0
    assert not pg.errors, pg.errors


def test_hostile_page_is_shown_as_text(desk, page):
    server = desk
    pg = page
    docs = _get(server + "/api/documents?text=shelled")["items"]
    hostile = [d for d in docs if d["name"] == "hostile.html"]
    assert hostile, docs
    doc_id = hostile[0]["id"]

    pg.goto(server + f"/reader/{doc_id}")
    pg.wait_for_selector("#doc-text")
    title = pg.inner_text("h1.doc-title")
    assert SCRIPT in title and IMG in title
    body = pg.inner_text("#doc-text")
    assert SCRIPT in body and IMG in body
    _no_script_ran(pg)
    shot(pg, "xss-reader")

    pg.goto(server + f"/events?doc={doc_id}")
    pg.wait_for_selector("#events-list .event-line")
    listed = pg.inner_text("#events-list")
    assert SCRIPT in listed and IMG in listed
    _no_script_ran(pg)

    pg.goto(server + f"/map?doc={doc_id}")
    pg.wait_for_selector(".ev-marker, .ev-cluster")
    open_a_marker(pg)
    card = pg.inner_text("#event-card")
    assert SCRIPT in card and IMG in card
    # the marker's tooltip carries the title too
    pg.hover(".ev-marker:visible >> nth=0")
    pg.wait_for_selector(".leaflet-tooltip")
    assert SCRIPT in pg.inner_text(".leaflet-tooltip")
    _no_script_ran(pg)
    shot(pg, "xss-map-card")


def test_sources_and_watches_pages(server, page):
    """Sources with their health badges, counts and error; watches with their condition, latest
    alerts (a hostile one shown as text) and each delivery's status; one watch's page and feed.
    The rows are written straight into the served store, as the poller and the alerts loop do."""
    from datetime import datetime, timedelta, timezone

    from veille import Veille

    base, tmp, db = server
    pg = page

    def at(**delta) -> str:
        return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat(timespec="seconds")

    v = Veille(db=db, progress=False)
    good = v.sources.add("http://127.0.0.1:9/ministry.xml", "ministry", "feed", 900)
    v.sources.update(good["id"], polled_at=at(minutes=-4), next_at=at(minutes=11), status=200, polls=5)
    v.sources.remember(good["id"], [{"url": "http://127.0.0.1:9/a/1", "title": "Port shelled"},
                                    {"url": "http://127.0.0.1:9/a/2", "title": f"{SCRIPT} story"}])
    v.sources.finish("http://127.0.0.1:9/a/1", "stored", doc_id="0" * 64)
    v.sources.finish("http://127.0.0.1:9/a/2", "failed", reason="HTTP 404")
    bad = v.sources.add("http://127.0.0.1:9/sitemap.xml", "wire", "sitemap", 3600)
    v.sources.update(bad["id"], polled_at=at(minutes=-2), next_at=at(minutes=30), status=500,
                     error=f"HTTP 500 Internal Server Error {IMG}", errors_in_row=3, polls=3)
    v.sources.add("http://127.0.0.1:9/blog/", "blog", "page", 60)
    strikes = v.watchstore.add_watch("strikes", {"type": ["ASSAULT"], "country": "UA"}, "event",
                                     [{"kind": "terminal"}, {"kind": "webhook", "url": "https://hooks.test/x/y",
                                                             "secret": "s3cret"}, {"kind": "atom"}])
    for i in range(3):
        v.watchstore.raise_alert(strikes, f"event:d{i}:0", f"ASSAULT RUS → UKR in Kharkiv #{i}",
                                 {"title": f"Strike report {i}", "sentence": f"Russian forces struck Kharkiv ({i}).",
                                  "url": f"https://outlet.test/{i}", "event_id": f"d{i}:0", "sources": ["outlet.test"]})
    v.watchstore.raise_alert(strikes, "event:hostile:0", f"ASSAULT {SCRIPT}",
                             {"title": f"{SCRIPT} {IMG}", "sentence": f"{IMG} Drones struck Odesa {SCRIPT}",
                              "url": "https://hostile.test/page", "cluster_id": "c-hostile:0"})
    alerts = v.watchstore.alerts(strikes["id"], limit=2)
    v.watchstore.delivered(alerts[0]["deliveries"][0]["id"], ok=True)
    v.watchstore.delivered(alerts[0]["deliveries"][1]["id"], ok=False, error="HTTP 502 from hooks.test",
                           next_at=at(minutes=2))
    v.watchstore.delivered(alerts[1]["deliveries"][1]["id"], ok=False, error="connection refused", give_up=True)
    v.watchstore.add_watch("quiet", {"actor": "RUS"}, "contradiction", [{"kind": "atom"}])

    # sources: one row and one badge per source, the failing one with its error
    pg.goto(base + "/sources")
    pg.wait_for_selector("#sources-list tr.source-row")
    rows = pg.locator("#sources-list tr.source-row")
    assert rows.count() == 3
    badges = {rows.nth(i).locator("td.name strong").inner_text(): rows.nth(i).locator(".health").inner_text()
              for i in range(3)}
    assert badges == {"ministry": "ok", "wire": "failing", "blog": "never polled"}
    ministry = pg.locator("#sources-list tr.source-row[data-health=ok]")
    assert [ministry.locator(f"td.{c}").inner_text() for c in ("found", "stored", "failed")] == ["2", "1", "1"]
    assert "HTTP 200" in ministry.locator("td.last").inner_text() and "in " in ministry.locator("td.next").inner_text()
    wire = pg.locator("#sources-list tr.source-row[data-health=failing]")
    assert "back-off after 3 errors" in wire.locator("td.next").inner_text()
    assert IMG in pg.inner_text("#sources-list tr.source-error")
    assert pg.get_attribute("#views a[data-view=sources]", "class") == "current"
    ministry.click()
    pg.wait_for_selector("#source-card .items li")
    card = pg.inner_text("#source-card")
    assert "Port shelled" in card and f"{SCRIPT} story" in card and "HTTP 404" in card
    _no_script_ran(pg)
    shot(pg, "sources")
    pg.click(".health-tabs button[data-health=failing]")
    pg.wait_for_url("**health=failing*")
    pg.wait_for_function("() => document.querySelectorAll('#sources-list tr.source-row').length === 1")
    assert pg.get_attribute("#sources-list tr.source-row", "data-health") == "failing"

    # watches: condition, filters, count, latest alerts with their deliveries
    pg.click("#views a[data-view=watches]")
    pg.wait_for_selector(".watch-card[data-name=strikes] li.alert")
    cards = pg.locator(".watch-card")
    assert cards.count() == 2
    strikes_card = pg.locator(".watch-card[data-name=strikes]")
    assert strikes_card.locator(".count").get_attribute("data-count") == "4"
    assert strikes_card.locator(".condition").inner_text() == "a new event matches"
    assert "type ASSAULT" in strikes_card.locator(".filters").inner_text()
    assert strikes_card.locator("li.alert").count() == 3
    newest = strikes_card.locator("li.alert").first
    assert newest.locator(".alert-title").inner_text() == f"ASSAULT {SCRIPT}"
    assert f"{IMG} Drones struck Odesa {SCRIPT}" in newest.locator(".sentence").inner_text()
    assert newest.locator("a.desk-link").get_attribute("href") == "/compare/c-hostile:0"
    assert [d.get_attribute("data-status") for d in newest.locator("li.delivery").all()] == ["sent", "pending"]
    assert "HTTP 502 from hooks.test" in newest.locator("li.delivery-pending").inner_text()
    assert strikes_card.locator("li.alert").nth(1).locator("li.delivery-failed").count() == 1
    assert "s3cret" not in pg.inner_text("#view")
    quiet = pg.locator(".watch-card[data-name=quiet]")
    assert "disagree" in quiet.locator(".condition").inner_text() and "No alert yet" in quiet.inner_text()
    _no_script_ran(pg)
    shot(pg, "watches")

    # one watch: every alert, the feed's link
    strikes_card.locator("h2 a").click()
    pg.wait_for_url("**/watches/strikes")
    pg.wait_for_selector("#watch-alerts li.alert")
    assert pg.locator("#watch-alerts li.alert").count() == 4
    assert pg.get_attribute("#watch-alerts a.atom", "href") == "/watches/strikes.atom"
    assert pg.locator("#watch-alerts .total").get_attribute("data-total") == "4"
    _no_script_ran(pg)
    shot(pg, "watch")
    with urllib.request.urlopen(base + "/watches/strikes.atom", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("application/atom+xml")
        assert b"&lt;script&gt;" in r.read()
    pg.goto(base + "/watches/nope")
    assert "nope: no such watch" in pg.locator("#watch-alerts .error").inner_text()
    assert not pg.dialogs and not pg.errors, (pg.dialogs, pg.errors)
