"""The desk's queries: every list, chart and card the web pages (and the report) show, as plain
data. ``Veille`` methods call these; the web package and the report hold no query of their own.

Lists are filtered, counted and paginated in SQL (``Store.event_select``) so that a page of 100
events out of 100,000 reads 100 rows. What SQL cannot know is which events several documents
tell as one: ``ClusterIndex`` computes it once from ``links.clusters`` and ``Veille`` keeps it
until the store changes (``Store.signature``).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSON

from veille.errors import NotFoundError, QueryError
from veille.model import Document, geo_precision, name_of
from veille.query import EventQuery
from veille.store import documents, event_actors, events, like_pattern, newest_revision

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
MAP_LIMIT, MAP_MAX = 1000, 5000  # a map draws more markers than a list shows rows
DOWNLOAD_BATCH = 1000
QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


# ---------------------------------------------------------------------------- pages

def page(limit=None, offset=None, default: int = DEFAULT_LIMIT, most: int = MAX_LIMIT) -> tuple[int, int]:
    """The limit and offset of one page, checked (the same messages for every route)."""
    q = EventQuery(limit=default if limit is None else limit, offset=offset or 0)
    if q.limit > most:
        raise QueryError(f"{q.limit}: the limit must be at most {most} (page with offset)")
    return q.limit, q.offset


# ---------------------------------------------------------------------------- the cluster index

@dataclass
class Cluster:
    id: str
    members: list[tuple[str, int]]  # (doc_id, n), in the order of links.clusters
    sources: int  # independent outlets
    record: dict  # links.clusters' dict: type, mode, source, target, date, place, reports
    contradictions: list[dict] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return len(self.members)


@dataclass
class ClusterIndex:
    """Which events several documents tell as one: (doc_id, n) → its cluster."""

    signature: tuple = ()
    clusters: dict[str, Cluster] = field(default_factory=dict)
    by_event: dict[tuple[str, int], Cluster] = field(default_factory=dict)
    totals: dict[tuple, object] = field(default_factory=dict)  # counts of filtered views, for this state of the store
    seconds: float = 0.0  # how long it took to build
    pending: bool = False  # an older (or empty) index served while the store's new one is being built

    def of(self, doc_id: str, n: int) -> tuple[str | None, int, int]:
        """(cluster id or None, reports, independent sources): 1 and 1 for an event told once."""
        c = self.by_event.get((doc_id, n))
        return (c.id, c.reports, c.sources) if c else (None, 1, 1)

    def keys_with(self, min_sources: int) -> set[str] | None:
        """``doc_id:n`` of the events told by at least ``min_sources`` outlets; None: every event."""
        if not min_sources or min_sources <= 1:
            return None
        return {f"{d}:{n}" for (d, n), c in self.by_event.items() if c.sources >= min_sources}

    def keys_json(self, min_sources: int) -> str | None:
        """``keys_with`` as the sorted JSON list SQL reads, made once per state of the store."""
        if not min_sources or min_sources <= 1:
            return None
        if ("keys", min_sources) not in self.totals:
            self.totals[("keys", min_sources)] = json.dumps(sorted(self.keys_with(min_sources)))
        return self.totals[("keys", min_sources)]


def build_cluster_index(store, signature: tuple = ()) -> ClusterIndex:
    """The cluster index of the stored links (``linkstore``), or of links computed from every document
    when the stored ones are behind and cannot be written (a read-only database). ``store``: a
    ``Store``, or a list of documents (``Store.link_documents()``) to compute it from them."""
    from veille import linkstore

    if isinstance(store, list):
        return cluster_index_of(store, signature)
    groups = linkstore.clusters(store)
    if groups is None:
        return cluster_index_of(store.link_documents(), signature)
    contradicting = linkstore.contradictions(store) or []
    by_name = linkstore.names(store)
    ids = {k[0] for c in groups for k in c["keys"]}
    ids |= {by_name[side["doc"]] for link in contradicting for side in (link["a"], link["b"]) if side["doc"] in by_name}
    return _cluster_index(linkstore.positions(store, ids), by_name, groups, lambda told: contradicting, signature)


def cluster_index_of(docs: list[Document], signature: tuple = ()) -> ClusterIndex:
    """The cluster index computed from every document (``links``): the reference of the stored one."""
    from veille.links import clusters, contradictions, matches

    found = matches(docs)  # once, for the clusters and for their contradictions
    return _cluster_index([(d.id, n, e.start, e.type) for d in docs for n, e in enumerate(d.events)],
                          {name_of(d.source, d.url): d.id for d in docs}, clusters(docs, found),
                          lambda told: contradictions(docs, found, touching=told), signature)


def _cluster_index(events_at, by_name: dict[str, str], groups: list[dict], contradicting, signature) -> ClusterIndex:
    """``events_at``: (doc_id, n, sentence start, type) of the events; ``groups``: ``links.clusters``;
    ``contradicting(told)``: the contradictions, or at least those touching a claim told at one of these
    (doc_id, start)."""
    position: dict[tuple[str, int, str], list[int]] = {}
    starts: dict[tuple[str, int], list[int]] = {}
    for doc_id, n, start, type_ in sorted(events_at):
        position.setdefault((doc_id, start, type_), []).append(n)
        starts.setdefault((doc_id, start), []).append(n)
    index = ClusterIndex(signature)
    for c in groups:
        members = [(doc_id, n) for doc_id, start, type_ in c["keys"] for n in position.get((doc_id, start, type_), [])]
        if not members:
            continue
        cluster = Cluster(f"c-{members[0][0]}:{members[0][1]}", members, c["independent_sources"], c)
        index.clusters[cluster.id] = cluster
        for key in members:
            index.by_event[key] = cluster
    # only a contradiction with a claim told in a clustered event's sentence can mark a cluster
    told = {(doc_id, start) for (doc_id, start, _), ns in position.items()
            if any((doc_id, n) in index.by_event for n in ns)}
    marked: dict[str, set[str]] = {}
    for link in contradicting(told):
        for side in (link["a"], link["b"]):
            doc_id, offsets = by_name.get(side["doc"]), side.get("offsets") or [None, None]
            owners = [index.by_event.get((doc_id, n)) for n in starts.get((doc_id, offsets[1]), [])]
            cluster = next((c for c in owners if c), None)
            key = json.dumps(link, sort_keys=True)
            if cluster and key not in marked.setdefault(cluster.id, set()):
                marked[cluster.id].add(key)
                cluster.contradictions.append(link)
    return index


# ---------------------------------------------------------------------------- events

EVENT_COLUMNS = (events.c.doc_id, events.c.n, events.c.data, documents.c.source, documents.c.url, documents.c.title,
                 documents.c.published, documents.c.site)


def _doc_json(doc_id, source, url, title, published, site) -> dict:
    return {"id": doc_id, "name": name_of(source, url), "title": title, "published": published, "url": url,
            "site": site}


def event_json(row, index: ClusterIndex) -> dict:
    """One event row (``EVENT_COLUMNS``) as the desk's Event."""
    e = json.loads(row.data)
    place = e.get("place")
    cluster, reports, sources = index.of(row.doc_id, row.n)
    return {
        "id": f"{row.doc_id}:{row.n}", "doc_id": row.doc_id, "n": row.n, "type": e["type"], "mode": e.get("mode"),
        "source": list(e.get("source") or []), "target": list(e.get("target") or []), "date": e.get("date"),
        "date_precision": e.get("date_precision"),
        "place": {k: place.get(k) for k in ("name", "lat", "lon", "country", "kind")} if place else None,
        "geo_precision": geo_precision(place), "quantities": dict(e.get("quantities") or {}),
        "attributed_to": e.get("attributed_to"), "modality": e.get("modality"), "evidence": e.get("evidence"),
        "trigger": e.get("trigger"), "offsets": [e.get("segment", "body"), e.get("start"), e.get("end")],
        "doc": _doc_json(row.doc_id, row.source, row.url, row.title, row.published, row.site),
        "cluster": cluster, "reports": reports, "sources": sources,
    }


