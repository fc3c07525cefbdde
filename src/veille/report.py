"""Briefings: what happened in a period (and a country, an actor or around a point), as one
self-contained HTML file and a PDF of the same content.

``build`` gathers the briefing from the library (the desk's queries on ``Veille``: ``events``,
``cluster_index``, ``cluster_list``, ``compare``, ``timeline``, ``event_map``, ``show``); ``html``
and ``report_pdf.write`` render it. The images (a map over Natural Earth's borders, the reports
per day by type) are PNGs drawn by ``report_images``, embedded in the HTML as data: URIs. Every
string that comes from a page is escaped: the HTML runs no script.

Memory is bounded: at most ``MAX_EVENTS`` reports are read, ``MAX_ITEMS`` events listed,
``MAX_POINTS`` drawn and ``MAX_PAGES`` pages with warnings listed (pages are read one at a time
and only their warnings kept); the briefing says when it shows fewer than it found.
"""
from __future__ import annotations

import base64
import calendar
import html as _html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlparse

from veille.errors import NotFoundError, QueryError, VeilleError
from veille.export import country_name, doc_name
from veille.query import EventQuery

MAX_EVENTS = 20_000  # events read from the store for one briefing
MAX_ITEMS = 25  # events (clusters first) listed with their sources
MAX_REPORTS = 12  # reports shown for one event
MAX_PAGES = 30  # pages with warnings listed
MAX_WORDS = 8  # words or lines cited for one warning
MAX_CHARS = 700  # a sentence or a cited line is cut beyond this
MAX_CONTRADICTIONS = 30  # for one event
MAX_POINTS = 5000  # located reports drawn on the map
USER_ASSIGNED = ("XK",)  # Kosovo: places carry it (kb/country_centroids.tsv), ISO 3166-1 does not


class OutputError(VeilleError):
    """A briefing's file cannot be written where it was asked."""


@dataclass
class Briefing:
    """What a briefing says, as plain data: the renderers only lay it out."""

    since: str
    until: str
    filters: dict[str, str]  # country, actor, near: as given, for the header
    generated: str
    version: str
    reports: int = 0  # events found, each document's report counted
    events: int = 0  # the same, an event several pages tell counted once
    located: int = 0
    capped: bool = False  # more than MAX_EVENTS matched: only the newest were read
    items: list[dict] = field(default_factory=list)  # the top events, clusters first
    items_total: int = 0
    clusters: int = 0  # events told by several pages
    points: list[dict] = field(default_factory=list)  # lat, lon, type, sources, place
    days: dict[str, Counter] = field(default_factory=dict)  # YYYY-MM-DD -> reports by type (Veille.timeline)
    coarse: int = 0  # reports known to a month or a year only
    undated: int = 0
    points_capped: bool = False
    pages: list[dict] = field(default_factory=list)  # pages with warnings
    pages_with_events: int = 0
    pages_warned: int = 0


def check(since: str, until: str, country: str | None = None, actor: str | None = None, near=None) -> EventQuery:
    """The filters, checked as ``veille events`` checks them, plus what a briefing needs: a
    period that does not end before it starts and a country that exists."""
    if not since or not until:
        raise QueryError("a briefing needs a period: give --since and --until (YYYY, YYYY-MM or YYYY-MM-DD)")
    query = EventQuery(since=since, until=until, country=country, actor=actor, near=near)
    if _first_day(since) > _last_day(until):
        raise QueryError(f"--since {since} is after --until {until}")
    if query.country and country_name(query.country) == query.country and query.country not in USER_ASSIGNED:
        raise QueryError(f"{query.country}: no such country (an ISO 3166-1 alpha-2 code, e.g. UA)")
    return query


def _first_day(value: str) -> str:
    return (value + "-01-01")[:10] if len(value) < 10 else value


def _last_day(value: str) -> str:
    if len(value) == 4:
        return f"{value}-12-31"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return value


