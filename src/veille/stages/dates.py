"""dates: temporal expressions → ISO dates with a precision (day, month, year).

Absolute dates are read with CLDR month and weekday names; a date without a year takes
its year from the publication date (or the last year the text gave). Relative
expressions from ``kb/time_relative.tsv`` resolve against the publication date
("hier", "il y a trois ans") or the last date the text gave ("la veille",
"dix jours plus tard"). A day, month or season named without a date ("lundi prochain",
"en juillet", "l'hiver dernier", "se rendra mardi") is the nearest one in the direction its
modifier or, without one, its verb's tense gives (``veille.timewords``). A part of the day
or a clock time keeps its day and says more in ``timex`` (TimeML's notation: 2012-06-24TEV,
2012-06-24T18:30, 2012-SU). What has no anchor stays unresolved (value null).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from veille.lexicon import Spans, fold
from veille.model import Document, TimeExpr
from veille.pipeline import Context, Stage
from veille.timeparse import find_absolute, infer_year, iso, names, number_value, relative_patterns, shift, unit_of
from veille.timewords import (clock_value, direction_of, modifiers, month_near, patterns, season_near, weekday_near,
                              words)
from veille.coding import tense as tenses

# "la nuit du 3 au 4 juin", "the night of 3 to 4 June": what stands before the second day
NIGHT_OF_DAYS = re.compile(r"(?<!\w)(?:la\s+nuit\s+du|the\s+night\s+of)\s+(?P<d>[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
                           r"(?:\s+\w+\.?)?\s+(?:au|to|and)\s+$", re.I)
SENTENCE_END = re.compile(r"[.!?…][»\"”’)]?\s+(?=[A-ZÀ-ÖØ-Þ«\"“])")
SINCE = re.compile(r"\b(?:since|depuis|dès)\s+(?:(?:the\s+)?(?:end|start|spring|summer|autumn|fall|winter)\s+of\s+|(?:la\s+fin|le\s+début)\s+(?:de\s+)?|l'an\s+|l'année\s+)?$", re.I)
STORY_YEAR_REACH = 300  # characters (a sentence or two) over which a written year still dates a month or season
Tense = Callable[[int], int]  # a character offset → +1 its clause points forward, -1 back, 0 unknown


def resolve(text: str, lang: str, published: date | None, tense: Tense | None = None) -> list[TimeExpr]:
    return _Resolver(text, lang, published, tense or (lambda _: 0)).run()


@dataclass
class _Reading:
    """What one expression says: its ISO value at a precision, what it was resolved
    against, a part of the day or TimeML value, and where it ends (a modifier may follow)."""
    end: int
    value: str | None = None
    precision: str | None = None
    anchor: str = "published"
    part: str | None = None
    timex: str | None = None


class _Resolver:
    """One text's expressions, in order; each may lean on what the text said before it."""

    def __init__(self, text: str, lang: str, published: date | None, tense: Tense):
        self.text, self.lang, self.published, self.tense = text, lang, published, tense
        self.pats = patterns(lang)
        self.days = names(lang)[1]
        self.taken = Spans()
        self.items: list[tuple[int, int, str, object]] = []
        self.out: list[TimeExpr] = []
        self.previous: date | None = None  # "dix jours plus tard" needs a date the text gave, not the page's
        self.last_year = published.year if published else None
        self.written_year: tuple[int, int] | None = None  # (year, offset) of the last year the text wrote out

    def add(self, s: int, e: int, kind: str, obj, whole: tuple[int, int] | None = None) -> None:
        """``whole``: what the match covers, with the preposition kept out of the expression."""
        ws, we = whole or (s, e)
        if not self.taken.overlaps(ws, we):
            self.items.append((s, e, kind, obj))
            self.taken.add(ws, we)

    def collect(self) -> None:
        """Every expression, the most specific first where two overlap."""
        text, lang, pats = self.text, self.lang, self.pats
        for kind, pat in (("season", pats.season), ("period", pats.period)):  # "au printemps 2011": before its year
            for m in pat.finditer(text):
                if m.group("y") and _stands(m, kind, lang):
                    self.add(*m.span("t"), kind, m, m.span())
        found = find_absolute(text, lang, pivot=self.published.year if self.published else None)
        nights = {}  # "la nuit du 3 au 4 juin", "la nuit du 31 mai au 1er juin": one night, from the first day
        for k, f in enumerate(found):
            night = NIGHT_OF_DAYS.search(text, max(0, f.start - 50), f.start) if f.day else None
            if night:
                nights[k] = night
                if k and found[k - 1].start >= night.start():
                    found[k - 1] = None
        for k, f in enumerate(found):
            if f is not None:
                night = nights.get(k)
                self.add(night.start() if night else f.start, f.end, "abs", (f, int(night.group("d")) if night else None))
        for m in pats.night.finditer(text):
            self.add(*m.span("t"), "wd", m, m.span())
        for rel in relative_patterns(lang):
            for m in rel.pattern.finditer(text):
                self.add(m.start(), m.end(), "rel", (rel, m))
        for kind, pat in (("period", pats.period), ("wd", pats.weekday), ("season", pats.season),
                          ("month", pats.month)):
            for m in pat.finditer(text):
                if _stands(m, kind, lang):
                    self.add(*m.span("t"), kind, m, m.span())
        for m in pats.clock.finditer(text):
            self.add(*m.span("t"), "clock", m, m.span())
        self.items.sort(key=lambda x: x[0])

    def run(self) -> list[TimeExpr]:
        self.collect()
        read = {"abs": self.absolute, "rel": self.relative, "wd": self.weekday, "month": self.month,
                "season": self.season, "period": self.period}
        for s, e, kind, obj in self.items:
            if kind == "clock":
                continue
            r = read[kind](s, e, obj)
            if r is None:
                continue
            if kind in ("abs", "rel") and r.precision == "day" and r.part is None:
                m = self.pats.part_after.match(self.text, r.end)
                if m and not self.taken.overlaps(m.start("part"), m.end("part")):
                    r.part, r.end = words(self.lang, "part")[fold(m.group("part"))], m.end()
            if r.precision == "day" and r.part:
                r.timex = f"{r.value}T{r.part}"
            self.out.append(TimeExpr(self.text[s:r.end], s, r.end, r.value, r.precision, r.anchor, timex=r.timex))
        _clocks(self.text, self.lang, self.items, self.out, self.published)
        self.out.sort(key=lambda t: t.start)
        return self.out

    def absolute(self, s: int, e: int, obj) -> _Reading:
        f, night_from = obj
        published = self.published
        e, direction = _modifier_after(self.text, f.end, self.lang)
        r = _Reading(e, anchor="absolute")
        year = f.year
        if year is None and f.month and f.day:
            if published and f.weekday is None and (direction is not None or self.tense(s) > 0):
                # "le 20 mai dernier", "le 3 juillet prochain", "se tiendra le 3 juillet";
                # a weekday leaves the year to the calendar
                year = _year_towards(published, f.month, f.day, direction or 1, strict=direction is not None)
            else:
                year = infer_year(f.month, f.day, f.weekday, before=published) if published else self.last_year
            r.anchor = "published" if published else "previous"
        elif year is None and f.month:
            year, r.anchor = self.last_year, "previous"
        d = _day(year, f.month or 1, f.day or 1)
        if d:
            r.value, r.precision = iso(d, f.precision), f.precision
            self.last_year = year
            if f.year:
                # "since 2011", "depuis 2015" open a period that runs to now: no story year
                self.written_year = None if SINCE.search(self.text, max(0, s - 12), s) else (f.year, s)
            if f.precision == "day":
                if night_from:  # "la nuit du 3 au 4 juin" is dated by its first day
                    d = _first_night(d, night_from) or d
                    r.value, r.part = d.isoformat(), "NI"
                self.previous = d
        return r

    def relative(self, s: int, e: int, obj) -> _Reading | None:
        rel, m = obj
        published = self.published
        base = published if rel.anchor == "published" else self.previous
        if rel.anchor == "previous" and base is None and rel.amount == 0:
            base = published  # "le même jour" with nothing before it: the page's day
        r = _Reading(e, anchor=rel.anchor, part=rel.part)
        amount = rel.amount if rel.amount is not None else number_value(m.group("n"), self.lang)
        unit = rel.unit or unit_of(m.group("unit"))
        if not (base and amount is not None and unit):
            return r
        sign = rel.sign
        if sign > 0 and rel.anchor == "published" and rel.amount is None and self.tense(s) < 0:
            return None  # "advanced 10 km in two days": in a past clause, a length of time, not a date
        if rel.part == "NI" and amount == 0 and rel.anchor == "published" and self.tense(s) < 0:
            sign, amount = -1, 1  # "cette nuit, des frappes ont touché…": the night that just ended
        d = shift(base, sign, amount, unit)
        precision = rel.precision or {"week": "day"}.get(unit, unit)
        if precision == "week":
            thursday = d - timedelta(days=d.weekday()) + timedelta(days=3)
            iso_year, week, _ = d.isocalendar()
            r.value, r.precision, r.timex = iso(thursday, "month"), "month", f"{iso_year}-W{week:02d}"
        else:
            r.precision = precision if precision in ("day", "month", "year") else "day"
            r.value = iso(d, r.precision)
        if r.precision == "day" and (sign > 0 or rel.anchor == "published"):
            self.previous = d  # "la veille" looks back; the story stays put
        return r

    def weekday(self, s: int, e: int, m) -> _Reading:
        g = m.groupdict()
        wd = self.days[fold(m.group("wd"))]
        part = "NI" if m.re == self.pats.night else words(self.lang, "part").get(fold(g.get("part") or ""))
        r = _Reading(e, part=part)
        direction = direction_of(g.get("pre") or g.get("post"), self.lang)
        out, published = self.out, self.published
        glued = out[-1] if out and out[-1].value and out[-1].precision == "day" and 0 <= s - out[-1].end <= 2 else None
        if glued and date.fromisoformat(glued.value).weekday() == wd:  # "demain vendredi"
            r.value, r.precision, r.anchor = glued.value, "day", glued.anchor
        elif published:
            if direction is None:  # a bare weekday: back to the page's day, or forward with a future
                d = weekday_near(published, wd, 1 if self.tense(s) > 0 else 0)
            elif direction == 0:  # "ce lundi": this week's, on the side the verb looks to
                d = (weekday_near(published - timedelta(days=1), wd, 1) if self.tense(s) > 0
                     else weekday_near(published, wd, 0))
            else:
                d = weekday_near(published, wd, direction)
            r.value, r.precision = d.isoformat(), "day"
            self.previous = d
        return r

    def month(self, s: int, e: int, m) -> _Reading:
        month = _month_number(m.group("m"), self.lang)
        direction = direction_of(m.group("pre") or m.group("post"), self.lang)
        published, r, year = self.published, _Reading(e), None
        if direction is None and _story_year(self.text, self.written_year, s, published):
            year, r.anchor = self.written_year[0], "previous"  # "En 2010, … en juillet"
        elif published and direction is None:  # the verb says which July: the coming or the last one
            t, y = self.tense(s), published.year
            year = y + 1 if t > 0 and month < published.month else y - 1 if t < 0 and month > published.month else y
        elif published:
            year = month_near(published, month, direction)
        if year:
            r.value, r.precision = f"{year}-{month:02d}", "month"
        return r

    def season(self, s: int, e: int, m) -> _Reading:
        g = m.groupdict()
        code = words(self.lang, "season")[fold(m.group("s"))]
        direction = direction_of(g.get("pre") or g.get("post"), self.lang)
        published = self.published
        r = _Reading(e, anchor="absolute" if m.group("y") else "published")
        year = int(m.group("y")) if m.group("y") else None
        if year is None and direction is None and _story_year(self.text, self.written_year, s, published):
            year, r.anchor = self.written_year[0], "previous"
        elif year is None and published:
            t = self.tense(s) if direction is None else direction
            year = season_near(published, code, t) if direction is not None else _season_this(published, code, t)
        if year:
            r.value, r.precision, r.timex = str(year), "year", f"{year}-{code}"
        return r

    def period(self, s: int, e: int, m) -> _Reading:
        """"au premier trimestre 2005", "the second half": a quarter or half of a year."""
        n, letter = int(words(self.lang, "ordinal")[fold(m.group("o"))]), words(self.lang, "period")[fold(m.group("p"))]
        r = _Reading(e, anchor="absolute" if m.group("y") else "published")
        year = int(m.group("y")) if m.group("y") else None
        if year is None and self.published:
            now = (self.published.month - 1) // (3 if letter == "Q" else 6) + 1
            t, year = self.tense(s), self.published.year
            year += -1 if t < 0 and n > now else 1 if t > 0 and n < now else 0
        if year and n <= (4 if letter == "Q" else 2):
            r.value, r.precision, r.timex = str(year), "year", f"{year}-{letter}{n}"
        return r


