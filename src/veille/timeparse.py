"""Calendar arithmetic and the date patterns shared by the meta and dates stages.

Month and weekday names come from CLDR through Babel; number words and relative
expressions from ``kb/numbers.tsv`` and ``kb/time_relative.tsv``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from veille.lexicon import Spans, fold, rows

LANGS = ("fr", "en")


@lru_cache(maxsize=None)
def names(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """Folded month and weekday names (wide and abbreviated, with and without dot)."""
    from babel import Locale

    loc = Locale(lang)
    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for num, name in loc.months["format"][width].items():
            for form in (fold(name), name.lower()):
                months[form] = num
                months[form.rstrip(".")] = num
    days: dict[str, int] = {}
    for num, name in loc.days["format"]["wide"].items():
        days[fold(name)] = days[name.lower()] = num
    if lang == "en":  # common English abbreviation CLDR lacks
        months["sept"] = 9
    return months, days


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@lru_cache(maxsize=None)
def numbers(lang: str) -> dict[str, int]:
    return {fold(r["word"]): int(r["value"]) for r in rows("numbers.tsv") if r["lang"] == lang}


def number_value(text: str, lang: str) -> int | None:
    """'12', '2 000', 'douze', 'trente-deux', 'twenty-two' → int; None when not a number."""
    t = fold(text).replace("\u202f", " ")
    digits = re.sub(r"(?<=\d)[ .,](?=\d{3}\b)", "", t)
    if re.fullmatch(r"\d+", digits):
        return int(digits)
    words = numbers(lang)
    parts = [p for p in re.split(r"[- ]+(?:et[- ]+|and[- ]+)?", t) if p]
    if len(parts) == 2 and words.get(parts[0]) == 1 and parts[1] in words:  # "une douzaine", "a dozen"
        return words[parts[1]]
    if parts and all(p in words for p in parts):
        total = 0
        for p in parts:
            v = words[p]
            total = total * v if v >= 100 and total else total + v
        return total
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s+(\w+)", digits)  # "2 millions", "1,5 milliard"
    if m and m.group(2) in words and words[m.group(2)] >= 1000:
        return round(float(m.group(1).replace(",", ".")) * words[m.group(2)])
    return None


MAX_GROUPS = 6  # "1 000 000 000 000 000 000": no figure in a text has more groups of three digits
MAX_NUMBER_WORDS = 12  # "quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf" has 11 after its first


def number_pattern(lang: str) -> str:
    ws = _alt(numbers(lang))
    big = _alt(w for w, v in numbers(lang).items() if v >= 1000)
    # bounded repeats: a run of thousands of numbers would otherwise be rescanned from each of them
    digits = rf"(?:\d{{1,3}}(?:[\u202f\u00a0 ]\d{{3}}){{1,{MAX_GROUPS}}}|\d+(?:[.,]\d+)?)(?:\s(?:{big}))?"
    return rf"(?:{digits}|(?:{ws})(?:[- ](?:et-|and-)?(?:{ws})){{0,{MAX_NUMBER_WORDS}}})"


@dataclass
class Found:
    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"


# what may follow a two-digit year: the end of a clause or a conjunction, not a noun ("en 48 heures")
CLAUSE_END = r"(?=\s*(?:[,.;:)!?»\"]|$)|\s+(?:et|à|puis|quand|lors|and|when|to|until)\b)"


@lru_cache(maxsize=None)
def absolute_patterns(lang: str) -> list[re.Pattern]:
    months, days = names(lang)
    M, D = _alt(months), _alt(days)
    dayn = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
    year = r"(?P<y>(?:1[89]|20)\d\d)"
    pats = [
        rf"(?:(?P<wd>{D}),?\s+)?{dayn}\s+(?P<m>{M})(?:,?\s+{year})?",
        rf"(?:(?P<wd>{D}),?\s+)?(?P<m>{M})\s+{dayn}(?:,?\s+{year})?",
        rf"(?P<m>{M})\s+(?:de\s+|of\s+)?{year}",
        r"(?P<d>[12]\d|3[01]|0?[1-9])[/.-](?P<m>1[0-2]|0?[1-9])[/.-](?P<y>(?:19|20)?\d\d)",
        rf"(?<![\d-]){year}(?![\d-])",
        # two-digit years, where nothing else can follow: after a month ("octobre 98", "June '98"),
        # after an apostrophe in English ("in '98"), after "en" or "depuis" in French ("élu en 98, il…")
        rf"(?P<m>{M})\s+(?:['’](?P<y>\d\d)|(?P<y2>3[2-9]|[4-9]\d)){CLAUSE_END}",
    ] + ([r"(?:(?<=\sen )|(?<=\sdepuis )|(?<=\sdès ))(?P<y>\d\d)" + CLAUSE_END] if lang == "fr" else
         [r"(?<=\s)['’](?P<y>\d\d)" + CLAUSE_END])
    return [quick(rf"(?<!\w){p}(?!\w)") for p in pats]


def find_absolute(text: str, lang: str, pivot: int | None = None) -> list[Found]:
    """Dates written out in the text, longest first where two overlap. ``pivot``, a
    publication year, puts a two-digit year in the latest century that does not pass it."""
    months, days = names(lang)
    found: list[Found] = []
    taken = Spans()
    for pat in absolute_patterns(lang):
        for m in pat.finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            g = m.groupdict()
            ys = g.get("y") or g.get("y2")
            y = int(ys) if ys else None
            if y is not None and len(ys) == 2:  # the century that puts it no later than the pivot
                y += 2000 if (2000 + y <= pivot if pivot else y < 70) else 1900
            mo = g.get("m")
            mo = (int(mo) if mo.isdigit() else months.get(fold(mo).rstrip("."))) if mo else None
            d = int(g["d"]) if g.get("d") else None
            wd = days.get(fold(g["wd"])) if g.get("wd") else None
            if d and mo and y and not _valid(y, mo, d):
                continue
            taken.add(m.start(), m.end())
            found.append(Found(m.start(), m.end(), m.group(0), y, mo, d, wd))
    return sorted(found, key=lambda f: f.start)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
        return True
    except ValueError:
        return False


def infer_year(month: int, day: int, weekday: int | None, *, before: date | None = None,
               after_year: int | None = None, latest: date | None = None) -> int | None:
    """The year of a date written without one.

    Against a known publication date (``before``): the latest such date no more than a
    week after it. Without one: the earliest year from ``after_year`` up to ``latest``
    whose calendar puts that day on the weekday given.
    """
    if before is not None:
        for y in (before.year + 1, before.year, before.year - 1):
            if _valid(y, month, day) and date(y, month, day) <= before + timedelta(days=7):
                if weekday is None or date(y, month, day).weekday() == weekday:
                    return y
        return before.year
    if weekday is None or after_year is None or latest is None:
        return None
    for y in range(after_year, latest.year + 1):
        if _valid(y, month, day) and date(y, month, day).weekday() == weekday and date(y, month, day) <= latest:
            return y
    return None


def shift(d: date, sign: int, amount: int, unit: str) -> date:
    if unit == "day":
        return d + timedelta(days=sign * amount)
    if unit == "week":
        return d + timedelta(weeks=sign * amount)
    months = d.month - 1 + sign * amount * (12 if unit == "year" else 1)
    y, m = d.year + months // 12, months % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def iso(d: date, precision: str) -> str:
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year)}[precision]


@dataclass(frozen=True)
class Relative:
    pattern: re.Pattern
    anchor: str
    sign: int
    amount: int | None
    unit: str | None
    precision: str | None
    part: str | None = None  # a part of the day, TimeML's code: "ce matin" MO, "dans la soirée" EV


@lru_cache(maxsize=None)
def relative_patterns(lang: str) -> tuple[Relative, ...]:
    unit_alt = _alt(_units())
    out = []
    for r in rows("time_relative.tsv"):
        if r["lang"] != lang:
            continue
        p = r["pattern"].replace("{N}", rf"(?P<n>{number_pattern(lang)})").replace("{UNIT}", rf"(?P<unit>{unit_alt})")
        out.append(Relative(quick(rf"(?<!\w)(?:{p})(?!\w)"), r["anchor"], int(r["sign"]),
                            int(r["amount"]) if r["amount"] else None, r["unit"] or None, r["precision"] or None,
                            r.get("part") or None))
    return tuple(out)


@lru_cache(maxsize=None)
def _units() -> dict[str, str]:
    return {fold(r["word"]): r["unit"] for r in rows("time_units.tsv")}


def unit_of(word: str) -> str | None:
    return _units().get(fold(word))


def bare_weekdays(text: str, lang: str):
    """Weekday names written without a day number after them: (match, weekday number)."""
    _, days = names(lang)
    pat = re.compile(r"(?<!\w)(" + _alt(days) + r")(?!\w)(?!\s+\d)", re.I)
    for m in pat.finditer(text):
        yield m, days[fold(m.group(1))]


def quick(pattern: str, flags: int = re.I) -> re.Pattern:
    """``pattern`` compiled behind a look-ahead on the characters it can start with.

    A pattern that opens with a look-behind ("(?<!\\w)") or with optional words makes the
    regular-expression engine try it at every character of the text; a look-ahead on the
    set of possible first characters lets it skip ahead at once (ten times faster on news).
    Where that set cannot be worked out, the pattern is compiled as it is."""
    first = _first_chars(pattern, flags)
    if not first:
        return re.compile(pattern, flags)
    chars = set(first)
    if flags & re.I:
        chars |= {c.upper() for c in first} | {c.lower() for c in first}
    cls = "".join(sorted(re.escape(c) for c in chars))
    return re.compile(f"(?=[{cls}]){pattern}", flags)


def _first_chars(pattern: str, flags: int) -> str | None:
    try:
        from re import _parser  # the standard library's own parser: its first-character analysis

        return _first_of(list(_parser.parse(pattern, flags)))
    except Exception:  # another Python's internals: go without the shortcut
        return None


def _first_of(items) -> str | None:
    """The characters a parsed sequence can start with, or None when unbounded or empty."""
    from re._constants import ASSERT, ASSERT_NOT, AT, BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE, SUBPATTERN

    out = ""
    for op, av in items:
        if op in (ASSERT, ASSERT_NOT, AT):
            continue  # a zero-width test: the next item gives the first character
        if op == LITERAL:
            return out + chr(av)
        if op == IN:
            chars = ""
            for o, v in av:
                if o == LITERAL:
                    chars += chr(v)
                elif o == RANGE and v[1] - v[0] < 128:
                    chars += "".join(chr(c) for c in range(v[0], v[1] + 1))
                else:
                    return None
            return out + chars
        if op == BRANCH:
            parts = [_first_of(list(b)) for b in av[1]]
            return None if any(p is None for p in parts) else out + "".join(parts)
        if op == SUBPATTERN:
            inner = _first_of(list(av[3]))
            return None if inner is None else out + inner
        if op in (MAX_REPEAT, MIN_REPEAT):
            lo, _, sub = av
            inner = _first_of(list(sub))
            if inner is None:
                return None
            if lo > 0:
                return out + inner
            out += inner  # optional: its first characters, or the next item's
            continue
        return None
    return None  # the whole pattern may match empty
