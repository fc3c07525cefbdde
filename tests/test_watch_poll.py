"""Polling sources against a feed server on 127.0.0.1: new items only, 304s, robots.txt, errors and
back-off per source, politeness, retries, the poller's lock, stopping and resuming (in process and
through ``veille watch`` with SIGTERM), and the ``sources`` commands through the real entry point."""
import os
import signal
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from conftest import run_cli, veille_bin
from feedserver import FeedServer

from veille import Veille
from veille.errors import InputError, NotFoundError
from veille.settings import Options
from veille.watch.fetcher import Fetcher
from veille.watch.poll import BusyError


def app(db_url, **options) -> Veille:
    settings = {"watch_delay": 0.0, "url_timeout": 1.0, "workers": 1, **options}
    return Veille(db=db_url(), progress=False, **settings)


def make_due(v: Veille) -> None:
    for s in v.sources.all():
        v.sources.update(s["id"], next_at=None)


def in_seconds(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - datetime.now(timezone.utc)).total_seconds()


@pytest.fixture
def fs():
    with FeedServer(items=2, slow_seconds=3.0) as server:
        yield server


def test_a_round_stores_every_item_once_and_the_next_only_new_ones(db_url, fs):
    v = app(db_url)
    for path in ("/rss.xml", "/atom.xml", "/feed.json", "/sitemap-index.xml"):
        v.add_source(fs.url(path), every="15m")
    stored_ids = []
    report = v.poll(on_stored=stored_ids.append)
    # rss 2 (+1 under /private/), atom 2, JSON Feed 2, and the index's sitemap 2 + news sitemap 2
    assert (report.sources, report.new_items, report.stored, report.skipped, report.failed) == (4, 11, 10, 1, 0)
    assert len(stored_ids) == 10 and report.left == 0 and not report.stopped
    articles = {p: n for p, n in fs.hits.items() if p.startswith(("/articles/", "/private/"))}
    assert len(articles) == 10 and set(articles.values()) == {1}  # each page fetched once
    assert fs.hits["/private/rss-11.html"] == 0  # robots.txt obeyed: never requested
    skipped = v.sources.items(status="skipped")
    assert [i["url"].rsplit("/", 1)[1] for i in skipped] == ["rss-11.html"]
    assert skipped[0]["reason"] == "robots.txt disallows it"
    assert all(r["headers"]["user-agent"] == v.options.user_agent for r in fs.log)
    # the feed's title is the document's; the URL it is stored under has lost its tracking parameters
    item = next(i for i in v.sources.items(status="stored") if "/rss-" in i["url"])
    assert "utm_" not in item["url"] and v.show(item["doc_id"]).title == item["title"]

    fresh = fs.publish(2, "/rss.xml")
    make_due(v)
    before = len(fs.log)
    report = v.poll()
    assert (report.sources, report.new_items, report.stored, report.skipped) == (4, 2, 2, 0)
    second = [r["path"] for r in fs.log[before:]]
    pages = [p for p in second if p.startswith(("/articles/", "/private/"))]
    assert sorted(pages) == sorted("/" + u.split("/", 3)[3] for u in fresh)  # only the new items
    # unchanged feeds answered 304 to a conditional request, and were not read again
    atom = [r for r in fs.log[before:] if r["path"] == "/atom.xml"][0]
    assert atom["headers"].get("if-none-match") and atom["headers"].get("if-modified-since")
    by_url = {s["url"]: s for s in v.source_list()}
    assert by_url[fs.url("/atom.xml")]["status"] == 304 and by_url[fs.url("/rss.xml")]["status"] == 200
    assert by_url[fs.url("/atom.xml")]["found"] == 2 and by_url[fs.url("/rss.xml")]["found"] == 5
    assert by_url[fs.url("/rss.xml")]["stored"] == 4