def _clocks(text: str, lang: str, items, out: list[TimeExpr], published: date | None) -> None:
    """A clock time takes the day named next to it in its sentence ("mardi vers 18 h",
    "at 3 p.m. Tuesday"), else the last day the text gave before it, else the page's. A
    morning hour in a night dated by its first day falls on the day after."""
    days = [t for t in out if t.precision == "day" and t.value]
    for s, e, kind, m in items:
        if kind != "clock":
            continue
        hhmm = clock_value(m, lang)
        near = [t for t in days if (0 <= s - t.end <= 25 and not any(c in text[t.end:s] for c in ".;!?\n"))
                or (0 <= t.start - e <= 25 and not any(c in text[e:t.start] for c in ".;!?\n"))]
        before = [t for t in days if t.end <= s]
        if near:
            day, anchor = near[0].value, near[0].anchor
            if (near[0].timex or "").endswith("TNI") and hhmm and hhmm < "12":  # "dans la nuit de
                day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()  # lundi à mardi, vers 3 h"
        elif before:
            day, anchor = before[-1].value, "previous"
        elif published:
            day, anchor = published.isoformat(), "published"
        else:
            day, anchor = None, "previous"
        out.append(TimeExpr(text[s:e], s, e, day, "day" if day else None, anchor,
                            timex=f"{day}T{hhmm}" if day and hhmm else None))


