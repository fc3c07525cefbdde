"""People and bodies the knowledge base does not know: linked through the office beside their
name, else to the state the paragraph or the story is about."""
import pytest

from veille.geo import Candidate
from veille.stages.link import _clear_town


def actor_of(doc, surface):
    for e in doc.entities:
        if any(m.text == surface for m in e.mentions):
            return e.actor
    raise AssertionError(f"{surface!r} not found: {[(e.name, [m.text for m in e.mentions]) for e in doc.entities]}")


def test_an_unknown_minister_belongs_to_the_state_the_story_is_about(process):
    d = process("Budget\n\nLe Pérou a présenté son budget mardi. Le ministre de l'Économie, Rodrigo Valverde, "
                "a défendu les coupes devant les députés péruviens.\n\nLe texte sera voté en mars, "
                "a précisé Lucía Mendoza.\n")
    assert actor_of(d, "Rodrigo Valverde") == "PER"
    assert actor_of(d, "Lucía Mendoza") == "PER"


def test_the_paragraph_counts_before_the_story(process):
    d = process("Sommet\n\nLe Chili et le Chili encore : Santiago a reçu ses voisins. Le Chili a signé.\n\n"
                "En Argentine, l'opposant Martín Ferreyra a critiqué l'accord signé par l'Argentine.\n")
    assert actor_of(d, "Martín Ferreyra") == "ARG"


def test_no_state_leads_no_state_is_given(process):
    d = process("Sommet\n\nLe Chili et l'Argentine ont signé un accord, a annoncé Martín Ferreyra.\n")
    assert actor_of(d, "Martín Ferreyra") is None


def test_towns_tell_the_country_of_a_story(process):
    d = process("Grève\n\nÀ Toulouse et à Lyon, les cheminots ont cessé le travail lundi. "
                "Le syndicaliste Mathieu Garnier a appelé à poursuivre le mouvement.\n")
    assert actor_of(d, "Mathieu Garnier") == "FRA"


def test_an_office_of_a_body_before_the_name_gives_the_body(process):
    d = process("Haiti\n\nSpeaking in Port-au-Prince, the U.N. special envoy for Haiti, Maria Delgado, asked "
                "for more money. Haiti's police arrested two guards.\n")
    assert actor_of(d, "Maria Delgado") == "UN"  # not Haiti, where the office acts


def test_an_apposition_after_the_name_gives_the_body(process):
    d = process("Talks\n\nOfficials in Somalia said on Monday that they had arrested Ahmed Hassan Farah, a senior "
                "al-Shabab commander, near the border.\n")
    assert actor_of(d, "Ahmed Hassan Farah") == "SHABAAB"


def test_a_state_named_before_a_verb_is_not_the_office(process):
    d = process("Report\n\n\"Many were wounded by Sudanese soldiers,\" Dr. Paul Kaminski told reporters "
                "after his return from Chad.\n")
    assert actor_of(d, "Paul Kaminski") != "SDN"


def test_a_town_counts_by_its_own_name_and_when_no_namesake_rivals_it():
    def town(country, population, primary=True):
        return Candidate(1, "x", 0.0, 0.0, country, population, "city", primary)

    assert _clear_town([town("FR", 2_000_000), town("CA", 12_000)]) == "FR"
    assert _clear_town([town("FR", 7_000)]) is None  # too small to tell
    assert _clear_town([town("NG", 15_000_000, primary=False)]) is None  # an alternate name
    assert _clear_town([town("US", 90_000), town("GB", 60_000)]) is None  # two real namesakes


def linked(doc, surface):
    return [(e.actor, e.sector, e.type) for e in doc.entities for m in e.mentions if m.text == surface]


def test_organs_with_no_state_beside_them_are_the_story_s(process):
    d = process("Réforme\n\nÀ Lisbonne, le gouvernement Moreira a présenté sa réforme. La Cour constitutionnelle "
                "sera saisie, a indiqué le ministère de l'Intérieur portugais. Le Portugal attend.\n")
    assert linked(d, "gouvernement Moreira") == [("PRT", "GOV", "ORG")]
    assert linked(d, "Cour constitutionnelle") == [("PRT", "JUD", "ORG")]