def test_failing_sources_are_recorded_backed_off_and_the_round_goes_on(db_url, fs):
    v = app(db_url)
    v.add_source(fs.url("/rss.xml"), every="10m")
    for name, path in (("error", "/error.xml"), ("busy", "/busy.xml"), ("slow", "/slow.xml"),
                       ("loop", "/loop/a"), ("gone", "/nothing.xml"), ("page", "/plain.html")):
        v.sources.add(fs.url(path), name, "feed", 600)  # as if they had worked when added
    report = v.poll()
    assert report.sources == 7 and report.stored == 2  # the good feed's items, despite the others
    errors = {e["source"]: e["error"] for e in report.source_errors}
    assert errors == {"error": "HTTP 500", "busy": "HTTP 503", "slow": "timed out after 1 s",
                      "loop": f"redirect loop ({fs.url('/loop/a')} -> {fs.url('/loop/b')} -> {fs.url('/loop/a')})",
                      "gone": "HTTP 404", "page": "not a feed or sitemap (no RSS, Atom, JSON Feed or sitemap found)"}
    health = {s["name"]: s for s in v.source_list()}
    assert health["error"]["status"] == 500 and health["slow"]["status"] is None
    assert health["error"]["errors_in_row"] == 1 and health["error"]["backoff_until"]
    assert 1190 < in_seconds(health["error"]["next_at"]) <= 1200  # every × 2
    assert 7190 < in_seconds(health["busy"]["next_at"]) <= 7200  # Retry-After: 7200 wins
    good = health[next(n for n in health if n not in errors)]
    assert good["error"] is None and good["errors_in_row"] == 0 and 590 < in_seconds(good["next_at"]) <= 600
    assert good["backoff_until"] is None

    make_due(v)
    v.poll()
    health = {s["name"]: s for s in v.source_list()}
    assert health["error"]["errors_in_row"] == 2 and 2390 < in_seconds(health["error"]["next_at"]) <= 2400
    v.sources.update(health["error"]["id"], errors_in_row=12, next_at=None)
    v.poll()
    assert 86390 < in_seconds(v.sources.get("error")["next_at"]) <= 86400  # at most a day


def test_one_host_is_asked_one_request_at_a_time_with_the_delay_between(fs):
    delay = 0.3
    urls = [fs.url(p) for p in ("/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/news-sitemap.xml")]
    others = fs.site(feeds=2, items=1)
    with Fetcher(Options.load(watch_delay=delay, url_timeout=2.0)) as fetcher:
        threads = [threading.Thread(target=fetcher.get, args=(u,)) for u in urls + others]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - started
    for host in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        times = sorted(r["time"] for r in fs.log if r["host"] == host)
        assert len(times) == (6 if host == "127.0.0.1" else 2)  # robots.txt once per host, then its pages
        assert all(b - a >= delay - 0.01 for a, b in zip(times, times[1:])), (host, times)
    assert took < 6 * delay + 1.0  # the other hosts were asked meanwhile, not after


def test_crawl_delay_conditional_get_and_size_limit(fs):
    fs.robots = b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n"
    with Fetcher(Options.load(watch_delay=0.0, url_timeout=2.0)) as fetcher:
        first = fetcher.get(fs.url("/atom.xml"))
        again = fetcher.get(fs.url("/atom.xml"), first.headers["etag"], first.headers["last-modified"])
    assert first.status == 200 and first.body.startswith(b"<?xml")
    assert again.not_modified and again.ok and again.body == b""
    times = [r["time"] for r in fs.log]
    assert len(times) == 3 and all(b - a >= 0.99 for a, b in zip(times, times[1:]))  # robots.txt asked for 1 s
    assert fs.log[2]["headers"]["if-none-match"] == first.headers["etag"]
    with Fetcher(Options.load(watch_delay=0.0, url_timeout=2.0, max_bytes=200)) as fetcher:
        big = fetcher.get(fs.url("/rss.xml"))
    assert big.error == "too large (over 200 bytes)" and big.body == b""


def test_failed_pages_are_retried_in_three_rounds_then_left(db_url, fs):
    v = app(db_url)
    v.add_source(fs.url("/feed.json"))
    broken = fs.publish(1, "/feed.json")[0]
    fs.unpublish_page(broken)
    path = "/" + broken.split("/", 3)[3]
    for round_ in range(4):
        report = v.poll()
        assert report.failed == (1 if round_ < 3 else 0)
    assert fs.hits[path] == 3
    [item] = v.sources.items(status="failed")
    assert item["tries"] == 3 and item["reason"] == "HTTP 404"
    assert v.sources.get(1)["failed"] == 3 and v.sources.get(1)["stored"] == 2


