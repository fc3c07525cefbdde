"""The store: SQLAlchemy Core over SQLite (one file, WAL, FTS5 search) by default, or PostgreSQL.

Every write of a document is one transaction: a document is stored whole or not at
all, its events with it. Schema changes are named migrations recorded in the
``migrations`` table, the same names on both databases; a step branches on the dialect
where they differ. Text search is FTS5 on SQLite and PostgreSQL's own full-text search on
PostgreSQL (a ``tsvector`` of the folded words, see ``ts_words``), with the same meaning:
each word, accents aside, as a word (``search``) or a word's start (the events' ``text`` filter).

On PostgreSQL every write transaction first takes one advisory lock (``pg_advisory_xact_lock``),
as SQLite's BEGIN IMMEDIATE takes the write lock: migrations, revision numbers and "is this id
stored yet" are decided by one writer at a time there too.

Several processes may share one SQLite file: a write takes the lock at BEGIN (see
``veille.connect``), so migrations, revision numbers and "is this id stored yet" are decided
by one process at a time, and readers see whole documents only. A database this process
cannot write is opened read-only: reads work, and the first write raises
``StoreUnavailableError``, as a full or failing disk does.

Events are kept twice on purpose: inside the document's JSON (what ``get`` returns) and
in the ``events`` and ``event_actors`` tables, which exist to be queried (``events``).
"""
from __future__ import annotations

import dataclasses
import json
import re
import math
import os
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (Boolean, Column, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, MetaData, String,
                        Table, Text, UniqueConstraint, and_, bindparam, cast, event, exists, false, func, inspect,
                        any_, literal_column, or_, select, text, tuple_)
from sqlalchemy.dialects.postgresql import ARRAY, JSON
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from veille import connect
from veille.alertstore import m007_watches
from veille.linkstore import m008_links
from veille.errors import AlreadyStoredError, NotFoundError, QueryError, StoreError, StoreUnavailableError
from veille.geo import km
from veille.lexicon import fold
from veille.model import Document, Event, from_dict, geo_precision, name_of
from veille.query import EventHit, EventQuery
from veille.sourcestore import m006_sources

metadata = MetaData()

migrations = Table("migrations", metadata,
                   Column("name", String, primary_key=True), Column("applied_at", String, nullable=False))
