"""The warning card: each kind on pages we write, and a clean wire report with none."""
from conftest import EXAMPLES

from veille.readers import read
from veille.settings import Options


def kinds(doc):
    return {s["kind"] for s in doc.signals} - {"genre"}


def card(doc, kind):
    return next(s for s in doc.signals if s["kind"] == kind)


SCRIPT = ("LA RUSSIE MASSE DES TROUPES À LA FRONTIÈRE !\n\nMar 3, 2024\nShare\n\n"
          "Aujourd’hui, la nouvelle la plus importante vient de Géorgie.\n\n"
          "Ici, les forces russes ont déplacé des blindés vers la frontière, un geste honteux que personne ne "
          "peut ignorer, et ce régime fantoche se pose en soi-disant défenseur de la paix.\n\nCommentaires\n\n"
          "This is the actual comment. It's can be long or short.\n\n"
          "Celebrity Chef Reveals The Secret Of His Famous Sunday Roast Recipe\n")


def test_script_page_raises_its_warnings(process):
    doc = process(SCRIPT)
    assert {"video_script", "headline_style", "template_placeholder", "unrelated_teaser", "loaded_language",
            "name_calling", "doubt"} <= kinds(doc)
    assert "This is the actual comment. It's can be long or short." in card(doc, "template_placeholder")["evidence"]
    assert "Celebrity Chef Reveals The Secret Of His Famous Sunday Roast Recipe" in card(doc, "unrelated_teaser")["evidence"]
    loaded = card(doc, "loaded_language")["evidence"][0]
    assert doc.text[loaded["start"]:loaded["end"]] == loaded["text"] == "honteux"


def test_paywall_and_missing_date(process):
    doc = process("Titre\n\nLe gouvernement a présenté mardi un plan de reconstruction pour les villes du sud.\n\n"
                  "Il vous reste 80% de cet article à lire. La suite est réservée aux abonnés.\n")
    assert {"truncated", "missing_date"} <= kinds(doc)
    assert card(doc, "truncated")["evidence"][0].startswith("Il vous reste 80%")


def test_fear_exaggeration_flag_waving_whataboutism(process):
    doc = process("Titre\n\n12 mars 2024\n\nCette crise sans précédent est une menace existentielle pour notre "
                  "peuple, et que dire de ceux qui pratiquent deux poids deux mesures depuis des années ?\n")
    assert {"exaggeration", "appeal_to_fear", "flag_waving", "whataboutism"} <= kinds(doc)


def test_clean_wire_report_gets_no_warning(nlp):
    [raw] = list(read(str(EXAMPLES / "en_wire_ceasefire.txt"), Options()))
    doc = nlp.process(raw)
    assert kinds(doc) == set() and doc.genre == "news"


def test_unattributed_claim(process):
    doc = process("Titre\n\n12 mars 2024\n\nLe nouveau canon tire des obus de 155 millimètres sur plus de 40 "
                  "kilomètres, une portée inédite dans la région.\n")
    assert "unattributed_claim" in kinds(doc)
    assert "155 millimètres" in card(doc, "unattributed_claim")["evidence"][0]
