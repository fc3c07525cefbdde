"""Saved watches checked against what was stored: each one raises an alert once per thing it matched.

A watch is the filters of ``veille events`` and a condition:

``event``           a stored event matches the filters (key ``event:<doc_id>:<n>``);
``sources``         a cluster with a matching report reaches ``threshold`` independent sources
                    (key ``sources:<N>:<cluster id>``; its events are then marked seen, so that a
                    cluster whose id changes as reports join it does not fire again);
``contradiction``   a contradiction (``links.contradictions``, as the desk's compare view shows them)
                    appears on a cluster with a matching report (key ``contradiction:<signature>``,
                    a hash of the two sentences and what they disagree on; the cluster's events are
                    then marked seen for that disagreement, so that a third page repeating one of
                    the figures does not fire again);
``warning``         a page carrying a warning of the signals stage (``kind``, or ``kind=value``) tells
                    an event that matches (key ``warning:<doc_id>:<warning>``).

Each check looks at the documents stored since the watch's last check (or at the ones given).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import partial
from typing import Callable
from urllib.parse import quote

from sqlalchemy import func, select

from veille.alertstore import CONDITIONS, now
from veille.errors import QueryError
from veille.query import EventHit, EventQuery

# the filters of ``veille events`` a watch keeps (a watch looks at new documents: no doc, limit, offset)
WATCH_FILTERS = ("type", "mode", "actor", "role", "country", "near", "since", "until", "modality", "text", "source",
                 "min_sources")
WARNING_FORM = re.compile(r"^[a-z][a-z0-9_]*(=.+)?$")


def checked_filters(filters: dict) -> dict:
    """The filters as a watch stores them, checked by ``EventQuery`` (its messages), empty ones left out."""
    unknown = sorted(set(filters) - set(WATCH_FILTERS))
    if unknown:
        raise QueryError(f"{', '.join(unknown)}: not a watch filter (one of {', '.join(WATCH_FILTERS)})")
    given = {k: v for k, v in filters.items() if v not in (None, "", (), [])}
    query = EventQuery(**given)
    out = {}
    for name in given:
        value = getattr(query, name)
        if value not in (None, "", (), []):
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def checked_name(name: str) -> str:
    """A watch's name is a word or a few joined by dashes, dots or underscores, as it goes into the
    desk's addresses (/watches/NAME, /watches/NAME.atom) and the command line."""
    name = (name or "").strip()
    if not re.fullmatch(r"[^\W][\w.-]{0,63}", name) or name.isdigit():
        raise QueryError(f"{name!r}: not a watch name (letters, digits, '-', '_' or '.', at most 64, "
                         "not a number alone)")
    return name


def checked_condition(condition: str, threshold, warning: str | None) -> tuple[int | None, str | None]:
    """The threshold and warning a condition needs, checked; QueryError names what is wrong."""
    if condition not in CONDITIONS:
        raise QueryError(f"{condition}: not a condition (one of {', '.join(CONDITIONS)})")
    if condition == "sources":
        if threshold is None:
            threshold = 2
        try:
            threshold = int(threshold)
        except (TypeError, ValueError):
            raise QueryError(f"{threshold!r}: --sources takes a whole number of independent sources, e.g. 2"
                             ) from None
        if threshold < 2:
            raise QueryError(f"{threshold}: --sources needs at least 2 independent sources (one is every event)")
    elif threshold is not None:
        raise QueryError(f"--sources {threshold}: only with the condition sources (--on sources)")
    if condition == "warning":
        warning = (warning or "").strip()
        if not warning or not WARNING_FORM.match(warning):
            raise QueryError(f"{warning!r}: --warning takes a warning kind, or KIND=VALUE, e.g. missing_date or "
                             "genre=opinion")
    elif warning:
        raise QueryError(f"--warning {warning}: only with the condition warning (--on warning)")
    return threshold, warning or None


# ---------------------------------------------------------------------------- checking


@dataclass
class Found:
    """One thing a watch matched: the key it fires once for, and how to make the alert (its title
    and data; made only when raised, as it reads the page)."""

    key: str
    alert: Callable[[], tuple[str, dict]]
    also_seen: tuple[str, ...] = ()  # keys marked seen with it (a cluster's events)


