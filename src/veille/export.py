"""Exports: JSONL (one object a line per document, the format of the gold README), ACLED-style
CSV (one row per event) and GeoJSON (one point per located event)."""
from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from typing import IO, Iterable

# name_of and geo_precision live in the model, below both the store and the exports
from veille.model import Document, Event, geo_precision, name_of
from veille.query import EventHit

FORMATS = ("jsonl", "acled", "geojson")


def doc_name(doc: Document) -> str:
    return name_of(doc.source, doc.url)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def event_record(e: Event) -> dict:
    """An event in the gold format, then the keys the gold does not read."""
    place = None
    if e.place:
        place = {k: e.place.get(k) for k in ("name", "lat", "lon", "country")}
    return {
        "type": e.type, "mode": e.mode, "source": list(e.source), "target": list(e.target), "date": e.date,
        "place": place, "quantities": dict(e.quantities or {}), "attributed_to": e.attributed_to,
        "modality": e.modality, "evidence": e.evidence,
        "date_precision": e.date_precision, "date_from": e.date_from, "confidence": e.confidence,
        "trigger": e.trigger, "offsets": [e.segment, e.start, e.end],
        "trigger_offsets": [e.segment, e.trigger_start, e.trigger_end],
    }


def to_record(doc: Document) -> dict:
    return {
        "doc": doc_name(doc),
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "published": doc.published,
        "published_from": doc.published_from,
        "author": doc.author,
        "site": doc.site,
        "language": doc.language,
        "genre": doc.genre,
        "truncated": doc.truncated,
        "text": doc.text,
        "captions": doc.captions or None,
        "entities": [{"name": e.name, "type": e.type, "actor": e.actor, "sector": e.sector, "wikidata": e.wikidata,
                      "mentions": _unique(m.text for m in e.mentions), "count": len(e.mentions),
                      "evidence": [[m.segment, m.start, m.end] for m in e.mentions]}
                     for e in doc.entities],
        "places": [{"name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "kind": p.kind,
                    "geonameid": p.geonameid, "resolved": p.resolved,
                    "mentions": _unique(m.text for m in p.mentions),
                    "evidence": [[m.segment, m.start, m.end] for m in p.mentions]}
                   for p in doc.places],
        "dates": [{"text": t.text, "value": t.value, "precision": t.precision, "anchor": t.anchor,
                   "timex": t.timex, "evidence": [t.segment, t.start, t.end]} for t in doc.dates],
        "events": [event_record(e) for e in doc.events if e.modality != "hypothetical"],
        # what an if-clause supposes is kept, but apart: a count of events never includes it
        "conditional_events": [event_record(e) for e in doc.events if e.modality == "hypothetical"],
        "claims": doc.claims,
        "signals": doc.signals,
        "dropped": [{"line": d.line, "reason": d.reason, "text": d.text} for d in doc.dropped],
        "errors": doc.errors,
    }


def write_jsonl(docs: Iterable[Document], out: IO[str]) -> int:
    n = 0
    for doc in docs:
        out.write(json.dumps(to_record(doc), ensure_ascii=False) + "\n")
        n += 1
    return n


# ---------------------------------------------------------------------------- GeoJSON

def write_geojson(docs: Iterable[Document], out: IO[str]) -> int:
    """A FeatureCollection (RFC 7946: WGS 84, coordinates [lon, lat]) of the located events."""
    features = []
    for doc in docs:
        for n, e in enumerate(doc.events):
            if e.modality == "hypothetical":
                continue
            lat, lon = (e.place or {}).get("lat"), (e.place or {}).get("lon")
            if lat is None or lon is None:
                continue
            features.append({
                "type": "Feature", "id": f"{doc.id}-{n}",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {**event_record(e), "doc": doc_name(doc), "title": doc.title,
                               "published": doc.published},
            })
    out.write(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False) + "\n")
    return len(features)


# ---------------------------------------------------------------------------- CSV

# a spreadsheet runs a cell that starts with one of these as a formula (CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def spreadsheet_safe(row: dict) -> dict:
    """A CSV row whose text cells cannot run as formulas: a text cell that starts like one
    gets a leading quote, as OWASP advises. Numbers are left as numbers, so a negative
    longitude stays -3.5."""
    return {k: _cell(v) for k, v in row.items()}


def _cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


# ---------------------------------------------------------------------------- ACLED-style CSV

ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                 "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
                 "source", "notes", "fatalities")
TIME_PRECISION = {"day": 1, "month": 2, "year": 3}
# ACLED dates an event known only to a month or a year at the middle of that period
_MIDDLE = {4: "-07-01", 7: "-15"}
_PRECISION_OF_LENGTH = {10: 1, 7: 2, 4: 3}