def _filtered(store, q, query: EventQuery, index: ClusterIndex, hypothetical: bool = False):
    """``q`` with the query's filters. What an if-clause supposes is left out (as in the exports)
    unless asked for by its modality."""
    q = store.event_select(q, query, index.keys_json(query.min_sources), covering=True)
    if not hypothetical and query.modality != "hypothetical":
        q = q.where(events.c.modality != "hypothetical")
    return q


def _joined(query: EventQuery):
    """``events``, joined to ``documents`` only when a filter reads a document's columns: a count or
    a timeline then reads the events_desk index alone."""
    if query.words or query.source:
        return events.join(documents, events.c.doc_id == documents.c.id)
    return events


def _from_events():
    return select(*EVENT_COLUMNS).select_from(events.join(documents, events.c.doc_id == documents.c.id))


MAX_TOTALS = 4096


def _query_key(query: EventQuery) -> tuple:
    """A query's filters, paging aside, as a key of the index's memo."""
    return tuple(sorted((k, repr(v)) for k, v in vars(query).items() if k not in ("limit", "offset")))


def _total(store, index: ClusterIndex, kind: str, query: EventQuery, q) -> int:
    """How many events a filtered view holds: counted once per state of the store (the index is
    rebuilt when it changes), as paging through a view asks for the same count again and again."""
    key = (kind, _query_key(query))
    if key not in index.totals:
        if len(index.totals) >= MAX_TOTALS:
            index.totals.clear()
        index.totals[key] = store.read(_filtered(store, q, query, index))[0][0]
    return index.totals[key]


