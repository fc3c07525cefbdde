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
from datetime import date, timedelta
from typing import Callable

from veille.lexicon import Spans, fold
from veille.model import Document, TimeExpr
from veille.pipeline import Context, Stage
from veille.timeparse import find_absolute, infer_year, iso, number_value, relative_patterns, shift, unit_of
from veille.timewords import (clock_value, direction_of, month_near, patterns, season_near, weekday_near, words)
from veille.coding import tense as tenses

# "la nuit du 3 au 4 juin", "the night of 3 to 4 June": what stands before the second day
NIGHT_OF_DAYS = re.compile(r"(?<!\w)(?:la\s+nuit\s+du|the\s+night\s+of)\s+(?P<d>[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
                           r"(?:\s+\w+\.?)?\s+(?:au|to|and)\s+$", re.I)
Tense = Callable[[int], int]  # a character offset → +1 its clause points forward, -1 back, 0 unknown


def resolve(text: str, lang: str, published: date | None, tense: Tense | None = None) -> list[TimeExpr]:
    tense = tense or (lambda _: 0)
    pats = patterns(lang)
    _, days = _names(lang)
    items: list[tuple[int, int, str, object]] = []
    taken = Spans()

    def add(s: int, e: int, kind: str, obj, whole: tuple[int, int] | None = None) -> None:
        """``whole``: what the match covers, with the preposition kept out of the expression."""
        ws, we = whole or (s, e)
        if not taken.overlaps(ws, we):
            items.append((s, e, kind, obj))
            taken.add(ws, we)

    for kind, pat in (("season", pats.season), ("period", pats.period)):  # "au printemps 2011": before its year
        for m in pat.finditer(text):
            if m.group("y") and _stands(m, kind, lang):
                add(*m.span("t"), kind, m, m.span())
    found = find_absolute(text, lang, pivot=published.year if published else None)
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
            add(night.start() if night else f.start, f.end, "abs", (f, int(night.group("d")) if night else None))
    for m in pats.night.finditer(text):
        add(*m.span("t"), "wd", m, m.span())
    for rel in relative_patterns(lang):
        for m in rel.pattern.finditer(text):
            add(m.start(), m.end(), "rel", (rel, m))
    for kind, pat in (("period", pats.period), ("wd", pats.weekday), ("season", pats.season), ("month", pats.month)):
        for m in pat.finditer(text):
            if _stands(m, kind, lang):
                add(*m.span("t"), kind, m, m.span())
    for m in pats.clock.finditer(text):
        add(*m.span("t"), "clock", m, m.span())
    items.sort(key=lambda x: x[0])

    out: list[TimeExpr] = []
    previous: date | None = None  # "dix jours plus tard" needs a date the text gave, not the page's
    last_year = published.year if published else None
    written_year: tuple[int, int] | None = None  # (year, offset) of the last year the text wrote out
    for s, e, kind, obj in items:
        value, precision, anchor, timex, part = None, None, "absolute", None, None
        if kind == "abs":
            f, night_from = obj
            year, e, direction = f.year, *_modifier_after(text, f.end, lang)
            if year is None and f.month and f.day:
                if published and f.weekday is None and (direction is not None or tense(s) > 0):
                    # "le 20 mai dernier", "le 3 juillet prochain", "se tiendra le 3 juillet";
                    # a weekday leaves the year to the calendar
                    year = _year_towards(published, f.month, f.day, direction or 1, strict=direction is not None)
                else:
                    year = infer_year(f.month, f.day, f.weekday, before=published) if published else last_year
                anchor = "published" if published else "previous"
            elif year is None and f.month:
                year = last_year
                anchor = "previous"
            d = _day(year, f.month or 1, f.day or 1)
            if d:
                value, precision = iso(d, f.precision), f.precision
                last_year = year
                if f.year:
                    written_year = (f.year, s)
                if f.precision == "day":
                    if night_from:  # "la nuit du 3 au 4 juin" is dated by its first day
                        d = _first_night(d, night_from) or d
                        value, part = d.isoformat(), "NI"
                    previous = d
        elif kind == "rel":
            rel, m = obj
            base = published if rel.anchor == "published" else previous
            if rel.anchor == "previous" and base is None and rel.amount == 0:
                base = published  # "le même jour" with nothing before it: the page's day
            anchor = rel.anchor
            amount = rel.amount if rel.amount is not None else number_value(m.group("n"), lang)
            unit = rel.unit or unit_of(m.group("unit"))
            part = rel.part
            if base and amount is not None and unit:
                sign = rel.sign
                if part == "NI" and amount == 0 and rel.anchor == "published" and tense(s) < 0:
                    sign, amount = -1, 1  # "cette nuit, des frappes ont touché…": the night that just ended
                d = shift(base, sign, amount, unit)
                precision = rel.precision or {"week": "day"}.get(unit, unit)
                if precision == "week":
                    thursday = d - timedelta(days=d.weekday()) + timedelta(days=3)
                    iso_year, week, _ = d.isocalendar()
                    value, precision, timex = iso(thursday, "month"), "month", f"{iso_year}-W{week:02d}"
                else:
                    precision = precision if precision in ("day", "month", "year") else "day"
                    value = iso(d, precision)
                if precision == "day" and (sign > 0 or rel.anchor == "published"):
                    previous = d  # "la veille" looks back; the story stays put
        elif kind == "wd":
            m = obj
            wd = days[fold(m.group("wd"))]
            part = "NI" if m.re == pats.night else words(lang, "part").get(fold(m.groupdict().get("part") or ""))
            direction = direction_of(m.groupdict().get("pre") or m.groupdict().get("post"), lang)
            glued = out[-1] if out and out[-1].value and out[-1].precision == "day" and 0 <= s - out[-1].end <= 2 else None
            anchor = "published"
            if glued and date.fromisoformat(glued.value).weekday() == wd:  # "demain vendredi"
                value, precision, anchor = glued.value, "day", glued.anchor
            elif published:
                if direction is None:  # a bare weekday: back to the page's day, or forward with a future
                    d = weekday_near(published, wd, 1 if tense(s) > 0 else 0)
                elif direction == 0:  # "ce lundi": this week's, on the side the verb looks to
                    d = (weekday_near(published - timedelta(days=1), wd, 1) if tense(s) > 0
                         else weekday_near(published, wd, 0))
                else:
                    d = weekday_near(published, wd, direction)
                value, precision = d.isoformat(), "day"
                previous = d
        elif kind == "month":
            m = obj
            month = _month_number(m.group("m"), lang)
            direction = direction_of(m.group("pre") or m.group("post"), lang)
            year, anchor = None, "published"
            if direction is None and _story_year(text, written_year, s, published):
                year, anchor = written_year[0], "previous"  # "En 2010, … en juillet"
            elif published and direction is None:  # the verb says which July: the coming or the last one
                t, y = tense(s), published.year
                year = y + 1 if t > 0 and month < published.month else y - 1 if t < 0 and month > published.month else y
            elif published:
                year = month_near(published, month, direction)
            if year:
                value, precision = f"{year}-{month:02d}", "month"
        elif kind == "season":
            m = obj
            code = words(lang, "season")[fold(m.group("s"))]
            direction = direction_of(m.groupdict().get("pre") or m.groupdict().get("post"), lang)
            year, anchor = (int(m.group("y")), "absolute") if m.group("y") else (None, "published")
            if year is None and direction is None and _story_year(text, written_year, s, published):
                year, anchor = written_year[0], "previous"
            elif year is None and published:
                t = tense(s) if direction is None else direction
                year = season_near(published, code, t) if direction is not None else _season_this(published, code, t)
            if year:
                value, precision, timex = str(year), "year", f"{year}-{code}"
        elif kind == "period":  # "au premier trimestre 2005", "the second half"
            m = obj
            n, letter = int(words(lang, "ordinal")[fold(m.group("o"))]), words(lang, "period")[fold(m.group("p"))]
            year, anchor = (int(m.group("y")), "absolute") if m.group("y") else (None, "published")
            if year is None and published:
                now = (published.month - 1) // (3 if letter == "Q" else 6) + 1
                t, year = tense(s), published.year
                year += -1 if t < 0 and n > now else 1 if t > 0 and n < now else 0
            if year and n <= (4 if letter == "Q" else 2):
                value, precision, timex = str(year), "year", f"{year}-{letter}{n}"
        if kind in ("abs", "rel") and precision == "day" and part is None:
            m = pats.part_after.match(text, e)
            if m and not taken.overlaps(m.start("part"), m.end("part")):
                part, e = words(lang, "part")[fold(m.group("part"))], m.end()
        if kind == "clock":
            continue
        if precision == "day" and part:
            timex = f"{value}T{part}"
        out.append(TimeExpr(text[s:e], s, e, value, precision, anchor, timex=timex))
    _clocks(text, lang, items, out, published)
    out.sort(key=lambda t: t.start)
    return out


def _clocks(text: str, lang: str, items, out: list[TimeExpr], published: date | None) -> None:
    """A clock time takes the day named next to it in its sentence ("mardi vers 18 h",
    "at 3 p.m. Tuesday"), else the last day the text gave before it, else the page's."""
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
        elif before:
            day, anchor = before[-1].value, "previous"
        elif published:
            day, anchor = published.isoformat(), "published"
        else:
            day, anchor = None, "previous"
        out.append(TimeExpr(text[s:e], s, e, day, "day" if day else None, anchor,
                            timex=f"{day}T{hhmm}" if day and hhmm else None))


def _names(lang: str):
    from veille.timeparse import names

    return names(lang)


def _month_number(word: str, lang: str) -> int:
    months, _ = _names(lang)
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
    from veille.timewords import modifiers

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
    """Whether a year the paragraph wrote out (not the page's own) dates what it names next."""
    return bool(written) and "\n\n" not in text[written[1]:at] and (published is None or written[0] != published.year)


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
