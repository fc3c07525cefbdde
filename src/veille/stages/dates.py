"""dates: temporal expressions → ISO dates with a precision (day, month, year).

Absolute dates are read with CLDR month and weekday names; a date without a year takes
its year from the publication date (or the last year the text gave). Relative
expressions from ``kb/time_relative.tsv`` resolve against the publication date
("hier", "il y a trois ans") or the last date the text gave ("la veille",
"dix jours plus tard"). What has no anchor stays unresolved (value null).
"""
from __future__ import annotations

from datetime import date, timedelta

from veille.lexicon import Spans
from veille.model import Document, TimeExpr
from veille.pipeline import Context, Stage
from veille.timeparse import (bare_weekdays, find_absolute, infer_year, iso, number_value, relative_patterns,
                              shift, unit_of)


def resolve(text: str, lang: str, published: date | None) -> list[TimeExpr]:
    items: list[tuple[int, int, str, object]] = []
    for f in find_absolute(text, lang):
        items.append((f.start, f.end, "abs", f))
    taken = Spans((s, e) for s, e, _, _ in items)
    for rel in relative_patterns(lang):
        for m in rel.pattern.finditer(text):
            if not taken.overlaps(m.start(), m.end()):
                items.append((m.start(), m.end(), "rel", (rel, m)))
                taken.add(m.start(), m.end())
    for m, wd in bare_weekdays(text, lang):
        if not taken.overlaps(m.start(), m.end()):
            items.append((m.start(), m.end(), "wd", wd))
    items.sort(key=lambda x: x[0])

    out: list[TimeExpr] = []
    previous: date | None = None  # "dix jours plus tard" needs a date the text gave, not the page's
    last_year = published.year if published else None
    for s, e, kind, obj in items:
        value, precision, anchor = None, None, "absolute"
        if kind == "abs":
            f = obj
            year = f.year
            if year is None and f.month and f.day:
                year = infer_year(f.month, f.day, f.weekday, before=published) if published else last_year
                anchor = "published" if published else "previous"
            elif year is None and f.month:
                year = last_year
                anchor = "previous"
            if year:
                d = date(year, f.month or 1, f.day or 1)
                value, precision = iso(d, f.precision), f.precision
                last_year = year
                if f.precision == "day":
                    previous = d
        elif kind == "rel":
            rel, m = obj
            base = published if rel.anchor == "published" else previous
            if rel.anchor == "previous" and base is None and rel.amount == 0:
                base = published  # "le même jour" with nothing before it: the page's day
            anchor = rel.anchor
            amount = rel.amount if rel.amount is not None else number_value(m.group("n"), lang)
            unit = rel.unit or unit_of(m.group("unit"))
            if base and amount is not None and unit:
                d = shift(base, rel.sign, amount, unit)
                precision = rel.precision or {"week": "day"}.get(unit, unit)
                precision = precision if precision in ("day", "month", "year") else "day"
                value = iso(d, precision)
                if precision == "day" and rel.sign > 0:  # "la veille" looks back; the story stays put
                    previous = d
        else:  # bare weekday: the nearest such day before publication, or the day a
            # relative word just gave ("demain vendredi")
            anchor = "published"
            glued = out[-1] if out and out[-1].value and out[-1].precision == "day" and 0 <= s - out[-1].end <= 2 else None
            if glued and date.fromisoformat(glued.value).weekday() == obj:
                value, precision, anchor = glued.value, "day", glued.anchor
            elif published:
                d = published - timedelta(days=(published.weekday() - obj) % 7)
                value, precision = d.isoformat(), "day"
                previous = d
        out.append(TimeExpr(text[s:e], s, e, value, precision, anchor))
    return out


def dates(doc: Document, ctx: Context) -> Document:
    lang = doc.language if doc.language in ("fr", "en") else "fr"
    pub = date.fromisoformat(doc.published) if doc.published else None
    doc.dates = resolve(doc.text, lang, pub)
    for t in resolve(doc.captions, lang, pub) if doc.captions else []:
        t.segment = "caption"
        doc.dates.append(t)
    return doc


STAGE = Stage("dates", dates, requires=("text", "published", "language"), provides=("dates",))