def _count(store, query: EventQuery, index: ClusterIndex) -> int:
    return _total(store, index, "events", query, select(func.count()).select_from(_joined(query)))


def event_rows(store, index: ClusterIndex, query: EventQuery, limit: int, offset: int) -> dict:
    q = _filtered(store, _from_events(), query, index).order_by(*store.desk_order()).limit(limit).offset(offset)
    items = [event_json(r, index) for r in store.read(q)]
    return {"items": items, "total": _count(store, query, index), "limit": limit, "offset": offset,
            "clusters_pending": index.pending}


def iter_events(store, index: ClusterIndex, query: EventQuery) -> Iterator[dict]:
    """Every event of the filtered view, newest first, read a batch at a time (downloads)."""
    offset = 0
    while True:
        q = (_filtered(store, _from_events(), query, index).order_by(*store.desk_order())
             .limit(DOWNLOAD_BATCH).offset(offset))
        rows = store.read(q)
        for r in rows:
            yield event_json(r, index)
        if len(rows) < DOWNLOAD_BATCH:
            return
        offset += DOWNLOAD_BATCH


def split_event_id(event_id: str) -> tuple[str, int]:
    doc_id, _, n = event_id.rpartition(":")
    if not doc_id or not n.isdigit() or len(n) > 9:
        raise QueryError(f"{event_id[:80]!r}: an event id is <doc_id>:<n>, e.g. ab3803d52ba47258:0")
    return doc_id, int(n)


def one_event(store, index: ClusterIndex, event_id: str) -> dict:
    doc_id, n = split_event_id(event_id)
    q = _from_events().where(events.c.doc_id == doc_id, events.c.n == n)
    rows = store.read(q)
    if not rows:
        raise NotFoundError(f"{event_id[:80]}: no such event")
    out = event_json(rows[0], index)
    cluster = index.by_event.get((doc_id, n))
    members = cluster.members if cluster else [(doc_id, n)]
    out["reports_list"] = [report(store, d, i) for d, i in members]
    return out


# ---------------------------------------------------------------------------- reports, clusters, compare

