"""Stored links: the links of ``veille.links`` kept in the store and updated document by document.

``links.py`` computes every link from all stored documents (the reference, kept as it is); at
100,000 events that takes hours. Here each document is linked once, when it is stored (``link``,
called by ``Veille`` after each save): only the pairs that touch its events and claims are
compared, against the stored ones found through indexed keys, and the links found are stored:

  link_docs          the documents linked so far (the newest revision of their source): name,
                     outlet and language, what a link shows and what ``links`` compares with
  link_events        each event that can be matched (not hypothetical), once per source actor:
                     type, actor, day (date ordinal, NULL when undated) and date window, the keys
                     of ``links._candidates`` (same type, a source actor in common, dates within
                     the wider of the two windows)
  link_starts        where each event stands (sentence start, type): the desk's cluster index
  link_claims        each claim (JSON), and ``link_claim_actors`` its (kind, actor) blocks
  link_words         the telling words (``links.words``, for claims) of each event ('e') and of
                     each claim ('c') that may match one another: a link between an event and a
                     claim needs three in common
  link_pairs         the links: same-event matches with their score (section 0), event-claim
                     matches (1), contradictions between claims (2) and between the tolls of two
                     matched events (3), with the keys that give today's order, as JSON
  link_state         synced_row (every document stored up to that row is linked) and version
                     (changes with link_pairs)
  link_cache         what ``links`` and ``clusters`` return, as of one version of link_pairs:
                     rebuilding 15,000 matches into clusters takes seconds; made ready at the end
                     of an ingest batch (``refresh``), or at the first read after a change

A revised document's older revision is forgotten (its rows and its links) when the revision is
linked. ``sync`` brings the tables up to date with the documents before every read: it links what
was stored without them (a database from before migration 008, a crash between a save and its
links, another process's writes) and forgets what is no longer the newest revision; it looks only
at the documents stored since the last complete sync. Many documents missing at once are linked
all together in memory (``_link_all``: links.py's blocked candidates and a word index of the
claims), faster than one by one. Each pair is
compared once, when the second of its two documents is linked, by the same per-pair functions as
the reference, so the stored links equal what ``links.py`` computes from scratch, in its order,
whatever the order of ingestion (tests/test_links_store.py).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from itertools import combinations

from sqlalchemy import (Column, Index, Integer, MetaData, String, Table, Text, and_, bindparam, exists, func, or_,
                        select)
from sqlalchemy.exc import SQLAlchemyError

from veille import links as ref
from veille.errors import StoreError, StoreUnavailableError
from veille.model import Document, Event, from_dict

metadata = MetaData()

link_docs = Table(
    "link_docs", metadata,
    Column("doc_id", String, primary_key=True),
    Column("source", String, nullable=False),
    Column("name", String, nullable=False),  # links.doc_name
    Column("url", String),
    Column("outlet", String, nullable=False),  # links.outlet
    Column("language", String, nullable=False),  # as the links read it: the document's, or "fr"
    Column("told", Integer, nullable=False),  # 1: it tells an event or makes a claim (Store.link_documents)
    Index("link_docs_source", "source"),
)
link_events = Table(
    "link_events", metadata,
    Column("doc_id", String, nullable=False),
    Column("n", Integer, nullable=False),
    Column("type", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("day", Integer),  # date ordinal; NULL: undated
    Column("win", Integer, nullable=False),  # the date window in days (links.WINDOW_DAYS)
    Index("link_events_block", "type", "actor", "day", "win", "doc_id", "n"),
    Index("link_events_doc", "doc_id"),
)
link_starts = Table(
    "link_starts", metadata,
    Column("doc_id", String, primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("type", String, nullable=False),
)
link_claims = Table(
    "link_claims", metadata,
    Column("doc_id", String, primary_key=True),
    Column("i", Integer, primary_key=True),  # position in Document.claims
    Column("data", Text, nullable=False),
)
link_claim_actors = Table(
    "link_claim_actors", metadata,
    Column("kind", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("doc_id", String, nullable=False),
    Column("i", Integer, nullable=False),
    Index("link_claim_actors_block", "kind", "actor", "doc_id", "i"),
    Index("link_claim_actors_doc", "doc_id"),
)
link_words = Table(
    "link_words", metadata,
    Column("side", String, nullable=False),  # 'e' an event (k = n), 'c' a claim (k = its position)
    Column("stem", String, nullable=False),
    Column("doc_id", String, nullable=False),
    Column("k", Integer, nullable=False),
    Index("link_words_stem", "side", "stem", "doc_id", "k"),
    Index("link_words_doc", "doc_id"),
)
link_pairs = Table(
    "link_pairs", metadata,
    Column("section", Integer, nullable=False),  # 0 same event, 1 event and claim, 2 claims, 3 tolls
    Column("score", Integer, nullable=False),  # words in common (sections 0 and 3), else 0
    Column("a_doc", String, nullable=False), Column("a_n", Integer, nullable=False),
    Column("b_doc", String, nullable=False), Column("b_n", Integer, nullable=False),
    Column("sub", Integer, nullable=False),  # the rank of a toll among the pair's (section 3)
    Column("link", Text, nullable=False),  # the link as links.py gives it, JSON
    Index("link_pairs_a", "a_doc"), Index("link_pairs_b", "b_doc"),
)
link_state = Table(
    "link_state", metadata,
    Column("name", String, primary_key=True),  # synced_row: every document stored up to this row is linked;
    Column("value", Integer, nullable=False),  # version: changes whenever link_pairs does
)
link_cache = Table(
    "link_cache", metadata,
    Column("name", String, primary_key=True),  # links, clusters: what ``links`` and ``clusters`` return,
    Column("version", Integer, nullable=False),  # as of this version of link_pairs
    Column("data", Text, nullable=False),  # JSON
)
TABLES = (link_docs, link_events, link_starts, link_claims, link_claim_actors, link_words, link_pairs)
MAX_WINDOW = max(ref.WINDOW_DAYS.values())
CHUNK = 500  # ids in one IN list
LAG = 200  # documents stored since the last complete sync from which a read that finds none missing says so
BULK = 200  # documents missing at once from which every document is linked anew (see ``sync``)


def m008_links(conn) -> None:
    """The tables of the stored links. The documents stored before are linked at the first read or
    ingest (``sync``), not here: the migration stays quick, and needs no language data."""
    metadata.create_all(conn, tables=[*TABLES, link_state, link_cache])


# ---------------------------------------------------------------------------- keeping up

@contextmanager
def _writing(store):
    try:
        with store._writing() as conn:
            yield conn
    except SQLAlchemyError as e:
        from veille import connect

        stop = connect.unavailable(e, store.name, "storing the links")
        raise (stop or StoreError(f"{store.name}: links not stored ({connect.why(e)})")) from e


def link(store, doc_id: str) -> None:
    """Link one document just stored: forget the older revisions of its source, then compare its
    events and claims with those of the documents linked already and store the links found."""
    from veille.store import documents

    with _writing(store) as conn:
        source = conn.execute(select(documents.c.source).where(documents.c.id == doc_id)).scalar()
        if source is None:
            return
        for older in conn.execute(select(link_docs.c.doc_id).where(link_docs.c.source == source,
                                                                   link_docs.c.doc_id != doc_id)).scalars().all():
            _forget(conn, older)
        if _is_current(conn, doc_id) and not _linked(conn, doc_id):
            _link(conn, doc_id)


def sync(store, bulk_from: int = BULK) -> bool:
    """Bring the stored links up to date with the stored documents (see the module's docstring).
    False when they are behind and cannot be written (a read-only database): read from scratch then.
    Only the documents stored since the last complete sync (``synced_row``) are looked at. When
    ``bulk_from`` documents or more are missing, and at least as many as a third of those linked,
    every document is linked anew at once (``_link_all``): faster than one by one."""
    with store._reading() as conn:
        since = _state(conn, "synced_row")
        missing, stale, last = _behind(conn, store, since)
    if not missing and not stale:
        if last - since > LAG and not store.read_only:  # nothing to do, but say so, for the next reads
            try:
                with _writing(store) as conn:
                    _set_state(conn, "synced_row", last)
            except StoreError:
                pass
        return True
    if store.read_only:
        return False
    try:
        _catch_up(store, bulk_from)
    except StoreUnavailableError:  # cannot be written now (a full disk, a read-only mount): read from scratch
        return False
    return True


def _catch_up(store, bulk_from: int) -> None:
    with _writing(store) as conn:
        missing, stale, last = _behind(conn, store, _state(conn, "synced_row"))
        linked = conn.execute(select(func.count()).select_from(link_docs)).scalar()
        if len(missing) >= bulk_from and 3 * len(missing) >= linked:
            _link_all(conn, store)
        else:
            for doc_id in stale:
                _forget(conn, doc_id)
            for doc_id in missing:
                _link(conn, doc_id)
        _set_state(conn, "synced_row", last)


def _behind(conn, store, since: int) -> tuple[list[str], list[str], int]:
    """(documents to link, linked documents to forget, the last row stored) among the documents
    stored after row ``since`` (and the older revisions of their sources)."""
    from veille.store import documents

    row = store.row_column()
    last = conn.execute(select(func.max(row)).select_from(documents)).scalar() or 0
    if last <= since:
        return [], [], last
    if since == 0:
        return _missing(conn), _stale(conn), last
    new = conn.execute(select(documents.c.id, documents.c.source).where(row > since)).all()
    d = documents.alias("d")
    ids, sources = sorted({r[0] for r in new}), sorted({r[1] for r in new})
    missing, stale = [], []
    for i in range(0, len(ids), CHUNK):
        missing += conn.execute(select(d.c.id).where(d.c.id.in_(ids[i:i + CHUNK]), _current(d),
                                                     ~exists().where(link_docs.c.doc_id == d.c.id))).scalars().all()
    for i in range(0, len(sources), CHUNK):
        stale += conn.execute(select(link_docs.c.doc_id).where(
            link_docs.c.source.in_(sources[i:i + CHUNK]),
            ~exists().where(d.c.id == link_docs.c.doc_id, _current(d)))).scalars().all()
    return sorted(missing), stale, last


def _state(conn, name: str) -> int:
    return conn.execute(select(link_state.c.value).where(link_state.c.name == name)).scalar() or 0


def _set_state(conn, name: str, value: int) -> None:
    if conn.execute(link_state.update().where(link_state.c.name == name).values(value=value)).rowcount == 0:
        conn.execute(link_state.insert().values(name=name, value=value))


def _changed(conn) -> None:
    """link_pairs changed: what was computed from them (link_cache) no longer holds."""
    _set_state(conn, "version", _state(conn, "version") + 1)


def _current(d):
    from veille.store import documents

    later = documents.alias("later")
    return ~exists().where(later.c.source == d.c.source, later.c.revision > d.c.revision)


def _is_current(conn, doc_id: str) -> bool:
    from veille.store import documents

    d = documents.alias("d")
    return conn.execute(select(d.c.id).where(d.c.id == doc_id, _current(d))).first() is not None


def _linked(conn, doc_id: str) -> bool:
    return conn.execute(select(link_docs.c.doc_id).where(link_docs.c.doc_id == doc_id)).first() is not None


def _missing(conn) -> list[str]:
    """The newest revisions not linked yet, by id."""
    from veille.store import documents

    d = documents.alias("d")
    return conn.execute(select(d.c.id).where(_current(d), ~exists().where(link_docs.c.doc_id == d.c.id))
                        .order_by(d.c.id)).scalars().all()


def _stale(conn) -> list[str]:
    """Linked documents that are no longer the newest revision of their source (or no longer stored)."""
    from veille.store import documents

    d = documents.alias("d")
    return conn.execute(select(link_docs.c.doc_id).where(~exists().where(d.c.id == link_docs.c.doc_id, _current(d)))
                        ).scalars().all()


def _forget(conn, doc_id: str) -> None:
    if conn.execute(link_pairs.delete().where(or_(link_pairs.c.a_doc == doc_id,
                                                  link_pairs.c.b_doc == doc_id))).rowcount:
        _changed(conn)
    for table in (link_docs, link_events, link_starts, link_claims, link_claim_actors, link_words):
        conn.execute(table.delete().where(table.c.doc_id == doc_id))


# ---------------------------------------------------------------------------- linking one document

class _Other:
    """What the links need of a document linked before: its name and language."""

    __slots__ = ("name", "language")

    def __init__(self, name: str, language: str):
        self.name, self.language = name, language


def _load(conn, doc_id: str) -> Document:
    from veille.store import documents

    return from_dict(json.loads(conn.execute(select(documents.c.data).where(documents.c.id == doc_id)).scalar()))


def _day_and_window(e: Event) -> tuple[int | None, int]:
    day = ref._day(e.date)
    return (day.toordinal() if day else None), ref.WINDOW_DAYS.get(e.date_precision or "day", 3)


def _link(conn, doc_id: str) -> None:
    """Compare one document (the newest revision of its source, not linked yet) with every linked one."""
    doc = _load(conn, doc_id)
    lang, name = doc.language or "fr", ref.doc_name(doc)
    rows: list[dict] = []
    if doc.events or doc.claims:
        rows += _same_events(conn, doc, lang, name)
        rows += _events_to_claims(conn, doc, lang, name)
        rows += _claims_to_events(conn, doc, lang, name)
        rows += _contradictions(conn, doc, name)
    _index(conn, doc, lang, name)
    if rows:
        conn.execute(link_pairs.insert(), [{**r, "link": json.dumps(r["link"], ensure_ascii=False)} for r in rows])
        _changed(conn)


def _pair(section, a_doc, a_n, b_doc, b_n, link, score=0, sub=0) -> dict:
    return {"section": section, "score": score, "a_doc": a_doc, "a_n": a_n, "b_doc": b_doc, "b_n": b_n, "sub": sub,
            "link": link}


def _with_data(conn, keys, side: str, params: dict) -> list[tuple]:
    """(doc_id, k, Event or claim dict, _Other) of the linked events ('e') or claims ('c') that the
    select ``keys`` (of doc_id and k; its parameters ``params``) names."""
    q = _joined.get((id(keys), side))
    if q is None:  # made once per select: the statement is then found in SQLAlchemy's cache at once
        from veille.store import events

        sub = keys.subquery()
        table, col = (events, events.c.n) if side == "e" else (link_claims, link_claims.c.i)
        q = _joined[(id(keys), side)] = (
            select(sub.c.doc_id, sub.c.k, table.c.data, link_docs.c.name, link_docs.c.language)
            .join_from(sub, table, and_(table.c.doc_id == sub.c.doc_id, col == sub.c.k))
            .join(link_docs, link_docs.c.doc_id == sub.c.doc_id))
    out = []
    for r in conn.execute(q, params):
        data = json.loads(r[2])
        out.append((r[0], r[1], Event(**data) if side == "e" else data, _Other(r[3], r[4])))
    return out


_joined: dict[tuple[int, str], object] = {}
le, lw, ca = link_events.c, link_words.c, link_claim_actors.c
_BLOCK = (select(le.doc_id, le.n.label("k")).distinct()
          .where(le.type == bindparam("type"), le.actor.in_(bindparam("actors", expanding=True)),
                 le.doc_id != bindparam("doc")))
_DAY = bindparam("day", type_=Integer)
_BLOCK_DATED = _BLOCK.where(or_(le.day.is_(None), and_(
    le.day >= bindparam("lo", type_=Integer), le.day <= bindparam("hi", type_=Integer),
    or_(and_(le.day >= bindparam("wlo", type_=Integer), le.day <= bindparam("whi", type_=Integer)),
        and_(le.day - _DAY <= le.win, _DAY - le.day <= le.win)))))
_WORDS = (select(lw.doc_id, lw.k).where(lw.side == bindparam("side"), lw.stem.in_(bindparam("stems", expanding=True)),
                                        lw.doc_id != bindparam("doc"))
          .group_by(lw.doc_id, lw.k).having(func.count() >= 3))
_CLAIMS = (select(ca.doc_id, ca.i.label("k")).distinct()
           .where(ca.kind == bindparam("kind"), ca.actor.in_(bindparam("actors", expanding=True)),
                  ca.doc_id != bindparam("doc")))


def _same_events(conn, doc: Document, lang: str, name: str) -> list[dict]:
    """Matches of the document's events with linked events of its type and source actors, in their
    date window (``links._candidates``' keys): each judged as ``links.matches`` does."""
    rows = []
    for n, e in enumerate(doc.events):
        if e.modality == "hypothetical" or not e.source:
            continue
        day, window = _day_and_window(e)
        values = {"type": e.type, "actors": sorted(set(e.source)), "doc": doc.id}
        if day is not None:
            values.update(day=day, lo=day - MAX_WINDOW, hi=day + MAX_WINDOW, wlo=day - window, whi=day + window)
        mine = None
        for other_id, m, other, info in _with_data(conn, _BLOCK if day is None else _BLOCK_DATED, "e", values):
            if not ref.compatible(e, other):
                continue
            if mine is None:
                mine = ref.stems(e, lang)
            shared = mine & ref.stems(other, info.language)
            if not ref.told_as_one(e, other, shared):
                continue
            if doc.id < other_id:
                a, b = (doc.id, n, name, e), (other_id, m, info.name, other)
            else:
                a, b = (other_id, m, info.name, other), (doc.id, n, name, e)
            rows.append(_pair(0, a[0], a[1], b[0], b[1], ref.same_event_link(a[2], a[3], b[2], b[3], shared),
                              score=len(shared)))
            for s, link in enumerate(ref.figure_links(a[2], a[3], b[2], b[3])):
                rows.append(_pair(3, a[0], a[1], b[0], b[1], link, score=len(shared), sub=s))
    return rows


def _sharing_words(conn, side: str, stems: set[str], doc_id: str) -> list[tuple]:
    """The linked events ('e') or claims ('c') of other documents with three of these words, with
    their data (as ``_with_data``)."""
    if len(stems) < 3:
        return []
    return _with_data(conn, _WORDS, side, {"side": side, "stems": sorted(stems), "doc": doc_id})


def _events_to_claims(conn, doc: Document, lang: str, name: str) -> list[dict]:
    """Its events and the linked claims they tell (``links.event_claim_matches``)."""
    rows = []
    for n, e in enumerate(doc.events):
        if e.modality == "hypothetical" or not (e.source or e.target):
            continue
        mine = ref.stems(e, lang, for_claims=True)
        for other_id, i, claim, info in _sharing_words(conn, "c", mine, doc.id):
            link = ref.event_claim_link(name, e, mine, info.name, claim,
                                        ref.words(claim["evidence"], info.language, for_claims=True))
            if link:
                rows.append(_pair(1, doc.id, n, other_id, i, link))
    return rows


def _claims_to_events(conn, doc: Document, lang: str, name: str) -> list[dict]:
    """Its claims and the linked events that tell them."""
    rows = []
    for i, c in enumerate(doc.claims):
        if not c.get("actors") or ref.claim_told_as_event(c, doc.events):
            continue
        mine = ref.words(c["evidence"], lang, for_claims=True)
        for other_id, n, e, info in _sharing_words(conn, "e", mine, doc.id):
            if e.modality == "hypothetical":
                continue
            link = ref.event_claim_link(info.name, e, ref.stems(e, info.language, for_claims=True), name, c, mine)
            if link:
                rows.append(_pair(1, other_id, n, doc.id, i, link))
    return rows


def _contradictions(conn, doc: Document, name: str) -> list[dict]:
    """Its claims against the linked claims of their kind and actors, and against one another."""
    rows = []
    for i, c in enumerate(doc.claims):
        if c.get("kind") not in ref.CLAIM_KINDS or not c.get("actors"):
            continue
        for j in range(i + 1, len(doc.claims)):
            link = ref.claim_contradiction(True, name, c, name, doc.claims[j])
            if link:
                rows.append(_pair(2, doc.id, i, doc.id, j, link))
        values = {"kind": c["kind"], "actors": sorted(set(c["actors"])), "doc": doc.id}
        for other_id, j, claim, info in _with_data(conn, _CLAIMS, "c", values):
            if doc.id < other_id:
                link = ref.claim_contradiction(False, name, c, info.name, claim)
                key = (doc.id, i, other_id, j)
            else:
                link = ref.claim_contradiction(False, info.name, claim, name, c)
                key = (other_id, j, doc.id, i)
            if link:
                rows.append(_pair(2, *key, link))
    return rows


def _index(conn, doc: Document, lang: str, name: str) -> None:
    """Record the document as linked, with the keys later documents find its events and claims by."""
    _insert(conn, _index_rows(doc, lang, name))


def _insert(conn, rows: dict) -> None:
    for table in TABLES:
        values = rows.get(table.name)
        for i in range(0, len(values or ()), 5000):
            conn.execute(table.insert(), values[i:i + 5000])


def _index_rows(doc: Document, lang: str, name: str, rows: dict | None = None) -> dict:
    """The rows of ``_index`` by table name, added to ``rows``."""
    rows = {t.name: [] for t in TABLES} if rows is None else rows
    rows["link_docs"].append({"doc_id": doc.id, "source": doc.source, "name": name, "url": doc.url,
                              "outlet": ref.outlet(doc), "language": lang, "told": int(bool(doc.events or doc.claims))})
    starts, blocks, words = [], [], []
    for n, e in enumerate(doc.events):
        starts.append({"doc_id": doc.id, "n": n, "start": e.start, "type": e.type})
        if e.modality == "hypothetical":
            continue
        day, window = _day_and_window(e)
        blocks += [{"doc_id": doc.id, "n": n, "type": e.type, "actor": a, "day": day, "win": window}
                   for a in sorted(set(e.source))]
        if e.source or e.target:
            words += [{"side": "e", "stem": s, "doc_id": doc.id, "k": n}
                      for s in sorted(ref.stems(e, lang, for_claims=True))]
    claims, actors = [], []
    for i, c in enumerate(doc.claims):
        claims.append({"doc_id": doc.id, "i": i, "data": json.dumps(c, ensure_ascii=False)})
        if c.get("kind") in ref.CLAIM_KINDS:
            actors += [{"kind": c["kind"], "actor": a, "doc_id": doc.id, "i": i}
                       for a in sorted(set(c.get("actors", ())))]
        if c.get("actors") and not ref.claim_told_as_event(c, doc.events):
            words += [{"side": "c", "stem": s, "doc_id": doc.id, "k": i}
                      for s in sorted(ref.words(c["evidence"], lang, for_claims=True))]
    for table, values in ((link_starts, starts), (link_events, blocks), (link_claims, claims),
                          (link_claim_actors, actors), (link_words, words)):
        rows[table.name] += values
    return rows


# ---------------------------------------------------------------------------- linking many at once

def _link_all(conn, store) -> None:
    """Link every stored document anew, in memory (many documents missing: a database from before
    migration 008): the pairs as links.py finds them from scratch, judged by the same functions."""
    from veille.store import documents

    for table in TABLES:
        conn.execute(table.delete())
    _changed(conn)
    docs = sorted(store.link_documents(), key=lambda d: d.id)
    told = {d.id for d in docs}
    d = documents.alias("d")
    rows = {t.name: [] for t in TABLES}
    for doc_id in conn.execute(select(d.c.id).where(_current(d)).order_by(d.c.id)).scalars().all():
        if doc_id not in told:  # no event, no claim: recorded as linked, no pair
            doc = _load(conn, doc_id)
            _index_rows(doc, doc.language or "fr", ref.doc_name(doc), rows)
    names = {doc.id: ref.doc_name(doc) for doc in docs}
    for doc in docs:
        _index_rows(doc, doc.language or "fr", names[doc.id], rows)
    rows["link_pairs"] = _all_pairs(docs, names)
    _insert(conn, {**rows, "link_pairs": [{**r, "link": json.dumps(r["link"], ensure_ascii=False)}
                                          for r in rows["link_pairs"]]})


def _all_pairs(docs: list[Document], names: dict[str, str]) -> list[dict]:
    """Every link of these documents (sorted by id), as rows of ``link_pairs``."""
    rows = []
    at = {id(e): n for doc in docs for n, e in enumerate(doc.events)}
    for score, da, ea, db, eb, shared in ref.matches(docs):
        a, b = (da.id, at[id(ea)]), (db.id, at[id(eb)])
        rows.append(_pair(0, *a, *b, ref.same_event_link(names[da.id], ea, names[db.id], eb, shared), score=score))
        for s, link in enumerate(ref.figure_links(names[da.id], ea, names[db.id], eb)):
            rows.append(_pair(3, *a, *b, link, score=score, sub=s))
    claims, by_word = [], {}  # the claims an event may tell, found by their words
    for doc in docs:
        for i, c in enumerate(doc.claims):
            if c.get("actors") and not ref.claim_told_as_event(c, doc.events):
                for w in ref.words(c["evidence"], doc.language or "fr", for_claims=True):
                    by_word.setdefault(w, []).append(len(claims))
                claims.append((doc, i, c, ref.words(c["evidence"], doc.language or "fr", for_claims=True)))
    for doc in docs:
        for n, e in enumerate(doc.events):
            if e.modality == "hypothetical" or not (e.source or e.target):
                continue
            mine = ref.stems(e, doc.language or "fr", for_claims=True)
            common: dict[int, int] = {}
            for w in mine:
                for k in by_word.get(w, ()):
                    common[k] = common.get(k, 0) + 1
            for k, count in common.items():
                other, i, c, theirs = claims[k]
                if count >= 3 and other.id != doc.id:
                    link = ref.event_claim_link(names[doc.id], e, mine, names[other.id], c, theirs)
                    if link:
                        rows.append(_pair(1, doc.id, n, other.id, i, link))
    items = [(doc, i, c) for doc in docs for i, c in enumerate(doc.claims)]
    blocks: dict[tuple, list[int]] = {}
    for x, (_, _, c) in enumerate(items):
        if c.get("kind") in ref.CLAIM_KINDS:
            for actor in set(c.get("actors", ())):
                blocks.setdefault((c["kind"], actor), []).append(x)
    for x, y in sorted({(x, y) for members in blocks.values() for x, y in combinations(members, 2)}):
        (da, i, a), (db, j, b) = items[x], items[y]
        link = ref.claim_contradiction(da.id == db.id, names[da.id], a, names[db.id], b)
        if link:
            rows.append(_pair(2, da.id, i, db.id, j, link))
    return rows


# ---------------------------------------------------------------------------- reading

def _rows(store, *sections: int) -> list:
    lp = link_pairs.c
    with store._reading() as conn:
        rows = conn.execute(select(lp.section, lp.score, lp.a_doc, lp.a_n, lp.b_doc, lp.b_n, lp.sub, lp.link)
                            .where(lp.section.in_(sections))).all()
    # links.py's order: same-event matches the closest first, then as the corpus' items come
    # (documents by id, events and claims in their order); sorted here, as Python compares ids
    return sorted(rows, key=lambda r: (r[0], -r[1], r[2], r[3], r[4], r[5], r[6]))


def links(store) -> list[dict] | None:
    """``links.same_events + event_claim_matches + contradictions`` of the stored documents, as stored;
    None when the stored links are behind and cannot be brought up to date (read from scratch then)."""
    if not sync(store):
        return None
    return _cached(store, "links", _links_now)


def _links_now(store) -> list[dict]:
    out, seen = [], set()
    for r in _rows(store, 0, 1, 2, 3):
        link = json.loads(r[7])
        if r[0] == 0:  # one link per pair of documents and pair of sentences, as links.same_events
            key = (r[2], r[4], link["a"]["evidence"], link["b"]["evidence"])
            if key in seen:
                continue
            seen.add(key)
        out.append(link)
    return out


def contradictions(store) -> list[dict] | None:
    """``links.contradictions`` of the stored documents (claims, then tolls), as stored."""
    if not sync(store):
        return None
    return [json.loads(r[7]) for r in _rows(store, 2, 3)]


def matches(store) -> tuple[list[tuple], dict[str, str]] | None:
    """``links.matches`` of the stored documents, rebuilt from the stored pairs (documents with their
    id, source and url; events whole), and each document's outlet; None as ``links``."""
    if not sync(store):
        return None
    from veille.store import events

    rows = _rows(store, 0)
    lp = link_pairs.c
    found_events: dict[tuple[str, int], Event] = {}
    docs: dict[str, Document] = {}
    outlets: dict[str, str] = {}
    with store._reading() as conn:
        for a_or_b in ((lp.a_doc, lp.a_n), (lp.b_doc, lp.b_n)):
            q = (select(events.c.doc_id, events.c.n, events.c.data).distinct()
                 .join_from(link_pairs, events, and_(events.c.doc_id == a_or_b[0], events.c.n == a_or_b[1]))
                 .where(lp.section == 0))
            for doc_id, n, data in conn.execute(q):
                if (doc_id, n) not in found_events:
                    found_events[(doc_id, n)] = Event(**json.loads(data))
        ids = sorted({r[2] for r in rows} | {r[4] for r in rows})
        ld = link_docs.c
        for i in range(0, len(ids), CHUNK):
            for r in conn.execute(select(ld.doc_id, ld.source, ld.url, ld.outlet)
                                  .where(ld.doc_id.in_(ids[i:i + CHUNK]))):
                docs[r[0]] = Document(id=r[0], source=r[1], kind="", raw="", url=r[2])
                outlets[r[0]] = r[3]
    found = [(r[1], docs[r[2]], found_events[(r[2], r[3])], docs[r[4]], found_events[(r[4], r[5])], None)
             for r in rows]
    return found, outlets


def clusters(store) -> list[dict] | None:
    """``links.clusters`` of the stored documents, from the stored matches; None as ``links``."""
    if not sync(store):
        return None
    groups = _cached(store, "clusters", _clusters_now)
    for c in groups:
        c["keys"] = [tuple(k) for k in c["keys"]]  # (doc_id, start, type), as links.clusters gives them
    return groups


def _clusters_now(store) -> list[dict]:
    found, outlets = matches(store)
    return ref.clusters([], found, outlets)


def refresh(store) -> None:
    """Bring the links up to date and compute what ``links`` and ``clusters`` return, so that the
    next reads find it ready (``Veille.ingest`` calls it after a batch that stored documents)."""
    if sync(store):
        _cached(store, "links", _links_now, read=False)
        _cached(store, "clusters", _clusters_now, read=False)


def _cached(store, name: str, compute, read: bool = True):
    """``compute(store)``, or what it gave for this version of link_pairs, kept in link_cache: at
    100,000 events, rebuilding the clusters from the stored pairs takes seconds. ``read``: False
    to make sure it is kept, without reading it (returns None then when it is)."""
    lc = link_cache.c
    with store._reading() as conn:
        version = _state(conn, "version")
        held = conn.execute(select(lc.version).where(lc.name == name)).scalar()
        if held == version:
            return json.loads(conn.execute(select(lc.data).where(lc.name == name)).scalar()) if read else None
    value = compute(store)
    if not store.read_only:
        try:
            with _writing(store) as conn:
                conn.execute(link_cache.delete().where(lc.name == name))
                conn.execute(link_cache.insert().values(name=name, version=version,
                                                        data=json.dumps(value, ensure_ascii=False)))
        except StoreError:  # kept next time
            pass
    return value


def positions(store, doc_ids: set[str]) -> list[tuple[str, int, int, str]]:
    """(doc_id, n, start, type) of every event of these linked documents."""
    s = link_starts.c
    ids, out = sorted(doc_ids), []
    with store._reading() as conn:
        for i in range(0, len(ids), CHUNK):
            out += conn.execute(select(s.doc_id, s.n, s.start, s.type).where(s.doc_id.in_(ids[i:i + CHUNK]))).all()
    return out


def names(store) -> dict[str, str]:
    """Each linked document's id by its name (``links.doc_name``), the last by id when two share one."""
    with store._reading() as conn:
        rows = conn.execute(select(link_docs.c.name, link_docs.c.doc_id).where(link_docs.c.told == 1)).all()
    return dict(sorted(((r[0], r[1]) for r in rows), key=lambda r: r[1]))

