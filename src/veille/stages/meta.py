"""meta: title, publication date, author and site, each with where it came from.

Sources, most trusted first: what a feed gave (JSONL fields), the HTML page's metadata
(through trafilatura), the header lines of a text dump (title line, date line, byline),
and last the lead paragraph: a weekday with a day and month and no year ("mardi 19
septembre") dates the page when the calendar and the years written elsewhere in the
text allow only one year. No basis gives null — never today's date.
"""
from __future__ import annotations

import re
from datetime import date

from veille.model import Document
from veille.pipeline import Context, Stage
from veille.stages.clean import TERMINAL, is_signature, words
from veille.timeparse import find_absolute, infer_year

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


def _from_lead(text: str) -> tuple[str | None, str | None]:
    """Date the page by a weekday + day + month without year in its first paragraphs."""
    lead = "\n\n".join(text.split("\n\n")[:3])
    years = [f.year for lang in ("fr", "en") for f in find_absolute(text, lang) if f.year]
    if not years:
        return None, None
    for lang in ("fr", "en"):
        for f in find_absolute(lead, lang):
            if f.weekday is not None and f.day and f.month and f.year is None:
                y = infer_year(f.month, f.day, f.weekday, after_year=max(years), latest=date.today())
                if y:
                    return date(y, f.month, f.day).isoformat(), f"lead: {f.text!r}, year from the calendar"
    return None, None


STAGE = Stage("meta", meta, requires=("text",), provides=("title", "published", "author", "site"))
