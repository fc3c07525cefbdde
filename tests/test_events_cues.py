"""Events and the cues around them (kb/events/*.tsv): one test per cue family.

Every text here is written for the test (no real article). The pipeline is the whole
part-1 pipeline, loaded once per session by the ``process`` fixture. Assertions are on
what matters (type, modality, actors, quantities, attribution), never on confidence.
"""
from __future__ import annotations

import pytest

DATE = "12 mars 2024"
DATE_EN = "12 March 2024"


def fr(paragraph: str, title: str = "Dépêche") -> str:
    return f"{title}\n\n{DATE}\n\n{paragraph}\n"


def en(paragraph: str, title: str = "Dispatch") -> str:
    return f"{title}\n\n{DATE_EN}\n\n{paragraph}\n"


def of_type(doc, etype: str) -> list:
    return [e for e in doc.events if e.type == etype]


def one(doc, etype: str):
    found = of_type(doc, etype)
    assert found, f"no {etype} event in {[(e.type, e.trigger, e.evidence) for e in doc.events]}"
    return found[0]


def asserted(doc, etype: str) -> list:
    return [e for e in of_type(doc, etype) if e.modality == "asserted"]


# ---------------------------------------------------------------- verbal and nominal triggers
def test_verbal_assault_with_source_target_mode_and_place(process):
    doc = process(fr("Des drones russes ont frappé un dépôt pétrolier à Odessa dans la nuit de lundi à mardi."))
    ev = one(doc, "ASSAULT")
    assert ev.mode == "drone"
    assert "RUS" in ev.source
    assert "UKR" in ev.target
    assert ev.place is not None and ev.place["name"].startswith("Odes")
    assert ev.place["country"] == "UA"
    assert ev.modality == "asserted"


def test_nominal_assault_aerial(process):
    doc = process(fr("L'aviation russe a mené des frappes aériennes sur Kharkiv dans la nuit."))
    ev = one(doc, "ASSAULT")
    assert ev.mode == "aerial"
    assert "RUS" in ev.source
    assert ev.place is not None and ev.place["country"] == "UA"


def test_passive_voice_agent_is_source(process):
    doc = process(fr("Le dépôt de carburant de Kherson a été bombardé par l'armée russe."))
    ev = one(doc, "ASSAULT")
    assert "RUS" in ev.source
    assert "RUS" not in ev.target


def test_trigger_default_mode_artillery(process):
    doc = process(fr("L'armée russe a pilonné les positions ukrainiennes près de Bakhmout."))
    ev = one(doc, "ASSAULT")
    assert ev.mode == "artillery"
    assert "RUS" in ev.source


# ---------------------------------------------------------------- coordination
def test_coordinated_parties_agree(process):
    doc = process(fr("Un cessez-le-feu a été convenu entre Bakou et Erevan après trois jours de combats."))
    ev = one(doc, "AGREE")
    assert {"AZE", "ARM"} <= set(ev.source)
    assert {"AZE", "ARM"} <= set(ev.target)


# ---------------------------------------------------------------- negation, denial, claim
def test_negation_fr_denied(process):
    doc = process(fr("L'armée russe n'a pas frappé Odessa cette nuit."))
    assert not asserted(doc, "ASSAULT")
    assert any(e.modality == "denied" for e in of_type(doc, "ASSAULT"))


def test_denial_verb_fr(process):
    doc = process(fr("Moscou dément avoir bombardé l'hôpital de Kharkiv."))
    assert not asserted(doc, "ASSAULT")
    assert any(e.modality == "denied" for e in of_type(doc, "ASSAULT"))


def test_denial_verb_fr_past(process):
    doc = process(fr("Le Kremlin a démenti avoir frappé un immeuble résidentiel à Dnipro."))
    assert not asserted(doc, "ASSAULT")
    assert any(e.modality == "denied" for e in of_type(doc, "ASSAULT"))


def test_conditional_mood_claimed(process):
    doc = process(fr("Des drones russes auraient frappé Odessa dans la nuit."))
    ev = one(doc, "ASSAULT")
    assert ev.modality == "claimed"
    assert "RUS" in ev.source


def test_claim_word_claimed(process):
    doc = process(fr("Une présumée frappe russe contre Soumy a fait deux morts."))
    assert not asserted(doc, "ASSAULT")
    assert any(e.modality == "claimed" for e in of_type(doc, "ASSAULT"))


# ---------------------------------------------------------------- attribution
def test_according_to_attribution(process):
    doc = process(fr("Selon le ministère ukrainien de la Défense, des missiles russes ont frappé Zaporijjia mardi."))
    ev = one(doc, "ASSAULT")
    assert ev.attributed_to is not None
    assert "ministère" in ev.attributed_to.lower()
    assert ev.mode == "missile"
    assert "RUS" in ev.source


def test_reporting_verb_attribution(process):
    doc = process(fr("L'armée russe a bombardé Kharkiv, a déclaré le porte-parole de l'armée ukrainienne."))
    ev = one(doc, "ASSAULT")
    assert ev.attributed_to is not None
    assert "porte-parole" in ev.attributed_to.lower()
    assert "RUS" in ev.source


