"""Genre with its evidence, on pages we write."""
import pytest

NEWS = ("Titre\n\n12 mars 2024\n\nLes autorités ont annoncé mardi l'évacuation de trois villages, a déclaré le préfet. "
        "Selon la protection civile, deux cents familles sont concernées. Le ministère a précisé que les routes "
        "resteraient fermées jusqu'à jeudi. Les secours ont indiqué que la situation restait tendue.\n")
OPINION = ("NOUS NE NOUS TAIRONS PAS !\n\nNous refusons ce silence honteux ! Nos dirigeants nous trahissent, "
           "et je le dis sans détour : notre pays mérite mieux que cette lâcheté. Réveillez-vous !\n")
ANALYSIS = ("Titre\n\nLa décision de rouvrir le corridor change la donne dans la région. En définitive, le message "
            "est clair : la route commerciale devient un levier politique. Autrement dit, chaque convoi pèse "
            "désormais sur les négociations, et les deux capitales le savent depuis longtemps déjà.\n")
RELEASE = ("Communiqué de presse\n\nPour diffusion immédiate\n\nL'organisation humanitaire annonce l'ouverture "
           "d'un nouveau centre de soins dans la région frontalière, qui accueillera les familles déplacées.\n")


@pytest.mark.parametrize("text,expected", [(NEWS, "news"), (OPINION, "opinion"), (ANALYSIS, "analysis"),
                                           (RELEASE, "press_release")])
def test_genre(process, text, expected):
    doc = process(text)
    assert doc.genre == expected
    signal = next(s for s in doc.signals if s["kind"] == "genre")
    assert signal["value"] == expected and signal["evidence"]


def test_satire(process):
    doc = process("Le Gorafi du Front\n\nSatire\n\nLe ministre a annoncé que les chars rouleraient désormais à "
                  "l'huile d'olive, une décision saluée par les oliviers de toute la région.\n")
    assert doc.genre == "satire"


QUOTED_FIRST_PERSON = ("Title\n\nThe mayor of the town said on Tuesday that the bridge would reopen next week. "
                       "\"We will not give up, and I will see this through,\" she told reporters. \"Our people "
                       "deserve better,\" she added. Engineers said the repairs would take five days.\n")
SHORT_REPORT = ("Titre\n\n4 juillet 2012. - Le lanceur a décollé jeudi de la base de Kourou avec deux satellites. "
                "La mise en orbite a eu lieu quarante minutes plus tard.\n")


def test_quoted_first_person_is_not_the_writer(process):
    assert process(QUOTED_FIRST_PERSON).genre == "news"


def test_a_report_without_argument_is_news(process):
    assert process(SHORT_REPORT).genre == "news"