def _month_number(word: str, lang: str) -> int:
    months, _ = names(lang)
    return months.get(fold(word)) or months[word.lower()]


def _stands(m, kind: str, lang: str) -> bool:
    """A month or season named alone is one only with a word that makes it one: "en juillet",
    "juillet dernier", "l'été", "cet été"; an English month is written with a capital."""
    g = m.groupdict()
    if kind in ("wd", "period"):
        return True
    if kind == "month" and lang == "en" and not m.group("m")[0].isupper():
        return False
    return any(g.get(k) for k in ("lead", "pre", "post", "mod", "mod2", "art"))


def _modifier_after(text: str, end: int, lang: str) -> tuple[int, int | None]:
    """'le 20 mai dernier', 'le 3 juillet prochain': the end past the modifier and its direction."""
    _, after = modifiers(lang)
    rest = text[end:end + 20]
    for word in sorted(after, key=len, reverse=True):
        stripped = rest.lstrip()
        if fold(stripped[:len(word)]) == word and not stripped[len(word):len(word) + 1].isalnum() \
                and len(rest) - len(stripped) <= 2:
            if after[word] != 0:
                return end + (len(rest) - len(stripped)) + len(word), after[word]
    return end, None


def _year_towards(published: date, month: int, day: int, direction: int, strict: bool = True) -> int:
    """The year of a day and month that lies after (+1) or before (-1) the publication day
    (or on it, when not ``strict``)."""
    for k in range(9):  # nine years reach the next 29 February
        y = published.year + (k if direction > 0 else -k)
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d == published and not strict or ((d > published) if direction > 0 else (d < published)):
            return y
    return published.year


