"""meta: title, publication date, author and site, each with where it came from.

Sources, most trusted first: what a feed gave (JSONL fields), the HTML page's metadata
(through trafilatura), the header lines of a text dump (title line, date line, byline),
and last the lead paragraph: a weekday with a day and month and no year ("mardi 19
septembre") dates the page when the calendar and the years written elsewhere in the
text allow only one year. No basis gives null — never today's date.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from veille.model import Document, Dropped
from veille.pipeline import Context, Stage
from veille.stages.clean import TERMINAL, is_signature, words
from veille.timeparse import bare_weekdays, find_absolute, infer_year

BYLINE = re.compile(r"^(?:par|by|de|from)\s+(?P<who>[A-ZÀ-Ý][\w'’.-]+(?:\s+[A-ZÀ-Ý][\w'’.-]+){0,3})\s*$", re.I)


def meta(doc: Document, ctx: Context) -> Document:
    hints = dict(doc.work.get("html_meta", {}))
    hints.update({k: v for k, v in doc.hints.items() if v})
    header = doc.work.get("header", [])
    dated_lines: set[int] = set()

    published, origin = _normalise_date(hints.get("published") or hints.get("date")), "page metadata"
    if not published:
        for n, line in header:
            d = _date_line(line)
            if d:
                published, origin = d, f"date line {n}: {line!r}"
                dated_lines.add(n)
                break
    if not published:
        published, origin = _dateline(doc.text)
    if not published:
        published, origin = _from_lead(doc.text)
    doc.published = published
    doc.published_from = origin if published else None

    title = hints.get("title")
    rest = [(n, l) for n, l in header if n not in dated_lines]
    if not title:
        for i, (n, line) in enumerate(rest):
            if BYLINE.match(line) or _date_line(line) or len(line) > 300:
                continue
            title = line.strip()
            rest = rest[i + 1:]
            break
    doc.title = title or None
    for n, line in header:
        role = ("title" if line.strip() == doc.title else "date line" if n in dated_lines else "header line")
        doc.dropped.append(Dropped(n, line, f"page header ({role})"))
    for n, line in rest:
        m = BYLINE.match(line)
        if m and not doc.author:
            doc.author = m.group("who")
        elif not doc.site and len(words(line)) <= 8 and not line.endswith(TERMINAL) and not _date_line(line):
            doc.site = line.strip()
    doc.author = hints.get("author") or doc.author
    doc.site = hints.get("sitename") or hints.get("site") or doc.site
    return doc


def _normalise_date(value) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    if m:
        return m.group(0)
    found = [f for f in find_absolute(str(value), "en") + find_absolute(str(value), "fr") if f.day and f.year]
    return date(found[0].year, found[0].month, found[0].day).isoformat() if found else None


def _date_line(line: str) -> str | None:
    """A short header line that holds a full date (day, month and year)."""
    if len(line) > 80:
        return None
    for lang in ("fr", "en"):
        for f in find_absolute(line, lang):
            if f.day and f.month and f.year:
                return date(f.year, f.month, f.day).isoformat()
    return None


# what may stand before a dateline's date: a place in capitals or not, with its region or
# country ("PARIS,", "KYIV, Ukraine,", "Goma (RDC),"), then the weekday the date carries
DATELINE_PLACE = re.compile(r"(?:[^\W\d_][\w'’.-]*(?:[ -][\w'’.-]+){0,3}(?:\s*\([^()\n]{1,30}\))?\s*,\s*){0,2}")
# what follows it: an agency in brackets, then a dash, a colon or a full stop and dash
# ("22 juin 2012. - ", "22 juin (AFP) -", "June 3 (Reuters) —"), or the end of the line
DATELINE_END = re.compile(r"\s*(?:\([^()\n]{1,40}\)\s*)?(?:[.,]?\s*[-–—:|]|\s*$)", re.M)


def _dateline(text: str) -> tuple[str | None, str | None]:
    """The date that opens the article's first paragraph, before its first sentence.

    A dateline without a year takes it from the calendar when it names the weekday, else
    from the latest year the text writes out; with no year anywhere it dates nothing.
    """
    head = text.lstrip()[:160]
    for lang in ("fr", "en"):
        for f in find_absolute(head, lang):
            if not (f.day and f.month):
                continue
            if not DATELINE_PLACE.fullmatch(head[:f.start]) or not DATELINE_END.match(head, f.end):
                break
            how = f"dateline: {f.text!r}"
            year = f.year
            if year is None:
                years = [g.year for g in find_absolute(text, lang) if g.year and g.year <= date.today().year]
                if not years:
                    break
                if f.weekday is not None:
                    year = infer_year(f.month, f.day, f.weekday, after_year=max(years), latest=date.today())
                    how += ", year from the calendar"
                else:
                    year, how = max(years), how + ", year from the text"
            day = _day(year, f.month, f.day)
            if day and day <= date.today():
                return day.isoformat(), how
            break
    return None, None


def _day(year: int | None, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if year else None
    except ValueError:  # 29 February of a common year
        return None


def _from_lead(text: str) -> tuple[str | None, str | None]:
    """Date the page by a weekday + day + month without year in its first paragraphs.

    The year is the first one, from the latest year the text writes out, whose calendar
    puts that day on that weekday. A weekday named alone later in the text ("un
    communiqué publié mercredi") that falls within the next six days moves the date to
    that day: the page cannot be older than what it reports.
    """
    lead = "\n\n".join(text.split("\n\n")[:3])
    for lang in ("fr", "en"):
        years = [f.year for f in find_absolute(text, lang) if f.year]
        if not years:
            continue
        for f in find_absolute(lead, lang):
            if f.weekday is None or not f.day or not f.month or f.year is not None:
                continue
            y = infer_year(f.month, f.day, f.weekday, after_year=max(years), latest=date.today())
            if not y:
                continue
            anchor = date(y, f.month, f.day)
            how = f"lead: {f.text!r}, year from the calendar"
            later = [(anchor + timedelta(days=(wd - anchor.weekday()) % 7), m.group(1))
                     for m, wd in bare_weekdays(text, lang)]
            later = [(d, w) for d, w in later if d > anchor and d <= date.today()]
            if later:
                last, word = max(later)
                return last.isoformat(), how + f"; the text reports {word!r} after it"
            return anchor.isoformat(), how
    return None, None


STAGE = Stage("meta", meta, requires=("text",), provides=("title", "published", "author", "site"))
