"""Briefings: what happened in a period (and a country, an actor or around a point), as one
self-contained HTML file and a PDF of the same content.

``build`` gathers the briefing from the library (``Veille.events``, ``clusters``, ``links``,
``documents``); ``html`` and ``report_pdf.write`` render it. The images (a map over Natural
Earth borders, the events per day by type) are PNGs drawn by ``report_images``, embedded in the
HTML as data: URIs. Every string that comes from a page is escaped: the HTML runs no script.

Memory is bounded: at most ``MAX_EVENTS`` events are read, ``MAX_ITEMS`` events listed and
``MAX_PAGES`` pages with warnings; the briefing says when it shows fewer than it found.
"""
from __future__ import annotations

import base64
import calendar
import html as _html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from veille.errors import QueryError
from veille.export import country_name, doc_name
from veille.query import EventQuery

MAX_EVENTS = 20_000  # events read from the store for one briefing
MAX_ITEMS = 25  # events (clusters first) listed with their sources
MAX_REPORTS = 12  # reports shown for one event
MAX_PAGES = 30  # pages with warnings listed
MAX_WORDS = 8  # words or lines cited for one warning
MAX_CHARS = 700  # a sentence or a cited line is cut beyond this
MAX_CONTRADICTIONS = 30


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
    days: dict[str, Counter] = field(default_factory=dict)  # YYYY-MM-DD -> events by type
    coarse: int = 0  # events known to a month or a year only
    undated: int = 0
    pages: list[dict] = field(default_factory=list)  # pages with warnings
    pages_with_events: int = 0
    pages_warned: int = 0
    contradictions: list[dict] = field(default_factory=list)  # between claims of the pages, not in an item