@lru_cache(maxsize=8)
def _acled_table(kb_dir: str) -> dict[tuple[str, str], tuple[str, str]]:
    from veille.lexicon import rows

    # a user's rows come after the bundled ones and win
    return {(r["type"].upper(), r["mode"].lower()): (r["event_type"], r["sub_event_type"])
            for r in rows("events/acled.tsv", kb_dir) if r.get("type")}


def acled_type(e: Event, kb_dir: str = "") -> tuple[str, str]:
    """ACLED's event_type and sub_event_type for a PLOVER type and mode (``kb/events/acled.tsv``)."""
    table = _acled_table(kb_dir)
    for mode in (e.mode or "").replace(",", "|").split("|"):
        if mode.strip() and (e.type, mode.strip().lower()) in table:
            return table[(e.type, mode.strip().lower())]
    return table.get((e.type, ""), ("Strategic developments", "Other"))


@lru_cache(maxsize=512)
def country_name(alpha2: str | None) -> str:
    if not alpha2:
        return ""
    import pycountry

    found = pycountry.countries.get(alpha_2=alpha2.upper())
    return found.name if found else alpha2


def _fatalities(quantities: dict) -> int:
    try:
        return int(float(quantities.get("killed") or 0))
    except (TypeError, ValueError):
        return 0


def acled_row(doc: Document, n: int, e: Event, kb_dir: str = "") -> dict:
    place = e.place or {}
    event_type, sub_event_type = acled_type(e, kb_dir)
    date = e.date or ""
    return {
        "event_id_cnty": f"{doc.id}-{n}",  # the same id as the GeoJSON feature
        "event_date": date + _MIDDLE.get(len(date), ""), "year": date[:4],
        "time_precision": (TIME_PRECISION.get(e.date_precision or "") or _PRECISION_OF_LENGTH.get(len(date), ""))
        if date else "",
        "event_type": event_type, "sub_event_type": sub_event_type,
        "actor1": "; ".join(e.source), "actor2": "; ".join(e.target),
        "country": country_name(place.get("country")),
        "admin1": (place.get("name") or "") if place.get("kind") == "region" else "",
        "location": place.get("name") or "",
        "latitude": "" if place.get("lat") is None else place["lat"],
        "longitude": "" if place.get("lon") is None else place["lon"],
        "geo_precision": geo_precision(place) or "",
        "source": doc_name(doc), "notes": e.evidence, "fatalities": _fatalities(e.quantities or {}),
    }


def write_acled(docs: Iterable[Document], out: IO[str], kb_dir: str = "", per_event: bool = False,
                clusters: list[dict] | None = None) -> int:
    """One CSV row per event, with ACLED's column names and codes; with ``per_event``, one row
    per event however many documents tell it (the first report stands for the others).
    ``clusters``: the documents' clusters (``Veille.clusters``), when known; else computed here."""
    docs = list(docs)
    others: set[tuple] = set()
    if per_event:
        if clusters is None:
            from veille.links import clusters as compute

            clusters = compute(docs)
        others = {tuple(k) for c in clusters for k in c["keys"][1:]}
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for doc in docs:
        for i, e in enumerate(doc.events):
            if e.modality == "hypothetical" or (doc.id, e.start, e.type) in others:
                continue
            writer.writerow(spreadsheet_safe(acled_row(doc, i, e, kb_dir)))
            n += 1
    return n


# ---------------------------------------------------------------------------- query results

HIT_COLUMNS = ("date", "date_precision", "type", "mode", "source", "target", "place", "lat", "lon", "country",
               "modality", "attributed_to", "quantities", "confidence", "km", "doc", "title", "published",
               "evidence")


def hit_record(hit: EventHit) -> dict:
    """One result of ``Veille.events`` as JSON: the event, then where it comes from."""
    return {**event_record(hit.event), "doc": hit.doc, "doc_id": hit.doc_id, "n": hit.n, "title": hit.title,
            "published": hit.published, "reports": hit.reports, "independent_sources": hit.sources,
            **({"km": round(hit.km, 1)} if hit.km is not None else {})}


def write_hits_csv(hits: list[EventHit], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=HIT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for h in hits:
        e, place = h.event, h.event.place or {}
        writer.writerow(spreadsheet_safe({
            "date": e.date, "date_precision": e.date_precision, "type": e.type, "mode": e.mode,
            "source": "; ".join(e.source), "target": "; ".join(e.target), "place": place.get("name"),
            "lat": place.get("lat"), "lon": place.get("lon"), "country": place.get("country"),
            "modality": e.modality, "attributed_to": e.attributed_to,
            "quantities": json.dumps(e.quantities, ensure_ascii=False) if e.quantities else "",
            "confidence": e.confidence, "km": "" if h.km is None else round(h.km, 1), "doc": h.doc,
            "title": h.title, "published": h.published, "evidence": e.evidence}))
    return len(hits)
