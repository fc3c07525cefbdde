"""Temporal expressions resolved against the publication date and earlier dates."""
from datetime import date

from veille.stages.dates import resolve


def values(text, lang="fr", pub=date(2023, 9, 20)):
    return [(t.text, t.value, t.precision) for t in resolve(text, lang, pub)]


def test_absolute_and_weekday_dates():
    got = values("Le cessez-le-feu du 10 novembre 2020 a tenu jusqu'au mardi 19 septembre.")
    assert ("10 novembre 2020", "2020-11-10", "day") in got
    assert ("mardi 19 septembre", "2023-09-19", "day") in got


def test_la_veille_and_le_lendemain_follow_the_last_date():
    got = values("L'attaque a eu lieu le 12 mars 2024. La veille, des tirs avaient été signalés. "
                 "Le lendemain, les secours sont arrivés.")
    assert ("La veille", "2024-03-11", "day") in got
    assert ("Le lendemain", "2024-03-13", "day") in got


def test_n_days_later_in_words():
    got = values("Le dépôt a été frappé le 2 août 2025. Dix jours plus tard, une autre vague a suivi.")
    assert ("Dix jours plus tard", "2025-08-12", "day") in got


def test_some_weeks_earlier_is_month_precision():
    got = values("Le 20 août 2025, la frappe a eu lieu. Quelques semaines plus tôt, un missile était tombé.")
    assert got[-1][1:] == ("2025-07", "month")


def test_years_ago_against_publication():
    assert ("il y a trois ans", "2020", "year") in values("La guerre a commencé il y a trois ans.")


def test_english_relative_and_absolute():
    got = values("The talks opened on Sunday, September 29. Two days later, a deal was signed.", "en",
                 date(2024, 10, 3))
    assert ("Sunday, September 29", "2024-09-29", "day") in got
    assert ("Two days later", "2024-10-01", "day") in got


def test_no_anchor_stays_unresolved():
    got = values("La veille, des tirs avaient été signalés.", pub=None)
    assert got == [("La veille", None, None)]


# -- undated days, months and seasons; parts of the day; clock times; nights -----------------
# Publication: Wednesday 20 September 2023 (``values``'s default) unless told.

def timexes(text, lang="fr", pub=date(2023, 9, 20)):
    return [(t.text, t.value, t.timex) for t in resolve(text, lang, pub)]


def test_weekday_with_next_or_last():
    got = values("Le sommet aura lieu lundi prochain, après la réunion de mardi dernier.")
    assert ("lundi prochain", "2023-09-25", "day") in got
    assert ("mardi dernier", "2023-09-19", "day") in got
    got = values("The talks open next Monday; they stalled last Wednesday.", "en")
    assert ("next Monday", "2023-09-25", "day") in got
    assert ("last Wednesday", "2023-09-13", "day") in got


def test_bare_weekday_follows_the_verb(process):
    doc = process("Dépêche\n\n20 septembre 2023. - Le ministre se rendra vendredi à Kiev. Il a reçu lundi "
                  "son homologue. Il va signer mardi un accord. Le texte doit être ratifié jeudi.\n")
    got = {(t.text, t.value) for t in doc.dates}
    assert ("vendredi", "2023-09-22") in got
    assert ("lundi", "2023-09-18") in got
    assert ("mardi", "2023-09-26") in got
    assert ("jeudi", "2023-09-21") in got
    doc = process("Dispatch\n\nLAGOS, Sept 20, 2023 (Reuters) - The envoy will fly to Abuja on Friday. He met the "
                  "governor on Monday. Officials plan to reopen the road Tuesday.\n")
    got = {(t.text, t.value) for t in doc.dates}
    assert {("Friday", "2023-09-22"), ("Monday", "2023-09-18"), ("Tuesday", "2023-09-26")} <= got