def test_unattributed_event_has_no_source_of_claim(process):
    doc = process(fr("Des drones russes ont frappé un dépôt pétrolier à Odessa."))
    assert one(doc, "ASSAULT").attributed_to is None


# ---------------------------------------------------------------- planned, threatened, hypothetical
def test_planned_mobilize(process):
    doc = process(fr("La Turquie est prête à déployer des troupes en Azerbaïdjan."))
    ev = one(doc, "MOBILIZE")
    assert ev.modality == "planned"
    assert "TUR" in ev.source
    assert ev.mode == "troops"
    assert not asserted(doc, "MOBILIZE")


def test_planned_by_intention_verb(process):
    doc = process(fr("La Pologne envisage d'envoyer des munitions à l'Ukraine."))
    assert not asserted(doc, "AID")
    planned = [e for e in of_type(doc, "AID") if e.modality == "planned"]
    assert planned and "POL" in planned[0].source


def test_threat_is_a_threaten_event(process):
    doc = process(fr("Bakou a menacé de livrer des armes à l'Ukraine."))
    ev = one(doc, "THREATEN")
    assert "AZE" in ev.source
    assert ev.modality == "asserted"
    assert not asserted(doc, "AID")  # the delivery itself did not happen


def test_hypothetical_if_clause(process):
    doc = process(fr("Si la Russie attaquait, la Pologne pourrait riposter."))
    assert not asserted(doc, "ASSAULT")
    for ev in of_type(doc, "ASSAULT"):
        assert ev.modality in ("hypothetical", "claimed")


# ---------------------------------------------------------------- quantities
def test_casualty_quantities(process):
    doc = process(fr("Des bombardements russes sur Donetsk ont fait au moins 10 morts et 6 blessés et 12 soldats capturés."))
    ev = one(doc, "ASSAULT")
    assert ev.quantities.get("killed") == 10
    assert ev.quantities.get("wounded") == 6
    assert ev.quantities.get("captured") == 12


def test_money_quantity(process):
    doc = process(fr("Les États-Unis ont livré à l'Ukraine une aide militaire de deux millions de dollars."))
    ev = one(doc, "AID")
    assert "USA" in ev.source
    assert "UKR" in ev.target
    assert ev.quantities.get("usd") == 2_000_000
    assert ev.mode == "military"


def test_dozen_quantity(process):
    doc = process(fr("Une attaque de drones russes contre Kherson a fait une douzaine de morts."))
    ev = one(doc, "ASSAULT")
    assert ev.quantities.get("killed") == 12


def test_participle_before_number(process):
    doc = process(fr("Des missiles russes ont frappé Dnipro, tuant au moins 4 civils."))
    assert one(doc, "ASSAULT").quantities.get("killed") == 4


# ---------------------------------------------------------------- other types
def test_request_appeal(process):
    doc = process(fr("L'Ukraine a lancé un appel à la Russie pour l'échange des prisonniers."))
    ev = one(doc, "REQUEST")
    assert "UKR" in ev.source
    assert "RUS" in ev.target


def test_consult_phone_call(process):
    doc = process(fr("Le ministre turc des Affaires étrangères s'est exprimé lors d'un appel téléphonique avec le secrétaire d'État américain."))
    ev = one(doc, "CONSULT")
    parties = set(ev.source) | set(ev.target)
    assert {"TUR", "USA"} <= parties


def test_accuse(process):
    doc = process(fr("L'Arménie a accusé l'Azerbaïdjan d'avoir violé le cessez-le-feu."))
    ev = one(doc, "ACCUSE")
    assert "ARM" in ev.source
    assert "AZE" in ev.target


def test_sanction(process):
    doc = process(fr("Les États-Unis ont imposé de nouvelles sanctions à la Russie."))
    ev = one(doc, "SANCTION")
    assert "USA" in ev.source
    assert "RUS" in ev.target


# ---------------------------------------------------------------- no event
def test_opinion_sentence_has_no_event(process):
    doc = process(fr("Cette politique est une erreur historique, estime l'éditorialiste."))
    assert doc.events == []


def test_generic_statement_is_not_an_event(process):
    doc = process(fr("Kharkiv est régulièrement visée par des missiles russes."))
    assert not asserted(doc, "ASSAULT")


# ---------------------------------------------------------------- English
def test_english_assault_attribution_and_mode(process):
    doc = process(en("Russian forces shelled Kharkiv on Tuesday, Ukraine's military said."))
    ev = one(doc, "ASSAULT")
    assert "RUS" in ev.source
    assert ev.mode == "artillery"
    assert ev.attributed_to is not None and "ukrain" in ev.attributed_to.lower()
    assert ev.modality == "asserted"


def test_english_negation(process):
    doc = process(en("The Russian army did not strike the hospital in Kharkiv, the ministry said."))
    assert not asserted(doc, "ASSAULT")
    assert any(e.modality == "denied" for e in of_type(doc, "ASSAULT"))


