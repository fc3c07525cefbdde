"""Title, publication date (never today's, null without a basis), author, site, language."""
from veille.model import Document
from veille.pipeline import Context
from veille.settings import Options
from veille.stages.clean import clean
from veille.stages.language import language
from veille.stages.meta import meta

CTX = Context(Options())


def run(text, kind="txt", **hints):
    doc = Document(id="x", source="t", kind=kind, raw=text, hints=hints)
    return language(meta(clean(doc, CTX), CTX), CTX)


BODY = "Les forces du gouvernement ont repris le contrôle du carrefour après deux jours de combats intenses.\n"


def test_english_month_date_line():
    doc = run("Un Titre De Page En Capitales !\n\nAug 28, 2025\nShare\n\n" + BODY)
    assert doc.title == "Un Titre De Page En Capitales !"
    assert doc.published == "2025-08-28"
    assert doc.language == "fr"


def test_day_month_year_numeric_date_line_with_label_and_site():
    doc = run("Flash ! Combats à la frontière !\nLe Blog Du Front\nDERNIERE MINUTE (03-02-22 / 21H10)\n" + BODY)
    assert doc.published == "2022-02-03"
    assert doc.site == "Le Blog Du Front"
    assert doc.title == "Flash ! Combats à la frontière !"


def test_weekday_date_without_year_takes_the_only_year_the_calendar_allows():
    text = ("Titre sans date\n\nLes troupes ont franchi la ligne, jeudi 14 mars, au petit matin, "
            "selon un communiqué diffusé par l'état-major.\n\nLe précédent accord, signé le 2 février 2023, "
            "n'avait pas tenu.\n")
    doc = run(text)
    assert doc.published == "2024-03-14"  # Thursday 14 March after 2023: 2024
    assert "calendar" in doc.published_from


def test_a_later_bare_weekday_moves_the_date_forward():
    text = ("Titre\n\nLes tirs ont repris, lundi 2 octobre, sur la ligne de front, selon plusieurs témoins.\n\n"
            "Dans un communiqué publié mercredi, le ministère a confirmé les faits survenus en 2022 déjà.\n")
    doc = run(text)
    assert doc.published == "2023-10-04"


def test_no_date_stays_null_never_today():
    doc = run("Aujourd'hui, la principale actualité nous vient du front.\nIci, rien n'indique la date du jour, "
              "ni l'année, ni le mois, et le texte parle seulement de la situation.\n")
    assert doc.published is None
    assert doc.title is None  # the first line is a sentence, not a headline


def test_feed_hints_win():
    doc = run("Un texte suffisamment long pour être un article, avec des faits et des lieux précis.",
              title="Titre du flux", published="2024-05-14T08:00:00Z")
    assert (doc.title, doc.published) == ("Titre du flux", "2024-05-14")


def test_english_language():
    doc = run("Ceasefire holds\n\nThe ceasefire agreed on Wednesday held through the night, officials said, "
              "as aid trucks began to move towards the city.\n")
    assert doc.language == "en"


def test_dateline_opening_the_first_paragraph():
    doc = run("Titre de la dépêche\n\n14 mars 2019. - Des soldats ont été blessés lors d'une embuscade, "
              "dimanche 10 mars, près de la frontière.\n")
    assert doc.published == "2019-03-14"
    assert doc.published_from.startswith("dateline")


def test_agency_datelines_in_french_and_english():
    doc = run("Titre\n\nBAMAKO, 8 février 2021 (AFP) - Le convoi a été attaqué au nord de la ville.\n")
    assert doc.published == "2021-02-08"
    doc = run("Headline here\n\nLAGOS, Nigeria, Oct 4, 2018 (Reuters) — Gunmen kidnapped three workers on a road.\n")
    assert doc.published == "2018-10-04"


def test_dateline_without_year_takes_the_year_the_text_writes():
    doc = run("Titre\n\nDAKAR, 9 mai (AFP) - Le scrutin prévu en 2018 a été reporté d'un mois, "
              "selon la commission électorale.\n")
    assert doc.published == "2018-05-09"
    doc = run("Headline\n\nNAIROBI, May 9 (Reuters) - The vote was postponed by a month, the commission said.\n")
    assert doc.published is None  # no year anywhere: no guess


def test_weekday_dateline_on_its_own_line_in_a_page():
    doc = run("<html><body><h1>Les pourparlers reprennent</h1><p>Wednesday, March 3, 2021</p>"
              "<p>Talks resumed between the two delegations after a week of fighting in the north.</p>"
              "</body></html>", kind="html")
    assert doc.published == "2021-03-03"


def test_a_date_inside_the_first_sentence_is_no_dateline():
    doc = run("Titre\n\nLe 5 juillet 1962, la foule a envahi les rues de la capitale pour fêter la victoire.\n")
    assert doc.published is None
    doc = run("Titre\n\nDepuis le 3 avril 2020, les négociations sont suspendues entre les deux camps.\n")
    assert doc.published is None
