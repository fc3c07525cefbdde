"""The sources a user follows (feeds, sitemaps) and every article URL they have shown us.

Two tables, created by migration ``006_sources``:

``sources``      one row per followed URL: how often to poll it, what the last poll said
                 (HTTP status, error, ETag, Last-Modified), when to poll it next (back-off after
                 errors), and counters the desk shows as the source's health.
``watch_items``  one row per article URL a source listed, normalised (``veille.watch.urls``):
                 ``new`` until it is fetched and ingested, then ``stored``, ``unchanged``,
                 ``failed`` or ``skipped`` (robots.txt, not a page). A URL is remembered once,
                 whichever source lists it, so an article is fetched once. Rows still ``new``
                 after a stop are where the next round resumes; ``failed`` rows are tried again in
                 later rounds until they have had ``MAX_TRIES`` tries.
``watch_lock``   at most one row: the poller at work on this database (one at a time), with the
                 time it last showed it was alive, so that a crashed poller's lock goes stale.

``SourceStore`` wraps an open ``veille.store.Store`` and uses its connections, so the same
database (SQLite file or SQLAlchemy URL) holds documents, sources and watches.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from veille.errors import NotFoundError, QueryError

metadata = MetaData()

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String, nullable=False, unique=True),
    Column("name", String, nullable=False, unique=True),
    Column("kind", String, nullable=False),  # feed, sitemap, or page (a home page whose feeds are found)
    Column("every_s", Integer, nullable=False),  # seconds between polls
    Column("added_at", String, nullable=False),
    Column("etag", String), Column("last_modified", String),  # for conditional GET
    Column("polled_at", String),  # the last poll's start
    Column("next_at", String),  # when the next poll is due (later after errors: back-off)
    Column("status", Integer),  # the last poll's HTTP status (304 included); None: no answer
    Column("error", Text),  # the last poll's error, None when it went well
    Column("errors_in_row", Integer, nullable=False, default=0),
    Column("polls", Integer, nullable=False, default=0),
    Column("found", Integer, nullable=False, default=0),  # article URLs it listed that were new
    Column("stored", Integer, nullable=False, default=0),  # of those, ingested as documents
    Column("failed", Integer, nullable=False, default=0),
    Column("last_new_at", String),  # when it last listed a new URL
)
watch_items = Table(
    "watch_items", metadata,
    Column("url", String, primary_key=True),  # normalised
    Column("source_id", Integer),  # the source that listed it first (no FK: a source can be removed)
    Column("found_at", String, nullable=False),
    Column("title", Text), Column("published", String),  # as the feed gave them, hints for the pipeline
    Column("status", String, nullable=False),  # new, stored, unchanged, failed, skipped
    Column("doc_id", String),
    Column("reason", Text),
    Column("tries", Integer, nullable=False, default=0),
    Column("done_at", String),
    Index("watch_items_status", "status", "found_at"),
    Index("watch_items_source", "source_id", "status"),
)

watch_lock = Table(
    "watch_lock", metadata,
    Column("name", String, primary_key=True),  # always "poll"
    Column("holder", String, nullable=False),  # host:pid:random of the poller holding it
    Column("taken_at", String, nullable=False),
    Column("alive_at", String, nullable=False),  # refreshed while the poller works
)

ITEM_STATUSES = ("new", "stored", "unchanged", "failed", "skipped")
HEALTH = ("ok", "failing", "never")


def health_of(source: dict) -> str:
    """never: not polled yet; failing: the last poll ended in an error (or errors are in a row); ok."""
    if not source.get("polled_at"):
        return "never"
    if source.get("error") or source.get("errors_in_row") or (source.get("status") or 0) >= 400:
        return "failing"
    return "ok"
MAX_TRIES = 3  # a failed item is tried in this many rounds at most


def m006_sources(conn) -> None:
    metadata.create_all(conn)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def later(seconds: float, at: str | None = None) -> str:
    """The time ``seconds`` after ``at`` (now), in the store's format."""
    start = datetime.fromisoformat(at) if at else datetime.now(timezone.utc)
    return (start + timedelta(seconds=seconds)).isoformat(timespec="seconds")


