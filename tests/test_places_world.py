"""Places worldwide: administrative divisions in French and English, the division or state
written next to a name, runs that stop at dates, possessives, demonyms that are no places."""
from veille.geo import km


def places(doc):
    return {m.text: p for p in doc.places for m in p.mentions}


def where(doc, surface):
    found = places(doc)
    assert surface in found, f"{surface!r} not placed; places: {[(p.name, [m.text for m in p.mentions]) for p in doc.places]}"
    return found[surface]


def test_us_states_in_english_and_french(process):
    d = process("Title\n\nThe storm moved from Florida into Georgia and then Ohio, the US weather service said.\n")
    assert km(where(d, "Florida").lat, where(d, "Florida").lon, 28.0, -81.7) < 300
    assert where(d, "Ohio").country == "US" and where(d, "Ohio").kind == "region"
    f = process("Titre\n\nLe gouverneur de Floride a rencontré son homologue de Virginie aux États-Unis.\n")
    assert where(f, "Floride").country == "US" and where(f, "Virginie").country == "US"
    assert km(where(f, "Virginie").lat, where(f, "Virginie").lon, 37.5, -78.8) < 250


def test_a_division_written_with_its_kind(process):
    d = process("Title\n\nGunmen abducted twenty farmers in Zamfara State on Tuesday, and troops were sent "
                "to the Kunar province of Afghanistan.\n")
    assert where(d, "Zamfara State").country == "NG"
    assert where(d, "Kunar").country == "AF" and where(d, "Kunar").kind == "region"
    f = process("Titre\n\nDes frappes ont visé la région de Kherson, puis le gouvernorat d'Idlib, en Syrie.\n")
    kherson = where(f, "Kherson")
    assert kherson.kind == "region" and kherson.country == "UA"
    assert where(f, "Idlib").kind == "region"


def test_english_region_after_the_name(process):
    d = process("Title\n\nShelling continued in the Zaporizhzhia region overnight, Ukrainian officials said.\n")
    p = where(d, "Zaporizhzhia")
    assert p.kind == "region" and km(p.lat, p.lon, 47.5, 35.5) < 150


def test_a_town_that_names_its_division_stays_the_town(process):
    d = process("Title\n\nA bomb exploded at a market in Kano, Nigeria's second city, on Friday.\n")
    p = where(d, "Kano")
    assert p.kind == "city" and km(p.lat, p.lon, 12.0, 8.52) < 25


def test_a_region_named_like_a_common_word_is_not_taken_alone(process):
    d = process("Title\n\nDelta pilots and Plateau residents protested in Atlanta about wages.\n")
    assert not any(p.kind == "region" and p.country == "NG" for p in d.places)


def test_the_division_or_state_next_to_a_name(process):
    d = process("Title\n\nPolice in London, Ontario, arrested two men after the shooting.\n")
    assert where(d, "London").country == "CA" and km(where(d, "London").lat, where(d, "London").lon, 42.98, -81.25) < 30
    t = process("Title\n\nA tornado destroyed homes in Paris, Texas, late on Monday.\n")
    assert where(t, "Paris").country == "US"
    f = process("Titre\n\nDes manifestants se sont rassemblés à Paris, devant le ministère.\n")
    assert where(f, "Paris").country == "FR"


def test_a_run_stops_at_a_weekday_or_a_month(process):
    d = process("Title\n\nPolice in Edmonton on Sunday arrested a man after a standoff.\n")
    assert where(d, "Edmonton").country == "CA"
    f = process("Titre\n\nDes soldats ont été tués à Gao Lundi, au Mali, selon l'armée.\n")
    assert where(f, "Gao").country == "ML"
    assert not any("Lundi" in m for m in places(f))


def test_possessives(process):
    d = process("Title\n\nToronto's mayor said the city would help, as Ukraine's east came under fire again.\n")
    assert where(d, "Toronto").country == "CA"
    assert where(d, "Ukraine").country == "UA"


def test_demonyms_are_not_places(process):
    for text in ("Titre\n\nLes forces russes ont avancé, selon l'armée ukrainienne.\n",
                 "Title\n\nRussian troops shelled the town while Ukrainian forces held the line.\n"):
        assert process(text).places == [], text
    d = process("Titre\n\nLes forces russes ont avancé en Ukraine.\n")
    assert [p.country for p in d.places] == ["UA"]


def test_a_division_puts_its_villages_in_its_state(process):
    d = process("Titre\n\nUn incendie a détruit une usine à Noyal-sur-Vilaine, en Ille-et-Vilaine, mardi.\n")
    assert where(d, "Ille-et-Vilaine").country == "FR"
    p = where(d, "Noyal-sur-Vilaine")
    assert p.country == "FR" and km(p.lat, p.lon, 48.11, -1.52) < 10


def test_a_name_joined_to_another_by_a_connector(process):
    d = process("Titre\n\nL'avion s'est écrasé à Iju de Lagos, selon les secours nigérians.\n")
    assert where(d, "Lagos").country == "NG"


