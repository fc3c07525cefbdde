"""The one data model: a Document and the facts found in it.

Every fact carries its evidence: character offsets into the clean text (or into the
captions, when ``segment`` says so), so any fact can be shown in its sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass
class Dropped:
    """A line of the page left out of the clean text, and why."""

    line: int
    text: str
    reason: str


@dataclass
class Mention:
    text: str
    start: int
    end: int
    segment: str = "body"  # where the offsets point: body (Document.text), caption, author, title
    source: str = "kb"  # how it was found: kb, ner, pattern, organ, demonym


@dataclass
class Entity:
    id: str
    name: str
    type: str  # PER, ORG, GPE, LOC, NORP, EQUIPMENT, MISC
    actor: str | None = None
    sector: str | None = None
    wikidata: str | None = None
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Place:
    name: str
    kind: str  # city, region, country, water, mountain, area, unknown
    resolved: bool
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    geonameid: int | None = None
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class TimeExpr:
    text: str
    start: int
    end: int
    value: str | None  # ISO date at its precision: YYYY-MM-DD, YYYY-MM or YYYY
    precision: str | None  # day, month, year
    anchor: str  # absolute, published, previous (resolved against an earlier date)
    segment: str = "body"
    # TimeML's value where it says more than ``value``: a part of the day or a clock time
    # (2012-06-24TEV, 2012-06-24T18:30), a season (2012-SU), a week (2012-W25)
    timex: str | None = None


@dataclass
class Event:
    """Who did what to whom, where, when, and according to whom: one PLOVER event.

    ``evidence`` is the sentence, verbatim; ``start``/``end`` its offsets in the segment;
    ``trigger`` the word or phrase that names the action, with its own offsets.
    """

    type: str  # PLOVER: AGREE, CONSULT, SUPPORT, ... ASSAULT
    mode: str | None
    source: list[str]  # actor codes
    target: list[str]
    date: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    date_precision: str | None  # day, month, year
    date_from: str | None  # how the date was found: sentence, context, publication
    place: dict | None  # {name, lat, lon, country, kind, geo_precision}
    quantities: dict[str, float]
    attributed_to: str | None
    modality: str  # asserted, claimed, planned, threatened, denied, hypothetical
    evidence: str
    start: int
    end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    confidence: float
    segment: str = "body"


@dataclass
class Document:
    """What the pipeline passes from stage to stage, and what the store keeps."""

    id: str
    source: str  # file path or URL as given
    kind: str  # txt, html, jsonl, url
    raw: str
    url: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # title/published given by a feed
    title: str | None = None
    published: str | None = None
    published_from: str | None = None  # where the date came from (evidence)
    author: str | None = None
    site: str | None = None
    language: str | None = None
    genre: str | None = None  # news, analysis, opinion, satire, press_release, other
    truncated: bool = False
    text: str = ""
    captions: str = ""
    dropped: list[Dropped] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[TimeExpr] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    signals: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # transient, never stored: parsed NLP objects shared between stages
    work: dict[str, Any] = field(default_factory=dict, repr=False)

    def segment_text(self, segment: str) -> str:
        return {"caption": self.captions, "author": self.author or "", "title": self.title or ""}.get(segment, self.text)

    def to_dict(self) -> dict[str, Any]:
        """The document as plain data (what the store keeps), without the raw input and the
        stages' transient work."""
        return {name: _plain(getattr(self, name)) for name in _field_names(Document) if name not in ("work", "raw")}


@lru_cache(maxsize=None)
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value):
    """``dataclasses.asdict`` without its deep copies of every string and number: the values
    are immutable or rebuilt here, and the store writes on every document."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    return value


def from_dict(d: dict[str, Any]) -> Document:
    """Rebuild a Document from the dict the store keeps."""
    d = dict(d)
    d.setdefault("raw", "")
    d["dropped"] = [Dropped(**x) for x in d.get("dropped", [])]
    d["entities"] = [
        Entity(**{**e, "mentions": [Mention(**m) for m in e.get("mentions", [])]})
        for e in d.get("entities", [])
    ]
    d["places"] = [
        Place(**{**p, "mentions": [Mention(**m) for m in p.get("mentions", [])]})
        for p in d.get("places", [])
    ]
    d["dates"] = [TimeExpr(**t) for t in d.get("dates", [])]
    d["events"] = [Event(**e) for e in d.get("events", [])]
    return Document(**d)


# ---------------------------------------------------------------------------- names and precisions
# Here, below both the store and the exports, because both need them.

GEO_PRECISION = {"city": 1, "region": 2, "water": 2, "area": 2, "mountain": 2, "country": 3}


def name_of(source: str, url: str | None) -> str:
    """What the exports call a document: its URL, or the base name of its file."""
    if url or source.startswith(("http://", "https://")):
        return url or source
    return Path(source.split("#")[0]).name if "#" in source else Path(source).name


def geo_precision(place: dict | None) -> int | None:
    """1 an exact place, 2 a region, 3 a country (ACLED's codes), from the place's kind."""
    if not place:
        return None
    given = place.get("geo_precision")
    return GEO_PRECISION.get(place.get("kind") or "") or (
        given if given in (1, 2, 3) else GEO_PRECISION.get(str(given or "")))