class SourceStore:
    """Sources and their items in the store's database."""

    def __init__(self, store):
        self.store = store

    # ------------------------------------------------------------------ sources
    def add(self, url: str, name: str, kind: str, every_s: int) -> dict:
        with self.store._writing() as conn:
            for column, value in (("url", url), ("name", name)):
                if conn.execute(select(sources.c.id).where(sources.c[column] == value)).first():
                    raise QueryError(f"{value}: already a source (veille sources list)")
            conn.execute(sources.insert().values(url=url, name=name, kind=kind, every_s=every_s, added_at=now(),
                                                 errors_in_row=0, polls=0, found=0, stored=0, failed=0))
        return self.get(url)

    def all(self) -> list[dict]:
        with self.store._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(select(sources).order_by(sources.c.id))]

    def get(self, ref: str | int) -> dict:
        """A source by its id, name or URL."""
        q = select(sources)
        text = str(ref)
        cond = (sources.c.name == text) | (sources.c.url == text)
        if text.isdigit():
            cond = cond | (sources.c.id == int(text))
        with self.store._reading() as conn:
            row = conn.execute(q.where(cond)).first()
        if row is None:
            raise NotFoundError(f"{text}: no such source (veille sources list)")
        return dict(row._mapping)

    def remove(self, ref: str | int) -> dict:
        """Stop following a source. The URLs it listed stay remembered, so following it again
        does not fetch them twice."""
        row = self.get(ref)
        with self.store._writing() as conn:
            conn.execute(sources.delete().where(sources.c.id == row["id"]))
        return row

    def update(self, source_id: int, **values) -> None:
        with self.store._writing() as conn:
            conn.execute(sources.update().where(sources.c.id == source_id).values(**values))

    def due(self, at: str | None = None) -> list[dict]:
        """Sources whose next poll is due at ``at`` (now), never-polled first."""
        at = at or now()
        with self.store._reading() as conn:
            rows = conn.execute(select(sources).where(sources.c.next_at.is_(None) | (sources.c.next_at <= at))
                                .order_by(sources.c.next_at.is_not(None), sources.c.next_at, sources.c.id)).all()
        return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------------ items
    def remember(self, source_id: int, items: list[dict]) -> list[str]:
        """Remember the article URLs a source listed (``url``, optional ``title`` and ``published``);
        returns the URLs that were not known, in the order given. One transaction."""
        fresh, at = [], now()
        with self.store._writing() as conn:
            for item in items:
                url = item["url"]
                if url in fresh or conn.execute(select(watch_items.c.url).where(watch_items.c.url == url)).first():
                    continue
                conn.execute(watch_items.insert().values(url=url, source_id=source_id, found_at=at, status="new",
                                                         title=item.get("title"), published=item.get("published"),
                                                         tries=0))
                fresh.append(url)
            if fresh:
                conn.execute(sources.update().where(sources.c.id == source_id)
                             .values(found=sources.c.found + len(fresh), last_new_at=at))
        return fresh

    def pending(self, source_id: int | None = None, limit: int | None = None, retry: bool = False) -> list[dict]:
        """Items still to fetch, oldest first (what a stopped round left); with ``retry``, also the
        failed ones that have had fewer than MAX_TRIES tries."""
        todo = watch_items.c.status == "new"
        if retry:
            todo = or_(todo, and_(watch_items.c.status == "failed", watch_items.c.tries < MAX_TRIES))
        q = select(watch_items).where(todo)
        if source_id is not None:
            q = q.where(watch_items.c.source_id == source_id)
        q = q.order_by(watch_items.c.found_at, watch_items.c.url)
        if limit:
            q = q.limit(limit)
        with self.store._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def finish(self, url: str, status: str, doc_id: str | None = None, reason: str | None = None) -> None:
        """Record what became of an item, and count it on its source."""
        if status not in ITEM_STATUSES:
            raise ValueError(status)
        with self.store._writing() as conn:
            row = conn.execute(select(watch_items.c.source_id).where(watch_items.c.url == url)).first()
            conn.execute(watch_items.update().where(watch_items.c.url == url)
                         .values(status=status, doc_id=doc_id, reason=reason, done_at=now(),
                                 tries=watch_items.c.tries + 1))
            counter = {"stored": "stored", "failed": "failed"}.get(status)
            if row is not None and row[0] is not None and counter:
                conn.execute(sources.update().where(sources.c.id == row[0])
                             .values(**{counter: sources.c[counter] + 1}))

    def skip_new(self, source_id: int, reason: str) -> int:
        """Mark a source's items still ``new`` as skipped (the source is no longer followed)."""
        with self.store._writing() as conn:
            done = conn.execute(watch_items.update()
                                .where(watch_items.c.source_id == source_id, watch_items.c.status == "new")
                                .values(status="skipped", reason=reason, done_at=now()))
        return done.rowcount or 0

    def pending_counts(self) -> dict[int, int]:
        """Items still to fetch per source id."""
        with self.store._reading() as conn:
            rows = conn.execute(select(watch_items.c.source_id, func.count()).where(watch_items.c.status == "new")
                                .group_by(watch_items.c.source_id)).all()
        return {source_id: n for source_id, n in rows}

    def next_due(self) -> str | None:
        """When the next source is due (now for a source never polled; None: no source)."""
        with self.store._reading() as conn:
            if conn.execute(select(sources.c.id).where(sources.c.next_at.is_(None)).limit(1)).first():
                return now()
            return conn.execute(select(func.min(sources.c.next_at))).scalar()

    # ------------------------------------------------------------------ the poller's lock
    def take_lock(self, holder: str, stale_s: float) -> dict | None:
        """Take the poller's lock for ``holder``; returns None when taken, else the row of the
        poller that holds it. A lock not refreshed for ``stale_s`` seconds is taken over."""
        at = now()
        try:
            with self.store._writing() as conn:
                row = conn.execute(select(watch_lock).where(watch_lock.c.name == "poll")).first()
                if row is not None and row.holder != holder and row.alive_at > later(-stale_s, at):
                    return dict(row._mapping)
                conn.execute(watch_lock.delete().where(watch_lock.c.name == "poll"))
                conn.execute(watch_lock.insert().values(name="poll", holder=holder, taken_at=at, alive_at=at))
        except IntegrityError:  # another poller inserted its row between our read and our insert
            with self.store._reading() as conn:
                row = conn.execute(select(watch_lock).where(watch_lock.c.name == "poll")).first()
            return dict(row._mapping) if row else {"holder": "another poller", "alive_at": at}
        return None

    def touch_lock(self, holder: str) -> None:
        with self.store._writing() as conn:
            conn.execute(watch_lock.update().where(watch_lock.c.name == "poll", watch_lock.c.holder == holder)
                         .values(alive_at=now()))

    def release_lock(self, holder: str) -> None:
        with self.store._writing() as conn:
            conn.execute(watch_lock.delete().where(watch_lock.c.name == "poll", watch_lock.c.holder == holder))

    def items(self, source_id: int | None = None, status: str | None = None, limit: int = 100) -> list[dict]:
        q = select(watch_items)
        if source_id is not None:
            q = q.where(watch_items.c.source_id == source_id)
        if status:
            q = q.where(watch_items.c.status == status)
        with self.store._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(q.order_by(watch_items.c.found_at.desc()).limit(limit))]

    def counts(self) -> dict[str, int]:
        with self.store._reading() as conn:
            rows = conn.execute(select(watch_items.c.status, func.count()).group_by(watch_items.c.status)).all()
        return {status: n for status, n in rows}
