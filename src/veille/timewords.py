"""Days, months and seasons named without a date, parts of the day and clock times.

The words come from ``kb/time_words.tsv`` (modifiers such as "prochain" and "last", parts
of the day, seasons, verbs that point forward) and the month and weekday names from CLDR
(``timeparse.names``). This module builds the patterns and does the calendar choices: which
Monday, which July, which summer, given a reference day and a direction (-1 back, +1
forward, 0 the current one or, for a weekday, the nearest one not after the day).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from veille.lexicon import fold, rows
from veille.timeparse import _alt, names, quick

SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # the winter that starts in December y is (y+1)-WI


@lru_cache(maxsize=None)
def words(lang: str, kind: str) -> dict[str, str]:
    """Folded word → value for one kind of ``kb/time_words.tsv``."""
    return {fold(r["word"]): r["value"] for r in rows("time_words.tsv") if r["lang"] == lang and r["kind"] == kind}


@lru_cache(maxsize=None)
def modifiers(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """(before, after): folded modifier → direction, for "next Monday" and "lundi prochain"."""
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    sign = {"next": 1, "last": -1, "this": 0}
    for r in rows("time_words.tsv"):
        if r["lang"] == lang and r["kind"] in sign:
            (before if r["where"] == "before" else after)[fold(r["word"])] = sign[r["kind"]]
    return before, after


def direction_of(word: str | None, lang: str) -> int | None:
    if not word:
        return None
    before, after = modifiers(lang)
    w = fold(re.sub(r"\s+", " ", word))
    return before.get(w, after.get(w))


def _words_alt(lang: str, kind: str) -> str:
    ws = [r["word"] for r in rows("time_words.tsv") if r["lang"] == lang and r["kind"] == kind]
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in ws),
                           key=len, reverse=True))


def _mod_alt(lang: str, where: str) -> str:
    ws = [r["word"] for r in rows("time_words.tsv")
          if r["lang"] == lang and r["kind"] in ("next", "last", "this") and r["where"] == where]
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in ws), key=len, reverse=True))


@dataclass(frozen=True)
class Patterns:
    """Each pattern's group ``t`` is the expression itself, without the preposition before it."""
    weekday: re.Pattern  # "lundi prochain", "next Monday morning", "mardi soir"
    night: re.Pattern  # "dans la nuit de mercredi à jeudi", "overnight Tuesday"
    month: re.Pattern  # "en juillet", "juillet dernier", "in early July", "last July"
    season: re.Pattern  # "cet été", "l'hiver dernier", "au printemps 2011", "last summer"
    part_after: re.Pattern  # " soir", " au matin", " dans la soirée" right after a day
    clock: re.Pattern  # "vers 18 h", "à 6h30", "at 3 p.m.", "à midi"
    period: re.Pattern  # "au premier trimestre 2005", "in the second half of the year"