def test_month_without_year(process):
    got = values("Les combats de juillet dernier, d'octobre dernier et les élections prévues en mars prochain.")
    assert ("juillet dernier", "2023-07", "month") in got
    assert ("octobre dernier", "2022-10", "month") in got
    assert ("mars prochain", "2024-03", "month") in got
    got = values("Talks broke down last October and resume in early November.", "en")
    assert ("last October", "2022-10", "month") in got
    assert ("early November", "2023-11", "month") in got
    doc = process("Dépêche\n\n20 septembre 2023. - Le scrutin a eu lieu en novembre. Le prochain vote se "
                  "tiendra en mars.\n")
    got = {(t.text, t.value) for t in doc.dates}
    assert ("novembre", "2022-11") in got and ("mars", "2024-03") in got


def test_month_takes_the_year_the_paragraph_wrote():
    got = values("En 2015, la ville est tombée. En juillet, les troupes sont entrées.")
    assert ("juillet", "2015-07", "month") in got


def test_may_as_a_verb_is_no_month():
    assert values("The army may withdraw, and may not return.", "en") == []


def test_seasons():
    got = timexes("Cet été, la sécheresse a frappé ; l'hiver dernier fut doux ; au printemps 2011, la révolte.")
    assert ("Cet été", "2023", "2023-SU") in got
    assert ("l'hiver dernier", "2023", "2023-WI") in got  # the winter of Dec 2022 – Feb 2023
    assert ("printemps 2011", "2011", "2011-SP") in got
    got = timexes("Next spring the army will withdraw; last summer it advanced.", "en")
    assert ("Next spring", "2024", "2024-SP") in got and ("last summer", "2023", "2023-SU") in got


def test_season_words_that_are_no_season():
    assert timexes("Il a été élu pendant le printemps arabe.") == []
    assert timexes("After the fall of the capital, troops withdrew.", "en") == []


def test_this_year_next_year_and_weeks():
    got = timexes("Cette année, la récolte ; l'an prochain, la suivante ; la semaine dernière, la crue.")
    assert ("Cette année", "2023", None) in got
    assert ("l'an prochain", "2024", None) in got
    assert ("la semaine dernière", "2023-09", "2023-W37") in got
    got = timexes("This year the harvest failed; next month prices rise.", "en")
    assert ("This year", "2023", None) in got and ("next month", "2023-10", None) in got


def test_two_digit_years():
    got = values("Élu en octobre 98, il a quitté le pouvoir en 04, puis est revenu.")
    assert ("octobre 98", "1998-10", "month") in got
    assert ("04", "2004", "year") in got
    assert values("Le convoi a mis en 48 heures le trajet.") == []  # a duration, not a year
    assert ("'98", "1998", "year") in values("He fled in '98, after the coup.", "en")


def test_parts_of_the_day_keep_their_day():
    got = timexes("Ce matin, le marché a rouvert. Hier soir, des tirs. Mardi soir, un couvre-feu.")
    assert ("Ce matin", "2023-09-20", "2023-09-20TMO") in got
    assert ("Hier soir", "2023-09-19", "2023-09-19TEV") in got
    assert ("Mardi soir", "2023-09-19", "2023-09-19TEV") in got
    got = timexes("This morning the market reopened; last night shells fell; Monday afternoon, a curfew.", "en")
    assert ("This morning", "2023-09-20", "2023-09-20TMO") in got
    assert ("last night", "2023-09-19", "2023-09-19TNI") in got
    assert ("Monday afternoon", "2023-09-18", "2023-09-18TAF") in got


def test_part_of_the_day_after_a_dated_day_follows_it():
    got = timexes("Le 3 mars 2022, la ville a été bombardée. Dans la soirée, les secours sont arrivés.")
    assert ("Dans la soirée", "2022-03-03", "2022-03-03TEV") in got


def test_clock_times_take_their_day():
    got = timexes("Mardi vers 18 h, une explosion. Le 2 mai 2021 à 6h30, un tir. Les secours à 23 heures.")
    assert ("18 h", "2023-09-19", "2023-09-19T18:00") in got
    assert ("6h30", "2021-05-02", "2021-05-02T06:30") in got
    assert ("23 heures", "2021-05-02", "2021-05-02T23:00") in got  # the last day the text gave
    got = timexes("The blast came at 3 p.m. Tuesday; a second at 10:45 a.m. on Wednesday.", "en")
    assert ("3 p.m.", "2023-09-19", "2023-09-19T15:00") in got
    assert ("10:45 a.m.", "2023-09-20", "2023-09-20T10:45") in got


