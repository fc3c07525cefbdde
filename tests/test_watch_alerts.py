"""Watches checked on pages we write (French and English), ingested through the pipeline into a
temporary database: each fires once per new match, and not on what does not match."""
from __future__ import annotations

import json

import pytest
from conftest import run_cli

from veille.api import Veille
from veille.errors import QueryError
from veille.readers import RawInput
from veille.watch.deliver import make_channels

TOLL_A = ("Frappe sur Kharkiv\n\n5 avril 2024\n\nUn missile russe a frappé vendredi un immeuble du centre de Kharkiv, "
          "faisant 12 morts, selon le gouverneur régional.\n")
TOLL_A2 = ("Kharkiv sous les missiles\n\n5 avril 2024\n\nUn missile russe a touché vendredi un immeuble d'habitation "
           "du centre de Kharkiv: 12 morts, selon le gouverneur régional.\n")
TOLL_B = ("Kharkiv strike\n\nApr 5, 2024\n\nA Russian missile struck an apartment block in central Kharkiv on Friday, "
          "killing 13 people, the regional governor said.\n")
PROTEST = ("Manifestation\n\n3 avril 2024\n\nDes milliers de personnes ont manifesté samedi à Tbilissi contre la loi "
           "sur les agents étrangers.\n")
UNDATED = "Drone attack on Odesa\n\nRussian drones struck the port of Odesa overnight, the army said.\n"


def put(v: Veille, *pages: tuple[str, str]) -> list[str]:
    """Ingest pages (URL, text) through the pipeline; their ids. A URL's host is its outlet."""
    items = [RawInput(source=url, kind="txt", content=text, hints={"site": url.split("/")[2]}) for url, text in pages]
    report = v.ingest_inputs(items)
    assert [o.status for o in report.outcomes] == ["stored"] * len(pages), [o.reason for o in report.outcomes]
    return [o.id for o in report.outcomes]


def keys(v: Veille, name: str) -> list[str]:
    return sorted(a["key"] for a in v.watchstore.alerts(v.watchstore.watch(name)["id"]))


@pytest.fixture
def v(db_url) -> Veille:
    return Veille(db=db_url(), progress=False, workers=1, desk_url="http://desk.test:8000/")


def test_an_event_watch_fires_once_per_new_match(v):
    put(v, ("https://ge.example/1", PROTEST))
    v.add_watch("ukraine", {"type": "ASSAULT", "country": "ua"}, channels=make_channels(terminal=True))
    v.add_watch("georgia", {"country": "GE"})
    v.add_watch("georgia-all", {"country": "GE"}, backfill=True)
    assert v.check_watches() != [] and keys(v, "georgia") == []  # what matched before is no news…
    assert len(keys(v, "georgia-all")) == 1  # … unless asked for
    [a] = put(v, ("https://one.example/a", TOLL_A))
    new = v.check_watches()
    assert len(new) == 1 and keys(v, "ukraine") == [f"event:{a}:0"] and keys(v, "georgia") == []
    assert v.check_watches() == []  # checked twice: nothing new
    assert v.check_watches(doc_ids=[a]) == []  # given again: still once
    [alert] = v.watchstore.alerts(v.watchstore.watch("ukraine")["id"])
    data = alert["data"]
    assert data["watch"] == "ukraine" and data["condition"] == "event"
    assert data["event"]["type"] == "ASSAULT" and data["event"]["source"] == ["RUS"]
    assert data["event"]["place"] == "Kharkiv" and data["event"]["date"] == "2024-04-05"
    assert "faisant 12 morts" in data["sentence"]
    assert data["page"] == {"doc_id": a, "name": "https://one.example/a", "url": "https://one.example/a",
                            "title": "Frappe sur Kharkiv",
                            "published": "2024-04-05", "site": "one.example", "warnings": []}
    assert data["sources"] == 1 and data["link"] == f"http://desk.test:8000/compare/e-{a}:0"
    assert (data["event_id"], data["doc_id"], data["cluster_id"]) == (f"{a}:0", a, None)
    assert data["url"] == "https://one.example/a" and data["page_title"] == "Frappe sur Kharkiv"
    assert [d["channel"] for d in alert["deliveries"]] == ["terminal"]


