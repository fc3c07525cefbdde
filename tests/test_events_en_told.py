"""English events told in ways the verb-first rules missed (issue 7). Sentences written for the test.

- A count of the dead said to exist ("there were 12 deaths in the clashes") is an ASSAULT with
  its figure, when the sentence names a violence; deaths of a disease or on the roads are not.
- An event noun as the subject of a verb of going on or gathering ("talks ... are progressing",
  "an operation has been going on", "the summit brought together ministers from ...") is told;
  whom a meeting gathers are its parties.
- A military operation named by its kind ("a clearance operation") is an ASSAULT; a rescue
  operation is not.
- A participle of casualties describing a clause's subject counts it ("one of the commanders is
  dead, killed in an airstrike": 1); a person the parser names counts one.
- A demand with a coercive alternative ("urged Serbia to release them or face sanctions") is also
  a threat.
- A body founded to investigate ("a commission was set up to investigate the killings") tells the
  inquiry (ACCUSE, investigate); one that may be or is refused does not.
- Deaths no one is said to cause are not an earlier killing told again; a name the page gives a
  person, or a person's surname ("Victoria among them"), is no place of an event.
"""
from __future__ import annotations

import pytest
from test_events_cues import en, one


def of_type(doc, etype: str) -> list:
    return [e for e in doc.events if e.type == etype]


@pytest.mark.parametrize("text, killed", [
    ("There were 12 deaths in the clashes between police and protesters in Lagos, according to officials.", 12),
    ("According to the minister, there were 25 deaths as a result of the riot at the prison in Kisumu.", 25),
])
def test_a_count_of_the_dead_in_a_violence_is_an_assault(process, text, killed):
    assert one(process(en(text)), "ASSAULT").quantities.get("killed") == killed


@pytest.mark.parametrize("text", [
    "There were at least 40 deaths from cholera in Malawi last month.",
    "There were 30 deaths on the roads of Kenya over Easter.",
    "The deaths of two elders in Nyeri saddened the village.",
])
def test_deaths_without_a_violence_are_no_assault(process, text):
    assert not of_type(process(en(text)), "ASSAULT")


def test_talks_that_progress_are_told(process):
    ev = one(process(en("Turkey said talks with the European Union on visa rules are progressing well.")), "CONSULT")
    assert "EU" in ev.target


def test_a_meeting_that_brings_people_together_has_them_as_parties(process):
    ev = one(process(en("The Arctic summit in Tromso brought together ministers from Norway, Denmark and Finland.")),
             "CONSULT")
    assert {"NOR", "DNK", "FIN"} <= set(ev.source) | set(ev.target)


def test_raids_that_go_on_in_a_condition_are_not_told(process):
    doc = process(en("Hamas said it will attack Israel if the raids go on."))
    assert not [e for e in of_type(doc, "ASSAULT") if e.modality == "asserted"]


def test_a_gathering_of_no_event_is_nothing(process):
    doc = process(en("The festival in Lagos brought together musicians from Ghana and Nigeria."))
    assert not of_type(doc, "CONSULT")


@pytest.mark.parametrize("text", [
    "Nigeria's army launched a clearance operation against Boko Haram in Borno state.",
    "A military operation involving Kenyan helicopters has been going on for hours near Garissa.",
])
def test_a_military_operation_is_an_assault(process, text):
    assert of_type(process(en(text)), "ASSAULT")


def test_a_rescue_operation_is_no_assault(process):
    assert not of_type(process(en("A rescue operation by Kenyan police has been going on for hours near Garissa.")),
                       "ASSAULT")


@pytest.mark.parametrize("text, killed", [
    ("One of the rebel group's top commanders is dead, killed in a Nigerian airstrike in Borno on Friday.", 1),
    ("The army said Abdul Karim Mansour was killed in an airstrike in Mali on Monday.", 1),
])
def test_one_person_killed_counts_one(process, text, killed):
    assert one(process(en(text)), "ASSAULT").quantities.get("killed") == killed


def test_the_dead_of_an_unnumbered_plural_are_not_counted(process):
    ev = one(process(en("The rebel commanders are dead, killed in a Nigerian airstrike in Borno on Friday.")), "ASSAULT")
    assert "killed" not in ev.quantities


def test_a_count_of_rapes_said_to_exist_is_an_assault(process):
    ev = one(process(en("UNICEF said there were 221 cases of rape against children in Sudan's Darfur region last year.")),
             "ASSAULT")
    assert ev.mode == "sexual"


@pytest.mark.parametrize("text", [
    "There were 40 cases of measles in Kano, Nigeria.",
    "There were no attacks on the camp in Nigeria.",
])
def test_a_count_of_no_event_or_of_none_is_nothing(process, text):
    assert not of_type(process(en(text)), "ASSAULT")


def test_deaths_no_one_is_said_to_cause_are_not_the_earlier_killing_told_again(process):
    doc = process(en("Haitian police killed the gang leader Jean Baptiste in Gonaives, Haiti on Friday. "
                     "According to the minister, there were 25 deaths in the riot at the prison."))
    assert sorted(e.quantities.get("killed") for e in of_type(doc, "ASSAULT")) == [1, 25]


def test_a_name_the_page_gives_a_person_is_no_place_of_an_event(process):
    doc = process(en("Kenyan police arrested the activist James Victoria in Nairobi on Friday. According to officials, "
                     "there were 12 deaths in the clashes that followed, Victoria among them."))
    deaths = next(e for e in of_type(doc, "ASSAULT") if e.quantities.get("killed") == 12)
    assert deaths.place and deaths.place["country"] == "KE", deaths.place


def test_a_demand_with_a_coercive_alternative_is_also_a_threat(process):
    doc = process(en("The European Union urged Serbia on Friday to release the detained Kosovo police officers "
                     "or face new sanctions."))
    threat = one(doc, "THREATEN")
    assert threat.source == ["EU"] and "SRB" in threat.target
    assert of_type(doc, "REQUEST")


@pytest.mark.parametrize("text", [
    "The United States urged Iran to return to talks or lose the support of its partners.",
    "Kenya urged Somalia to accept the plan or propose another.",
])
def test_a_demand_with_another_alternative_is_no_threat(process, text):
    assert not of_type(process(en(text)), "THREATEN")


@pytest.mark.parametrize("text", [
    "Kenya set up a commission to investigate the killings in Nairobi.",
    "The minister said three commissions have been created to investigate the riot in Haiti.",
])
def test_a_body_founded_to_investigate_tells_the_inquiry(process, text):
    assert one(process(en(text)), "ACCUSE").mode == "investigate"


@pytest.mark.parametrize("text", [
    "Kenya may set up a commission to investigate the killings in Nairobi.",
    "Kenya refused to set up a commission to investigate the killings in Nairobi.",
])
def test_a_body_not_founded_investigates_nothing(process, text):
    assert not of_type(process(en(text)), "ACCUSE")