def test_clock_needs_a_preposition_in_french():
    assert [t for t in timexes("Le trajet dure 3 h de route.") if t[2]] == []


def test_a_night_over_two_days_gets_the_first():
    got = timexes("Dans la nuit de mercredi à jeudi, des drones ont frappé. Dans la nuit du 31 mai au 1er juin "
                  "2022, une attaque.", pub=date(2023, 9, 22))
    assert ("la nuit de mercredi à jeudi", "2023-09-20", "2023-09-20TNI") in got
    assert ("la nuit du 31 mai au 1er juin 2022", "2022-05-31", "2022-05-31TNI") in got
    got = timexes("Drones struck overnight Tuesday into Wednesday.", "en")
    assert ("Tuesday into Wednesday", "2023-09-19", "2023-09-19TNI") in got


def test_tonight_in_a_past_clause_is_the_night_before(process):
    doc = process("Dépêche\n\n20 septembre 2023. - Cette nuit, des frappes ont touché le port.\n")
    assert [(t.text, t.value) for t in doc.dates if t.timex and t.timex.endswith("NI")] == [("Cette nuit", "2023-09-19")]


def test_a_dated_day_with_next_or_last():
    got = values("La conférence du 5 janvier prochain suivra celle du 20 mai dernier.")
    assert ("5 janvier prochain", "2024-01-05", "day") in got
    assert ("20 mai dernier", "2023-05-20", "day") in got


def test_quick_patterns_find_what_plain_ones_find():
    import re

    from veille.timeparse import quick

    text = "Le 3 mai, puis l'été, dès 1998 et vers 18 h ; été, Mai, 12 mai 2020, mi-mai."
    for p in [r"(?<!\w)(?:(?P<a>en|dès)\s*)?(?P<m>mai|juin)(?!\w)", r"(?<!\w)(?:l['’]|le\s+)?été",
              r"(?<!\w)(?P<d>[12]\d|3[01]|0?[1-9])\s+mai", r"(?<!\w)\w+"]:
        assert [m.span() for m in quick(p).finditer(text)] == [m.span() for m in re.compile(p, re.I).finditer(text)]
    assert quick(r"(?<!\w)(?:mai|juin)").pattern.startswith("(?=[")


# -- how an event picks its date (stages/events.py) ----------------------------------------

def event_dates(doc):
    return [(e.type, e.date, e.date_from) for e in doc.events]


def test_a_date_in_a_clause_of_another_noun_does_not_date_the_event(process):
    doc = process("Dépêche\n\n12 mars 2024\n\nLes forces russes ont bombardé le pont de Kherson, qui avait été "
                  "reconstruit le 3 janvier 2019.\n")
    assert ("ASSAULT", "2024-03-12", "publication") in event_dates(doc)
    doc = process("Dispatch\n\n12 March 2024\n\nThe Nigerian army shelled the village of Anka, which rebels had "
                  "seized on 3 January 2019.\n")
    assert ("ASSAULT", "2024-03-12", "publication") in event_dates(doc)


def test_an_event_without_a_date_takes_the_paragraph_s_last_day(process):
    doc = process("Dépêche\n\n12 mars 2024\n\nLa journée du 5 février 2024 restera dans les mémoires à Gao. "
                  "Des soldats maliens ont attaqué le marché de la ville.\n")
    assert ("ASSAULT", "2024-02-05", "context") in event_dates(doc)


def test_a_pluperfect_counts_only_in_reported_speech(process):
    doc = process("Dispatch\n\n12 March 2024\n\nNigerian police said gunmen had attacked a village in Zamfara "
                  "state, killing 12 people.\n")
    assert ("ASSAULT", "2024-03-12", "publication") in event_dates(doc)
    doc = process("Dispatch\n\n12 March 2024\n\nThe Nigerian army had attacked the village of Anka in Zamfara "
                  "state long before the war.\n")
    assert event_dates(doc) == [("ASSAULT", None, None)]
    doc = process("Dépêche\n\n12 mars 2024\n\nLe ministre a affirmé que l'armée avait bombardé les positions "
                  "rebelles près de Goma.\n")
    assert ("ASSAULT", "2024-03-12", "publication") in event_dates(doc)


