"""What is demanded, refused, meant, promised or said to come. English sentences written for the test.

- The content of a demand, a refusal or an accusation is not done: the demand is the event.
- A purpose ("resigned to allow elections") or a noun's plan ("an offer to host") is meant, not done.
- A conflict said to come ("said they would blockade Paris"), or an act with a condition
  ("will withdraw unless …"), is a threat; a cooperation said to come is an agreement, whose
  other party is the one the act is for.
- A request or an indignation is told when it is made public ("a officialisé sa demande",
  "ont fait part de leur indignation"); a vote of confidence is support.
- A verb of CAMEO's dictionary makes an event only in a main clause with its actor; a light verb
  with an event noun ("imposed sanctions") leaves the event to the noun.
"""
from __future__ import annotations

import pytest
from test_events_cues import en, fr


def told(doc) -> list[tuple]:
    return [(e.type, e.source, e.target) for e in doc.events]


@pytest.mark.parametrize("text, etype, absent", [
    ("Poland demanded that Russia withdraw its troops from Belarus.", "REQUEST", "RETREAT"),
    ("Greece refused to hand over the two suspects to Turkey.", "REJECT", "AID"),
    ("Egypt accused Israel of killing three soldiers near Rafah.", "ACCUSE", "ASSAULT"),
    ("The general resigned to allow elections in Haiti.", "RETREAT", "CONCEDE"),
])
def test_what_is_demanded_refused_or_meant_is_not_done(process, text, etype, absent):
    types = [t for t, _, _ in told(process(en(text)))]
    assert etype in types and absent not in types, types


@pytest.mark.parametrize("text", [
    "French farmers said they would blockade Paris on Monday.",
    "Nigeria said it will withdraw its troops from Chad unless a ceasefire is signed.",
    "Hamas said it will attack Israel if the raids go on.",
])
def test_a_conflict_said_to_come_is_a_threat(process, text):
    types = [t for t, _, _ in told(process(en(text)))]
    assert "THREATEN" in types and not {"ASSAULT", "COERCE", "RETREAT"} & set(types), types


@pytest.mark.parametrize("text, etype", [
    ("French farmers blockaded Paris on Monday.", "PROTEST"),  # civilians obstructing passage (PLOVER)
    ("The French army blockaded the port of Calais on Monday.", "COERCE"),
    ("Nigeria withdrew its troops from Chad.", "RETREAT"),
])
def test_a_conflict_done_is_no_threat(process, text, etype):
    types = [t for t, _, _ in told(process(en(text)))]
    assert etype in types and "THREATEN" not in types, types


def test_a_promise_is_made_to_the_one_the_act_is_for(process):
    assert ("AGREE", ["GBR"], ["MOZ"]) in told(process(en("Britain promised to continue military aid to Mozambique.")))
    assert ("AGREE", ["NGA"], ["TCD"]) in told(process(en("Nigeria said it will withdraw its troops from Chad next month.")))


def test_verbs_of_cameo_make_events_with_their_actors(process):
    assert ("COERCE", ["BLR"], ["BLR"]) in told(process(en("The government of Belarus outlawed the main opposition party.")))
    assert ("ACCUSE", ["IRN"], ["IRQ"]) in told(process(en("Iran lodged a protest with Iraq over the border incident.")))
    # a light verb and its event noun: the noun tells the event
    assert [t for t, _, _ in told(process(en("The United States imposed sanctions on Iran.")))] == ["SANCTION"]


def test_a_verb_of_cameo_in_a_description_makes_no_event(process):
    doc = process(en("The party, which outlawed strikes in 1990, won the vote in Belarus."))
    assert "COERCE" not in [t for t, _, _ in told(doc)]


@pytest.mark.parametrize("text, etype, source", [
    ("Le Portugal a officialisé sa demande d'aide au FMI.", "REQUEST", ["PRT"]),
    ("Les députés grecs ont fait part de leur indignation.", "ACCUSE", ["GRC"]),
    ("Le Parlement grec a voté la confiance au gouvernement.", "SUPPORT", ["GRC"]),
])
def test_what_is_made_public_is_told(process, text, etype, source):
    assert any(t == etype and s == source for t, s, _ in told(process(fr(text)))), told(process(fr(text)))


@pytest.mark.parametrize("text", [
    "La confiance des ménages a baissé en Grèce.",
    "Sa demande d'aide avait été rejetée en 2010, rappelle le journal grec.",
])
def test_a_word_of_support_or_request_alone_is_not_told(process, text):
    types = [t for t, _, _ in told(process(fr(text)))]
    assert "SUPPORT" not in types and "REQUEST" not in types, types


@pytest.mark.parametrize("text, done", [
    (fr("La police n'est pas parvenue à arrêter les auteurs à Lyon."), False),
    (fr("On ne peut pas interdire les manifestations à Lyon, estime le maire."), False),
    (fr("On ne peut pas vouloir la paix et interdire les manifestations à Lyon, estime le maire."), False),
    (en("The police did not manage to arrest the gunmen in Lagos, Nigeria."), False),
    (fr("La police est parvenue à arrêter les auteurs à Lyon."), True),
    (en("The police managed to arrest the gunmen in Lagos, Nigeria."), True),
])
def test_what_could_not_be_done_is_not_done(process, text, done):
    types = [t for t, _, _ in told(process(text))]
    assert ("COERCE" in types) == done, types


@pytest.mark.parametrize("text, absent", [
    (fr("Les anciens du Front de Libération nationale ont défilé à Alger."), "CONCEDE"),
    (fr("Le quotidien Libération a publié un entretien avec le ministre à Paris."), "CONCEDE"),
    (en("Veterans of the Liberation Army gathered in Pristina, Kosovo."), "CONCEDE"),
])
def test_an_event_word_inside_a_name_is_no_event(process, text, absent):
    assert absent not in [t for t, _, _ in told(process(text))]


def test_an_event_word_opening_a_sentence_is_still_one(process):
    assert "ASSAULT" in [t for t, _, _ in told(process(en("Attacks by Russian drones killed three people in Kyiv.")))]
