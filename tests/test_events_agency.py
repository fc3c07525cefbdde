"""Who can act, and what a promise is. Sentences written for the test, French and English.

- An attack or an arrest needs someone able to act: a storm, a crash, a disease or a market
  touches, kills and stops nobody; people who carry no force (scientists, farmers, doctors)
  attack or arrest only people; a named actor, armed men, the police, a weapon in the
  frame, or people arrested (only an authority arrests people) make the event.
- A promise, an offer or a plan to cooperate is an AGREE (PLOVER), not the cooperation.
- With no one else named, an arrest or a protest happens at home.
"""
from __future__ import annotations

import pytest
from test_events_cues import en, fr


def types(doc) -> list[str]:
    return [e.type for e in doc.events]


@pytest.mark.parametrize("text", [
    fr("L'ouragan a touché terre lundi soir en Floride, près de Miami."),
    fr("De fortes intempéries ont touché Manille, capitale des Philippines."),
    fr("Un accident de car a tué trois personnes près de Lyon, en France."),
    fr("Trois personnes sont mortes dans la bousculade à Madrid."),
    fr("Trois réacteurs nucléaires ont été arrêtés en Floride après la tempête."),
    fr("En France, les scientifiques ont capturé 144 papillons dans dix localités."),
    fr("La crise a touché durement les ménages en Espagne."),
    en("The storm hit the coast of Florida on Monday, killing two people."),
    en("Three people were killed in a car crash near Lagos, Nigeria."),
    en("Floods destroyed 50 homes in Malawi last week."),
    en("Three reactors were shut down and stopped in Florida."),
    en("In Kenya, scientists captured 144 butterflies in ten places."),
    en("Kenyan farmers captured three lions near Nairobi."),
    en("Doctors in Lagos, Nigeria, seized 400 boxes of fake medicine."),
])
def test_no_one_attacks_or_arrests(process, text):
    doc = process(text)
    assert not {"ASSAULT", "COERCE"} & set(types(doc)), [(e.type, e.trigger, e.evidence) for e in doc.events]


@pytest.mark.parametrize("text, etype", [
    (fr("Des hommes armés ont tué trois villageois près de Gao, au Mali."), "ASSAULT"),
    (fr("Trois personnes ont été tuées par balles à Marseille."), "ASSAULT"),
    (fr("L'armée malienne a capturé la ville de Tombouctou."), "ASSAULT"),
    (fr("La police française a arrêté deux manifestants à Paris."), "COERCE"),
    (fr("À Bruxelles, quatre personnes ont été arrêtées et placées en détention."), "COERCE"),
    (en("A Russian missile killed five people in Kharkiv."), "ASSAULT"),
    (en("Gunmen killed three villagers near Kano, Nigeria."), "ASSAULT"),
    (en("Nigerian police arrested two journalists in Lagos."), "COERCE"),
    (en("In Istanbul, four people were arrested and detained."), "COERCE"),
    (en("Villagers killed two gunmen near Kano, Nigeria."), "ASSAULT"),
])
def test_someone_attacks_or_arrests(process, text, etype):
    assert etype in types(process(text))


@pytest.mark.parametrize("text", [
    fr("La France fournira une aide humanitaire au Liban."),
    fr("Le Japon a promis d'envoyer des vivres au Népal."),
    en("The United States will send humanitarian aid to Ukraine."),
    en("Germany promised to deliver food to Sudan."),
])
def test_a_promise_to_cooperate_is_an_agreement(process, text):
    doc = process(text)
    assert "AGREE" in types(doc) and "AID" not in types(doc), [(e.type, e.modality) for e in doc.events]


def test_what_was_done_is_not_a_promise(process):
    doc = process(en("The United States sent humanitarian aid to Ukraine."))
    assert "AID" in types(doc) and "AGREE" not in types(doc)


def test_an_arrest_at_home(process):
    doc = process(fr("La police française a arrêté deux manifestants."))
    ev = next(e for e in doc.events if e.type == "COERCE")
    assert ev.source == ["FRA"] and ev.target == ["FRA"]


def test_an_arrest_of_foreigners_is_not_at_home(process):
    doc = process(en("Turkish police arrested two Syrian nationals."))
    ev = next(e for e in doc.events if e.type == "COERCE")
    assert ev.source == ["TUR"] and ev.target == ["SYR"]


@pytest.mark.parametrize("text, source, target", [
    (fr("Un lycéen a été agressé hier soir dans un train près de Lyon."), ["FRA"], ["FRA"]),
    (en("Three villagers were shot dead near Kano, Nigeria."), ["NGA"], ["NGA"]),
    (en("Russian forces shelled Kharkiv on Monday."), ["RUS"], ["UKR"]),
])
def test_someone_unnamed_acts_where_it_happens(process, text, source, target):
    """No one named acts: the people of the state where it happens (as PLOVER and ACLED code
    it); a named actor keeps its own code."""
    ev = next(e for e in process(text).events if e.type == "ASSAULT")
    assert (ev.source, ev.target) == (source, target)


@pytest.mark.parametrize("text, source", [
    (en("Al-Shabab claimed responsibility for the attack in Mogadishu."), ["SHABAAB", "SOM"]),  # with its home state
    (fr("Le MUJAO a revendiqué l'attentat de Gao, au Mali."), ["MUJAO"]),  # a group of several states: alone
])
def test_who_claims_an_attack_made_it(process, text, source):
    doc = process(text)
    assert [(e.type, e.source) for e in doc.events] == [("ASSAULT", source)]


def test_fighters_killed_fell_to_someone_but_not_in_a_crash(process):
    assert "ASSAULT" in types(process(en("The army said 16 militants had been killed in Balochistan, Pakistan.")))
    assert "ASSAULT" in types(process(fr("Deux soldats ont été tués dans le nord du Mali.")))
    assert "ASSAULT" not in types(process(en("Two soldiers were killed when their helicopter crashed in Mali.")))
    assert "ASSAULT" not in types(process(en("Three civilians were killed in Mali.")))  # no one said they were attacked