documents = Table(
    "documents", metadata,
    Column("id", String, primary_key=True),  # content hash
    Column("source", String, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("url", String),
    Column("title", Text),
    Column("published", String),
    Column("language", String),
    Column("truncated", Boolean, nullable=False, default=False),
    Column("author", String),
    Column("site", String),
    Column("text", Text, nullable=False),
    Column("data", Text, nullable=False),  # the whole Document as JSON
    Column("ingested_at", String, nullable=False),
    UniqueConstraint("source", "revision"),
)
entities = Table(
    "entities", metadata,
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("entity", String, nullable=False),
    Column("name", String, nullable=False),
    Column("type", String, nullable=False),
    Column("actor", String),
    Column("sector", String),
    Column("mentions", Integer, nullable=False),
    Index("entities_actor", "actor"), Index("entities_doc", "doc_id"),
)
places = Table(
    "places", metadata,
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("resolved", Boolean, nullable=False),
    Column("lat", Float), Column("lon", Float),
    Column("country", String), Column("geonameid", Integer),
    Column("mentions", Integer, nullable=False),
    Index("places_doc", "doc_id"), Index("places_country", "country"),
)
failures = Table(
    "failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String, nullable=False),
)

events = Table(
    "events", metadata,
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("n", Integer, primary_key=True),  # position in Document.events
    Column("type", String, nullable=False),
    Column("mode", String),
    Column("source", String, nullable=False),  # actor codes joined by ","; query them through event_actors
    Column("target", String, nullable=False),
    Column("date", String), Column("date_precision", String),
    Column("place_name", String), Column("lat", Float), Column("lon", Float),
    Column("country", String),  # ISO 3166-1 alpha-2 of the event's place
    Column("geo_precision", Integer),  # 1 exact place, 2 region, 3 country (as ACLED)
    Column("quantities", Text, nullable=False),  # JSON object
    Column("attributed_to", String),
    Column("modality", String, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("confidence", Float),
    Column("data", Text, nullable=False),  # the whole Event as JSON, so a query gives it back as extracted
    Index("events_type", "type"), Index("events_date", "date"), Index("events_country", "country"),
    Index("events_lat_lon", "lat", "lon"),
)
event_actors = Table(
    "event_actors", metadata,
    Column("doc_id", String, primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("role", String, primary_key=True),  # source or target
    Column("actor", String, primary_key=True),
    ForeignKeyConstraint(["doc_id", "n"], ["events.doc_id", "events.n"], ondelete="CASCADE"),
    Index("event_actors_actor", "actor", "role"),
)


def _m001_base(conn) -> None:
    metadata.create_all(conn, tables=[documents, entities, places, failures])
    if conn.dialect.name == "postgresql":  # the order documents were stored in, as SQLite's rowid (see row_column)
        conn.exec_driver_sql("ALTER TABLE documents ADD COLUMN seq BIGSERIAL")
        conn.exec_driver_sql("CREATE INDEX documents_seq ON documents (seq)")
        # lists sorted by source come out in SQLite's order (bytes), whatever the database's locale
        conn.exec_driver_sql('ALTER TABLE documents ALTER COLUMN source TYPE VARCHAR COLLATE "C"')


def _m002_fts(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE documents_fts USING fts5("
                             "doc_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')")
    elif conn.dialect.name == "postgresql":  # the folded words of the title and the text (see ts_words)
        conn.exec_driver_sql("CREATE TABLE documents_fts (doc_id VARCHAR PRIMARY KEY REFERENCES documents (id) "
                             "ON DELETE CASCADE, words TSVECTOR NOT NULL)")
        conn.exec_driver_sql("CREATE INDEX documents_fts_words ON documents_fts USING GIN (words)")


def _m003_events(conn) -> None:
    metadata.create_all(conn, tables=[events, event_actors])
    if conn.dialect.name == "postgresql":  # what SQLite gets from _with_functions, as a SQL function
        conn.exec_driver_sql(PG_KM)
    # index the events already inside stored documents (json.dumps writes a non-empty list as `[{`)
    ids = conn.execute(select(documents.c.id).where(documents.c.data.like('%"events": [{%'))).scalars().all()
    for doc_id in ids:
        data = conn.execute(select(documents.c.data).where(documents.c.id == doc_id)).scalar()
        _insert_events(conn, doc_id, json.loads(data).get("events") or [], fts=False)  # 005 fills it later


def _m004_desk(conn) -> None:
    """Indexes for the desk's lists of 100,000 events: one that holds every narrow column a filter
    reads, in the desk's order (newest first), so that a page, a count or a timeline reads the index
    and not the events' wide rows; and one that finds the older revisions without reading documents.
    PostgreSQL gets the desk's order (undated last, as SQLite sorts them) and no wide index of the
    documents (a btree entry is at most 2.7 kB: a long title or URL would refuse the document)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_desk ON events (date DESC NULLS LAST, doc_id, n)")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_desk_type ON events "
                             "(type, date DESC NULLS LAST, doc_id, n)")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS documents_revisions ON documents (source, revision, id)")
        return
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_desk ON events "
                         "(date DESC, doc_id, n, type, mode, country, modality, lat, lon, place_name)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_desk_type ON events "
                         "(type, date DESC, doc_id, n, mode, country, modality, lat, lon, place_name)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS documents_revisions ON documents (source, revision, id)")
    # what an event's row shows of its document, without reading the document's text
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS documents_desk ON documents "
                         "(id, source, url, title, published, site)")


def _m005_events_fts(conn) -> None:
    """A full-text index of the events' sentences and their pages' titles (SQLite's FTS5), for the
    desk's text filter: a LIKE reads every sentence of the store."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5("
                             "doc_id UNINDEXED, n UNINDEXED, evidence, title, "
                             "tokenize = 'unicode61 remove_diacritics 2')")
        conn.exec_driver_sql("DELETE FROM events_fts")
        conn.exec_driver_sql("INSERT INTO events_fts (doc_id, n, evidence, title) SELECT e.doc_id, e.n, e.evidence, "
                             "coalesce(d.title, '') FROM events e JOIN documents d ON d.id = e.doc_id")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS events_fts (doc_id VARCHAR NOT NULL, n INTEGER NOT NULL, "
                             "words TSVECTOR NOT NULL, PRIMARY KEY (doc_id, n), FOREIGN KEY (doc_id, n) "
                             "REFERENCES events (doc_id, n) ON DELETE CASCADE)")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS events_fts_words ON events_fts USING GIN (words)")
        rows = conn.execute(select(events.c.doc_id, events.c.n, events.c.evidence, documents.c.title)
                            .join_from(events, documents, events.c.doc_id == documents.c.id)).all()
        _insert_event_words(conn, [(r.doc_id, r.n, r.evidence, r.title) for r in rows])


MIGRATIONS = (("001_base", _m001_base), ("002_fts", _m002_fts), ("003_events", _m003_events),
              ("004_desk", _m004_desk), ("005_events_fts", _m005_events_fts),
              ("006_sources", m006_sources), ("007_watches", m007_watches), ("008_links", m008_links))
# a search is bounded so that any text returns within a second or two: FTS5's ranks and
# snippets take a time that grows with the square of a term's repeats
MAX_SEARCH_TERMS = 64
MAX_SEARCH_CHARS = 1000
SEARCH_SECONDS = 2.0


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, url_or_path: str):
        self.target = _with_driver(connect.target(url_or_path))
        self.name = self.target.shown
        self.read_only = False  # opened read-only because this process cannot write its folder
        self.engine = _with_functions(connect.open_engine(self.target))
        try:
            self.migrate()
        except SQLAlchemyError as e:
            if not (connect.unavailable(e, self.name, "opening it") and connect.can_read_only(self.target)):
                raise self._open_error(e) from None
            self._open_read_only()

    def _open_read_only(self) -> None:
        self.engine.dispose()
        self.engine = _with_functions(connect.open_engine(self.target, read_only=True))
        self.read_only = True
        try:
            pending = self._pending()
        except SQLAlchemyError as e:
            raise self._open_error(e) from None
        if pending:
            raise StoreUnavailableError(f"{self.name}: the database is read-only and older than this veille "
                                        f"(migrations {', '.join(pending)} to apply): open it where it can be written")

    def _open_error(self, e: SQLAlchemyError) -> StoreError:
        code, path = connect.sqlite_code(e), self.target.path
        if code in (connect.SQLITE_CANTOPEN, connect.SQLITE_READONLY) and path and not path.exists():
            return StoreUnavailableError(f"{self.name}: cannot create the database: the folder {path.parent} "
                                         "cannot be written")
        if code == connect.SQLITE_FULL:
            return connect.unavailable(e, self.name, "opening it")
        return StoreError(f"{self.name}: cannot open the database ({connect.why(e)})")

    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks. Two processes opening a new file at once
        both get here: the write lock makes the second wait, then find nothing left to do."""
        if not self._pending():
            return []  # nothing to write: a read-only database opens too
        applied = []
        with self._writing() as conn:
            migrations.create(conn, checkfirst=True)
            done = {r[0] for r in conn.execute(select(migrations.c.name))}
            for name, step in MIGRATIONS:
                if name not in done:
                    step(conn)
                    conn.execute(migrations.insert().values(name=name, applied_at=now()))
                    applied.append(name)
        return applied

    def _pending(self) -> list[str]:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("migrations"):
                return [name for name, _ in MIGRATIONS]
            done = {r[0] for r in conn.execute(select(migrations.c.name))}
        return [name for name, _ in MIGRATIONS if name not in done]

    @contextmanager
    def _writing(self):
        """One write transaction; on SQLite it holds the write lock from its BEGIN."""
        with self.engine.connect() as conn:
            conn.execution_options(**{connect.WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _reading(self):
        """A connection to read with; the driver's errors become one StoreError line."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as e:
            if connect.server_gone(e):  # no later read nor write can succeed either: a batch stops here
                raise connect.unavailable(e, self.name, "reading it") from None
            raise StoreError(f"{self.name}: cannot read the database ({connect.why(e)})") from None

    # ------------------------------------------------------------------ writes
    def check_writable(self) -> None:
        """Raise StoreUnavailableError now, before a batch parses anything, if no document could
        be stored (a read-only file, folder or mount). Writes nothing."""
        hint = "nothing can be stored; show, events, search and export still work"
        if self.read_only:
            raise StoreUnavailableError(f"{self.name}: the database is read-only (its folder cannot be written): "
                                        + hint)
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{connect.WRITE: True})
                conn.execute(failures.delete().where(false()))  # a write that changes nothing, rolled back
        except SQLAlchemyError as e:
            stop = connect.unavailable(e, self.name, "opening it")
            raise (StoreUnavailableError(f"{stop}: {hint}") if stop else self._open_error(e)) from None

    def has(self, doc_id: str) -> str | None:
        """The source a document with this id was stored from, or None."""
        with self._reading() as conn:
            return conn.execute(select(documents.c.source).where(documents.c.id == doc_id)).scalar()

    def save(self, doc: Document) -> int:
        """Store one document in one transaction; returns its revision number.

        Raises AlreadyStoredError when a document with this id is stored already (another
        process stored it since ``has`` said no), StoreUnavailableError when no later document
        could be stored either (read-only, disk full), StoreError for this document alone."""
        record = doc.to_dict()
        data = json.dumps(record, ensure_ascii=False)
        try:
            with self._writing() as conn:
                known = conn.execute(select(documents.c.source).where(documents.c.id == doc.id)).scalar()
                if known is not None:
                    raise AlreadyStoredError(doc.source, known)
                revision = self._insert(conn, doc, record, data)
            return revision
        except IntegrityError as e:
            known = self.has(doc.id)  # a database without the write lock at BEGIN can race here
            if known is not None:
                raise AlreadyStoredError(doc.source, known) from None
            raise StoreError(f"{doc.source}: not stored ({connect.why(e)})") from e
        except SQLAlchemyError as e:
            stop = connect.unavailable(e, self.name, f"storing {doc.source}")
            raise (stop or StoreError(f"{doc.source}: not stored ({connect.why(e)})")) from e

    def _insert(self, conn, doc: Document, record: dict, data: str) -> int:
        last = conn.execute(select(func.max(documents.c.revision)).where(documents.c.source == doc.source)).scalar()
        revision = 1 if last is None else last + 1
        conn.execute(documents.insert().values(
            id=doc.id, source=doc.source, revision=revision, kind=doc.kind, url=doc.url,
            title=doc.title, published=doc.published, language=doc.language,
            truncated=doc.truncated, author=doc.author, site=doc.site, text=doc.text,
            data=data, ingested_at=now()))
        if doc.entities:
            conn.execute(entities.insert(), [
                dict(doc_id=doc.id, entity=e.id, name=e.name, type=e.type, actor=e.actor,
                     sector=e.sector, mentions=len(e.mentions)) for e in doc.entities])
        if doc.places:
            conn.execute(places.insert(), [
                dict(doc_id=doc.id, name=p.name, kind=p.kind, resolved=p.resolved, lat=p.lat, lon=p.lon,
                     country=p.country, geonameid=p.geonameid, mentions=len(p.mentions))
                for p in doc.places])
        _insert_events(conn, doc.id, record["events"], doc.title)
        if conn.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO documents_fts (doc_id, title, text) VALUES (:i, :t, :x)"),
                         {"i": doc.id, "t": doc.title or "", "x": doc.text})
        elif conn.dialect.name == "postgresql":
            conn.execute(text("INSERT INTO documents_fts (doc_id, words) VALUES (:i, to_tsvector('simple', :w))"),
                         {"i": doc.id, "w": ts_words((doc.title or "") + "\n" + doc.text)})
        return revision

    def record_failure(self, source: str, reason: str) -> None:
        try:
            with self._writing() as conn:
                conn.execute(failures.insert().values(source=source, reason=reason, at=now()))
        except SQLAlchemyError as e:
            stop = connect.unavailable(e, self.name, f"recording why {source} failed")
            raise (stop or StoreError(f"{source}: failure not recorded ({connect.why(e)})")) from e

    # ------------------------------------------------------------------ reads
    def latest(self) -> list[Document]:
        """The newest revision of every source, in the order they were first ingested."""
        newest = (select(documents.c.source, func.max(documents.c.revision).label("rev"))
                  .group_by(documents.c.source).subquery())
        q = (select(documents.c.data)
             .join(newest, (documents.c.source == newest.c.source) & (documents.c.revision == newest.c.rev))
             .order_by(documents.c.source))
        with self._reading() as conn:
            return [from_dict(json.loads(r[0])) for r in conn.execute(q)]

    def get(self, ref: str) -> Document:
        """A document by id, id prefix, or source (path, file name or URL; its newest revision)."""
        with self._reading() as conn:
            data = conn.execute(select(documents.c.data).where(documents.c.id == self.resolve(ref))).scalar()
        return from_dict(json.loads(data))

    def resolve(self, ref: str) -> str:
        """The id of the document ``ref`` names, as ``get`` understands it."""
        with self._reading() as conn:
            found = conn.execute(select(documents.c.id).where(documents.c.id == ref)).scalar()
            if found is None and len(ref) >= 4:
                ids = conn.execute(select(documents.c.id).where(documents.c.id.like(f"{ref}%"))).scalars().all()
                found = ids[0] if len(ids) == 1 else None
            if found is None:
                rows = conn.execute(select(documents.c.id, documents.c.source)
                                    .order_by(documents.c.revision.desc())).all()
                found = next((r[0] for r in rows if r[1] == ref or Path(r[1]).name == ref), None)
        if found is None:
            raise NotFoundError(f"{ref}: no such document (try `veille search` or an id from `veille ingest`)")
        return found

    def events(self, query: EventQuery) -> list[EventHit]:
        """Events of the newest revision of each source (or of the one document ``query.doc``
        names), newest first, undated last. ``near`` is a bounding box in SQL, then the exact
        great-circle distance here."""
        q = (select(events.c.doc_id, events.c.n, events.c.data, events.c.lat, events.c.lon, documents.c.source,
                    documents.c.url, documents.c.title, documents.c.published)
             .join_from(events, documents, events.c.doc_id == documents.c.id)
             .order_by(*EVENT_ORDER))
        q = self.event_select(q, query)
        exact = self.has_km  # the distance is then in SQL too
        if query.limit and (exact or not query.near):
            q = q.limit(query.limit)
        if query.offset and (exact or not query.near):
            q = q.offset(query.offset)
        hits, skip = [], 0 if exact else query.offset
        with self._reading() as conn:
            for r in conn.execute(q):
                distance = None
                if query.near:
                    distance = km(query.near[0], query.near[1], r.lat, r.lon)
                    if distance > query.near[2]:
                        continue
                if skip:
                    skip -= 1
                    continue
                hits.append(EventHit(Event(**json.loads(r.data)), r.doc_id, r.n, name_of(r.source, r.url),
                                     r.title, r.published, distance))
                if query.limit and len(hits) >= query.limit:
                    break
        return hits

    def event_select(self, q, query: EventQuery, keys: set[str] | str | None = None, covering: bool = False):
        """``q`` (a select over ``events``, joined to ``documents`` when a filter reads them) with the
        filters of ``query``, on the newest revision of each source or on the one document ``query.doc``
        names. ``keys``: only the events whose ``doc_id:n`` is among them (how ``min_sources`` reaches
        SQL; or those keys as a sorted JSON list). ``covering``: filter through the events_desk indexes
        only (see ``_event_filters``)."""
        q = q.where(*_event_filters(query, exact=self.has_km, covering=covering, fts=True,
                                    dialect=self.engine.dialect.name))
        if query.doc:
            q = q.where(events.c.doc_id == self.resolve(query.doc))
        else:
            q = q.where(newest_revision())
        if keys is not None:
            key = events.c.doc_id + ":" + cast(events.c.n, String)
            if self.engine.dialect.name == "sqlite":  # one parameter however many keys (SQLite caps their number)
                listed = select(literal_column("value")).select_from(
                    func.json_each(bindparam("keys", keys if isinstance(keys, str) else json.dumps(sorted(keys)))))
                q = q.where(key.in_(listed))
            else:  # one array parameter (a list of bound values is capped at 65,535 by PostgreSQL's protocol)
                listed = json.loads(keys) if isinstance(keys, str) else sorted(keys)
                q = q.where(key == any_(bindparam("keys", listed, type_=ARRAY(String))))
        return q

    def read(self, q) -> list:
        """The rows of one select (the desk's queries, ``veille.views``, build theirs on these tables)."""
        with self._reading() as conn:
            return conn.execute(q).all()

    def signature(self) -> tuple:
        """Something that changes whenever a document is stored: caches of what the corpus
        holds (``Veille.cluster_index``) are rebuilt when it does. Cheap: two index lookups."""
        last = func.max(self.row_column())
        with self._reading() as conn:
            return tuple(conn.execute(select(func.count(), last).select_from(documents)).one())

    @property
    def has_km(self) -> bool:
        """Whether SQL can compute distances (``veille_km``: SQLite's from _with_functions, PostgreSQL's
        from migration 003)."""
        return self.engine.dialect.name in ("sqlite", "postgresql")

    def row_column(self):
        """The order documents were stored in, as a column of ``documents`` (SQLite's rowid, PostgreSQL's
        ``seq``): rows stored after a value read from it are the ones stored since, as writers take
        turns (the write lock; PostgreSQL's advisory lock)."""
        return literal_column("documents.rowid" if self.engine.dialect.name == "sqlite" else "documents.seq")

    def desk_order(self) -> tuple:
        """The desk's order of events (newest first, undated last) for this database."""
        return DESK_ORDER if self.engine.dialect.name == "sqlite" else PG_DESK_ORDER

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Documents whose title or text hold every word of ``query`` (or match it as FTS5 syntax),
        best first. Raises QueryError for a search that is empty, too long, not valid or too slow."""
        _check_search(query)
        with self._reading() as conn:
            if conn.dialect.name == "sqlite":
                rows = _fts_search(conn, query, limit)
            elif conn.dialect.name == "postgresql":
                rows = _pg_search(conn, query, limit)
            else:
                rows = conn.execute(select(documents.c.id, documents.c.source, documents.c.title,
                                           documents.c.published, func.substr(documents.c.text, 1, 160))
                                    .where(documents.c.text.ilike(like_pattern(query), escape="\\"))
                                    .limit(limit)).all()
        return [dict(id=r[0], source=r[1], title=r[2], published=r[3], snippet=r[4]) for r in rows]

    def failures(self) -> list[dict]:
        with self._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(select(failures).order_by(failures.c.id))]

    def link_documents(self) -> list[Document]:
        """The newest revision of every source that tells an event or makes a claim, with its
        events and claims and only what the links need besides (id, source, url, title, published,
        site, language; the dropped lines only when the site is unknown, to tell pages of one
        template apart): much lighter than ``latest`` on a large store."""
        d = documents.c
        later = documents.alias("later")
        current = ~exists().where(later.c.source == d.source, later.c.revision > d.revision)
        dialect = self.engine.dialect.name
        alone = dialect in ("sqlite", "postgresql")  # the claims read alone, not the whole document
        claims = (func.json_extract(d.data, "$.claims") if dialect == "sqlite"
                  else cast(d.data, JSON)["claims"].astext if alone else d.data)
        docs: dict[str, Document] = {}
        with self._reading() as conn:
            for r in conn.execute(select(d.id, d.source, d.url, d.title, d.published, d.site, d.language, d.kind,
                                         claims.label("claims")).where(current).order_by(d.id)):
                found = json.loads(r.claims) if r.claims else []
                docs[r.id] = Document(id=r.id, source=r.source, kind=r.kind, raw="", url=r.url, title=r.title,
                                      published=r.published, site=r.site, language=r.language,
                                      claims=(found if alone else found.get("claims")) or [])
            for r in conn.execute(select(events.c.doc_id, events.c.data).where(newest_revision())
                                  .order_by(events.c.doc_id, events.c.n)):
                if r.doc_id in docs:
                    docs[r.doc_id].events.append(Event(**json.loads(r.data)))
            unsited = [k for k, doc in docs.items() if not doc.site and (doc.events or doc.claims)]
            for i in range(0, len(unsited), 500):
                for doc_id, data in conn.execute(select(d.id, d.data).where(d.id.in_(unsited[i:i + 500]))):
                    docs[doc_id].dropped = from_dict(json.loads(data)).dropped
        return [doc for doc in docs.values() if doc.events or doc.claims]

    def count(self) -> int:
        with self._reading() as conn:
            return conn.execute(select(func.count()).select_from(documents)).scalar()


EVENT_ORDER = (events.c.date.is_(None), events.c.date.desc(), documents.c.source, events.c.n)


# the desk's order: newest first (SQLite sorts NULL lowest, so undated events come last), read
# straight from the events_desk index
DESK_ORDER = (events.c.date.desc(), events.c.doc_id, events.c.n)
# PostgreSQL sorts NULL highest: undated events last there too, read from its events_desk index
PG_DESK_ORDER = (events.c.date.desc().nulls_last(), events.c.doc_id, events.c.n)


def newest_revision(doc_id=events.c.doc_id):
    """Where ``doc_id`` (an event's, or ``documents.c.id``) is the newest revision of its source: not
    among the older revisions, a list SQLite makes once per query from the documents_revisions index."""
    d, later = documents.alias("d"), documents.alias("later")
    older = select(d.c.id).where(exists().where(later.c.source == d.c.source, later.c.revision > d.c.revision))
    return doc_id.not_in(older)


def _fts_words(words: list[str]) -> str:
    """An FTS5 query that every word must match, as a word or a word's start: each word quoted
    (its own quotes doubled), so that no word is read as FTS5 syntax; a word of signs only is
    left out. Empty when no word holds a letter or a digit."""
    kept = [w for w in words if re.search(r"\w", w)]
    return " AND ".join('"' + w.replace('"', '""') + '"*' for w in kept)


def like_pattern(value: str) -> str:
    """A LIKE pattern that finds ``value`` anywhere, its own % and _ taken literally (escape \\)."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


CACHE_KB = 32_000
MMAP_BYTES = 256 * 2**20


PG_WRITE_LOCK = 0x7665696C6C65  # "veille": the advisory lock every write transaction takes on PostgreSQL
# geo.km in SQL: the same haversine on the same sphere, NULL when a coordinate is
PG_KM = """CREATE OR REPLACE FUNCTION veille_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT 2 * 6371.0 * asin(least(1.0, sqrt(
    power(sin(radians(lat2 - lat1) / 2), 2)
    + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2))))
$$"""


# a process forked by the worker pool must not use (nor close) its parent's connections to a server:
# it forgets them and opens its own if it needs one (SQLAlchemy's advice for multiprocessing)
_SERVER_ENGINES: weakref.WeakSet = weakref.WeakSet()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: [e.dispose(close=False) for e in list(_SERVER_ENGINES)])


def _with_driver(t: connect.Target) -> connect.Target:
    """``postgresql://`` through psycopg (version 3, the driver veille installs), not SQLAlchemy's
    default psycopg2."""
    if t.url.drivername == "postgresql":
        return dataclasses.replace(t, url=t.url.set(drivername="postgresql+psycopg"))
    return t


def _with_functions(engine):
    """SQLite gets ``veille_km(lat, lon, lat, lon)``, so that ``near`` filters and counts in SQL
    (PostgreSQL has it from migration 003). On PostgreSQL a write transaction starts by taking the
    write lock, as SQLite's BEGIN IMMEDIATE does (see ``veille.connect``)."""
    if engine.dialect.name == "postgresql":
        def lock(conn):
            if conn.get_execution_options().get(connect.WRITE):  # waiting for another writer as SQLite does
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {connect.BUSY_MS}")
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

        event.listen(engine, "begin", lock)
        _SERVER_ENGINES.add(engine)
    if engine.dialect.name == "sqlite":
        def register(dbapi_conn, _record):
            dbapi_conn.create_function("veille_km", 4, _km_or_none, deterministic=True)
            # the desk's indexes of 100,000 events are a few MB: keep them in memory (a bound, not an allocation)
            dbapi_conn.execute(f"PRAGMA cache_size=-{CACHE_KB}")
            dbapi_conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")

        event.listen(engine, "connect", register)
    return engine


def _km_or_none(lat1, lon1, lat2, lon2):
    if None in (lat1, lon1, lat2, lon2):
        return None
    return km(lat1, lon1, lat2, lon2)


def _event_filters(query: EventQuery, exact: bool = False, covering: bool = False, fts: bool = False,
                   dialect: str = "sqlite") -> list:
    """SQL conditions for ``query`` over ``events`` joined to ``documents``; every value is a
    bound parameter. ``exact``: the great-circle distance of ``near`` too (veille_km), not only its box.
    ``covering``: the single-column indexes of mode, modality and country are kept out of the plan
    (their column is compared through ``|| ''``), as they lead SQLite to read the events' wide rows
    one by one, where the events_desk indexes hold every column a filter reads. ``fts``: the text
    filter through the events_fts index of ``dialect`` (SQLite or PostgreSQL)."""
    c, d = events.c, documents.c
    plain = (lambda column: column.concat("")) if covering else (lambda column: column)
    # SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's does not: ILIKE there
    like = (lambda column, p: column.like(p, escape="\\")) if dialect == "sqlite" else \
        (lambda column, p: column.ilike(p, escape="\\"))
    where = []
    fts = fts and dialect in ("sqlite", "postgresql")
    if fts and query.words:  # each word, accents aside, as a word or a word's start, in the sentence or the title
        if dialect == "sqlite":
            match = _fts_words(query.words)
            found = text("SELECT doc_id, n FROM events_fts WHERE events_fts MATCH :words").bindparams(words=match)
        else:
            match = ts_query(query.words, prefix=True)
            found = text("SELECT doc_id, n FROM events_fts WHERE words @@ to_tsquery('simple', :words)"
                         ).bindparams(words=match)
        where.append(tuple_(c.doc_id, c.n).in_(found.columns(doc_id=String, n=Integer)) if match else false())
    for word in [] if fts else query.words:
        pattern = like_pattern(word)
        where.append(or_(like(c.evidence, pattern), like(d.title, pattern)))
    if query.source:
        pattern = like_pattern(query.source)
        where.append(or_(like(d.source, pattern), like(d.url, pattern), like(d.site, pattern)))
    if query.type:  # with covering, events_desk_type leads with the type
        where.append(c.type.in_(query.type))
    for column, value in ((c.mode, query.mode), (c.modality, query.modality), (c.country, query.country)):
        if value:
            where.append(plain(column) == value)
    if query.actor:  # the actor's events, listed once from the event_actors_actor index
        a = event_actors.c
        acts = select(a.doc_id, a.n).where(a.actor == query.actor, *([a.role == query.role] if query.role else []))
        key = tuple_(c.doc_id.concat(""), c.n + 0) if covering else tuple_(c.doc_id, c.n)  # covering: a set to look up
        where.append(key.in_(acts))
    if query.since:  # on or after, or a month or year that holds the day
        s = query.since
        where.append(or_(c.date >= s, *[c.date == s[:k] for k in (4, 7) if k < len(s)]))
    if query.until:  # on or before, or within the month or year given
        where.append(or_(c.date <= query.until, c.date.like(query.until + "%")))
    if query.near:
        lat, lon, radius = query.near
        dlat = radius / 110.0  # a degree of latitude is at least 110.5 km
        where.append((c.lat + 0 if covering else c.lat).between(lat - dlat, lat + dlat))
        edge = abs(lat) + dlat
        if edge < 89.0:
            dlon = radius / (111.0 * math.cos(math.radians(edge)))
            if -180 <= lon - dlon and lon + dlon <= 180:  # boxes across the antimeridian keep every longitude
                where.append(c.lon.between(lon - dlon, lon + dlon))
        if exact:
            where.append(func.veille_km(lat, lon, c.lat, c.lon) <= radius)
    return where


def _insert_events(conn, doc_id: str, evs: list[dict], title: str | None = None, fts: bool = True) -> None:
    """Index a document's events (dicts, as ``Document.to_dict`` gives them)."""
    rows, actors = [], {}
    for n, e in enumerate(evs):
        place = e.get("place") or {}
        rows.append(dict(
            doc_id=doc_id, n=n, type=e.get("type"), mode=e.get("mode"),
            source=",".join(e.get("source") or []), target=",".join(e.get("target") or []),
            date=e.get("date"), date_precision=e.get("date_precision"), place_name=place.get("name"),
            lat=place.get("lat"), lon=place.get("lon"), country=place.get("country"),
            geo_precision=geo_precision(place), quantities=json.dumps(e.get("quantities") or {}),
            attributed_to=e.get("attributed_to"), modality=e.get("modality"), evidence=e.get("evidence"),
            confidence=e.get("confidence"), data=json.dumps(e, ensure_ascii=False)))
        for role in ("source", "target"):
            for actor in e.get(role) or []:
                actors[(n, role, actor)] = dict(doc_id=doc_id, n=n, role=role, actor=actor)
    if rows:
        conn.execute(events.insert(), rows)
        if fts and conn.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO events_fts (doc_id, n, evidence, title) VALUES (:d, :n, :e, :t)"),
                         [{"d": doc_id, "n": r["n"], "e": r["evidence"] or "", "t": title or ""} for r in rows])
        elif fts and conn.dialect.name == "postgresql":
            _insert_event_words(conn, [(doc_id, r["n"], r["evidence"], title) for r in rows])
    if actors:
        conn.execute(event_actors.insert(), list(actors.values()))


