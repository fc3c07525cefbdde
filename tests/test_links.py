"""Same event across documents: articles we write, in French and English."""
from veille import Veille

FR = ("Frappe sur Odessa\n\n12 mars 2024\n\nDes drones russes ont frappé mardi le dépôt pétrolier de la société Socar "
      "à Odessa, selon les autorités régionales.\n")
EN = ("Odesa depot hit\n\nMar 12, 2024\n\nRussian drones struck the Socar oil depot in Odesa on Tuesday, regional "
      "officials said.\n")
FR_LATER = ("Nouvelle frappe\n\n19 mars 2024\n\nDes drones russes ont frappé mardi un entrepôt du port d'Odessa, "
            "selon les autorités régionales.\n")


def ingest(tmp_path, texts: dict[str, str]) -> Veille:
    v = Veille(db=str(tmp_path / "v.db"), progress=False)
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    v.ingest([str(tmp_path / name) for name in texts])
    return v


def test_one_strike_told_in_french_and_english_is_one_event(tmp_path):
    v = ingest(tmp_path, {"fr.txt": FR, "en.txt": EN})
    links = [l for l in v.links() if l["kind"] == "same_event"]
    assert len(links) == 1
    assert {links[0]["a"]["doc"], links[0]["b"]["doc"]} == {"fr.txt", "en.txt"}
    assert "Socar" in links[0]["a"]["evidence"] and "Socar" in links[0]["b"]["evidence"]


def test_two_strikes_a_week_apart_in_one_city_stay_two(tmp_path):
    v = ingest(tmp_path, {"fr.txt": FR, "later.txt": FR_LATER})
    assert v.links() == []


def test_order_and_reingest_give_the_same_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = ingest(tmp_path / "a", {"fr.txt": FR, "en.txt": EN})
    b_dir = tmp_path / "b"
    b = ingest(b_dir, {"en.txt": EN, "fr.txt": FR})
    b.ingest([str(b_dir / "fr.txt")])  # again: unchanged
    key = lambda ls: sorted((l["a"]["evidence"], l["b"]["evidence"]) for l in ls)  # noqa: E731
    assert key(a.links()) == key(b.links()) and len(a.links()) == 1
