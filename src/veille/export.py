"""Exports: one JSON object a line per document, in the format of the gold README."""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable

from veille.model import Document


def doc_name(doc: Document) -> str:
    if doc.url or doc.source.startswith(("http://", "https://")):
        return doc.url or doc.source
    return Path(doc.source.split("#")[0]).name if "#" in doc.source else Path(doc.source).name


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


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
        "genre": None,
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
                   "evidence": [t.segment, t.start, t.end]} for t in doc.dates],
        "events": doc.events,
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
