"""A user's own knowledge-base folder adds entities, demonyms and places without code."""
from veille import Veille
from veille.readers import RawInput


def test_user_kb_rows_are_linked(tmp_path):
    kb = tmp_path / "kb"
    (kb / "entities").mkdir(parents=True)
    (kb / "entities" / "mine.tsv").write_text(
        "# my own analysts' list\nid\ttype\tname\tactor\tsector\twikidata\taliases\tsource\n"
        "per:ivan-testovich\tPER\tIvan Testovich\tRUS\tMIL\t\tIvan Testovich|Testovitch\tmy notes\n",
        encoding="utf-8")
    v = Veille(db=str(tmp_path / "v.db"), kb_dir=str(kb), progress=False)
    doc = v.process(RawInput("t", "txt", "Titre\n\nLe général Testovitch a inspecté les troupes près de la frontière, "
                                          "selon une source militaire.\n"))
    e = next(e for e in doc.entities if e.id == "per:ivan-testovich")
    assert (e.actor, e.sector, [m.text for m in e.mentions]) == ("RUS", "MIL", ["Testovitch"])
