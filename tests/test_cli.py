"""The CLI through its real entry point, on the bundled examples (the demo's input)."""
import json

import pytest
from conftest import EXAMPLES, run_cli


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, dbs):
    d = tmp_path_factory.mktemp("cli")
    dbs.url(d)  # the CLI's veille.db in d (see conftest.run_cli)
    r = run_cli("ingest", str(EXAMPLES), cwd=d)
    assert r.returncode == 0, r.stderr
    assert dbs.postgres or (d / "veille.db").exists()
    assert "7 stored, 0 unchanged, 0 failed" in r.stderr
    return d


@pytest.fixture(scope="module")
def records(workdir):
    out = run_cli("export", "--format", "jsonl", cwd=workdir).stdout
    return {r["doc"]: r for r in map(json.loads, out.splitlines())}


def test_export_has_the_gold_format(records):
    r = records["fr_frappe_odessa.html"]
    for key in ("doc", "title", "published", "language", "genre", "truncated", "text", "entities", "places",
                "events", "claims"):
        assert key in r
    assert r["published"] == "2024-03-12" and r["language"] == "fr"
    e = next(e for e in r["entities"] if e["actor"] == "RUS")
    assert {"name", "type", "actor", "sector", "mentions"} <= set(e)
    odesa = next(p for p in r["places"] if "Odessa" in p["mentions"])
    assert odesa["country"] == "UA" and abs(odesa["lat"] - 46.48) < 0.3


def test_examples_give_what_an_analyst_expects(records):
    blog = records["fr_syunik_blog.txt"]
    assert blog["published"] == "2024-05-23" and blog["author"] == "Aram Pétrossian"
    assert "Une maison éventrée à Tegh ce matin" in blog["captions"]
    assert {p["name"] for p in blog["places"]} >= {"Goris", "Kapan", "Syunik Province"}
    paywall = records["fr_paywall_sahel.txt"]
    assert paywall["truncated"] and paywall["published"] == "2024-03-14"
    assert "Il vous reste" not in paywall["text"]
    wire = records["en_wire_ceasefire.txt"]
    assert wire["language"] == "en" and wire["published"] == "2024-10-03" and wire["dropped"] == [
        {"line": 1, "reason": "page header (title)", "text": wire["title"]},
        {"line": 3, "reason": "page header (date line)", "text": "Oct 3, 2024"}]
    assert {"El Fasher", "Jeddah"} <= {p["name"] for p in wire["places"]}
    red = records["en_red_sea.html"]
    assert "Thank you! Your submission has been received" not in red["text"]
    assert any(e["actor"] == "HOUTHI" for e in red["entities"])
    feed = records["https://example.org/fr/2024/05/14/ue-sanctions-drones-iran-russie"]
    assert feed["published"] == "2024-05-14" and feed["title"].startswith("L'UE sanctionne")


def test_show_card(workdir):
    r = run_cli("show", "fr_syunik_blog.txt", cwd=workdir)
    assert r.returncode == 0
    card = r.stdout
    assert "published 2024-05-23" in card and "language fr" in card
    assert "entities:" in card and "[ARM]" in card
    assert "places:" in card and "Goris" in card and "39.5" in card
    assert "dates (" in card and "2024-05-22" in card  # "la veille au soir"


def test_show_unknown_is_one_line_error(workdir):
    r = run_cli("show", "nothing-here.txt", cwd=workdir)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["veille: nothing-here.txt: no such document "
                                            "(try `veille search` or an id from `veille ingest`)"]


def test_search(workdir):
    r = run_cli("search", "Tenenkou", "--json", cwd=workdir)
    hits = json.loads(r.stdout)
    assert [h["title"] for h in hits] == ["Mali : le JNIM revendique l'attaque meurtrière d'un poste de l'armée à Ténenkou"]


def test_reingest_is_idempotent(workdir):
    r = run_cli("ingest", str(EXAMPLES), cwd=workdir)
    assert r.returncode == 0 and "0 stored, 7 unchanged, 0 failed" in r.stderr


def test_links_export_is_a_json_list(workdir):
    assert json.loads(run_cli("export", "--links", cwd=workdir).stdout) == []


def test_every_command_has_an_example_in_its_help(workdir):
    for cmd in ("ingest", "show", "search", "export", "settings"):
        assert "Example:" in run_cli(cmd, "--help", cwd=workdir).stdout
