"""The knowledge converted from the Phoenix dictionaries: date-ranged roles, the reader of the
dictionary format, the filters, the agent nouns and the verb file."""
import sys
from pathlib import Path

import pytest

from veille.kb import Entry, load, parse_roles, role_on
from veille.lexicon import KB_DIR, _read_tsv

TOOLS = Path(__file__).resolve().parents[1] / "tools"
sys.path.insert(0, str(TOOLS))

# roles as Phoenix writes them for a man who was elite, then head of state twice, then elite
ROLES = "AZE/ELI@1978-01-01..2003-08-04|AZE/GOV@2003-08-04..2003-11-04|AZE/GOV@2003-10-31..|AZE/ELI"


@pytest.mark.parametrize("day,codes", [
    ("2023-05-01", ("AZE", "GOV")),   # the open range from 2003 holds
    ("1995-06-01", ("AZE", "ELI")),   # the first range
    ("1960-01-01", ("AZE", "ELI")),   # no range: the undated default
])
def test_the_role_valid_on_the_day_wins(day, codes):
    assert role_on(Entry("x", "PER", "X", "AZE", "ELI", roles=ROLES), day) == codes


def test_outside_every_range_a_person_keeps_the_nearest_state_as_elite():
    e = Entry("x", "PER", "X", roles="ESP/GOV@2003-01-01..2003-08-31|FRA/GOV@1990-01-01..1991-01-01")
    assert role_on(e, "2012-06-01") == ("ESP", "ELI")
    assert role_on(e, "1985-01-01") == ("FRA", "ELI")
    assert role_on(e, "2003-05-05") == ("ESP", "GOV")


def test_a_null_code_range_is_no_actor():
    e = Entry("x", "PER", "X", roles="/@1990-01-01..1995-01-01|USA/ELI")
    assert role_on(e, "1992-01-01") == (None, None)
    assert role_on(e, "2000-01-01") == ("USA", "ELI")


def test_hand_made_entries_have_no_roles():
    e = Entry("x", "PER", "X", "RUS", "GOV")
    assert role_on(e, "1950-01-01") == ("RUS", "GOV")
    assert parse_roles("UKR/MIL") == parse_roles("UKR/MIL")


def test_reader_of_the_dictionary_format(tmp_path):
    from phoenix import iso, read_actors, read_agents

    assert iso("780101") == "1978-01-01" and iso("031031") == "2003-10-31" and iso("19270101") == "1927-01-01"
    p = tmp_path / "a.txt"
    p.write_text("# a comment\nJANE_DOE_  # CountryInfo.txt\n+J._DOE_\n\t[FRAELI 800101-950517]\n\t[FRAGOV >950517]\n"
                 "\t[FRAELI]\nSOME_GROUP_ [MLIREB] # note\n+SG\n", encoding="utf-8")
    recs = read_actors(p)
    assert [r.names for r in recs] == [["JANE DOE", "J. DOE"], ["SOME GROUP", "SG"]]
    assert [(c.code, c.start, c.end) for c in recs[0].codes] == [
        ("FRAELI", "1980-01-01", "1995-05-17"), ("FRAGOV", "1995-05-17", ""), ("FRAELI", "", "")]
    a = tmp_path / "g.txt"
    a.write_text("!PERSON! = MAN, MEN\nPOLICE {} [~COP]\nCONGRESS!PERSON! [~LEG]\nREBEL [~REB] # x\n", encoding="utf-8")
    assert read_agents(a) == [("POLICE", "~COP", ""), ("CONGRESSMAN", "~LEG", None), ("CONGRESSMEN", "~LEG", None),
                              ("REBEL", "~REB", None)]


def test_codes_follow_veilles_convention():
    from convert_kb import split_code

    assert split_code("AZEGOV", None) == ("AZE", "GOV")
    assert split_code("AZEGOVMIL", None) == ("AZE", "GOV")
    assert split_code("IGOUNOKID", None) == ("UN", "IGO")
    assert split_code("IGOWSTNAT", None) == ("NATO", None)
    assert split_code("AFGREB", "TALIBAN") == ("TALIBAN", None)
    assert split_code("NGOHLHMSF", "MSF") == ("MSF", "NGO")
    assert split_code("KSVGOV", None) == ("XKX", "GOV")


