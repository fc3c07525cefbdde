"""Figures tied to their verb by the parse, and who a pronoun subject stands for.
Sentences written for the test, French and English."""
from __future__ import annotations

import pytest
from test_events_cues import en, fr, one


@pytest.mark.parametrize("text, key, value", [
    (en("Somali forces killed all six attackers in Beledweyne, Somalia, on Tuesday, officials said, "
        "and 50 militants died in later airstrikes."), "killed", 6),
    (en("A Russian missile hit Dnipro on Monday, killing at least 12 people and wounding 30."), "wounded", 30),
    (fr("Trois jeunes femmes ont été tuées par balles à Marseille."), "killed", 3),
    (fr("Des hommes armés ont tué le maire de la ville à Gao, au Mali."), "killed", 1),
    (en("Haitian police shot and killed gang leader Arnel Joseph in Haiti on Friday."), "killed", 1),
])
def test_figure_of_the_verb(process, text, key, value):
    assert one(process(text), "ASSAULT").quantities.get(key) == value


def test_no_count_for_an_unnamed_plural(process):
    ev = one(process(fr("Des hommes armés ont tué des villageois près de Gao, au Mali.")), "ASSAULT")
    assert "killed" not in ev.quantities


@pytest.mark.parametrize("text, code", [
    (en("The Ukrainian army says it struck an ammunition depot near Donetsk."), "UKR"),
    (fr("L'armée ukrainienne affirme qu'elle a frappé un dépôt de munitions près de Donetsk."), "UKR"),
])
def test_a_pronoun_subject_is_the_speaker(process, text, code):
    assert one(process(text), "ASSAULT").source == [code]


def test_the_lead_keeps_its_telling_and_a_later_one_fills_its_gaps(process):
    """A story tells its main event in its first paragraph, then again with details: the event
    cites the lead and takes the details (the weapon) from the later telling."""
    doc = process("Dispatch\n\n12 March 2024\n\nRussian forces struck Odesa, Ukraine, on Monday.\n\n"
                  "Officials in Kyiv said the Russian forces struck Odesa with drones.\n")
    strikes = [e for e in doc.events if e.type == "ASSAULT"]
    assert len(strikes) == 1, [(e.evidence, e.source) for e in strikes]
    assert strikes[0].evidence.startswith("Russian forces struck Odesa, Ukraine") and strikes[0].mode == "drone"


def test_where_the_speaker_stands_is_not_where_it_happened(process):
    doc = process("Dispatch\n\n12 March 2024\n\nOfficials in Kyiv said Russian drones struck a port in Odesa overnight.\n")
    strike = next(e for e in doc.events if e.type == "ASSAULT")
    assert strike.place["name"] == "Odesa"


def test_a_page_without_a_date_still_dates_its_events_by_their_sentence(process):
    doc = process("Frappes\n\nLes forces russes ont frappé Odessa le 12 mars 2024, selon Kiev.\n")
    assert doc.published is None
    assert [(e.type, e.date) for e in doc.events] == [("ASSAULT", "2024-03-12")]
