"""The store on a real PostgreSQL server (tests/pgserver.py starts a throwaway one): the same
migrations, the CLI's commands on the bundled examples plus pages we write, and the desk's JSON,
each compared with the same command on SQLite; the sources table. The rest of the suite runs on
PostgreSQL too, with VEILLE_TEST_DB=postgres (conftest; `make test` runs both). Skipped when no
PostgreSQL is installed, unless VEILLE_REQUIRE_POSTGRES=1 (CI)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_cli, veille_bin
from fastapi.testclient import TestClient
from sqlalchemy import text

from veille import Veille
from veille.errors import StoreError
from veille.query import EventQuery
from veille.store import MIGRATIONS, Store, ts_query
from veille.web import create_app

# our own words: two outlets tell one strike with different tolls (a link and a contradiction),
# accents and word starts for the text filters, and a page whose title starts with a capital
PAGES = [
    {"url": "https://first.test/kharkiv", "title": "Frappe sur Kharkiv", "published": "2024-04-05",
     "text": "Un missile russe a frappé vendredi un immeuble du centre de Kharkiv, faisant 12 morts, selon le "
             "gouverneur régional."},
    {"url": "https://second.test/kharkiv", "title": "Kharkiv strike", "published": "2024-04-05",
     "text": "A Russian missile struck an apartment block in central Kharkiv on Friday, killing 13 people, the "
             "regional governor said."},
    {"url": "https://third.test/odesa", "title": "Drones over Odesa", "published": "2024-05-23",
     "text": "Russian drones struck the port of Odesa on Wednesday night, the governor said. Des drones russes "
             "ont frappé le port d'Odessa, selon l'armée ukrainienne."},
]
EVENT_FILTERS = [  # as Veille.events takes them (the CLI's options)
    {}, {"type": "ASSAULT"}, {"type": ["AGREE", "SANCTION"]}, {"country": "UA"}, {"country": "ua"},
    {"near": "49.99,36.23,50"}, {"near": "46.48,30.72,30"}, {"text": "frappe"}, {"text": "FRAPPÉ"},
    {"text": "drone"}, {"text": "rone"}, {"text": "missile Kharkiv"}, {"text": "l'armée"}, {"min_sources": 2},
    {"source": "SECOND.test"}, {"actor": "RUS"}, {"actor": "RUS", "role": "target"}, {"since": "2024-05"},
    {"until": "2024-04"}, {"modality": "asserted"}, {"mode": "drone"}, {"limit": 2, "offset": 1},
    {"type": "ASSAULT", "country": "UA", "text": "drones", "since": "2024"},
]


def cli(db: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI's answer, which must be a success."""
    r = run_cli("--db", db, *args, cwd=cwd)
    assert r.returncode == 0, (args, r.stderr)
    return r


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory):
    """The examples and our pages ingested through the CLI into PostgreSQL and into SQLite, at once."""
    d = tmp_path_factory.mktemp("pg")
    (d / "pages.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in PAGES), encoding="utf-8")
    pg, lite = pg_server.createdb("veille_cli"), str(d / "veille.db")
    runs = [subprocess.Popen([veille_bin(), "--db", db, "ingest", str(EXAMPLES), str(d / "pages.jsonl")], cwd=d,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for db in (pg, lite)]
    for r in runs:
        out, err = r.communicate(timeout=300)
        assert r.returncode == 0, err
        assert "10 stored, 0 unchanged, 0 failed" in err, err
    return {"pg": pg, "sqlite": lite, "dir": d, "pages": d / "pages.jsonl"}


@pytest.fixture(scope="module")
def apps(both) -> dict[str, Veille]:
    return {k: Veille(db=both[k], progress=False, workers=1) for k in ("pg", "sqlite")}


def same(both, *args: str) -> str:
    """The command's output, the same on PostgreSQL and SQLite (both run at once)."""
    runs = [subprocess.Popen([veille_bin(), "--db", both[k], *args], cwd=both["dir"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for k in ("pg", "sqlite")]
    (pg, pg_err), (lite, lite_err) = (r.communicate(timeout=120) for r in runs)
    assert [r.returncode for r in runs] == [0, 0], (args, pg_err, lite_err)
    assert pg == lite, args
    return pg


def test_migrations_apply_once_with_the_same_names(pg_server):
    url = pg_server.createdb("veille_migrate")
    store = Store(url)
    assert store.engine.dialect.name == "postgresql" and store.migrate() == []
    assert Store(url).migrate() == []  # opened again: nothing left to do
    names = [r[0] for r in store.read(text("SELECT name FROM migrations ORDER BY name"))]
    assert names == sorted(name for name, _ in MIGRATIONS)


def test_three_processes_migrate_a_new_database_at_once(pg_server):
    url = pg_server.createdb("veille_race")
    code = "import sys; from veille.store import Store; print(len(Store(sys.argv[1]).migrate()))"
    runs = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    outs = [r.communicate(timeout=60) for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0], [err for _, err in outs]
    store = Store(url)
    assert store.read(text("SELECT count(*), count(DISTINCT name) FROM migrations")) == [(len(MIGRATIONS),) * 2]


def test_ingest_again_changes_nothing(both, apps):
    report = apps["pg"].ingest([str(EXAMPLES), str(both["pages"])])
    assert [o.status for o in report.outcomes] == ["unchanged"] * 10
    assert apps["pg"].store.count() == apps["sqlite"].store.count() == 10


def test_events_with_each_filter_equal_sqlite(both, apps):
    for filters in EVENT_FILTERS:
        pg, lite = (apps[k].events(**filters) for k in ("pg", "sqlite"))
        assert [(h.doc_id, h.n, h.event, h.km) for h in pg] == \
            [(h.doc_id, h.n, h.event, h.km) for h in lite], filters
        sentences = [h.event.evidence for h in pg]
        if filters.get("text") in ("frappe", "FRAPPÉ"):  # accents and case aside
            assert any("frappé" in s for s in sentences), filters
        if filters.get("text") == "drone":  # a word's start: drones
            assert any("drones" in s.lower() for s in sentences)
        if filters.get("text") == "rone":  # not the middle of a word
            assert sentences == []
        if filters.get("min_sources"):
            assert sentences  # the strike on Kharkiv, told by two outlets
    same(both, "events")  # the CLI's table
    assert json.loads(same(both, "events", "--format", "json", "--text", "Frappé", "--country", "UA"))


def test_search_and_show_equal_sqlite(both, apps):
    found, lite = (json.loads(cli(both[k], "search", "--json", "drones", cwd=both["dir"]).stdout)
                   for k in ("pg", "sqlite"))  # the same pages (ranked by another formula)
    assert found and {h["id"] for h in found} == {h["id"] for h in lite}
    assert any("[drones]" in h["snippet"].lower() for h in found)
    for q in ("frappé", "FRAPPE", "drone*", "Kharkiv missile", "l'armée", '"apartment block"', "drones OR sanctions"):
        pg = {h["id"] for h in apps["pg"].search(q)}
        assert pg and pg == {h["id"] for h in apps["sqlite"].search(q)}, q
    assert apps["pg"].search("rone") == []
    same(both, "show", found[0]["id"])


def test_export_and_links_equal_sqlite(both, apps):
    assert len(same(both, "export", "--format", "jsonl").splitlines()) == 10
    for fmt in ("acled", "geojson"):
        pg, lite = io.StringIO(), io.StringIO()
        assert apps["pg"].export(pg, format=fmt) == apps["sqlite"].export(lite, format=fmt)
        assert pg.getvalue() == lite.getvalue(), fmt
    links = json.loads(same(both, "links", "--json"))
    assert links["clusters"] and links["contradictions"]  # the two outlets' strike, 12 killed or 13


def test_a_revision_replaces_the_page_in_every_query(pg_server, tmp_path):
    v = Veille(db=pg_server.createdb("veille_revision"), progress=False, workers=1)
    page = tmp_path / "page.txt"
    for toll in ("12", "14"):
        page.write_text("Frappe sur Kharkiv\n\n5 avril 2024\n\n" + PAGES[0]["text"].replace("12", toll) + "\n",
                        encoding="utf-8")
        assert [o.status for o in v.ingest([str(page)]).outcomes] == ["stored"]
    assert v.store.count() == 2
    hits = v.store.events(EventQuery(text="kharkiv"))
    assert hits and {h.doc_id for h in hits} == {v.store.resolve(str(page))}  # the newest revision only
    assert {h.doc_id for h in v.store.events(EventQuery(doc=str(page)))} == {v.store.resolve(str(page))}


def test_the_desk_json_equals_sqlite(both):
    clients = {k: TestClient(create_app(Veille(db=both[k], progress=False, workers=1))) for k in ("pg", "sqlite")}
    for q in ("", "?type=ASSAULT", "?country=UA", "?near=49.99,36.23,50", "?text=frappé", "?text=drone",
              "?text=rone", "?min_sources=2", "?source=second", "?limit=2&offset=1", "?since=2024-05"):
        pg, lite = (clients[k].get("/api/events" + q) for k in clients)
        assert pg.status_code == lite.status_code == 200, (q, pg.text)
        assert pg.json() == lite.json(), q
    for path in ("/api/map", "/api/timeline", "/api/network", "/api/relationship?a=RUS&b=UKR", "/api/documents",
                 "/api/documents?q=drones", "/api/documents?q=FRAPPÉ", "/api/clusters", "/api/sources",
                 "/api/watches"):
        pg, lite = (clients[k].get(path) for k in clients)
        assert pg.status_code == lite.status_code, path
        assert pg.json() == lite.json(), path


def test_writers_take_turns(pg_server, monkeypatch):
    """Every write transaction holds one lock, as SQLite's BEGIN IMMEDIATE: another writer waits for
    it, and gives up in one line after the same time as on SQLite."""
    from veille import connect

    monkeypatch.setattr(connect, "BUSY_MS", 500)
    url = pg_server.createdb("veille_lock")
    first, second = Store(url), Store(url)
    with first._writing():
        with pytest.raises(StoreError, match="lock timeout"):
            second.record_failure("page.html", "a reason")
    second.record_failure("page.html", "a reason")  # free again
    assert [f["source"] for f in first.failures()] == ["page.html"]


def test_a_database_that_cannot_be_opened_is_one_line(pg_server):
    with pytest.raises(StoreError) as e:
        Store(pg_server.url("no_such_base"))
    assert "no_such_base" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(StoreError, match="cannot open the database .*Connection refused") as e:
        Store("postgresql://analyst:secret@127.0.0.1:1/veille")  # no server there
    assert "secret" not in str(e.value) and "\n" not in str(e.value)


def test_sources_table(pg_server):
    v = Veille(db=pg_server.createdb("veille_sources"), progress=False)
    added = v.sources.add("https://feeds.example/rss.xml", name="example", kind="feed", every_s=900)
    assert [s["id"] for s in v.sources.due()] == [added["id"]]  # never polled: due now
    items = [{"url": f"https://feeds.example/{n}", "title": f"Article {n}"} for n in range(3)]
    assert v.sources.remember(added["id"], items) == [i["url"] for i in items]
    assert v.sources.remember(added["id"], items) == []  # known already
    v.sources.finish("https://feeds.example/0", "stored", doc_id="abc")
    assert [i["url"] for i in v.sources.pending(added["id"])] == ["https://feeds.example/1", "https://feeds.example/2"]
    row = v.source("example")
    assert row["id"] == added["id"] and len(row["items"]) == 3


def test_search_words_never_reach_the_query_syntax():
    assert ts_query(["drone"], prefix=True) == "drone:*"
    assert ts_query(["l'armée", "x&y|!(z)"], prefix=True) == "(l <-> armee:*) & (x <-> y <-> z:*)"
    assert ts_query(["'", "&", ":*"], prefix=False) == ""