def check_watch(v, watch: dict, doc_ids: list[str] | None = None) -> list[int]:
    """Raise the alerts of one watch for the given documents (None: those stored since its last
    check, which then moves to now); returns the new alerts' ids."""
    started = position(v.store)
    docs = candidates(v.store, doc_ids, watch.get("checked_at") or "", watch.get("checked_row"))
    raised = []
    store = v.watchstore
    for f in find(v, watch, docs):
        if store.seen(watch["id"], [f.key, *f.also_seen]):
            continue
        alert_id = store.raise_alert(watch, f.key, *f.alert())
        if alert_id is not None:
            raised.append(alert_id)
        if f.also_seen:
            store.mark_seen(watch["id"], f.also_seen)
    if doc_ids is None:
        store.checked(watch["id"], *started)
    return raised


def mark_matching_seen(v, watch: dict) -> int:
    """What a watch matches in the store now, remembered silently (a watch added without backfill
    alerts on what is new only); returns how many matches."""
    keys = []
    for f in find(v, watch, candidates(v.store, None, "")):
        keys += [f.key, *f.also_seen]
    return v.watchstore.mark_seen(watch["id"], keys)


def position(store) -> tuple[str, int | None]:
    """Where the next check starts: now, and the last document row (a time in seconds cannot tell
    apart the pages stored in the second of a check): SQLite's rowid, PostgreSQL's seq."""
    from veille.store import documents

    if store.engine.dialect.name not in ("sqlite", "postgresql"):
        return now(), None
    return now(), store.read(select(func.max(store.row_column())).select_from(documents))[0][0] or 0


def candidates(store, doc_ids: list[str] | None, since: str, after_row: int | None = None) -> set[str]:
    """The newest revisions among ``doc_ids`` (None: among the documents stored at ``since`` or
    after, or on SQLite after the row ``after_row``)."""
    from veille.store import documents, newest_revision

    d = documents.c
    q = select(d.id).where(newest_revision(d.id))
    if doc_ids is None:
        if after_row is not None and store.engine.dialect.name in ("sqlite", "postgresql"):
            return {r[0] for r in store.read(q.where(store.row_column() > after_row))}
        return {r[0] for r in store.read(q.where(d.ingested_at >= since))}
    found: set[str] = set()
    ids = list(dict.fromkeys(doc_ids))
    for i in range(0, len(ids), 500):
        found.update(r[0] for r in store.read(q.where(d.id.in_(ids[i:i + 500]))))
    return found


def find(v, watch: dict, docs: set[str]) -> list[Found]:
    if not docs:
        return []
    query = EventQuery(**watch["filters"])
    index = _complete_index(v)
    condition = watch["condition"]
    if condition == "event":
        return [_event_found(v, watch, hit, index) for hit in matching(v, query, _with_clustered(docs, index, query),
                                                                         index)
                if hit.doc_id in docs or _told_by(index, hit, docs)]
    if condition in ("sources", "contradiction"):
        return _cluster_found(v, watch, query, docs, index)
    if condition == "warning":
        return _warning_found(v, watch, query, docs, index)
    raise QueryError(f"{condition}: not a condition (one of {', '.join(CONDITIONS)})")


def _complete_index(v):
    """The cluster index of the store as it is: a desk may answer with an older one while a thread
    builds the new one (``pending``), but a check that missed a cluster would never see it again."""
    index = v.cluster_index()
    if not index.pending:
        return index
    from veille.views import build_cluster_index

    return build_cluster_index(v.store, v.store.signature())


def _with_clustered(docs: set[str], index, query: EventQuery) -> set[str]:
    """With ``min_sources``, an older event can come to match when a new page tells it too."""
    if not query.min_sources or query.min_sources <= 1:
        return docs
    more = {d for c in _touched(index, docs) for d, _ in c.members}
    return docs | more


def _told_by(index, hit: EventHit, docs: set[str]) -> bool:
    c = index.by_event.get((hit.doc_id, hit.n))
    return bool(c and any(d in docs for d, _ in c.members))


def _touched(index, docs: set[str]) -> list:
    """The clusters with a report in ``docs``, each once, in a stable order."""
    seen = {}
    for (doc_id, _), c in index.by_event.items():
        if doc_id in docs:
            seen[c.id] = c
    return [seen[k] for k in sorted(seen)]