def report(store, doc_id: str, n: int, doc: Document | None = None) -> dict:
    """One document's account of an event, as the card and the compare view show it side by side."""
    from veille.links import outlet

    doc = doc or store.get(doc_id)
    e = doc.events[n]
    return {"event_id": f"{doc_id}:{n}",
            "doc": {"id": doc.id, "name": name_of(doc.source, doc.url), "title": doc.title,
                    "published": doc.published, "url": doc.url, "site": doc.site},
            "evidence": e.evidence, "offsets": [e.segment, e.start, e.end], "date": e.date,
            "date_precision": e.date_precision, "quantities": dict(e.quantities or {}),
            "attributed_to": e.attributed_to, "modality": e.modality, "type": e.type, "mode": e.mode,
            "source": list(e.source), "target": list(e.target), "outlet": outlet(doc),
            "warnings": warning_kinds(doc)}


def warning_kinds(doc: Document) -> list[str]:
    """The kinds of the page's warning card (its genre is no warning), and ``error`` if a stage failed."""
    kinds = [s.get("kind") for s in doc.signals if s.get("kind") and s.get("kind") != "genre"]
    return list(dict.fromkeys(kinds + (["error"] if doc.errors else [])))


def _cluster_summary(c: Cluster) -> dict:
    r = c.record
    return {"id": c.id, "type": r["type"], "mode": r["mode"], "date": r["date"], "place": r["place"],
            "source": list(r["source"]), "target": list(r["target"]), "reports": c.reports, "sources": c.sources,
            "contradictions": len(c.contradictions)}


def cluster_list(store, index: ClusterIndex, query: EventQuery, limit: int, offset: int) -> dict:
    """Clusters (events told by two reports or more) with a report that matches the filters, most
    independent sources first."""
    if not index.clusters:
        return {"items": [], "total": 0, "limit": limit, "offset": offset}
    keys = {f"{d}:{n}" for d, n in index.by_event}
    wanted = index.keys_with(query.min_sources)
    q = select(events.c.doc_id, events.c.n).select_from(_joined(query))
    q = store.event_select(q, query, keys if wanted is None else keys & wanted)
    found = {index.by_event[(r.doc_id, r.n)].id for r in store.read(q)}
    chosen = [c for c in index.clusters.values() if c.id in found]
    chosen.sort(key=lambda c: (-c.sources, -c.reports, str(c.record["date"] or ""), c.id))
    return {"items": [_cluster_summary(c) for c in chosen[offset:offset + limit]], "total": len(chosen),
            "limit": limit, "offset": offset}


def compare(store, index: ClusterIndex, cluster_id: str) -> dict:
    """A cluster's reports side by side, their figures, and the contradictions between them. An
    event in no cluster is a cluster of one: ``e-<doc_id>:<n>``."""
    cluster = index.clusters.get(cluster_id)
    if cluster is None and cluster_id.startswith("e-"):
        doc_id, n = split_event_id(cluster_id[2:])
        if (doc_id, n) in index.by_event:
            cluster = index.by_event[(doc_id, n)]
        else:
            rows = store.read(_from_events().where(events.c.doc_id == doc_id, events.c.n == n))
            if not rows:
                raise NotFoundError(f"{cluster_id[:80]}: no such event")
            e = json.loads(rows[0].data)
            cluster = Cluster(cluster_id, [(doc_id, n)], 1, {
                "type": e["type"], "mode": e.get("mode"), "source": e.get("source") or [],
                "target": e.get("target") or [], "date": e.get("date"), "place": e.get("place")})
    if cluster is None:
        if not cluster_id.startswith(("c-", "e-")):
            raise QueryError(f"{cluster_id[:80]!r}: a cluster id is c-<doc_id>:<n>, or e-<doc_id>:<n> for one event")
        raise NotFoundError(f"{cluster_id[:80]}: no such cluster (the corpus may have changed: list /api/clusters)")
    docs = {}
    reports = []
    for doc_id, n in cluster.members:
        if doc_id not in docs:
            docs[doc_id] = store.get(doc_id)
        reports.append(report(store, doc_id, n, docs[doc_id]))
    figures: dict[str, list] = {}
    for r in reports:
        for key, value in r["quantities"].items():
            figures.setdefault(key, []).append({"event_id": r["event_id"], "doc": r["doc"]["name"], "value": value})
    return {**_cluster_summary(cluster), "independent_sources": cluster.sources, "reports": reports,
            "figures": figures,
            "contradictions": [{"kind": c["kind"], "a": c["a"], "b": c["b"], "note": c["note"]}
                               for c in cluster.contradictions]}


