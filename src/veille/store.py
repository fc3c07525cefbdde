"""The store: SQLAlchemy Core over SQLite (one file, WAL, FTS5 search) by default.

Every write of a document is one transaction: a document is stored whole or not at
all. Schema changes are named migrations recorded in the ``migrations`` table. Only
the full-text index is SQLite-specific (FTS5); on another database ``search`` falls
back to a LIKE scan, so PostgreSQL can follow without a rewrite.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, select, text)
from sqlalchemy.exc import SQLAlchemyError

from veille.errors import NotFoundError, StoreError
from veille.model import Document, from_dict

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


def _m001_base(conn) -> None:
    metadata.create_all(conn, tables=[documents, entities, places, failures])


def _m002_fts(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE VIRTUAL TABLE documents_fts USING fts5("
                             "doc_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')")


MIGRATIONS = (("001_base", _m001_base), ("002_fts", _m002_fts))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, url_or_path: str):
        url = url_or_path if "://" in url_or_path else f"sqlite:///{Path(url_or_path)}"
        try:
            self.engine = create_engine(url)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            self.migrate()
        except SQLAlchemyError as e:
            raise StoreError(f"{url_or_path}: cannot open the database ({e.__class__.__name__}: {e.orig if hasattr(e, 'orig') else e})")

    def migrate(self) -> list[str]:
        applied = []
        with self.engine.begin() as conn:
            migrations.create(conn, checkfirst=True)
            done = {r[0] for r in conn.execute(select(migrations.c.name))}
            for name, step in MIGRATIONS:
                if name not in done:
                    step(conn)
                    conn.execute(migrations.insert().values(name=name, applied_at=now()))
                    applied.append(name)
        return applied

    # ------------------------------------------------------------------ writes
    def has(self, doc_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(documents.c.source).where(documents.c.id == doc_id)).scalar()

    def save(self, doc: Document) -> int:
        """Store one document in one transaction; returns its revision number."""
        data = json.dumps(doc.to_dict(), ensure_ascii=False)
        try:
            with self.engine.begin() as conn:
                last = conn.execute(select(func.max(documents.c.revision))
                                    .where(documents.c.source == doc.source)).scalar()
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
                if conn.dialect.name == "sqlite":
                    conn.execute(text("INSERT INTO documents_fts (doc_id, title, text) VALUES (:i, :t, :x)"),
                                 {"i": doc.id, "t": doc.title or "", "x": doc.text})
            return revision
        except SQLAlchemyError as e:
            raise StoreError(f"{doc.source}: not stored ({e.__class__.__name__})") from e

    def record_failure(self, source: str, reason: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(failures.insert().values(source=source, reason=reason, at=now()))

    # ------------------------------------------------------------------ reads
    def latest(self) -> list[Document]:
        """The newest revision of every source, in the order they were first ingested."""
        newest = (select(documents.c.source, func.max(documents.c.revision).label("rev"))
                  .group_by(documents.c.source).subquery())
        q = (select(documents.c.data)
             .join(newest, (documents.c.source == newest.c.source) & (documents.c.revision == newest.c.rev))
             .order_by(documents.c.source))
        with self.engine.connect() as conn:
            return [from_dict(json.loads(r[0])) for r in conn.execute(q)]

    def get(self, ref: str) -> Document:
        """A document by id, id prefix, or source (path, file name or URL)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(documents.c.data).where(documents.c.id == ref)).first()
            if row is None and len(ref) >= 4:
                rows = conn.execute(select(documents.c.data).where(documents.c.id.like(f"{ref}%"))).all()
                row = rows[0] if len(rows) == 1 else None
            if row is None:
                rows = conn.execute(select(documents.c.data, documents.c.source)
                                    .order_by(documents.c.revision.desc())).all()
                row = next((r for r in rows if r[1] == ref or Path(r[1]).name == ref), None)
        if row is None:
            raise NotFoundError(f"{ref}: no such document (try `veille search` or an id from `veille ingest`)")
        return from_dict(json.loads(row[0]))

    def search(self, query: str, limit: int = 20) -> list[dict]:
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                q = text("SELECT f.doc_id, d.source, d.title, d.published, "
                         "snippet(documents_fts, 2, '[', ']', ' … ', 12) AS snip "
                         "FROM documents_fts f JOIN documents d ON d.id = f.doc_id "
                         "WHERE documents_fts MATCH :q ORDER BY bm25(documents_fts) LIMIT :n")
                try:
                    rows = conn.execute(q, {"q": _fts_query(query), "n": limit}).all()
                except SQLAlchemyError as e:
                    raise StoreError(f"{query!r}: not a valid search ({e.orig if hasattr(e, 'orig') else e})")
            else:
                rows = conn.execute(select(documents.c.id, documents.c.source, documents.c.title,
                                           documents.c.published, func.substr(documents.c.text, 1, 160))
                                    .where(documents.c.text.ilike(f"%{query}%")).limit(limit)).all()
        return [dict(id=r[0], source=r[1], title=r[2], published=r[3], snippet=r[4]) for r in rows]

    def failures(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(failures).order_by(failures.c.id))]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(documents)).scalar()


def _fts_query(q: str) -> str:
    """Plain words are ANDed as quoted terms; FTS5 syntax passes through when used."""
    if any(op in q for op in ('"', " OR ", " AND ", " NOT ", "*", "NEAR(")):
        return q
    return " ".join(f'"{w}"' for w in q.split())


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