def test_sources_and_contradiction_fire_when_a_second_outlet_tells_it_otherwise(v):
    v.add_watch("two-sources", {"type": "ASSAULT"}, condition="sources", threshold=2)
    v.add_watch("disagree", {"country": "UA"}, condition="contradiction")
    v.add_watch("disagree-elsewhere", {"country": "GE"}, condition="contradiction")
    v.add_watch("kharkiv-confirmed", {"near": "49.99,36.23,30", "min_sources": 2})  # events, once told twice
    v.add_watch("odesa-confirmed", {"near": "46.48,30.72,30", "min_sources": 2})
    [a] = put(v, ("https://one.example/a", TOLL_A))
    assert v.check_watches() == []
    [a2] = put(v, ("https://one.example/b", TOLL_A2))  # the same outlet again, the same toll
    assert v.check_watches() == []
    assert v.cluster_index().of(a2, 0)[1:] == (2, 1)  # two reports, one outlet
    [b] = put(v, ("https://two.example/b", TOLL_B))  # a second outlet, 13 killed, not 12
    new = v.check_watches()
    [sources] = v.watchstore.alerts(v.watchstore.watch("two-sources")["id"])
    assert sources["data"]["sources"] == 2 and sources["data"]["reports"] == 3
    assert sources["data"]["why"] == "told by 2 independent sources (watch: 2 or more)"
    assert sources["data"]["cluster_id"].startswith("c-")
    assert sources["data"]["sentence"].startswith("A Russian missile struck")  # the new report
    assert sources["data"]["link"].startswith("http://desk.test:8000/compare/c-")
    [contra] = v.watchstore.alerts(v.watchstore.watch("disagree")["id"])  # two pages say 12, one says 13: once
    c = contra["data"]["contradiction"]
    assert c["note"] == "same assault, killed: 12 vs 13" and "https://two.example/b" in (c["a"]["doc"], c["b"]["doc"])
    assert contra["title"].startswith("[disagree] ASSAULT/missile RUS→UKR in Kharkiv on 2024-04-05: sources disagree")
    assert keys(v, "disagree-elsewhere") == [] and keys(v, "odesa-confirmed") == []
    assert keys(v, "kharkiv-confirmed") == sorted(f"event:{d}:0" for d in (a, a2, b))  # older reports now match
    assert len(new) == 5
    assert v.check_watches() == []
    [c] = put(v, ("https://three.example/c", TOLL_A.replace("Frappe sur Kharkiv", "Kharkiv frappée")))
    # three sources now: two was already told; 12 killed, as said before; only the new report is news
    assert len(v.check_watches()) == 1 and f"event:{c}:0" in keys(v, "kharkiv-confirmed")


def test_a_warning_watch_needs_the_warning_and_the_filters(v):
    v.add_watch("undated", {"type": "ASSAULT"}, condition="warning", warning="missing_date")
    v.add_watch("opinion", {"type": "ASSAULT"}, condition="warning", warning="genre=opinion")
    v.add_watch("undated-protests", {"type": "PROTEST"}, condition="warning", warning="missing_date")
    [dated, undated] = put(v, ("https://one.example/a", TOLL_A), ("https://one.example/u", UNDATED))
    assert len(v.check_watches()) == 1
    assert keys(v, "undated") == [f"warning:{undated}:missing_date"]
    assert keys(v, "opinion") == [] and keys(v, "undated-protests") == []
    [alert] = v.watchstore.alerts()
    assert alert["data"]["warning"]["kind"] == "missing_date" and "Odesa" in alert["data"]["sentence"]
    assert v.check_watches() == []


def test_one_broken_watch_does_not_stop_the_others(v):
    from veille.alertstore import watches

    v.add_watch("broken", {"type": "ASSAULT"})
    v.add_watch("fine", {"type": "ASSAULT"})
    with v.store._writing() as conn:  # a filter no EventQuery accepts, as an older veille might have stored
        conn.execute(watches.update().where(watches.c.name == "broken").values(filters='{"type": ["BOMBING"]}'))
    put(v, ("https://one.example/a", TOLL_A))
    errors = []
    new = v.check_watches(on_error=lambda w, e: errors.append((w["name"], str(e))))
    assert len(new) == 1 and keys(v, "fine") != []
    assert errors == [("broken", errors[0][1])] and "BOMBING" in errors[0][1]
    with pytest.raises(QueryError):
        v.check_watches()  # no on_error: raised, after the others were checked


