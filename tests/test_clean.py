"""Clutter removal on page dumps we write ourselves; every article sentence stays verbatim."""
from veille.model import Document
from veille.pipeline import Context
from veille.settings import Options
from veille.stages.clean import clean

CTX = Context(Options())

DUMP = """LA FLOTTE BOMBARDE LE PORT DE NOVOROSSIISK !

Mar 3, 2024
Share
12 Commentaires

Des navires ont été touchés dans la nuit de samedi à dimanche, selon les autorités locales.
Les sirènes ont retenti pendant deux heures et plusieurs quartiers ont été privés d'électricité.

Commentaires

0
Loader
Soyez le premier à laisser un commentaire.
This is the actual comment. It's can be long or short.
Charger plus de commentaires

An unrelated headline about celebrities and their pets
"""


def run(text, kind="txt"):
    return clean(Document(id="x", source="t", kind=kind, raw=text), CTX)


def test_dump_keeps_article_and_drops_widgets():
    doc = run(DUMP)
    assert "Des navires ont été touchés dans la nuit de samedi à dimanche, selon les autorités locales." in doc.text
    assert "plusieurs quartiers ont été privés d'électricité." in doc.text
    for clutter in ("Share", "Commentaires", "Soyez le premier", "This is the actual comment",
                    "Charger plus", "unrelated headline", "Loader"):
        assert clutter not in doc.text
    reasons = {d.reason for d in doc.dropped}
    assert {"share button", "comment section"} <= reasons
    assert not doc.truncated


def test_every_dropped_line_has_a_reason_and_its_text():
    doc = run(DUMP)
    dropped = {d.text.strip() for d in doc.dropped}
    assert "This is the actual comment. It's can be long or short." in dropped
    assert all(d.reason for d in doc.dropped)


def test_paywall_notice_marks_truncated_and_cuts_the_rest():
    doc = run("Titre de l'article\n\nLe gouvernement a annoncé mardi un nouveau plan de défense côtière.\n\n"
              "Il vous reste 71% de cet article à lire. La suite est réservée aux abonnés.\n\n"
              "source\n\nLaisser un commentaire\n\nscroll to top\n")
    assert doc.truncated
    assert "Il vous reste" not in doc.text and "scroll to top" not in doc.text
    assert doc.text.startswith("Le gouvernement a annoncé mardi")


def test_photo_captions_go_apart_in_dense_dumps_and_signature_becomes_author():
    text = "\n".join([
        "Titre du billet !",
        "Le front sud s'est embrasé dans la matinée après une série de tirs d'artillerie sur les villages.",
        "Des blindés en mouvement près de la frontière",
        "ce matin dans le secteur nord",
        "Les habitants ont été évacués vers la capitale, selon la protection civile qui parle de centaines de familles.",
        "Le bilan reste provisoire et les combats continuaient en fin de journée, d'après les témoins.",
        "Jean Dupont",
    ])
    doc = run(text)
    assert "Des blindés en mouvement" not in doc.text
    assert "Des blindés en mouvement près de la frontière" in doc.captions
    assert "ce matin dans le secteur nord" in doc.captions
    assert doc.author == "Jean Dupont"
    assert "Jean Dupont" not in doc.text
    assert "Les habitants ont été évacués vers la capitale" in doc.text


def test_intertitles_stay_in_airy_layouts():
    text = ("Titre\n\nLe premier paragraphe raconte les faits de la journée avec des détails précis.\n\n"
            "« Une opération limitée »\n\n"
            "Le second paragraphe cite les autorités qui parlent d'une opération limitée dans le temps.\n")
    doc = run(text)
    assert "« Une opération limitée »" in doc.text
    assert not doc.captions


def test_html_goes_through_trafilatura_without_comments():
    html = """<html><head><title>Frappe sur un dépôt - Le Journal</title></head><body>
    <nav><a href="/">Accueil</a><a href="/monde">Monde</a></nav>
    <article><h1>Frappe sur un dépôt</h1>
    <p>Un dépôt de carburant a été touché par des drones dans la nuit de lundi, selon les autorités régionales.</p>
    <p>Aucune victime n'a été signalée, mais l'incendie a duré plusieurs heures avant d'être maîtrisé.</p>
    </article>
    <section class="comments"><h3>Commentaires</h3><div class="comment"><p>Quel scandale, vraiment.</p></div></section>
    <footer><p>© 2024 Le Journal. Tous droits réservés.</p></footer></body></html>"""
    doc = run(html, kind="html")
    assert "Un dépôt de carburant a été touché par des drones dans la nuit de lundi" in doc.text
    assert "Quel scandale" not in doc.text
    assert "Tous droits réservés" not in doc.text
    assert any("boilerplate" in d.reason for d in doc.dropped)