def test_a_french_passive_in_the_imperfect_is_the_scene_of_the_story(process):
    doc = process("Dépêche\n\n12 mars 2024\n\nDes chars russes étaient déployés autour de la ville de Kherson.\n")
    assert ("MOBILIZE", "2024-03-12", "publication") in event_dates(doc)
    doc = process("Dépêche\n\n12 mars 2024\n\nDes chars russes avaient été déployés autour de la ville de Kherson.\n")
    assert [d for t, d, _ in event_dates(doc) if t == "MOBILIZE"] == [None]  # a pluperfect: an older past


def test_quarters_and_halves():
    got = timexes("Au premier trimestre 2005, puis au second semestre de l'année 2006 ; le premier ministre.")
    assert ("premier trimestre 2005", "2005", "2005-Q1") in got
    assert ("second semestre de l'année 2006", "2006", "2006-H2") in got
    assert len(got) == 2
    assert ("first quarter of 2022", "2022", "2022-Q1") in timexes("Sales fell in the first quarter of 2022.", "en")


def test_a_day_and_month_with_last_reaches_back_to_a_leap_year():
    assert ("29 février dernier", "2020-02-29", "day") in values("Le 29 février dernier, un accord.",
                                                                pub=date(2023, 3, 1))


def test_in_n_days_points_forward_unless_the_clause_is_past(process):
    got = values("Le scrutin aura lieu dans deux semaines.")
    assert ("dans deux semaines", "2023-10-04", "day") in got
    assert ("in 10 days", "2023-09-30", "day") in values("Talks resume in 10 days.", "en")
    doc = process("Dispatch\n\n20 September 2023\n\nThe army advanced forty kilometres in two days.\n")
    assert [t.text for t in doc.dates if "two days" in t.text] == []


def test_a_morning_hour_in_a_night_is_on_the_second_day():
    got = timexes("Dans la nuit de lundi à mardi, vers 3 h, un drone a frappé ; à 23 heures, lundi soir, un autre.",
                  pub=date(2023, 9, 20))
    assert ("3 h", "2023-09-19", "2023-09-19T03:00") in got
    assert ("la nuit de lundi à mardi", "2023-09-18", "2023-09-18TNI") in got


def test_a_written_year_dates_a_month_only_nearby():
    far = "En 2011, la ville est tombée. " + "Les combats ont continué longtemps dans la région. " * 8
    got = values(far + "En janvier, les troupes sont entrées.", pub=date(2020, 2, 17))
    assert ("janvier", "2020-01", "month") in got


def test_a_written_year_dates_a_month_in_its_sentence_or_the_next_only():
    pub = date(2020, 2, 17)
    near = values("In 2011, the town fell. In January, troops entered it.", "en", pub)
    assert ("January", "2011-01", "month") in near
    # past a second full stop the story is back in its own time
    far = values("In 2015, the army began an operation. Five years on, it goes on. Villagers fear the forest. "
                 "In January, militants attacked a base.", "en", pub)
    assert ("January", "2020-01", "month") in far
    fr = values("En 2015, l'armée a lancé une opération. Elle dure encore. Les villageois ont peur. "
                "En janvier, des militants ont attaqué une base.", "fr", pub)
    assert ("janvier", "2020-01", "month") in fr


def test_since_a_year_opens_a_period_and_dates_no_month():
    pub = date(2020, 2, 17)
    got = values("Militants have fought the army since 2011. In January, they attacked a base.", "en", pub)
    assert ("January", "2020-01", "month") in got
    got = values("Les rebelles combattent l'armée depuis 2011. En janvier, ils ont attaqué une base.", "fr", pub)
    assert ("janvier", "2020-01", "month") in got
    # a year written without "since" still dates the next sentence's month
    got = values("Militants fought the army in 2011. In January, they attacked a base.", "en", pub)
    assert ("January", "2011-01", "month") in got


def test_a_week_does_not_date_an_event(process):
    doc = process("Dispatch\n\n5 July 2024\n\nThis week, rebels attacked ten villages near the border of Chad.\n")
    assert ("ASSAULT", "2024-07-05", "publication") in event_dates(doc)