def _season_this(published: date, code: str, tense: int) -> int:
    """The year of "cet été", "au printemps" without a modifier: this year's, except a winter,
    which is the one just past or the one to come, as the verb says."""
    if code != "WI":
        return season_near(published, code, 0) if published.month != 12 else published.year
    if published.month in (12, 1, 2):
        return published.year + (1 if published.month == 12 else 0)
    return published.year + 1 if tense > 0 or (tense == 0 and published.month >= 9) else published.year


def _story_year(text: str, written: tuple[int, int] | None, at: int, published: date | None) -> bool:
    """Whether a year the paragraph wrote out (not the page's own) dates what it names next: in
    its sentence or the next one (a story told on past a second full stop is back in its own time:
    "… in 2015. Nearly five years later, forces still struggle. A deadly January attack …")."""
    return (bool(written) and at - written[1] <= STORY_YEAR_REACH and "\n\n" not in text[written[1]:at]
            and len(SENTENCE_END.findall(text, written[1], at)) <= 1
            and (published is None or written[0] != published.year))


def _day(year: int | None, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if year else None
    except ValueError:  # 29 February of a common year
        return None


def _first_night(last: date, day: int) -> date | None:
    """The first day of "la nuit du 3 au 4 juin" (or "du 31 mai au 1er juin")."""
    if day < last.day:
        return _day(last.year, last.month, day)
    before = last.replace(day=1) - timedelta(days=1)
    return _day(before.year, before.month, day)


def tense_reader(doc: Document, segment: str) -> Tense:
    """The direction of the clause at an offset, from the parse the nlp stage left."""
    parsed = doc.work.get("parsed", {}).get(segment, [])
    starts = [o for o, _ in parsed]
    lang = doc.work.get("nlp_lang", doc.language or "fr")

    def tense(offset: int) -> int:
        k = bisect_right(starts, offset) - 1
        if k < 0:
            return 0
        o, sdoc = parsed[k]
        span = sdoc.char_span(offset - o, offset - o + 1, alignment_mode="expand")
        return tenses.direction(span[0], lang) if span is not None and len(span) else 0

    return tense


def dates(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    pub = date.fromisoformat(doc.published) if doc.published else None
    doc.dates = resolve(doc.text, lang, pub, tense_reader(doc, "body"))
    for t in resolve(doc.captions, lang, pub, tense_reader(doc, "caption")) if doc.captions else []:
        t.segment = "caption"
        doc.dates.append(t)
    return doc


STAGE = Stage("dates", dates, requires=("text", "published", "language", "parsed"), provides=("dates",))