@lru_cache(maxsize=None)
def patterns(lang: str) -> Patterns:
    from babel import Locale

    _, days = names(lang)
    wide = list(Locale(lang).months["format"]["wide"].values())
    M = _alt({fold(m) for m in wide} | {m.lower() for m in wide})
    D = _alt(days)
    part, season = _words_alt(lang, "part"), _words_alt(lang, "season")
    lead, mod, article = _words_alt(lang, "lead"), _words_alt(lang, "mod"), _words_alt(lang, "article")
    pre, post = _mod_alt(lang, "before"), _mod_alt(lang, "after") or "(?!)"
    notseason = _words_alt(lang, "notseason") or "(?!)"
    noon = _words_alt(lang, "noon") + "|" + _words_alt(lang, "midnight")
    year = r"(?P<y>(?:1[89]|20)\d\d)"
    lead_g = rf"(?:(?P<lead>{lead})\s*)?"
    pre_g = rf"(?:(?P<pre>{pre})\s+)?"
    post_g = rf"(?:\s+(?P<post>{post}))?"
    mod_g = rf"(?:(?P<mod>{mod})(?<=-)|(?P<mod2>{mod})\s+)?"
    not_day = r"(?![ \t]*['’]?\d)"  # "lundi 3 juin", "octobre 98" are absolute dates
    if lang == "fr":
        weekday = rf"(?P<t>{pre_g}(?P<wd>{D}){not_day}(?:\s+(?:au\s+|dans\s+la\s+)?(?P<part>{part}))?{post_g})"
        night = (rf"(?:dans\s+|durant\s+|pendant\s+)?(?P<t>la\s+nuit\s+(?:de|du)\s+(?P<wd>{D})"
                 rf"(?:\s+(?:à|au)\s+(?:{D}))?{not_day}{post_g})")
        clock = (r"(?:à|vers|dès|avant|après|jusqu['’]à|peu\s+avant|peu\s+après|aux\s+alentours\s+de|"
                 r"autour\s+de|entre|et)\s+"
                 rf"(?P<t>(?P<h>[01]?\d|2[0-3])\s*(?:h|heures?)(?:\s*(?P<mi>[0-5]\d))?(?!\w)"
                 r"(?:\s+(?:du|de\s+l['’]|de\s+la)\s*(?P<half>matin|après-midi|soir|soirée|nuit))?"
                 rf"|(?P<noon>{noon}))")
        part_after = rf"[ \t]*,?[ \t]*(?:au\s+|dans\s+la\s+|dans\s+l['’]\s*|en\s+)?(?P<part>{part})(?!\w)"
    else:
        weekday = rf"(?P<t>{pre_g}(?P<wd>{D}){not_day}(?:\s+(?P<part>{part}))?)"
        night = (rf"(?:overnight\s+(?:on\s+)?|(?:in\s+|during\s+)?the\s+night\s+of\s+)(?P<t>(?P<wd>{D})"
                 rf"(?:\s+(?:into|to)\s+(?:{D}))?){not_day}")
        clock = (r"(?:(?:at|around|about|by|before|after|until|shortly\s+before|shortly\s+after|from|to)\s+)?"
                 r"(?P<t>(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
                 r"|(?<=at\s)(?P<h24>[01]\d|2[0-3]):?(?P<mi24>[0-5]\d)(?:\s*(?:GMT|UTC|local\s+time))?"
                 rf"|(?<=at\s)(?P<noon>{noon}))")
        part_after = rf"[ \t]*(?:,[ \t]*)?(?:in\s+the\s+)?(?P<part>{part})(?!\w)"
    # a month or season needs a word that makes it one: a preposition, a modifier, an article
    month = rf"{lead_g}(?P<t>{pre_g}{mod_g}(?P<m>{M}){not_day}{post_g})"
    season = (rf"{lead_g}(?P<t>{pre_g}{mod_g}(?P<art>(?:{article})\s*)?(?P<s>{season})(?!\w)"
              rf"(?!\s+(?:{notseason}))(?!\s+(?:(?:of|de)\s+|d['’]\s*)(?!(?:1[89]|20)\d\d))"
              rf"{post_g}(?:\s+(?:de\s+|of\s+)?{year})?)")
    ordinal, period = _words_alt(lang, "ordinal"), _words_alt(lang, "period")
    period = (rf"(?P<t>(?P<o>{ordinal})\s+(?P<p>{period})(?!\w)"
              rf"(?:\s+(?:de\s+l['’]année\s+|of\s+(?:the\s+year\s+)?|de\s+)?{year})?)")
    comp = lambda p: quick(rf"(?<!\w){p}(?!\w)")  # noqa: E731
    return Patterns(comp(weekday), comp(night), comp(month), comp(season),
                    re.compile(part_after, re.I), comp(clock), comp(period))


def clock_value(m: re.Match, lang: str) -> str | None:
    """'18:00', '06:30' from a clock match; None when the hour makes no sense."""
    g = m.groupdict()
    if g.get("noon"):
        return "12:00" if fold(g["noon"]) in words(lang, "noon") else "00:00"
    if g.get("h24"):
        return f"{int(g['h24']):02d}:{g['mi24']}"
    h = int(g["h"])
    mi = int(g["mi"] or 0)
    if g.get("ap"):
        h = h % 12 + (12 if g["ap"].lower() == "p" else 0)
    elif g.get("half") and fold(g["half"]) not in ("matin",) and h < 12:
        h += 12
    return f"{h:02d}:{mi:02d}"


def weekday_near(ref: date, weekday: int, direction: int) -> date:
    """The weekday nearest ``ref``: +1 the first after it, -1 the last before it, 0 the last
    not after it (news tells the day's and the past days' events)."""
    if direction > 0:
        return ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1)
    if direction < 0:
        return ref - timedelta(days=(ref.weekday() - weekday - 1) % 7 + 1)
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)


def month_near(ref: date, month: int, direction: int) -> int:
    """The year of a month named alone: +1 the first after ``ref``'s month ("juillet
    prochain"), -1 the last before it ("juillet dernier"), 0 the one of ``ref``'s year."""
    if direction > 0:
        return ref.year if month > ref.month else ref.year + 1
    if direction < 0:
        return ref.year if month < ref.month else ref.year - 1
    return ref.year


def season_of(d: date) -> tuple[int, str]:
    """(year, code) of the season a day falls in; the winter of December y is (y+1)-WI."""
    m = d.month
    if m == 12:
        return d.year + 1, "WI"
    code = "WI" if m < 3 else "SP" if m < 6 else "SU" if m < 9 else "FA"
    return d.year, code


def season_near(ref: date, code: str, direction: int) -> int:
    """The year of a season named without one, as ``month_near`` does for months."""
    cur_year, cur = season_of(ref)
    order = ["WI", "SP", "SU", "FA"]
    i, j = order.index(code), order.index(cur)
    if direction > 0:
        return cur_year if i > j else cur_year + 1
    if direction < 0:
        return cur_year if i < j else cur_year - 1
    return cur_year