def _check_search(query: str) -> None:
    words = query.split()
    if not words:
        raise QueryError("an empty search: give one or more words")
    if len(query) > MAX_SEARCH_CHARS:
        raise QueryError(f"{_shown(query)}: a search is at most {MAX_SEARCH_CHARS} characters "
                         f"(this one has {len(query)})")
    if len(words) > MAX_SEARCH_TERMS:
        raise QueryError(f"{_shown(query)}: a search takes at most {MAX_SEARCH_TERMS} words "
                         f"(this one has {len(words)})")


def _fts_search(conn, query: str, limit: int) -> list:
    q = text("SELECT f.doc_id, d.source, d.title, d.published, "
             "snippet(documents_fts, 2, '[', ']', ' … ', 12) AS snip "
             "FROM documents_fts f JOIN documents d ON d.id = f.doc_id "
             "WHERE documents_fts MATCH :q ORDER BY bm25(documents_fts) LIMIT :n")
    # FTS5 ranks and cuts snippets inside single steps of the query, where a progress handler is
    # never called: sqlite3_interrupt, from a timer, stops it (and does nothing once it is done)
    timer = threading.Timer(SEARCH_SECONDS, conn.connection.driver_connection.interrupt)
    timer.start()
    try:
        return conn.execute(q, {"q": _fts_query(query), "n": limit}).all()
    except SQLAlchemyError as e:
        if connect.sqlite_code(e) == connect.SQLITE_INTERRUPT:
            raise QueryError(f"{_shown(query)}: the search took more than {SEARCH_SECONDS:g} s and was stopped "
                             "(use fewer words, or rarer ones)") from None
        raise QueryError(f"{_shown(query)}: not a valid search ({connect.why(e)})") from None
    finally:
        timer.cancel()