def matching(v, query: EventQuery, docs: set[str], index) -> list[EventHit]:
    """The events of ``docs`` (newest revisions) that ``query`` matches, in the store's order."""
    from veille.geo import km
    from veille.model import Event, name_of
    from veille.store import EVENT_ORDER, documents, events

    keys = index.keys_json(query.min_sources) if query.min_sources and query.min_sources > 1 else None
    ids = sorted(docs)
    hits = []
    for i in range(0, len(ids), 500):
        q = (select(events.c.doc_id, events.c.n, events.c.data, events.c.lat, events.c.lon, documents.c.source,
                    documents.c.url, documents.c.title, documents.c.published)
             .join_from(events, documents, events.c.doc_id == documents.c.id)
             .where(events.c.doc_id.in_(ids[i:i + 500])).order_by(*EVENT_ORDER))
        for r in v.store.read(v.store.event_select(q, query, keys=keys)):
            distance = None
            if query.near:
                distance = km(query.near[0], query.near[1], r.lat, r.lon)
                if distance > query.near[2]:
                    continue
            hits.append(EventHit(Event(**json.loads(r.data)), r.doc_id, r.n, name_of(r.source, r.url), r.title,
                                 r.published, distance))
    return hits


def _cluster_found(v, watch: dict, query: EventQuery, docs: set[str], index) -> list[Found]:
    out = []
    for c in _touched(index, docs):
        if watch["condition"] == "sources" and c.sources < (watch.get("threshold") or 2):
            continue
        if watch["condition"] == "contradiction" and not c.contradictions:
            continue
        members = set(c.members)
        hits = [h for h in matching(v, query, {d for d, _ in c.members}, index) if (h.doc_id, h.n) in members]
        if not hits:
            continue
        hit = next((h for h in hits if h.doc_id in docs), hits[0])  # the new report, when it matches
        if watch["condition"] == "sources":
            n = watch.get("threshold") or 2
            out.append(Found(f"sources:{n}:{c.id}", partial(_sources_alert, v, watch, hit, index, c, n),
                             tuple(f"sources:{n}:{d}:{k}" for d, k in c.members)))
            continue
        for link in c.contradictions:
            what = _disagreement(link["note"])
            out.append(Found(f"contradiction:{_signature(link)}", partial(_contradiction_alert, v, watch, hit, index,
                                                                          c, link),
                             tuple(f"contradiction:{d}:{k}:{what}" for d, k in c.members)))
    return out


def _sources_alert(v, watch: dict, hit: EventHit, index, c, n: int) -> tuple[str, dict]:
    data = _alert_data(v, watch, hit, index, link=_desk(v, f"/compare/{quote(c.id, safe='-:')}"))
    data.update(cluster_id=c.id, threshold=n, why=f"told by {c.sources} independent sources (watch: {n} or more)")
    return _titled(watch, f"{_what(hit)}: told by {c.sources} independent sources"), data


def _contradiction_alert(v, watch: dict, hit: EventHit, index, c, link: dict) -> tuple[str, dict]:
    data = _alert_data(v, watch, hit, index, link=_desk(v, f"/compare/{quote(c.id, safe='-:')}"))
    data.update(cluster_id=c.id, contradiction={"note": link["note"], "a": link["a"], "b": link["b"]},
                why=f"sources disagree: {link['note']}")
    return _titled(watch, f"{_what(hit)}: sources disagree ({link['note']})"), data


def _disagreement(note: str) -> str:
    """What a contradiction is about, whichever side says which ("killed: 12 vs 13" is "13 vs 12"):
    a third page repeating a figure already in dispute is no new disagreement."""
    head, _, rest = note.partition(": ")
    return f"{head}: {' vs '.join(sorted(rest.split(' vs ')))}"


def _signature(link: dict) -> str:
    """The same disagreement between the same two sentences, whichever side is a or b."""
    sides = sorted([[link["a"]["doc"], link["a"]["evidence"]], [link["b"]["doc"], link["b"]["evidence"]]])
    return hashlib.sha1(json.dumps([sides, link["note"]], ensure_ascii=False).encode()).hexdigest()[:20]


