"""What a query for events asks (``EventQuery``) and what it gives back (``EventHit``).

``EventQuery`` checks its filters once, when it is made, so that the store, the API and
the CLI all refuse the same mistakes with the same message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from veille.errors import QueryError
from veille.model import Event

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
MODALITIES = ("asserted", "claimed", "planned", "threatened", "denied", "hypothetical")
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MAX_LIMIT = 2**62


@dataclass
class EventQuery:
    """Filters of ``Store.events``; every one is optional and they combine with AND.

    ``near`` is ``(lat, lon, km)`` or the text ``"lat,lon,km"``; ``since``/``until`` are
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, and an event dated to a month or a year counts
    when that period overlaps. ``doc`` is a document reference as ``Store.get`` takes it.
    ``text``: every word in the event's sentence or its page's title; ``source``: text in the
    document's name, URL or site; ``min_sources``: events told by at least that many independent
    outlets (``Veille.cluster_index``); ``offset`` skips that many events of the list. The CLI and
    the desk's API validate their filters here, once, with the same messages.
    """

    type: tuple[str, ...] | list[str] | str = ()
    mode: str | None = None
    actor: str | None = None
    role: str | None = None  # source or target; None: either
    country: str | None = None
    near: tuple[float, float, float] | str | None = None
    since: str | None = None
    until: str | None = None
    doc: str | None = None
    modality: str | None = None
    limit: int | None = None
    text: str | None = None
    source: str | None = None
    min_sources: int | None = None
    offset: int = 0

    def __post_init__(self):
        types = (self.type,) if isinstance(self.type, str) else tuple(self.type or ())
        self.type = tuple(t.strip().upper() for joined in types for t in joined.split(",") if t.strip())
        unknown = [t for t in self.type if t not in PLOVER_TYPES]
        if unknown:
            raise QueryError(f"{', '.join(unknown)}: not a PLOVER event type (one of {', '.join(PLOVER_TYPES)})")
        if self.modality and self.modality not in MODALITIES:
            raise QueryError(f"{self.modality}: not a modality (one of {', '.join(MODALITIES)})")
        if self.role not in (None, "source", "target"):
            raise QueryError(f"{self.role}: an actor's role is source or target")
        self.actor = self.actor.strip().upper() if self.actor else None
        self.country = self.country.strip().upper() if self.country else None
        if self.country and not re.fullmatch(r"[A-Z]{2}", self.country):
            raise QueryError(f"{self.country}: give a country as its ISO 3166-1 alpha-2 code, e.g. UA")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and not _is_date(value):
                raise QueryError(f"{value}: {name} takes a date as YYYY, YYYY-MM or YYYY-MM-DD")
        if self.near is not None:
            self.near = _parse_near(self.near)
        if self.limit is not None:
            self.limit = checked_limit(self.limit)
        self.text = _checked_words(self.text, "text")
        self.source = _checked_words(self.source, "source")
        if self.min_sources is not None:
            self.min_sources = _whole(self.min_sources, "min_sources", 1)
        self.offset = _whole(self.offset or 0, "offset", 0)

    @property
    def words(self) -> list[str]:
        """The words of ``text``, each once."""
        return list(dict.fromkeys(self.text.split())) if self.text else []


@dataclass
class EventHit:
    """One event found by ``Store.events``, with the document it comes from."""

    event: Event
    doc_id: str
    n: int  # position in the document's events
    doc: str  # the document's name, as in the exports (file name or URL)
    title: str | None
    published: str | None
    km: float | None = None  # distance from the ``near`` point
    reports: int = 1  # with per_event: how many reports (documents' events) tell this event
    sources: int = 1  # … and from how many independent outlets


def checked_limit(limit) -> int:
    """A limit of at least 1; one beyond what the store can count means no limit (SQLite's
    integers are 64-bit, and a larger one overflows)."""
    if isinstance(limit, str) and re.fullmatch(r"\s*[+-]?\d{1,30}\s*", limit):
        limit = int(limit)  # as a URL gives it
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise QueryError(f"{limit!r}: the limit must be a whole number")
    if limit < 1:
        raise QueryError(f"{limit}: the limit must be at least 1")
    return min(limit, MAX_LIMIT)


MAX_FILTER_CHARS = 500
MAX_FILTER_WORDS = 32


def _checked_words(value, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise QueryError(f"{value!r}: {name} takes text")
    value = " ".join(value.split())
    if len(value) > MAX_FILTER_CHARS:
        raise QueryError(f"{value[:40]!r}…: {name} is at most {MAX_FILTER_CHARS} characters (this one has "
                         f"{len(value)})")
    if len(value.split()) > MAX_FILTER_WORDS:
        raise QueryError(f"{value[:40]!r}…: {name} takes at most {MAX_FILTER_WORDS} words")
    return value or None


def _whole(value, name: str, least: int) -> int:
    """A whole number of at least ``least``; its text form ("3") is read too."""
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,18}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryError(f"{value!r}: {name} must be a whole number")
    if value < least:
        raise QueryError(f"{value}: {name} must be at least {least}")
    return min(value, MAX_LIMIT)


def _is_date(value: str) -> bool:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return False
    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _parse_near(near) -> tuple[float, float, float]:
    parts = near.split(",") if isinstance(near, str) else list(near)
    try:
        lat, lon, radius = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise QueryError(f"{near}: near takes LAT,LON,KM, e.g. 46.48,30.72,50") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and radius > 0):
        raise QueryError(f"{near}: near needs -90 <= LAT <= 90, -180 <= LON <= 180 and KM > 0")
    return lat, lon, radius