def test_bad_watches_are_refused_with_the_reason(v):
    for kwargs, words in [(dict(filters={"type": "BOMBING"}), "BOMBING"),
                          (dict(filters={"doc": "x"}), "not a watch filter"),
                          (dict(condition="sources", threshold=1), "at least 2"),
                          (dict(condition="warning"), "--warning"),
                          (dict(condition="event", warning="missing_date"), "only with"),
                          (dict(condition="often"), "not a condition")]:
        with pytest.raises(QueryError, match=words):
            v.add_watch("w", **kwargs)
    for name in ("a/b", "", "12", "x" * 65, "strikes?all", "../up"):
        with pytest.raises(QueryError, match="not a watch name"):
            v.add_watch(name)
    assert v.watchstore.watches() == []
    assert v.add_watch("odesa-strikes_2.v1")["name"] == "odesa-strikes_2.v1"


def test_the_cli(tmp_path, db_url):
    db = db_url()
    v = Veille(db=db, progress=False, workers=1)
    put(v, ("https://ge.example/1", PROTEST))

    def cli(*args):
        return run_cli("--db", db, "alerts", *args, cwd=tmp_path)

    bad = cli("add", "x", "--type", "BOMBING")
    assert bad.returncode == 1 and bad.stderr.startswith("veille: BOMBING: not a PLOVER event type")
    assert len(bad.stderr.strip().splitlines()) == 1
    bad = cli("add", "x", "--webhook", "ftp://example.org/hook")
    assert bad.returncode == 1 and bad.stderr.strip() == "veille: ftp://example.org/hook: --webhook needs an " \
                                                        "http(s) URL: not an http(s) URL"
    bad = cli("add", "x", "--on", "sources", "--sources", "1")
    assert bad.returncode == 1 and "--sources needs at least 2" in bad.stderr
    ok = cli("add", "ua", "--type", "ASSAULT", "--country", "UA", "--terminal")
    assert ok.returncode == 0 and "watch ua added" in ok.stdout
    assert cli("add", "ua").returncode == 1
    put(v, ("https://one.example/a", TOLL_A))
    check = cli("check")
    assert check.returncode == 0 and "faisant 12 morts" in check.stdout and "1 new alerts; 1 sent" in check.stderr
    again = cli("check", "-q")
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
    listed = cli("list")
    assert "ua" in listed.stdout and "1 alerts; deliveries: 1 sent" in listed.stdout
    shown = cli("show", "ua")
    assert "faisant 12 morts" in shown.stdout and "terminal -: sent, 1 tries" in shown.stdout
    assert json.loads(cli("list", "--json").stdout)[0]["alert_count"] == 1
    tested = cli("test", "ua")
    assert tested.returncode == 0 and "test alert" in tested.stdout and "terminal -: ok" in tested.stdout
    assert cli("retry", "ua").stdout.strip() == "0 deliveries of ua pending again"  # none was given up
    assert cli("remove", "ua").returncode == 0
    gone = cli("show", "ua")
    assert gone.returncode == 1 and gone.stderr.strip() == "veille: ua: no such watch (veille alerts list)"


def test_a_desk_answering_with_an_older_cluster_index_misses_no_alert(db_url, monkeypatch):
    from veille import api
    from veille.model import Document, Event

    def page(doc_id: str, site: str, evidence: str) -> Document:
        ev = Event(type="ASSAULT", mode=None, source=["RUS"], target=["UKR"], date="2024-03-01", date_precision="day",
                   date_from="sentence", place={"name": "Odesa", "lat": 46.48, "lon": 30.72, "country": "UA",
                                                "kind": "city"},
                   quantities={}, attributed_to=None, modality="asserted", evidence=evidence, start=0,
                   end=len(evidence), trigger="", trigger_start=0, trigger_end=0, confidence=1.0)
        url = f"https://{site}/{doc_id}"
        return Document(id=doc_id, source=url, kind="url", raw="", url=url,
                        site=site, language="en", title="t", text=evidence, events=[ev])

    v = Veille(db=db_url(), progress=False)
    v.add_watch("two", {"country": "UA"}, condition="sources", threshold=2)
    v.store.save(page("a" * 16, "one.example", "Drones struck the grain terminal of Odesa harbour overnight"))
    assert v.check_watches() == []
    v.serving = True
    monkeypatch.setattr(api, "SLOW_CLUSTERS", -1.0)  # every build is slow: the desk answers with the older index
    v.store.save(page("b" * 16, "two.example", "Russian drones hit the Odesa harbour grain terminal"))
    assert v.cluster_index().pending
    assert len(v.check_watches()) == 1 and keys(v, "two") == [f"sources:2:c-{'a' * 16}:0"]
