"""Linking: names, variant spellings, demonyms, metonyms, organs and equipment → actor codes."""
import pytest


def entity(doc, surface):
    for e in doc.entities:
        if any(m.text == surface for m in e.mentions):
            return e
    raise AssertionError(f"{surface!r} not linked; entities: {[(e.name, [m.text for m in e.mentions]) for e in doc.entities]}")


ARTICLE = """Titre

Les Russes ont intensifié leurs frappes, a affirmé Kiev, tandis que le Kremlin dément toute escalade.
Le Premier ministre arménien Nikol Pachinian a rencontré à Bruxelles le président azerbaïdjanais Ilham Aliev.
Selon le ministère russe de la Défense, les forces armées ukrainiennes ont utilisé des obusiers D-30.
Le Conseil de sécurité arménien s'est réuni, et Erevan a demandé l'aide de l'OTAN et de l'OTSC.
Des drones Bayraktar TB2 ont été vus près de la frontière azerbaïdjanaise, selon Bakou.
Pachinian a ensuite parlé à la presse.
"""


@pytest.fixture(scope="module")
def doc(process):
    return process(ARTICLE)


@pytest.mark.parametrize("surface,actor", [
    ("Russes", "RUS"), ("Kiev", "UKR"), ("Kremlin", "RUS"), ("Pachinian", "ARM"), ("Nikol Pachinian", "ARM"),
    ("Ilham Aliev", "AZE"), ("Erevan", "ARM"), ("Bakou", "AZE"), ("azerbaïdjanaise", "AZE"),
    ("OTAN", "NATO"), ("OTSC", "CSTO"),
])
def test_actor_codes(doc, surface, actor):
    assert entity(doc, surface).actor == actor


def test_variant_spellings_meet_in_one_entity(process):
    d = process("Titre\n\nIlham Aliyev a parlé mardi. Plus tard, M. Aliev a précisé sa position sur la frontière.\n")
    assert entity(d, "Ilham Aliyev") is entity(d, "Aliev")


@pytest.mark.parametrize("surface,actor,sector", [
    ("ministère russe de la Défense", "RUS", "MIL"),
    ("forces armées ukrainiennes", "UKR", "MIL"),
    ("Conseil de sécurité arménien", "ARM", "GOV"),
])
def test_generic_organs_take_the_state_beside_them(doc, surface, actor, sector):
    e = entity(doc, surface)
    assert (e.type, e.actor, e.sector) == ("ORG", actor, sector)


def test_equipment(doc):
    assert entity(doc, "D-30").type == "EQUIPMENT"
    assert entity(doc, "Bayraktar TB2").type == "EQUIPMENT"


def test_office_word_is_not_glued_to_the_surname(process):
    d = process("Titre\n\nLe cessez-le-feu a été négocié par les ministres des Affaires étrangères Lavrov et "
                "de la Défense Choïgou, selon l'agence officielle, après une longue nuit.\n")
    shoigu = entity(d, "Choïgou")
    assert shoigu.type == "PER" and shoigu.actor == "RUS"
    assert not any(m.text.startswith("Défense") for e in d.entities for m in e.mentions)


def test_title_case_headline_lines_give_no_junk(process):
    d = process("Titre\n\nL'Armée Envoie Des Milliers De Soldats Vers La Frontière Après Que Le Pays Ait Menacé !\n\n"
                "Le texte de l'article commence ici, avec des faits rapportés par les autorités locales.\n")
    junk = [m.text for e in d.entities for m in e.mentions if m.source == "ner"]
    assert junk == []


def test_english_is_gazetteer_first(process):
    d = process("Talks\n\nRussian forces shelled Kharkiv on Tuesday, Ukraine's defence ministry said, "
                "while the Pentagon announced new HIMARS deliveries.\n")
    assert entity(d, "Russian").actor == "RUS"
    assert entity(d, "Pentagon").actor == "USA"
    assert entity(d, "HIMARS").type == "EQUIPMENT"
    assert entity(d, "Ukraine's defence ministry").actor == "UKR"