def check(since: str, until: str, country: str | None = None, actor: str | None = None, near=None) -> EventQuery:
    """The filters, checked as ``veille events`` checks them, plus what a briefing needs: a
    period that does not end before it starts and a country that exists."""
    if not since or not until:
        raise QueryError("a briefing needs a period: give --since and --until (YYYY, YYYY-MM or YYYY-MM-DD)")
    query = EventQuery(since=since, until=until, country=country, actor=actor, near=near)
    if _first_day(since) > _last_day(until):
        raise QueryError(f"--since {since} is after --until {until}")
    if query.country and country_name(query.country) == query.country:
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
    """Gather a briefing from the library. Raises QueryError on a filter it cannot read."""
    from importlib.metadata import version

    query = check(since, until, country, actor, near)
    filters = {k: str(val) for k, val in (("country", query.country), ("actor", query.actor), ("near", near)) if val}
    b = Briefing(since=since, until=until, filters=filters, version=version("veille"),
                 generated=(now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"))
    hits = v.events(since=since, until=until, country=country, actor=actor, near=near, limit=MAX_EVENTS + 1)
    b.capped = len(hits) > MAX_EVENTS
    hits = hits[:MAX_EVENTS]
    b.reports = len(hits)
    if not hits:
        return b
    clusters = v.clusters()
    owner = {key: i for i, c in enumerate(clusters) for key in c["keys"]}
    groups: dict = {}  # cluster index or (doc_id, n) -> the hits of the period in it
    for h in hits:
        key = owner.get((h.doc_id, h.event.start, h.event.type), (h.doc_id, h.n))
        groups.setdefault(key, []).append(h)
    b.events = len(groups)
    b.clusters = sum(1 for k in groups if isinstance(k, int))
    wanted = {h.doc_id for h in hits} | {k[0] for key in groups if isinstance(key, int) for k in clusters[key]["keys"]}
    docs = {d.id: d for d in v.documents() if d.id in wanted}
    contra = [link for link in v.links() if link["kind"] == "contradiction"]
    _timeline(b, groups)
    _points(b, groups, clusters)
    _items(b, groups, clusters, docs, contra)
    _pages(b, docs, {h.doc_id for h in hits}, contra)
    return b


def _sources(key, clusters) -> int:
    return clusters[key]["independent_sources"] if isinstance(key, int) else 1


def _timeline(b: Briefing, groups: dict) -> None:
    for members in groups.values():
        e = next((h.event for h in members if h.event.date), members[0].event)
        if not e.date:
            b.undated += 1
        elif e.date_precision == "day" and len(e.date) == 10:
            b.days.setdefault(e.date, Counter())[e.type] += 1
        else:
            b.coarse += 1


def _points(b: Briefing, groups: dict, clusters: list[dict]) -> None:
    for key, members in groups.items():
        placed = next((h for h in members if h.event.place and h.event.place.get("lat") is not None), None)
        if placed is None:
            continue
        place = placed.event.place
        b.points.append({"lat": float(place["lat"]), "lon": float(place["lon"]), "type": placed.event.type,
                         "sources": _sources(key, clusters), "place": place.get("name") or ""})
    b.located = len(b.points)


def _order(item) -> tuple:
    key, members, sources, reports = item
    date = next((h.event.date for h in members if h.event.date), "") or ""
    return (-sources, -reports, "".join(chr(0x10FFFF - ord(c)) for c in date))  # newest first among equals


def _items(b: Briefing, groups: dict, clusters: list[dict], docs: dict, contra: list[dict]) -> None:
    ranked = sorted(((k, m, _sources(k, clusters), len(clusters[k]["keys"]) if isinstance(k, int) else 1)
                     for k, m in groups.items()), key=_order)
    for key, members, sources, count in ranked[:MAX_ITEMS]:
        if isinstance(key, int):
            pairs = [_lookup(docs, k) for k in clusters[key]["keys"]]
            pairs = [p for p in pairs if p is not None]
        else:
            pairs = [(docs.get(members[0].doc_id), members[0].event)]
        first = members[0].event
        reports = [_report(d, e, members[0]) for d, e in pairs[:MAX_REPORTS]]
        told = {(r["doc"], r["evidence_full"]) for r in reports}
        b.items.append({
            "type": first.type, "mode": first.mode, "source": list(first.source), "target": list(first.target),
            "date": next((e.date for _, e in pairs if e.date), None),
            "place": next((_place(e.place) for _, e in pairs if e.place), None),
            "sources": sources, "count": count, "reports": reports, "figures": _figures(reports),
            "contradictions": [_contradiction(c) for c in contra
                               if (c["a"]["doc"], c["a"]["evidence"]) in told
                               or (c["b"]["doc"], c["b"]["evidence"]) in told][:MAX_CONTRADICTIONS]})
    b.items_total = len(ranked)


def _lookup(docs: dict, key: tuple):
    doc_id, start, type_ = key
    doc = docs.get(doc_id)
    if doc is None:
        return None
    e = next((e for e in doc.events if e.start == start and e.type == type_), None)
    return (doc, e) if e is not None else None


def _place(place: dict | None) -> str | None:
    if not place:
        return None
    name, cc = place.get("name") or "", place.get("country")
    return f"{name} ({cc})" if cc and name else name or cc


def cut(text, limit: int = MAX_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _report(doc, e, hit) -> dict:
    """One source's account of an event: its sentence, page, date, figures and stance."""
    if doc is None:  # the store changed between two reads: keep what the hit says
        name, title, url, published, site, warnings = hit.doc, hit.title, None, hit.published, None, []
    else:
        name, title, url, published, site = doc_name(doc), doc.title, doc.url, doc.published, doc.site
        warnings = [s["kind"] for s in _warnings(doc)]
    return {"doc": name, "title": cut(title, 200), "url": url, "site": site, "published": published,
            "evidence": cut(e.evidence), "evidence_full": e.evidence, "date": e.date,
            "date_precision": e.date_precision, "place": _place(e.place),
            "quantities": {k: v for k, v in (e.quantities or {}).items() if isinstance(v, (int, float))},
            "attributed_to": e.attributed_to, "modality": e.modality, "warnings": warnings}


def _figures(reports: list[dict]) -> dict[str, list]:
    """Each figure (killed, wounded…) as every report gives it: [(report number, value)]."""
    out: dict[str, list] = {}
    for i, r in enumerate(reports, 1):
        for k, val in r["quantities"].items():
            out.setdefault(k, []).append((i, val))
    return out


def _contradiction(c: dict) -> dict:
    return {"note": cut(c["note"], 300), "a": {"doc": c["a"]["doc"], "evidence": cut(c["a"]["evidence"])},
            "b": {"doc": c["b"]["doc"], "evidence": cut(c["b"]["evidence"])}}


def _warnings(doc) -> list[dict]:
    """A page's signals that warn: all but its genre when that is plain news."""
    return [s for s in doc.signals if not (s.get("kind") == "genre" and s.get("value") in ("news", None))]


def _words(signal: dict) -> list[str]:
    words = [cut(w.get("text") if isinstance(w, dict) else w, 240) for w in signal.get("evidence") or []]
    if signal.get("kind") == "genre" and signal.get("value"):
        words = [f"reads as {signal['value']}"] + words
    why = signal.get("why")
    return words[:MAX_WORDS] + ([f"why: {', '.join(map(str, why))}"] if isinstance(why, list) and why else [])


def _pages(b: Briefing, docs: dict, with_events: set, contra: list[dict]) -> None:
    warned = []
    for doc_id in with_events:
        doc = docs.get(doc_id)
        found = _warnings(doc) if doc else []
        if found:
            warned.append((doc, found))
    warned.sort(key=lambda p: (-len(p[1]), doc_name(p[0])))
    b.pages_with_events, b.pages_warned = len(with_events), len(warned)
    for doc, found in warned[:MAX_PAGES]:
        b.pages.append({"doc": doc_name(doc), "title": cut(doc.title, 200), "url": doc.url,
                        "published": doc.published, "site": doc.site,
                        "signals": [{"kind": s["kind"], "words": _words(s)} for s in found]})
    names = {doc_name(docs[i]) for i in with_events if i in docs}
    listed = {(c["note"], c["a"]["doc"], c["b"]["doc"]) for item in b.items for c in item["contradictions"]}
    b.contradictions = [_contradiction(c) for c in contra
                        if (c["a"]["doc"] in names or c["b"]["doc"] in names)
                        and (cut(c["note"], 300), c["a"]["doc"], c["b"]["doc"]) not in listed][:MAX_CONTRADICTIONS]


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
    if any(i["count"] > len(i["reports"]) for i in b.items):
        out.append(f"An event shows at most {MAX_REPORTS} of its reports.")
    return out


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
    out.append(f'<img src="{data_uri(timeline_png)}" alt="Events per day by type">' if timeline_png else
               "<p>None of these events is dated to a day.</p>")
    if b.coarse or b.undated:
        out.append(f'<p class="meta">Not on the timeline: {b.coarse} known to a month or a year only, '
                   f"{b.undated} undated.</p>")
    out.append("<h2>Top events</h2>")
    out.append('<p class="meta">Most independent sources first; every source\'s sentence.</p>')
    for n, item in enumerate(b.items, 1):
        out += _html_item(n, item)
    if b.contradictions:
        out.append("<h2>Other contradictions between these pages</h2><ul>")
        for c in b.contradictions:
            out.append(f'<li class="contra">{esc(c["note"])}<br>{esc(c["a"]["doc"])}: « {esc(c["a"]["evidence"])} »'
                       f'<br>{esc(c["b"]["doc"])}: « {esc(c["b"]["evidence"])} »</li>')
        out.append("</ul>")
    out.append("<h2>Pages with warnings</h2>")
    if not b.pages:
        out.append("<p>None of these pages carries a warning.</p>")
    for p in b.pages:
        out.append(f'<div class="page"><b>{esc(p["title"] or "(no title)")}</b><br><span class="meta">'
                   f'{esc(p["doc"])}{esc(" · " + p["published"]) if p["published"] else ""}</span><ul>')
        for s in p["signals"]:
            out.append(f'<li><span class="kind">{esc(s["kind"].replace("_", " "))}</span>: '
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
                   f'({esc(r["site"] or r["doc"])})</span>{link}<blockquote>« {esc(r["evidence"])} »</blockquote>'
                   f'<span class="meta">{esc(report_meta(r))}</span></div>')
    for c in item["contradictions"]:
        out.append(f'<p class="contra">Contradiction: {esc(c["note"])}</p>')
    out.append("</div>")
    return out


def write(v, since: str, until: str, html_path: str | None = None, pdf_path: str | None = None,
          **filters) -> Briefing:
    """Build the briefing and write it as HTML and/or PDF. Raises QueryError on bad filters,
    VeilleError when the borders are missing, OSError when a file cannot be written."""
    from veille import report_images

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