def test_a_capitalised_organ_is_not_a_common_word(process):
    d = process("Parti\n\nAu Portugal, le congrès du parti s'est ouvert à Porto, et le Congrès a voté.\n")
    assert linked(d, "congrès") == []
    assert linked(d, "Congrès") == [("PRT", "LEG", "ORG")]


def test_an_organ_inside_a_name_of_its_own_is_not_the_state_s(process):
    d = process("Vote\n\nÀ Lisbonne, le Parlement européen a voté. Le Portugal a salué le vote.\n")
    assert linked(d, "Parlement européen") == [("EU", "LEG", "ORG")]


def test_dotted_acronyms_in_names(process):
    d = process("Floods\n\nThe U.N. Office for the Coordination of Humanitarian Affairs said 40 people died.\n")
    assert linked(d, "U.N. Office for the Coordination of Humanitarian Affairs")[0][0] == "UN"


def test_a_capitalised_article_inside_a_sentence_belongs_to_the_name(process):
    d = process("Histoire\n\nEn 1958, le général De Gaulle revint au pouvoir, rappelle le quotidien Le Monde "
                "dans un dossier.\n")
    assert linked(d, "De Gaulle") and linked(d, "Le Monde")


def test_a_name_cut_at_its_apostrophe_is_mended(process):
    d = process("Dette\n\nSelon Moody's, la dette du pays restera stable l'an prochain.\n")
    assert linked(d, "Moody's")


def test_airliners_are_equipment_not_their_maker(process):
    d = process("Crash\n\nL'appareil, un Airbus A330, s'est abîmé en mer ; Airbus a réagi.\n")
    assert linked(d, "Airbus A330") == [(None, None, "EQUIPMENT")]
    assert linked(d, "Airbus")[0][2] == "ORG"


@pytest.mark.parametrize("text,surface,actor", [
    ("Centrafrique\n\nLes miliciens anti-balaka ont affronté l'ex-Séléka près de Bangui.\n", "anti-balaka", "ANTIBALAKA"),
    ("Centrafrique\n\nLes miliciens anti-balaka ont affronté l'ex-Séléka près de Bangui.\n", "ex-Séléka", "SELEKA"),
    ("Crise\n\nLa zone euro et la Banque centrale européenne ont réagi mardi.\n", "zone euro", "EU"),
    ("Crise\n\nLa zone euro et la Banque centrale européenne ont réagi mardi.\n", "Banque centrale européenne", "EU"),
    ("Sommet\n\nLa Francophonie tiendra son prochain sommet à Dakar.\n", "Francophonie", "OIF"),
    ("Talks\n\nKabul said the Afghan Taliban would attend the talks in Doha.\n", "Afghan Taliban", "TALIBAN"),
])
def test_names_added_to_the_knowledge_base(process, text, surface, actor):
    assert [a for a, _, _ in linked(process(text), surface)] == [actor]


def test_a_body_defined_by_its_acronym_is_one_organisation(process):
    d = process("Guerre\n\nL'UPLK (Union populaire de libération du Karst) a signé la trêve. "
                "Le Mouvement des jeunes démocrates (MJD) a répondu. L'UPLK a ensuite défilé.\n")
    upl = [e for e in d.entities if any(m.text == "Union populaire de libération du Karst" for m in e.mentions)]
    assert len(upl) == 1 and [m.text for m in upl[0].mentions].count("UPLK") == 2
    assert linked(d, "Mouvement des jeunes démocrates")[0][2] == "ORG"


def test_brackets_that_spell_nothing_define_nothing(process):
    d = process("Guerre\n\nLe comité a voté (OK) hier, et la Maison des artistes (MDX) a protesté.\n")
    assert linked(d, "OK") == [] and not any(e.name.startswith("Maison des artistes") and
                                             any(m.text == "MDX" for m in e.mentions) for e in d.entities)


def test_a_country_inside_an_organisation_s_name_is_no_country(process):
    d = process("Crash\n\nUn avion d'Air France a dû se poser à Nantes. La France a ouvert une enquête.\n")
    assert linked(d, "Air France")[0][2] == "ORG"
    assert linked(d, "France") == [("FRA", None, "GPE")]


def test_kb_names_are_read_with_or_without_hyphens(process):
    # Phoenix writes names without hyphens or accents ("Jean Francois Cope")
    d = process("Politique\n\nJean-François Copé était à Paris mardi pour une réunion de son parti.\n")
    assert linked(d, "Jean-François Copé")[0][0] == "FRA"