# ---------------------------------------------------------------------------- map, timeline, network

def event_map(store, index: ClusterIndex, query: EventQuery, limit: int, offset: int) -> dict:
    """Located events as GeoJSON ([lon, lat]); properties are read from columns, not the event's JSON."""
    c, d = events.c, documents.c
    base = select(c.doc_id, c.n, c.type, c.mode, c.date, c.place_name, c.lat, c.lon, d.title).select_from(
        events.join(documents, c.doc_id == d.id)).where(c.lat.is_not(None), c.lon.is_not(None))
    rows = store.read(_filtered(store, base, query, index).order_by(*store.desk_order()).limit(limit).offset(offset))
    counted = select(func.count()).select_from(_joined(query)).where(
        c.lat.is_not(None), c.lon.is_not(None))
    total = _total(store, index, "map", query, counted)
    features = []
    for r in rows:
        cluster, reports, sources = index.of(r.doc_id, r.n)
        features.append({"type": "Feature", "id": f"{r.doc_id}:{r.n}",
                         "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                         "properties": {"id": f"{r.doc_id}:{r.n}", "type": r.type, "mode": r.mode, "date": r.date,
                                        "place": r.place_name, "sources": sources, "reports": reports,
                                        "title": r.title, "cluster": cluster}})
    return {"type": "FeatureCollection", "features": features, "total": total, "limit": limit, "offset": offset,
            "clusters_pending": index.pending}


def timeline(store, index: ClusterIndex, query: EventQuery) -> dict:
    """Events per day and type; those known to a month or a year only are counted apart. Made once
    per filter and state of the store, like the counts: every page of the desk draws its strip."""
    key = ("timeline", _query_key(query))
    if key not in index.totals:
        if len(index.totals) >= MAX_TOTALS:
            index.totals.clear()
        index.totals[key] = _timeline(store, index, query)
    return index.totals[key]


def _timeline(store, index: ClusterIndex, query: EventQuery) -> dict:
    c = events.c
    q = select(c.date, c.type, func.count()).select_from(_joined(query))
    rows = store.read(_filtered(store, q, query, index).group_by(c.date, c.type))
    days: dict[str, dict] = {}
    coarse, undated, types = {"month": 0, "year": 0}, 0, set()
    for date, type_, n in rows:
        types.add(type_)
        if not date:
            undated += n
        elif len(date) == 10:
            days.setdefault(date, {})[type_] = n
        elif len(date) == 7:
            coarse["month"] += n
        else:
            coarse["year"] += n
    return {"days": [{"date": k, "counts": days[k]} for k in sorted(days)], "coarse": coarse, "undated": undated,
            "types": sorted(types)}


def network(store, index: ClusterIndex, query: EventQuery) -> dict:
    """Actors as nodes (how many events they take part in), edges source → target by type."""
    c = events.c
    src, tgt = event_actors.alias("src"), event_actors.alias("tgt")
    joined = (_joined(query)
              .join(src, and_(src.c.doc_id == c.doc_id, src.c.n == c.n, src.c.role == "source"))
              .join(tgt, and_(tgt.c.doc_id == c.doc_id, tgt.c.n == c.n, tgt.c.role == "target")))
    q = select(src.c.actor, tgt.c.actor, c.type, func.count()).select_from(joined)
    edges = store.read(_filtered(store, q, query, index).group_by(src.c.actor, tgt.c.actor, c.type))
    a = event_actors.alias("a")
    taking_part = _filtered(store, select(a.c.actor, a.c.doc_id, a.c.n).select_from(
        _joined(query).join(a, and_(a.c.doc_id == c.doc_id, a.c.n == c.n))), query, index).distinct().subquery()
    per_actor = store.read(select(taking_part.c.actor, func.count()).group_by(taking_part.c.actor))
    nodes = [{"id": k, "label": actor_label(k), "events": n} for k, n in sorted(per_actor, key=lambda r: (-r[1], r[0]))]
    return {"nodes": nodes, "edges": [{"source": s, "target": t, "type": ty, "count": n}
                                      for s, t, ty, n in sorted(edges, key=lambda e: (-e[3], e[0], e[1], e[2]))]}


