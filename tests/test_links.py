"""Same event across documents: articles we write, in French and English."""
from veille import Veille

FR = ("Frappe sur Odessa\n\n12 mars 2024\n\nDes drones russes ont frappé mardi le dépôt pétrolier de la société Socar "
      "à Odessa, selon les autorités régionales.\n")
EN = ("Odesa depot hit\n\nMar 12, 2024\n\nRussian drones struck the Socar oil depot in Odesa on Tuesday, regional "
      "officials said.\n")
FR_LATER = ("Nouvelle frappe\n\n19 mars 2024\n\nDes drones russes ont frappé mardi un entrepôt du port d'Odessa, "
            "selon les autorités régionales.\n")


def ingest(tmp_path, texts: dict[str, str], dbs) -> Veille:
    v = Veille(db=dbs.url(tmp_path, "v.db"), progress=False)
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    v.ingest([str(tmp_path / name) for name in texts])
    return v


def test_one_strike_told_in_french_and_english_is_one_event(tmp_path, dbs):
    v = ingest(tmp_path, {"fr.txt": FR, "en.txt": EN}, dbs)
    links = [l for l in v.links() if l["kind"] == "same_event"]
    assert len(links) == 1
    assert {links[0]["a"]["doc"], links[0]["b"]["doc"]} == {"fr.txt", "en.txt"}
    assert "Socar" in links[0]["a"]["evidence"] and "Socar" in links[0]["b"]["evidence"]


def test_two_strikes_a_week_apart_in_one_city_stay_two(tmp_path, dbs):
    v = ingest(tmp_path, {"fr.txt": FR, "later.txt": FR_LATER}, dbs)
    assert v.links() == []


def test_order_and_reingest_give_the_same_links(tmp_path, dbs):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = ingest(tmp_path / "a", {"fr.txt": FR, "en.txt": EN}, dbs)
    b_dir = tmp_path / "b"
    b = ingest(b_dir, {"en.txt": EN, "fr.txt": FR}, dbs)
    b.ingest([str(b_dir / "fr.txt")])  # again: unchanged
    key = lambda ls: sorted((l["a"]["evidence"], l["b"]["evidence"]) for l in ls)  # noqa: E731
    assert key(a.links()) == key(b.links()) and len(a.links()) == 1


TOLL_A = ("Frappe sur Kharkiv\n\n5 avril 2024\n\nUn missile russe a frappé vendredi un immeuble du centre de Kharkiv, "
          "faisant 12 morts, selon le gouverneur régional.\n")
TOLL_B = ("Kharkiv strike\n\nApr 5, 2024\n\nA Russian missile struck an apartment block in central Kharkiv on Friday, "
          "killing 13 people, the regional governor said.\n")


def test_two_tolls_for_one_strike_are_a_contradiction(tmp_path, dbs):
    v = ingest(tmp_path, {"a.txt": TOLL_A, "b.txt": TOLL_B}, dbs)
    kinds = [l["kind"] for l in v.links()]
    assert kinds.count("same_event") == 1
    [c] = [l for l in v.links() if l["kind"] == "contradiction"]
    assert "killed: 12 vs 13" in c["note"] or "killed: 13 vs 12" in c["note"]
    assert {c["a"]["doc"], c["b"]["doc"]} == {"a.txt", "b.txt"}


def test_different_calibres_for_the_same_producer_are_a_contradiction(tmp_path, dbs):
    a = ("Usine\n\n1 mai 2024\n\nL'usine Avia-Agregat, en Azerbaïdjan, produit des obus de 122 et 152 millimètres.\n")
    b = ("Usine\n\n2 mai 2024\n\nL'usine Avia-Agregat, basée à Bakou, fabrique des obus de 122 et 155 millimètres.\n")
    v = ingest(tmp_path, {"a.txt": a, "b.txt": b}, dbs)
    [c] = [l for l in v.links() if l["kind"] == "contradiction"]
    assert "152" in c["note"] and "155" in c["note"]


def test_clusters_count_reports_and_independent_sources(tmp_path, dbs):
    v = ingest(tmp_path, {"fr.txt": FR, "en.txt": EN, "later.txt": FR_LATER}, dbs)
    [c] = v.clusters()
    assert c["type"] == "ASSAULT" and len(c["reports"]) == 2 and c["independent_sources"] == 2
    assert {r["doc"] for r in c["reports"]} == {"fr.txt", "en.txt"}


def test_links_command(tmp_path, dbs):
    from conftest import run_cli

    dbs.url(tmp_path)  # the CLI's database in this folder (a PostgreSQL one in the PostgreSQL pass)

    for name, text in {"a.txt": TOLL_A, "b.txt": TOLL_B}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert run_cli("ingest", "a.txt", "b.txt", cwd=tmp_path).returncode == 0
    out = run_cli("links", cwd=tmp_path).stdout
    assert "2 reports, 2 independent sources" in out and "CONTRADICTION" in out
    import json

    data = json.loads(run_cli("links", "--json", cwd=tmp_path).stdout)
    assert len(data["clusters"]) == 1 and len(data["contradictions"]) == 1


def test_events_can_count_events_not_reports(tmp_path, dbs):
    v = ingest(tmp_path, {"fr.txt": FR, "en.txt": EN, "later.txt": FR_LATER}, dbs)
    reports = v.events(type="ASSAULT")
    events = v.events(type="ASSAULT", per_event=True)
    assert len(reports) == 3 and len(events) == 2
    assert sorted(h.reports for h in events) == [1, 2]


def test_acled_export_can_count_events_not_reports(tmp_path, dbs):
    import csv
    import io

    v = ingest(tmp_path, {"fr.txt": FR, "en.txt": EN, "later.txt": FR_LATER}, dbs)
    every, once = io.StringIO(), io.StringIO()
    v.export(every, "acled")
    v.export(once, "acled", per_event=True)
    rows = lambda buf: [r for r in csv.DictReader(io.StringIO(buf.getvalue())) if r["event_type"]]  # noqa: E731
    assert len(rows(every)) == len(rows(once)) + 1