def test_a_stopped_round_leaves_the_rest_for_the_next(db_url):
    fs = FeedServer(items=10)
    v = app(db_url, watch_delay=0.2)  # pages come slower than the pipeline takes them
    v.add_source(fs.url("/atom.xml"))
    stop = threading.Event()
    rounds = []

    def first_then_stop(doc_id):
        stop.set()
        raise RuntimeError("a hook that fails")  # recorded, not fatal

    report = v.poll(stop=stop, on_stored=first_then_stop, on_round=rounds.append)
    assert report.stopped and report.left >= 1 and report.stored >= 1
    assert report.hook_errors and "a hook that fails" in report.hook_errors[0]
    assert rounds == [report]
    first = report.stored
    assert len(v.sources.pending()) == report.left
    done_first = ["/" + i["url"].split("/", 3)[3] for i in v.sources.items(status="stored")]
    report = v.poll()
    assert report.stored + first == 10 and report.left == 0 and not report.stopped
    assert len(v.documents()) == 10  # each stored once
    # what the first round stored is not fetched again (a page fetched ahead but not processed may be)
    assert {fs.hits[p] for p in done_first} == {1}
    fs.close()


def test_one_poller_per_database(db_url, fs):
    v = app(db_url)
    v.add_source(fs.url("/sitemap.xml"))
    assert v.sources.take_lock("other:1:x", stale_s=600) is None
    with pytest.raises(BusyError) as e:
        v.poll()
    assert "another poller" in str(e.value) and "other:1:x" in str(e.value)
    assert fs.hits["/sitemap.xml"] == 1  # only the probe's request
    from veille.sourcestore import later, watch_lock

    with v.store._writing() as conn:  # the other poller died 20 minutes ago
        conn.execute(watch_lock.update().values(alive_at=later(-1200)))
    assert v.poll().stored == 2
    assert v.sources.take_lock("other:1:x", stale_s=600) is None  # released after the round


def test_removing_a_source_keeps_what_it_listed_remembered(db_url, fs):
    v = app(db_url)
    news = v.add_source(fs.url("/news-sitemap.xml"), name="news")
    v.add_source(fs.url("/sitemap.xml"), name="plain")
    stop = threading.Event()
    stop.set()
    report = v.poll(stop=stop)  # stopped before it began: nothing polled, nothing lost
    assert (report.sources, report.stored, report.stopped) == (0, 0, True)
    assert len(v.sources.due()) == 2
    listed = v.sources.remember(news["id"], [{"url": fs.url("/articles/listed-not-fetched.html")}])
    assert len(listed) == 1
    removed = v.remove_source("news")
    assert removed["name"] == "news" and removed["skipped"] == 1
    with pytest.raises(NotFoundError):
        v.sources.get("news")
    [item] = v.sources.items(status="skipped")
    assert item["reason"] == "source news removed"
    report = v.poll()
    assert report.stored == 2 and fs.hits["/news-sitemap.xml"] == 1  # the removed source: only the probe's request
    assert fs.hits["/articles/listed-not-fetched.html"] == 0
    v.add_source(fs.url("/news-sitemap.xml"), name="news again")
    assert v.poll().stored == 2  # its two pages, never fetched before
    make_due(v)
    assert v.poll().new_items == 0  # and once seen, never again
    assert {n for p, n in fs.hits.items() if p.startswith("/articles/")} == {1}


def test_add_source_errors_name_the_url(db_url, fs):
    v = app(db_url)
    with pytest.raises(InputError, match=r"^http://127\.0\.0\.1:1/feed: network unreachable"):
        v.add_source("http://127.0.0.1:1/feed")
    with pytest.raises(InputError, match="not a feed or sitemap, and no feed linked from the page"):
        v.add_source(fs.url("/plain.html"))
    with pytest.raises(InputError, match="a sitemap, not a feed"):
        v.add_source(fs.url("/sitemap.xml"), kind="feed")
    assert v.source_list() == []


# ---------------------------------------------------------------------- through the real entry point
def cli_env(**extra):
    return {**os.environ, "VEILLE_WATCH_DELAY": "0", "VEILLE_URL_TIMEOUT": "1", "VEILLE_WORKERS": "1",
            "VEILLE_PROGRESS": "0", **extra}