def _fts_query(q: str) -> str:
    """Plain words (``drone*`` a prefix) are ANDed as quoted terms, each once: FTS5's time grows
    with the square of the repeats. FTS5 syntax passes through when used."""
    if any(op in q for op in ('"', " OR ", " AND ", " NOT ", "NEAR(")):
        return q
    words = dict.fromkeys(q.split())
    return " ".join(f'"{w[:-1]}"*' if w.endswith("*") and len(w) > 1 else f'"{w}"' for w in words)


# ------------------------------------------------------------------ PostgreSQL's full-text search
# Both sides are cut into the same words by the same rule as FTS5's unicode61 tokenizer (letters and
# digits; accents, case and every other sign aside): the text is folded and cut here, and PostgreSQL's
# 'simple' configuration, which changes no word, indexes the words as they come. A word of the query is
# then matched as a word (``drone:``) or a word's start (``drone:*``); a word that folds into several
# (``l'offensive``) as those words in a row. Nothing the user typed reaches the query's syntax: only the
# folded words, which hold no sign, joined by & and <->.
TOKEN = re.compile(r"[^\W_]+")
MAX_TS_CHARS = 500_000  # a tsvector is at most 1 MB: the words past this many characters are not indexed


def ts_words(text_: str) -> str:
    """The folded words of ``text_``, one space apart: what ``to_tsvector('simple', ...)`` indexes."""
    return " ".join(TOKEN.findall(fold(text_[:MAX_TS_CHARS])))