def test_a_group_keeps_the_state_its_code_puts_it_in_as_its_home():
    from convert_kb import home_of
    from phoenix import Code

    assert home_of([Code("LBNREB")], "HEZBOLLAH") == "LBN"
    assert home_of([Code("ANGREB")], "UNITA") == "AGO"  # CAMEO's old code for Angola
    assert home_of([Code("IMGMUSALQ")], "AQ") == ""  # no state
    assert home_of([Code("MEAREB")], "TANZIM") == ""  # a region
    assert home_of([Code("LBNREB"), Code("SYRREB")], "X") == ""  # two states: none
    assert home_of([Code("AFGGOV")], "AFG") == ""  # a state's own body is no group


def test_filters_keep_names_and_drop_what_would_hurt():
    from convert_kb import Filter

    f = Filter({"zero", "youth", "falcon", "eta"})
    assert f.keep("Karim Massimov", person=True)
    assert not f.keep("Karzai", person=True)          # one word is no person's name
    assert not f.keep("Youth", person=False)          # a common word
    assert not f.keep("ETA", person=False)            # an acronym that is also a word
    assert not f.keep("of the United States", person=False)
    assert not f.keep("Prime Minister", person=True)  # a bare title
    assert not f.keep("May 15", person=False)
    assert f.keep("PKK", person=False)


def test_converted_files_carry_source_and_licence():
    for name in ("entities/phoenix_people.tsv", "entities/phoenix_groups.tsv", "entities/phoenix_intl.tsv",
                 "agents/phoenix_en.tsv", "events/cameo_verbs.tsv"):
        head = (KB_DIR / name).read_text(encoding="utf-8")[:3000]
        assert "MIT" in head and "petrarch2" in head, name
    assert "CC BY" in (KB_DIR / "events/cameo_verbs.tsv").read_text(encoding="utf-8")[:3000] or \
        "ShareAlike" in (KB_DIR / "events/cameo_verbs.tsv").read_text(encoding="utf-8")[:3000]


def test_the_kb_knows_phoenix_people_with_their_dates():
    kb = load("")
    e = kb.entries["phx:babrak-karmal"]
    assert role_on(e, "1985-01-01") == ("AFG", "GOV")
    assert role_on(e, "2023-01-01") == ("AFG", "ELI")


def test_hand_made_entries_win_over_phoenix():
    kb = load("")

    for surface in ("Vladimir Putin", "Taliban", "NATO", "Al-Shabaab"):
        first = kb.gazetteer.aliases(surface)[0]
        assert not first.entry.startswith("phx:"), surface


def test_group_codes():
    kb = load("")

    def code(surface):
        return kb.entries[kb.gazetteer.aliases(surface)[0].entry].actor

    assert code("Ansar Dine") == code("Ansar Eddine") == "ANSARDINE"
    assert code("MUJAO") == "MUJAO"
    assert code("shebabs") == code("Al-Shabaab") == "SHABAAB"
    assert code("Boko Haram") == "BOKOHARAM"
    assert code("Daech") == code("Islamic State") == "ISIS"
    assert code("AQMI") == "AQIM"
    assert code("Shining Path") == "SHININGPATH"
    assert code("UNICEF") == "UN"


def test_cameo_verbs_rows():
    rows = list(_read_tsv(KB_DIR / "events/cameo_verbs.tsv"))
    kinds = {r["kind"] for r in rows}
    assert kinds == {"synset", "verb", "pattern"}
    kill = [r for r in rows if r["kind"] == "verb" and r["lemma"] == "kill"]
    assert kill and kill[0]["plover"] == "ASSAULT"
    # a pattern keeps its object words and maps through CAMEO2PLOVER
    resume = [r for r in rows if r["kind"] == "pattern" and r["block"] == "restart" and r["objects"] == "talks"]
    assert resume and resume[0]["code"] == "046" and resume[0]["passive"] == "046" and resume[0]["plover"] == "CONSULT"
    # public statements have no PLOVER type
    assert any(r["code"].startswith("01") and r["plover"] == "" for r in rows)