def test_sources_commands(tmp_path, dbs, fs, monkeypatch):
    dbs.url(tmp_path)  # the CLI's database in tmp_path
    for k, v in cli_env().items():
        monkeypatch.setenv(k, v)
    r = run_cli("sources", "add", fs.url("/home.html"), "--every", "1h", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"feed {fs.url('/rss.xml')} (found on {fs.url('/home.html')})" in r.stdout and "every 1h" in r.stdout
    r = run_cli("sources", "add", fs.url("/sitemap.xml"), "--name", "plain sitemap", "--kind", "sitemap", cwd=tmp_path)
    assert r.returncode == 0 and "added plain sitemap: sitemap" in r.stdout
    for args, message in (
            (("http://127.0.0.1:1/rss",), "veille: http://127.0.0.1:1/rss: network unreachable"),
            ((fs.url("/plain.html"),), f"veille: {fs.url('/plain.html')}: not a feed or sitemap, and no feed linked"),
            ((fs.url("/error.xml"),), f"veille: {fs.url('/error.xml')}: HTTP 500"),
            ((fs.url("/atom.xml"), "--every", "often"), "veille: 'often': not an interval"),
            ((fs.url("/rss.xml"),), f"veille: {fs.url('/rss.xml')}: already a source"),
            (("ftp://example.org/feed",), "veille: ftp://example.org/feed: not an http(s) URL")):
        r = run_cli("sources", "add", *args, cwd=tmp_path)
        assert r.returncode == 1 and r.stderr.startswith(message) and r.stderr.count("\n") == 1, r.stderr
    r = run_cli("sources", "list", cwd=tmp_path)
    assert r.returncode == 0 and "never polled" in r.stdout and len(r.stdout.splitlines()) == 2
    import json

    rows = json.loads(run_cli("sources", "list", "--json", cwd=tmp_path).stdout)
    assert [(s["name"], s["kind"], s["every_s"], s["pending"]) for s in rows] == [
        (f"127.0.0.1:{fs.port}", "feed", 3600, 0), ("plain sitemap", "sitemap", 900, 0)]
    r = run_cli("sources", "remove", "plain sitemap", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("removed plain sitemap")
    r = run_cli("sources", "remove", "plain sitemap", cwd=tmp_path)
    assert r.returncode == 1 and r.stderr == "veille: plain sitemap: no such source (veille sources list)\n"


def test_sigterm_mid_round_loses_nothing_and_the_next_round_resumes(tmp_path, db_url):
    with FeedServer(items=8) as fs:
        v = app(db_url)
        v.add_source(fs.url("/rss.xml"), every="1h")
        env = cli_env(VEILLE_WATCH_DELAY="0.4", VEILLE_DB=v.options.db)
        proc = subprocess.Popen([veille_bin(), "watch"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            first = proc.stdout.readline()
            assert first.startswith("stored"), first + proc.stderr.read()
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err
        left = int(err.split("stopped: ")[1].split()[0])
        stored_first = 1 + sum(line.startswith("stored") for line in out.splitlines())
        skipped_first = sum(line.startswith("skipped") for line in out.splitlines())
        assert left >= 1 and stored_first + skipped_first + left == 9 and "Traceback" not in err  # 8 + 1 private
        assert len(v.sources.pending()) == left and len(v.sources.items(status="stored")) == stored_first

        done_first = ["/" + i["url"].split("/", 3)[3] for i in v.sources.items(status="stored")]
        # the next round (what `veille watch --once` runs, here in this process, whose models are loaded)
        report = v.poll(once=True)
        assert report.stored == 8 - stored_first and report.new_items == 0 and report.left == 0
        assert len(v.sources.items(status="stored")) == 8 and v.sources.pending() == []
        assert {fs.hits[p] for p in done_first} == {1}  # what the first round stored is not fetched again
        assert fs.hits["/private/rss-17.html"] == 0
        assert len(v.documents()) == 8  # each stored once


def test_between_rounds_the_loop_wakes_for_deliveries_and_the_next_due_source(db_url, fs):
    """The loop sleeps until the next source is due, waking every ``max_wait`` seconds for
    ``on_wait`` (the CLI delivers alerts whose back-off is over there); a due source starts a round."""
    v = app(db_url)
    v.add_source(fs.url("/rss.xml"), every="1h")
    stop, waits, rounds = threading.Event(), [], []

    def on_wait():
        waits.append(time.monotonic())
        if len(waits) == 3:
            make_due(v)  # as if the hour had passed
        if len(rounds) == 2:
            stop.set()

    v.poll(once=False, stop=stop, on_round=rounds.append, on_wait=on_wait, max_wait=0.2)
    assert len(rounds) == 2 and len(waits) >= 3
    assert rounds[0].stored == 2 and rounds[1].sources == 1 and rounds[1].stored == 0  # nothing new, 304 or same
    assert all(b - a < 1.5 for a, b in zip(waits, waits[1:]))