def ts_query(words: list[str], prefix: bool) -> str:
    """A ``to_tsquery('simple', ...)`` text that every word must match (``prefix``: as a word's start;
    otherwise only a word ending with ``*`` does). Empty when no word holds a letter or a digit."""
    terms = []
    for word in words:
        starts = prefix or (word.endswith("*") and len(word) > 1)
        parts = TOKEN.findall(fold(word))
        if parts:
            if starts:
                parts[-1] += ":*"
            terms.append("(" + " <-> ".join(parts) + ")" if len(parts) > 1 else parts[0])
    return " & ".join(terms)


def _insert_event_words(conn, rows: list[tuple]) -> None:
    """Index the sentences and page titles of events given as (doc_id, n, evidence, title)."""
    if rows:
        conn.execute(text("INSERT INTO events_fts (doc_id, n, words) VALUES (:d, :n, to_tsvector('simple', :w))"),
                     [{"d": d, "n": n, "w": ts_words((evidence or "") + "\n" + (title or ""))}
                      for d, n, evidence, title in rows])


def _pg_search(conn, query: str, limit: int) -> list:
    """``search`` on PostgreSQL: plain words as FTS5 takes them (each a word, ``drone*`` a word's start);
    a search that uses FTS5's syntax (quotes, OR, NOT) is read as ``websearch_to_tsquery`` reads it."""
    syntax = any(op in query for op in ('"', " OR ", " AND ", " NOT ", "NEAR("))
    if syntax:
        parse, value = "websearch_to_tsquery", fold(query.replace(" AND ", " ").replace(" NOT ", " -"))
    else:
        parse, value = "to_tsquery", ts_query(list(dict.fromkeys(query.split())), prefix=False)
        if not value:
            return []
    q = text(f"SELECT d.id, d.source, d.title, d.published, d.text FROM documents_fts f "
             f"JOIN documents d ON d.id = f.doc_id, {parse}('simple', :q) AS query "
             "WHERE f.words @@ query ORDER BY ts_rank(f.words, query) DESC, d.id LIMIT :n")
    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(SEARCH_SECONDS * 1000)}")
    try:
        rows = conn.execute(q, {"q": value, "n": limit}).all()
    except OperationalError as e:
        if getattr(e.orig, "sqlstate", None) == "57014":  # query_canceled: the statement timeout
            raise QueryError(f"{_shown(query)}: the search took more than {SEARCH_SECONDS:g} s and was stopped "
                             "(use fewer words, or rarer ones)") from None
        raise QueryError(f"{_shown(query)}: not a valid search ({connect.why(e)})") from None
    except SQLAlchemyError as e:
        raise QueryError(f"{_shown(query)}: not a valid search ({connect.why(e)})") from None
    terms = [w.rstrip("*") for w in TOKEN.findall(fold(query.replace("*", " ")))]
    return [(r.id, r.source, r.title, r.published, _snippet(r.text, terms)) for r in rows]


def _snippet(text_: str, terms: list[str], around: int = 6) -> str:
    """A few words of ``text_`` around the first word that starts with one of ``terms``, marked with
    [ ] as FTS5's snippet marks it."""
    from veille.lexicon import fold_aligned

    head = text_[:MAX_TS_CHARS]
    folded = fold_aligned(head)  # one character for one: its offsets are the text's
    found = [m for t in terms if (m := re.search(r"(?<![^\W_])" + re.escape(t), folded))]
    if not found:
        return head[:160]
    start = min(m.start() for m in found)
    end = start
    while end < len(head) and TOKEN.match(folded[end]):
        end += 1
    left, right = head[:start].split(), head[end:].split()
    joined_left = left.pop() if left and not head[start - 1].isspace() else ""  # "l'" of "l'[offensive]"
    joined_right = right.pop(0) if right and not head[end].isspace() else ""
    return " ".join([*left[-around:], f"{joined_left}[{head[start:end]}]{joined_right}", *right[:around]])


def _shown(query: str) -> str:
    return repr(query if len(query) <= 60 else query[:60] + "…")