def _warning_found(v, watch: dict, query: EventQuery, docs: set[str], index) -> list[Found]:
    kind, _, value = watch["warning"].partition("=")
    by_doc: dict[str, list[EventHit]] = {}
    for h in matching(v, query, docs, index):
        by_doc.setdefault(h.doc_id, []).append(h)
    out = []
    for doc_id in sorted(by_doc):
        doc = v.store.get(doc_id)
        signal = next((s for s in doc.signals if s.get("kind") == kind and _has_value(s, value)), None)
        if signal is None:
            continue
        out.append(Found(f"warning:{doc_id}:{watch['warning']}",
                         partial(_warning_alert, v, watch, by_doc[doc_id][0], index, doc, signal)))
    return out


def _warning_alert(v, watch: dict, hit: EventHit, index, doc, signal: dict) -> tuple[str, dict]:
    data = _alert_data(v, watch, hit, index, doc=doc)
    data["warning"] = {"kind": signal["kind"], "value": signal.get("value"), "evidence": _evidence(signal)}
    data["why"] = f"the page carries the warning {watch['warning']}"
    return _titled(watch, f"{_what(hit)}: the page carries the warning {watch['warning']}"), data


def _has_value(signal: dict, value: str) -> bool:
    """A signal's value (a genre) is ``value``, or its evidence holds it; no value asked: any."""
    if not value:
        return True
    wanted = value.strip().lower()
    if str(signal.get("value") or "").lower() == wanted:
        return True
    return any(wanted in text.lower() for text in _evidence(signal) + [str(w) for w in signal.get("why", [])])


def _evidence(signal: dict) -> list[str]:
    return [e["text"] if isinstance(e, dict) else str(e) for e in signal.get("evidence") or []][:5]


# ---------------------------------------------------------------------------- what an alert says


def _event_found(v, watch: dict, hit: EventHit, index) -> Found:
    return Found(f"event:{hit.doc_id}:{hit.n}", lambda: (_titled(watch, _what(hit)), _alert_data(v, watch, hit, index)))


def _alert_data(v, watch: dict, hit: EventHit, index, link: str | None = None, doc=None) -> dict:
    """What matched, with its evidence: the event, its sentence, the page, the sources, the desk's link.
    The flat keys (``event_id``, ``doc_id``, ``cluster_id``, ``url``, ``page_title``, ``sources``,
    ``why``) are what the Atom feed and the desk read (``watch.atom``); ``event`` and ``page`` say more."""
    from veille.views import report

    cluster, reports, sources = index.of(hit.doc_id, hit.n)
    r = report(v.store, hit.doc_id, hit.n, doc or v.store.get(hit.doc_id))
    e = hit.event
    place = e.place or {}
    name = r["doc"]["name"]
    url = r["doc"]["url"] or (name if name.startswith(("http://", "https://")) else None)
    return {
        "watch": watch["name"], "condition": watch["condition"], "why": "a new event matches the watch's filters",
        "event_id": f"{hit.doc_id}:{hit.n}", "doc_id": hit.doc_id, "cluster_id": cluster, "url": url,
        "page_title": r["doc"]["title"], "sources": sources, "reports": reports,
        "event": {"id": f"{hit.doc_id}:{hit.n}", "type": e.type, "mode": e.mode, "source": list(e.source),
                  "target": list(e.target), "place": place.get("name"), "country": place.get("country"),
                  "lat": place.get("lat"), "lon": place.get("lon"), "date": e.date,
                  "date_precision": e.date_precision, "modality": e.modality, "quantities": dict(e.quantities),
                  "attributed_to": e.attributed_to},
        "sentence": e.evidence,
        "page": {"doc_id": hit.doc_id, "name": name, "url": url, "title": r["doc"]["title"],
                 "published": r["doc"]["published"], "site": r["doc"]["site"], "warnings": r["warnings"]},
        "link": link or _desk(v, f"/compare/{quote(cluster or 'e-' + hit.doc_id + ':' + str(hit.n), safe='-:')}"),
        "reader": _desk(v, f"/reader/{hit.doc_id}"),
    }


def _desk(v, path: str) -> str:
    return v.options.desk_url.rstrip("/") + path


def _what(hit: EventHit) -> str:
    e = hit.event
    place = (e.place or {}).get("name")
    return (f"{e.type}{'/' + e.mode if e.mode else ''} {','.join(e.source) or '?'}→{','.join(e.target) or '?'}"
            f"{' in ' + place if place else ''}{' on ' + e.date if e.date else ''}")


def _titled(watch: dict, title: str) -> str:
    return f"[{watch['name']}] {title}"