def relationship(store, index: ClusterIndex, a: str, b: str, query: EventQuery, limit: int) -> dict:
    """Events between two actors (either way) per month by PLOVER's quad class, and the events."""
    a, b = _actor_code(a, "a"), _actor_code(b, "b")
    c = events.c

    def acts(who, role):
        ea = event_actors.c
        return exists().where(ea.doc_id == c.doc_id, ea.n == c.n, ea.role == role, ea.actor == who)

    pair = or_(and_(acts(a, "source"), acts(b, "target")), and_(acts(b, "source"), acts(a, "target")))
    q = select(c.doc_id, c.n, c.date, c.type, acts(a, "source").label("a_acts")).select_from(
        _joined(query)).where(pair)
    rows = store.read(_filtered(store, q, query, index).order_by(*store.desk_order()))
    quads = quad_classes()
    months: dict[str, Counter] = {}
    points = []
    for r in rows:
        quad = quads.get(r.type)
        if r.date and quad:
            months.setdefault(r.date[:7], Counter())[quad] += 1
        if len(points) < limit:
            points.append({"id": f"{r.doc_id}:{r.n}", "date": r.date, "quad": quad, "type": r.type,
                           "from": a if r.a_acts else b, "to": b if r.a_acts else a})
    return {"a": a, "b": b, "months": [{"month": m, **{k: months[m].get(k, 0) for k in QUADS}} for m in sorted(months)],
            "points": points, "total": len(rows)}


def _actor_code(value, name: str) -> str:
    import re

    code = (value or "").strip().upper()
    if not re.fullmatch(r"[A-Z][A-Z0-9_-]{1,15}", code):
        raise QueryError(f"{str(value)[:40]!r}: {name} takes an actor code, e.g. RUS, AZE, NATO")
    return code


@lru_cache(maxsize=4)
def quad_classes(kb_dir: str = "") -> dict[str, str]:
    """PLOVER type → quad class (``kb/events/quad.tsv``, from PLOVER's manual)."""
    from veille.lexicon import rows

    return {r["type"].upper(): r["quad"] for r in rows("events/quad.tsv", kb_dir) if r.get("type")}


@lru_cache(maxsize=2048)
def actor_label(code: str) -> str:
    """A name for an actor code: the state's, or the knowledge base's name of that group."""
    import pycountry

    found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if found:
        return found.name
    return _kb_actor_names().get(code, code)


@lru_cache(maxsize=1)
def _kb_actor_names() -> dict[str, str]:
    from veille.lexicon import rows

    names: dict[str, str] = {}
    for name in ("entities/organisations.tsv", "entities/armed_groups.tsv", "entities/territories.tsv",
                 "entities/phoenix_groups.tsv", "entities/phoenix_intl.tsv"):
        for r in rows(name):
            if r.get("actor") and not r.get("sector") and r.get("name"):
                names.setdefault(r["actor"], r["name"])
    return names


# ---------------------------------------------------------------------------- documents and the reader