def test_english_quantities(process):
    doc = process(en("A Russian missile hit Dnipro on Monday, killing at least 12 people and wounding 30."))
    ev = one(doc, "ASSAULT")
    assert ev.quantities.get("killed") == 12
    assert ev.quantities.get("wounded") == 30
    assert "RUS" in ev.source


def test_english_denial(process):
    doc = process(en("Moscow denied that Russian drones attacked Odesa."))
    assert not asserted(doc, "ASSAULT")


def test_english_claimed(process):
    doc = process(en("Russian drones reportedly struck an oil depot in Odesa overnight."))
    assert not asserted(doc, "ASSAULT")
    assert any(e.modality == "claimed" for e in of_type(doc, "ASSAULT"))


def test_english_threat(process):
    doc = process(en("Azerbaijan threatened to send weapons to Ukraine."))
    ev = one(doc, "THREATEN")
    assert "AZE" in ev.source
    assert not asserted(doc, "AID")


@pytest.mark.parametrize("text, etype", [
    (fr("La Turquie et l'Azerbaïdjan ont signé un accord de coopération militaire."), "AGREE"),
    (fr("Des milliers de manifestants ont manifesté à Erevan contre le gouvernement arménien."), "PROTEST"),
    (fr("La police russe a arrêté des dizaines de manifestants à Moscou."), "COERCE"),
    (fr("L'armée arménienne a retiré ses troupes de la frontière avec l'Azerbaïdjan."), "RETREAT"),
    (fr("La Russie a déployé des troupes supplémentaires près de la frontière ukrainienne."), "MOBILIZE"),
    (en("The United States sent humanitarian aid to Ukraine."), "AID"),
    (en("Poland condemned the Russian missile strike on Lviv."), "ACCUSE"),
])
def test_event_types(process, text, etype):
    assert of_type(process(text), etype)


# ---------------------------------------------------------------- where the event is
def test_a_place_inside_the_phrase_of_in_is_where_the_event_is(process):
    # "in Pakistan's restive southwestern Balochistan province": both names stand in the phrase
    # of "in", however far the preposition is; the more precise is the event's place
    doc = process(en("Gunmen attacked a passenger bus on Tuesday in Pakistan's restive southwestern "
                     "Balochistan province, police said."))
    assert one(doc, "ASSAULT").place["name"].startswith("Balochistan")
    doc = process(fr("Des drones ont frappé mardi un dépôt de carburant dans la vaste région russe "
                     "frontalière de Belgorod, selon les autorités."))
    assert one(doc, "ASSAULT").place["name"] == "Belgorod"
    # where it went, not where it came from
    doc = process(en("Gunmen attacked a bus travelling from Quetta in Pakistan's southwestern Balochistan "
                     "province, police said."))
    assert one(doc, "ASSAULT").place["name"].startswith("Balochistan")


def test_a_sentence_without_a_place_is_where_the_paragraphs_event_was(process):
    # the next sentence names no place: it is where the paragraph's event was told to be, not
    # the town a train was heading to
    doc = process(en("Militants attacked a passenger train on Tuesday in Balochistan province. The train "
                     "was travelling from Quetta to Peshawar, the capital of Khyber Pakhtunkhwa. "
                     "Police later arrested two suspects."))
    arrest = one(doc, "COERCE")
    assert arrest.place["name"].startswith("Balochistan"), [(e.trigger, e.place) for e in doc.events]
    # with no event placed before, the paragraph's last place stands
    doc = process(en("The train was travelling to Peshawar on Tuesday. Police later arrested two suspects."))
    assert one(doc, "COERCE").place["name"] == "Peshawar"


# ---------------------------------------------------------------- fighting a fire, an illness, a social ill
@pytest.mark.parametrize("text", [
    en("Firefighters battled the blaze for six hours."),
    en("Russian drones struck a fuel depot in Kherson, Ukraine's governor said. Firefighters battled the blaze for "
       "six hours."),
    en("Rescue crews fought the fires through the night near the port."),
    en("The new prime minister vowed to fight corruption and poverty."),
    en("She has been battling cancer for two years, her family said."),
    fr("Les pompiers ont combattu l'incendie pendant toute la nuit."),
    fr("Le gouvernement a promis de combattre la corruption et la pauvreté."),
])
def test_fighting_a_fire_or_an_ill_is_no_assault(process, text):
    doc = process(text)
    assert not [e for e in of_type(doc, "ASSAULT") if e.trigger != "struck"], [(e.trigger, e.evidence) for e in doc.events]


@pytest.mark.parametrize("text", [
    en("Rebels fought government troops near Goma on Monday, the army said."),
    en("Nigerian troops battled insurgents for six hours outside the town."),
    fr("Les soldats maliens ont combattu les jihadistes près de Gao lundi."),
])
def test_fighting_people_stays_an_assault(process, text):
    assert of_type(process(text), "ASSAULT")
