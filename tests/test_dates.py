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