def document_rows(store, text: str | None, limit: int, offset: int) -> dict:
    """The newest revision of every document, newest first; ``text``: every word in its title,
    name or text."""
    q_text = EventQuery(text=text)
    d = documents.c
    n_events = (select(func.count()).select_from(events)
                .where(events.c.doc_id == d.id, events.c.modality != "hypothetical").scalar_subquery())
    # the warning card's kinds (genre is none) and a stage's errors, read by the database from the stored JSON
    if store.engine.dialect.name == "sqlite":
        signal = func.json_each(d.data, "$.signals").table_valued("value").alias("signal")
        kind = func.json_extract(signal.c.value, "$.kind")
        has_errors = func.coalesce(func.json_array_length(d.data, "$.errors"), 0) > 0
        genre = func.json_extract(d.data, "$.genre")
        like = (lambda column, p: column.like(p, escape="\\"))
    else:  # PostgreSQL: the text read as JSON; its LIKE minds the case, where SQLite's does not
        data = cast(d.data, JSON)
        signal = func.json_array_elements(data["signals"]).table_valued("value").alias("signal")
        kind = signal.c.value.op("->>")("kind")
        has_errors = func.coalesce(func.json_array_length(data["errors"]), 0) > 0
        genre = data["genre"].astext
        like = (lambda column, p: column.ilike(p, escape="\\"))
    n_warnings = (select(func.count(func.distinct(kind))).select_from(signal).where(kind != "genre")
                  .scalar_subquery())
    where = [newest_revision(documents.c.id)]
    for word in q_text.words:
        p = like_pattern(word)
        where.append(or_(like(d.title, p), like(d.source, p), like(d.text, p)))
    order = (d.published.is_(None), d.published.desc(), d.source)
    page_ids = select(d.id).where(*where).order_by(*order).limit(limit).offset(offset)  # then read those only
    q = (select(d.id, d.source, d.url, d.title, d.published, d.site, d.language, n_events.label("events"),
                genre.label("genre"), n_warnings.label("warnings"), has_errors.label("errors"))
         .where(d.id.in_(page_ids)).order_by(*order))
    rows = store.read(q)
    total = store.read(select(func.count()).select_from(documents).where(*where))[0][0]
    items = [{"id": r.id, "name": name_of(r.source, r.url), "title": r.title, "published": r.published,
              "site": r.site, "language": r.language, "genre": r.genre, "events": r.events,
              "warnings": r.warnings + (1 if r.errors else 0)} for r in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def reader(store, index: ClusterIndex, ref: str) -> dict:
    """A document's clean text with what was found in it, each with its offsets."""
    doc = store.get(ref)
    marks = []
    for e in doc.entities:
        for m in e.mentions:
            marks.append({"segment": m.segment, "start": m.start, "end": m.end, "kind": "entity", "label": e.name,
                          "detail": {"actor": e.actor, "sector": e.sector, "type": e.type, "wikidata": e.wikidata}})
    for p in doc.places:
        for m in p.mentions:
            marks.append({"segment": m.segment, "start": m.start, "end": m.end, "kind": "place", "label": p.name,
                          "detail": {"lat": p.lat, "lon": p.lon, "country": p.country, "geonameid": p.geonameid,
                                     "kind": p.kind, "resolved": p.resolved}})
    for t in doc.dates:
        marks.append({"segment": t.segment, "start": t.start, "end": t.end, "kind": "date", "label": t.text,
                      "detail": {"value": t.value, "precision": t.precision, "timex": t.timex, "anchor": t.anchor}})
    for n, e in enumerate(doc.events):
        marks.append({"segment": e.segment, "start": e.trigger_start, "end": e.trigger_end, "kind": "event",
                      "label": e.trigger, "detail": {"id": f"{doc.id}:{n}", "type": e.type, "mode": e.mode,
                                                     "source": list(e.source), "target": list(e.target),
                                                     "modality": e.modality, "sentence": [e.start, e.end]}})
    marks.sort(key=lambda m: (m["segment"], m["start"], -m["end"]))
    rows = store.read(_from_events().where(events.c.doc_id == doc.id).order_by(events.c.n))
    return {"id": doc.id, "name": name_of(doc.source, doc.url), "title": doc.title, "published": doc.published,
            "url": doc.url, "author": doc.author, "site": doc.site, "language": doc.language, "genre": doc.genre,
            "truncated": doc.truncated, "text": doc.text, "captions": doc.captions, "highlights": marks,
            "signals": doc.signals, "errors": doc.errors,
            "dropped": [{"line": x.line, "text": x.text, "reason": x.reason} for x in doc.dropped],
            "events": [event_json(r, index) for r in rows]}