def test_a_written_container_rules_out_towns_elsewhere(process):
    d = process("Title\n\nThe ministers met in Charlevoix, Quebec, on Thursday.\n")
    assert not any(p.country == "US" for p in d.places)
    lst = process("Title\n\nStorms hit Ohio, Texas and Florida overnight.\n")
    assert {"Ohio", "Texas", "Florida"} <= set(places(lst))


def test_a_sea_named_after_a_state(process):
    d = process("Title\n\nTensions rose across the Taiwan Strait and in the South China Sea.\n")
    assert where(d, "Taiwan Strait").kind == "water"
    assert where(d, "South China Sea").kind == "water"


def test_places_named_in_the_headline(process):
    d = process("Titre : un incendie ravage une usine en Bretagne\n\nLe feu a pris mardi dans une usine de "
                "Noyal-sur-Vilaine, en Ille-et-Vilaine, selon les pompiers.\n", title="Un incendie ravage une usine en Bretagne")
    p = where(d, "Bretagne")
    assert p.country == "FR" and p.kind == "region"
    assert all(m.segment == "title" for m in p.mentions)
    assert d.title[p.mentions[0].start:p.mentions[0].end] == "Bretagne"


def test_a_doubled_letter_dropped_or_added(process):
    d = process("Titre\n\nLes ministres se sont réunis à Tallin, en Estonie, pour parler de défense.\n")
    p = where(d, "Tallin")
    assert p.country == "EE" and km(p.lat, p.lon, 59.44, 24.75) < 20
    f = process("Titre\n\nTrois jeunes ont été agressés près de Marseille, à Aubagnne, selon la police française.\n")
    assert where(f, "Aubagnne").country == "FR"
    # only in the document's states: a name abroad that a letter would make is no place
    j = process("Titre\n\nLe ministre japonais a reçu M. Aubagnne à Tokyo.\n")
    assert "Aubagnne" not in places(j)
    # nor a village: "au Congrès" is no Congress, Arizona
    c = process("Titre\n\nLes élus américains ont voté au Congrès mardi, à Washington, aux États-Unis.\n")
    assert "Congrès" not in places(c)


def test_the_place_a_facility_is_named_after(process):
    d = process("Title\n\nThe injured boy was taken to Mwanza District Hospital in Malawi, officials said.\n")
    assert any(p.country == "MW" and p.kind != "country" and km(p.lat, p.lon, -15.6, 34.5) < 40 for p in d.places)
    q = process("Title\n\nThe Queen Elizabeth Central Hospital in Malawi is full.\n")
    assert [p.kind for p in q.places] == ["country"]



def test_a_district_seat_of_unknown_size_is_a_place(process):
    # GeoNames keeps the seat of a district whatever its size, with population 0: news of an
    # attack names such towns, in a state the story is about
    d = process("Title\n\nGunmen stormed a school in Chibok, in Nigeria's Borno state, on Monday. In "
                "Afghanistan, Taliban fighters overran the district centre of Zurmat, officials said.\n")
    chibok, zurmat = where(d, "Chibok"), where(d, "Zurmat")
    assert chibok.country == "NG" and km(chibok.lat, chibok.lon, 10.87, 12.85) < 30
    assert zurmat.country == "AF" and zurmat.kind == "city"
    # a story elsewhere does not make a village of a name it does not know
    far = process("Title\n\nMinisters met in Zurmat, a hotel chain's new venue, the French agency said.\n")
    assert all(p.country != "AF" for p in far.places)


def test_a_small_seat_is_found_by_its_own_name_only(process):
    # such a seat's other names are not used: "Taiwan" is also the other name of a Chinese village
    d = process("Title\n\nChina's army held drills near Taiwan, officials in Beijing said on Monday.\n")
    assert not any(p.country == "CN" and any(m.text == "Taiwan" for m in p.mentions) for p in d.places)


def test_a_state_the_kb_lists_as_a_territory_is_a_place(process):
    # Taiwan, Kosovo and Palestine are actors of the hand-made kb, and places at country precision
    d = process("Title\n\nChinese warships sailed near Taiwan on Monday, and NATO troops moved into Kosovo.\n")
    assert where(d, "Taiwan").country == "TW" and where(d, "Taiwan").kind == "country"
    assert where(d, "Kosovo").country == "XK"
    f = process("Titre\n\nDes navires chinois ont navigué près de Taïwan lundi, selon Pékin.\n")
    assert where(f, "Taïwan").country == "TW"
    # a self-proclaimed republic without a code of its own stays an actor only
    n = process("Title\n\nThe Transnistria authorities said they would hold talks with Moldova.\n")
    assert all(p.kind != "country" or p.country == "MD" for p in n.places)
    # a part of a state that the kb lists as an actor is not the whole state
    p = process("Title\n\nPuntland forces clashed with militants near Bosaso, officials said.\n")
    assert all(p.kind != "country" for p in p.places)