def build(v, since: str, until: str, country: str | None = None, actor: str | None = None, near=None,
          now: datetime | None = None) -> Briefing:
    """Gather a briefing from the library (the desk's queries: ``Veille.events``, ``cluster_index``,
    ``cluster_list``, ``compare``, ``timeline``, ``event_map``, ``show``). Raises QueryError on a
    filter it cannot read."""
    from importlib.metadata import version

    query = check(since, until, country, actor, near)
    filters = {"since": since, "until": until, "country": country, "actor": actor, "near": near}
    shown = {k: str(val) for k, val in (("country", query.country), ("actor", query.actor), ("near", near)) if val}
    b = Briefing(since=since, until=until, filters=shown, version=version("veille"),
                 generated=(now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"))
    hits = v.events(limit=MAX_EVENTS + 1, **filters)
    b.capped = len(hits) > MAX_EVENTS
    hits = hits[:MAX_EVENTS]
    b.reports = len(hits)
    if not hits:
        return b
    index = v.cluster_index()
    groups: dict[str, list] = {}  # cluster id (e-<doc_id>:<n> for an event told once) -> its hits
    for h in hits:
        groups.setdefault(index.of(h.doc_id, h.n)[0] or f"e-{h.doc_id}:{h.n}", []).append(h)
    b.events = len(groups)
    clustered = v.cluster_list(limit=MAX_ITEMS, **filters)
    b.clusters = clustered["total"]
    chosen = [c["id"] for c in clustered["items"]]
    chosen += [k for k in groups if k.startswith("e-")][:MAX_ITEMS - len(chosen)]
    b.items_total = b.clusters + sum(1 for k in groups if k.startswith("e-"))
    places = {f"{h.doc_id}:{h.n}": h.event.place for h in hits}
    b.items = [_item(compared, places) for compared in _compared(v, chosen)]
    _timeline(b, v.timeline(**filters))
    _points(b, v.event_map(limit=MAX_POINTS, **filters))
    _pages(b, v, dict.fromkeys(h.doc_id for h in hits))
    return b


def _compared(v, cluster_ids: list[str]):
    """Each cluster side by side; one that an ingest running meanwhile has just redrawn is left out."""
    for cluster_id in cluster_ids:
        try:
            yield v.compare(cluster_id)
        except NotFoundError:
            continue


def _timeline(b: Briefing, timeline: dict) -> None:
    b.days = {d["date"]: Counter(d["counts"]) for d in timeline["days"]}
    b.coarse = sum(timeline["coarse"].values())
    b.undated = timeline["undated"]


def _points(b: Briefing, geojson: dict) -> None:
    """One point per event: the first located report of a cluster stands for it."""
    seen = set()
    for f in geojson["features"]:
        p = f["properties"]
        if p["cluster"] in seen:
            continue
        if p["cluster"]:
            seen.add(p["cluster"])
        lon, lat = f["geometry"]["coordinates"]
        b.points.append({"lat": float(lat), "lon": float(lon), "type": p["type"], "sources": p["sources"],
                         "place": p["place"] or ""})
    b.located = len(b.points)
    b.points_capped = geojson["total"] > len(geojson["features"])


def _place(place: dict | None) -> str | None:
    if not place:
        return None
    name, cc = place.get("name") or "", place.get("country")
    return f"{name} ({cc})" if cc and name else name or cc


def cut(text, limit: int = MAX_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _item(compared: dict, places: dict) -> dict:
    """A cluster as ``Veille.compare`` gives it, cut to what the briefing shows."""
    reports = compared["reports"][:MAX_REPORTS]
    number = {r["event_id"]: i for i, r in enumerate(reports, 1)}
    return {"type": compared["type"], "mode": compared["mode"], "source": list(compared["source"]),
            "target": list(compared["target"]), "date": compared["date"], "place": _place(compared["place"]),
            "sources": compared["independent_sources"], "count": len(compared["reports"]),
            "reports": [_report(r, places.get(r["event_id"])) for r in reports],
            "figures": {k: [(number[f["event_id"]], f["value"]) for f in vals if f["event_id"] in number]
                        for k, vals in compared["figures"].items()},
            "contradictions": [_contradiction(c) for c in compared["contradictions"][:MAX_CONTRADICTIONS]]}


def _report(r: dict, place: dict | None) -> dict:
    """One source's account of an event: its sentence, page, date, figures and stance."""
    doc = r["doc"]
    host = _host(doc["url"])
    return {"doc": doc["name"], "title": cut(doc["title"], 200), "url": doc["url"],
            "site": doc["site"] or host or doc["name"],
            "published": doc["published"], "evidence": cut(r["evidence"]), "date": r["date"],
            "place": _place(place),
            "quantities": {k: val for k, val in (r["quantities"] or {}).items() if isinstance(val, (int, float))},
            "attributed_to": r["attributed_to"], "modality": r["modality"], "warnings": list(r["warnings"])}


def _host(url: str | None) -> str | None:
    try:
        return urlparse(url).hostname if url else None
    except ValueError:  # a malformed address: the page's name will do
        return None


def _contradiction(c: dict) -> dict:
    return {"note": cut(c["note"], 300), "a": {"doc": c["a"]["doc"], "evidence": cut(c["a"]["evidence"])},
            "b": {"doc": c["b"]["doc"], "evidence": cut(c["b"]["evidence"])}}


def _warnings(doc) -> list[dict]:
    """A page's signals that warn: all but its genre when that is plain news."""
    return [s for s in doc.signals if not (s.get("kind") == "genre" and s.get("value") in ("news", None))]


def _words(signal: dict) -> list[str]:
    return [cut(w.get("text") if isinstance(w, dict) else w, 240) for w in signal.get("evidence") or []][:MAX_WORDS]


def _note(signal: dict) -> str:
    """What the signal says beyond the words it cites: why a title looks like a headline, a genre."""
    why = signal.get("why")
    parts = [f"reads as {signal['value']}"] if signal.get("kind") == "genre" and signal.get("value") else []
    return ", ".join(parts + ([", ".join(map(str, why))] if isinstance(why, list) else []))


def _pages(b: Briefing, v, doc_ids) -> None:
    """The pages of these events that carry warnings, most warnings first. Pages are read one at a
    time and only their warnings kept."""
    warned = []
    for doc_id in doc_ids:
        try:
            doc = v.show(doc_id)
        except NotFoundError:  # gone meanwhile (a database shared with another process)
            continue
        found = _warnings(doc)
        if found:
            warned.append({"doc": doc_name(doc), "title": cut(doc.title, 200), "url": doc.url,
                           "published": doc.published, "site": doc.site,
                           "signals": [{"kind": s["kind"], "note": _note(s), "words": _words(s)} for s in found]})
    warned.sort(key=lambda p: (-len(p["signals"]), p["doc"]))
    b.pages_with_events, b.pages_warned = len(doc_ids), len(warned)
    b.pages = warned[:MAX_PAGES]


# ---------------------------------------------------------------------------------------- HTML

def esc(value) -> str:
    return _html.escape("" if value is None else str(value), quote=True)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def period(b: Briefing) -> str:
    return f"{b.since} – {b.until}" if b.since != b.until else b.since


def filter_line(b: Briefing) -> str:
    names = {"country": "country", "actor": "actor", "near": "within (lat, lon, km)"}
    parts = []
    for k, val in b.filters.items():
        shown = f"{val} ({country_name(val)})" if k == "country" else val
        parts.append(f"{names[k]} {shown}")
    return "; ".join(parts) or "none"


def counts_line(b: Briefing) -> str:
    if not b.reports:
        return "No event in this period with these filters."
    return (f"{b.events} events ({b.reports} reports by {b.pages_with_events} pages; {b.clusters} told by several "
            f"pages), {b.located} on the map; {b.pages_warned} pages carry warnings.")


def caps(b: Briefing) -> list[str]:
    """What the briefing leaves out, said plainly."""
    out = []
    if b.capped:
        out.append(f"More than {MAX_EVENTS:,} reports matched: only the newest {MAX_EVENTS:,} were read.")
    if b.items_total > len(b.items):
        out.append(f"Listed: the {len(b.items)} of {b.items_total} events with the most independent sources.")
    if b.pages_warned > len(b.pages):
        out.append(f"Listed: {len(b.pages)} of the {b.pages_warned} pages with warnings (the most warnings first).")
    if b.points_capped:
        out.append(f"The map shows the newest {MAX_POINTS:,} located reports.")
    if any(i["count"] > len(i["reports"]) for i in b.items):
        out.append(f"An event shows at most {MAX_REPORTS} of its reports.")
    return out


def signal_label(s: dict) -> str:
    return s["kind"].replace("_", " ") + (f" ({s['note']})" if s["note"] else "")


def actors(item: dict) -> str:
    return f"{','.join(item['source']) or '?'} → {','.join(item['target']) or '?'}"


def figures_text(values: list) -> str:
    shown = ", ".join(f"{val:g} (#{i})" for i, val in values)
    return shown + ("  — the sources differ" if len({val for _, val in values}) > 1 else "")


def report_meta(r: dict) -> str:
    bits = [r["published"] and f"published {r['published']}", r["date"] and f"event date {r['date']}",
            r["place"], r["modality"] != "asserted" and r["modality"],
            r["attributed_to"] and f"according to {r['attributed_to']}",
            ", ".join(f"{k} {val:g}" for k, val in r["quantities"].items()),
            r["warnings"] and "warnings: " + ", ".join(r["warnings"])]
    return " · ".join(str(x) for x in bits if x)


CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;color:#222;
line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}h2{border-bottom:1px solid #bbb;margin-top:1.6em}
.meta{color:#555;font-size:.9em}.note{background:#fff6d5;padding:.4em .6em;border-left:3px solid #d8a800}
img{max-width:100%;border:1px solid #ccc}
.item{margin:1em 0;padding:.5em .8em;border-left:4px solid #888;background:#f7f7f7}
.item h3{margin:.1em 0 .4em;font-size:1.05em}
.report{margin:.5em 0 .5em 1em}.report blockquote{margin:.2em 0;font-style:italic}
.contra{color:#a00}table{border-collapse:collapse}td,th{padding:.1em .6em;text-align:left;vertical-align:top}
.page{margin:.8em 0}.kind{font-weight:bold}ul{margin:.2em 0}
"""


def html(b: Briefing, map_png: bytes | None, timeline_png: bytes | None) -> str:
    """The briefing as one HTML page: no script, no external file; page text escaped."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
           "style-src 'unsafe-inline'\">",
           f"<title>Briefing {esc(period(b))}</title><style>{CSS}</style></head><body>",
           f"<h1>Briefing: {esc(period(b))}</h1>",
           f'<p class="meta">Filters: {esc(filter_line(b))}<br>{esc(counts_line(b))}<br>'
           f"Generated {esc(b.generated)} by veille {esc(b.version)}.</p>"]
    out += [f'<p class="note">{esc(c)}</p>' for c in caps(b)]
    if not b.reports:
        out.append("<p>No event was found in this period with these filters: nothing to brief.</p></body></html>")
        return "\n".join(out)
    out.append("<h2>Map</h2>")
    out.append(f'<img src="{data_uri(map_png)}" alt="Map of the events">' if map_png else
               "<p>None of these events has a place on the map.</p>")
    out.append("<h2>Timeline</h2>")
    out.append(f'<img src="{data_uri(timeline_png)}" alt="Reports per day by type">' if timeline_png else
               "<p>None of these events is dated to a day.</p>")
    if b.coarse or b.undated:
        out.append(f'<p class="meta">Not on the timeline: {b.coarse} known to a month or a year only, '
                   f"{b.undated} undated.</p>")
    out.append("<h2>Top events</h2>")
    out.append('<p class="meta">Most independent sources first; every source\'s sentence.</p>')
    for n, item in enumerate(b.items, 1):
        out += _html_item(n, item)
    out.append("<h2>Pages with warnings</h2>")
    if not b.pages:
        out.append("<p>None of these pages carries a warning.</p>")
    for p in b.pages:
        out.append(f'<div class="page"><b>{esc(p["title"] or "(no title)")}</b><br><span class="meta">'
                   f'{esc(p["doc"])}{esc(" · " + p["published"]) if p["published"] else ""}</span><ul>')
        for s in p["signals"]:
            out.append(f'<li><span class="kind">{esc(signal_label(s))}</span>: '
                       + "; ".join(f"« {esc(w)} »" for w in s["words"]) + "</li>")
        out.append("</ul></div>")
    out.append("</body></html>")
    return "\n".join(out)


def _html_item(n: int, item: dict) -> list[str]:
    from veille.report_images import colour

    head = (f"{n}. {item['type']}{'/' + item['mode'] if item['mode'] else ''} {actors(item)} · "
            f"{item['date'] or 'undated'} · {item['place'] or 'no place'} · {item['sources']} independent "
            f"source{'s' * (item['sources'] != 1)}, {item['count']} report{'s' * (item['count'] != 1)}")
    out = [f'<div class="item" style="border-left-color:{colour(item["type"])}"><h3>{esc(head)}</h3>']
    if item["figures"]:
        out.append("<table><tr><th>Figures</th><th></th></tr>")
        out += [f"<tr><td>{esc(k)}</td><td>{esc(figures_text(vals))}</td></tr>" for k, vals in item["figures"].items()]
        out.append("</table>")
    for i, r in enumerate(item["reports"], 1):
        link = f' · <span class="meta">{esc(r["url"])}</span>' if r["url"] else ""
        out.append(f'<div class="report">#{i} <b>{esc(r["title"] or r["doc"])}</b> <span class="meta">'
                   f'({esc(r["site"])})</span>{link}<blockquote>« {esc(r["evidence"])} »</blockquote>'
                   f'<span class="meta">{esc(report_meta(r))}</span></div>')
    for c in item["contradictions"]:
        out.append(f'<p class="contra">Contradiction: {esc(c["note"])}</p>')
    out.append("</div>")
    return out


def write(v, since: str, until: str, html_path: str | None = None, pdf_path: str | None = None,
          **filters) -> Briefing:
    """Build the briefing and write it as HTML and/or PDF. Raises QueryError on bad filters,
    OutputError when a file's folder does not exist (checked first), VeilleError when the borders
    or the font are missing, OSError when a file cannot be written all the same."""
    from pathlib import Path

    from veille import report_images

    for path in (html_path, pdf_path):  # before the work, not after it
        if path and not Path(path).resolve().parent.is_dir():
            raise OutputError(f"{path}: cannot write the briefing (no such folder)")
    b = build(v, since, until, **filters)
    map_png = report_images.map_png(b.points) if b.points else None
    timeline_png = report_images.timeline_png(b.days) if b.days else None
    if html_path:
        with open(html_path, "w", encoding="utf-8") as f:
            f.write(html(b, map_png, timeline_png))
    if pdf_path:
        from veille import report_pdf

        report_pdf.write(b, map_png, timeline_png, pdf_path)
    return b
