"""Saved watches, the alerts they raised, and each alert's deliveries.

Three tables, created by migration ``007_watches``:

``watches``     one row per saved watch: its name, its filters (as ``veille events`` takes
                them, JSON), its condition (``event``: a new event matches; ``sources``: a
                matching cluster reaches ``threshold`` independent sources; ``contradiction``:
                sources disagree on a matching cluster; ``warning``: a matching page carries
                the warning ``warning``) and where its alerts go (``channels``, JSON list).
``alerts``      one row per thing a watch matched, unique per (watch, key): a watch fires once
                per match, however often it is checked. ``data`` is the alert as delivered
                (JSON: what matched, the sentence, the page, the desk's link).
``deliveries``  one row per alert and channel: ``pending`` until sent, then ``sent``; a deliverer
                first claims a due row (``sending``, with ``claimed_at``) so that two deliverers
                never send it twice; a failed try goes back to ``pending`` with its error and the
                time of its next try, until it is sent or given up (``failed``, still listed, and
                ``veille alerts retry`` makes it pending again). Nothing is lost.
``watch_seen``  what a watch matched without raising an alert: what already matched when it was
                added without ``backfill``, and the events of a cluster it has alerted on.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, func, select

from veille.errors import NotFoundError, QueryError

metadata = MetaData()

CONDITIONS = ("event", "sources", "contradiction", "warning")
CHANNELS = ("terminal", "webhook", "email", "atom")

watches = Table(
    "watches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False, unique=True),
    Column("filters", Text, nullable=False),  # JSON object of EventQuery fields
    Column("condition", String, nullable=False),
    Column("threshold", Integer),  # for "sources"
    Column("warning", String),  # for "warning": a signal kind, or kind=value
    Column("channels", Text, nullable=False),  # JSON list of {"kind": ..., ...}
    Column("created_at", String, nullable=False),
    Column("checked_at", String),  # the last check's start: documents stored since are looked at
    Column("checked_row", Integer),  # on SQLite, the last document row then: finer than a time in seconds
)
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="CASCADE"), nullable=False),
    Column("key", String, nullable=False),  # what matched, so that it fires once
    Column("created_at", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("data", Text, nullable=False),  # JSON: the alert as delivered
    UniqueConstraint("watch_id", "key"),
    Index("alerts_watch", "watch_id", "id"),
)
deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String, nullable=False),  # a kind of CHANNELS
    Column("target", String, nullable=False),  # the webhook's URL, the address, "-" for the terminal
    Column("status", String, nullable=False),  # pending, sent, failed
    Column("tries", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("next_at", String),
    Column("sent_at", String),
    Column("claimed_at", String),  # while ``sending``: a claim older than CLAIM_SECONDS is stale
    Column("failing_since", String),  # the first failure of the current run of failures

    UniqueConstraint("alert_id", "channel", "target"),
    Index("deliveries_status", "status", "next_at"),
)

watch_seen = Table(
    "watch_seen", metadata,
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String, primary_key=True),
    Column("at", String, nullable=False),
)
CLAIM_SECONDS = 600  # a deliverer that claimed a row and died: after this, another one tries it


def m007_watches(conn) -> None:
    metadata.create_all(conn)


def now() -> str:
    return stamp(datetime.now(timezone.utc))


def stamp(at: datetime) -> str:
    """The one text form of a time in these tables (UTC, seconds), so that they compare as text."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


def _watch(row) -> dict:
    w = dict(row._mapping)
    w["filters"] = json.loads(w["filters"])
    w["channels"] = json.loads(w["channels"])
    return w


class AlertStore:
    """Watches, alerts and deliveries in the store's database."""

    def __init__(self, store):
        self.store = store

    # ------------------------------------------------------------------ watches
    def add_watch(self, name: str, filters: dict, condition: str, channels: list[dict], threshold: int | None = None,
                  warning: str | None = None, checked_at: str | None = None, checked_row: int | None = None) -> dict:
        """A new watch; ``checked_at`` (and ``checked_row``): documents stored before this time (up to this
        row) are not looked at (None: every stored document is, on the first check)."""
        if condition not in CONDITIONS:
            raise QueryError(f"{condition}: not a condition (one of {', '.join(CONDITIONS)})")
        if not name or not name.strip() or name.strip().isdigit() or len(name) > 200:
            raise QueryError(f"{name!r}: a watch's name is some text that is not only digits (at most 200 "
                             "characters), e.g. strikes-odesa")
        with self.store._writing() as conn:
            if conn.execute(select(watches.c.id).where(watches.c.name == name)).first():
                raise QueryError(f"{name}: already a watch (veille alerts list)")
            conn.execute(watches.insert().values(name=name, filters=json.dumps(filters, ensure_ascii=False),
                                                 condition=condition, threshold=threshold, warning=warning,
                                                 channels=json.dumps(channels, ensure_ascii=False),
                                                 created_at=now(), checked_at=checked_at,
                                                 checked_row=checked_row))
        return self.watch(name)

    def watches(self) -> list[dict]:
        with self.store._reading() as conn:
            return [_watch(r) for r in conn.execute(select(watches).order_by(watches.c.id))]

    def watch(self, ref: str | int) -> dict:
        text = str(ref)
        cond = watches.c.name == text
        if text.isdigit():
            cond = cond | (watches.c.id == int(text))
        with self.store._reading() as conn:
            row = conn.execute(select(watches).where(cond)).first()
        if row is None:
            raise NotFoundError(f"{text}: no such watch (veille alerts list)")
        return _watch(row)

    def remove_watch(self, ref: str | int) -> dict:
        w = self.watch(ref)
        with self.store._writing() as conn:
            ids = select(alerts.c.id).where(alerts.c.watch_id == w["id"])
            conn.execute(deliveries.delete().where(deliveries.c.alert_id.in_(ids)))
            conn.execute(alerts.delete().where(alerts.c.watch_id == w["id"]))
            conn.execute(watch_seen.delete().where(watch_seen.c.watch_id == w["id"]))
            conn.execute(watches.delete().where(watches.c.id == w["id"]))
        return w

    def checked(self, watch_id: int, at: str, row: int | None = None) -> None:
        with self.store._writing() as conn:
            conn.execute(watches.update().where(watches.c.id == watch_id).values(checked_at=at, checked_row=row))

    # ------------------------------------------------------------------ what a watch has seen
    def seen(self, watch_id: int, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` this watch has alerted on or marked seen."""
        keys = list(dict.fromkeys(keys))
        found: set[str] = set()
        with self.store._reading() as conn:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                found.update(conn.execute(select(alerts.c.key).where(
                    (alerts.c.watch_id == watch_id) & alerts.c.key.in_(part))).scalars())
                found.update(conn.execute(select(watch_seen.c.key).where(
                    (watch_seen.c.watch_id == watch_id) & watch_seen.c.key.in_(part))).scalars())
        return found

    def mark_seen(self, watch_id: int, keys: Iterable[str]) -> int:
        """Remember ``keys`` as matched, silently; returns how many were new."""
        fresh = [k for k in dict.fromkeys(keys)]
        fresh = [k for k in fresh if k not in self.seen(watch_id, fresh)]
        if fresh:
            at = now()
            with self.store._writing() as conn:
                conn.execute(watch_seen.insert(), [dict(watch_id=watch_id, key=k, at=at) for k in fresh])
        return len(fresh)

    # ------------------------------------------------------------------ alerts
    def raise_alert(self, watch: dict, key: str, title: str, data: dict) -> int | None:
        """Store an alert and one pending delivery per channel of its watch, in one transaction;
        None when this watch already raised an alert for ``key`` or marked it seen."""
        with self.store._writing() as conn:
            if conn.execute(select(alerts.c.id).where((alerts.c.watch_id == watch["id"]) & (alerts.c.key == key))
                            ).first() or conn.execute(select(watch_seen.c.key).where(
                                (watch_seen.c.watch_id == watch["id"]) & (watch_seen.c.key == key))).first():
                return None
            at = now()
            alert_id = conn.execute(alerts.insert().values(watch_id=watch["id"], key=key, created_at=at, title=title,
                                                           data=json.dumps(data, ensure_ascii=False))
                                    ).inserted_primary_key[0]
            for ch in watch["channels"]:
                if ch.get("kind") == "atom":
                    continue  # the feed reads the alerts table itself
                conn.execute(deliveries.insert().values(alert_id=alert_id, channel=ch["kind"],
                                                        target=ch.get("url") or ch.get("to") or "-",
                                                        status="pending", tries=0, next_at=at))
        return alert_id

    def alert_counts(self) -> dict[int, int]:
        """How many alerts each watch has raised, by watch id."""
        with self.store._reading() as conn:
            rows = conn.execute(select(alerts.c.watch_id, func.count()).group_by(alerts.c.watch_id)).all()
        return {watch_id: n for watch_id, n in rows}

    def delivery_counts(self) -> dict[int, dict[str, int]]:
        """Each watch's deliveries by status (pending, sending, sent, failed), by watch id."""
        q = (select(alerts.c.watch_id, deliveries.c.status, func.count())
             .join(alerts, alerts.c.id == deliveries.c.alert_id).group_by(alerts.c.watch_id, deliveries.c.status))
        out: dict[int, dict[str, int]] = {}
        with self.store._reading() as conn:
            for watch_id, status, n in conn.execute(q):
                out.setdefault(watch_id, {})[status] = n
        return out

    def alerts(self, watch_id: int | None = None, limit: int = 50, after_id: int = 0, offset: int = 0) -> list[dict]:
        """Alerts, newest first, with their deliveries."""
        q = select(alerts, watches.c.name.label("watch")).join(watches, watches.c.id == alerts.c.watch_id)
        if watch_id is not None:
            q = q.where(alerts.c.watch_id == watch_id)
        if after_id:
            q = q.where(alerts.c.id > after_id)
        with self.store._reading() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q.order_by(alerts.c.id.desc()).limit(limit).offset(offset))]
            by_alert: dict[int, list] = {}
            if rows:
                for d in conn.execute(select(deliveries).where(deliveries.c.alert_id.in_([r["id"] for r in rows]))
                                      .order_by(deliveries.c.id)):
                    by_alert.setdefault(d.alert_id, []).append(dict(d._mapping))
        for r in rows:
            r["data"] = json.loads(r["data"])
            r["deliveries"] = by_alert.get(r["id"], [])
        return rows

    # ------------------------------------------------------------------ deliveries
    def _due(self, at: str):
        stale = stamp(datetime.fromisoformat(at) - timedelta(seconds=CLAIM_SECONDS))
        return (((deliveries.c.status == "pending") & (deliveries.c.next_at <= at))
                | ((deliveries.c.status == "sending") & (deliveries.c.claimed_at <= stale)))

    def due_deliveries(self, at: str | None = None, channel: str | None = None) -> list[dict]:
        """Deliveries whose next try is due (and those a deliverer claimed and never finished,
        ``CLAIM_SECONDS`` ago), oldest first, each with its alert's data and its watch."""
        at = at or now()
        q = (select(deliveries, alerts.c.data, alerts.c.title, alerts.c.watch_id)
             .join(alerts, alerts.c.id == deliveries.c.alert_id).where(self._due(at)))
        if channel:
            q = q.where(deliveries.c.channel == channel)
        with self.store._reading() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q.order_by(deliveries.c.id))]
        for r in rows:
            r["data"] = json.loads(r["data"])
        return rows

    def claim(self, delivery_id: int, at: str | None = None) -> bool:
        """Take a due delivery for this deliverer (``sending``); False when another one has it,
        or it is no longer due. One UPDATE: two deliverers cannot both win."""
        at = at or now()
        with self.store._writing() as conn:
            done = conn.execute(deliveries.update().where((deliveries.c.id == delivery_id) & self._due(at))
                                .values(status="sending", claimed_at=at))
        return done.rowcount == 1

    def delivered(self, delivery_id: int, ok: bool, error: str | None = None, next_at: str | None = None,
                  give_up: bool = False, at: str | None = None) -> None:
        """Record one try: sent, or failed with its error and its next try (or given up)."""
        at = at or now()
        with self.store._writing() as conn:
            row = conn.execute(select(deliveries.c.tries, deliveries.c.failing_since)
                               .where(deliveries.c.id == delivery_id)).first()
            tries = (row[0] if row else 0) + 1
            values = dict(tries=tries, error=error, claimed_at=None)
            if ok:
                values.update(status="sent", sent_at=at, next_at=None, error=None, failing_since=None)
            else:
                values.update(status="failed" if give_up else "pending", next_at=None if give_up else next_at,
                              failing_since=(row[1] if row and row[1] else at))
            conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(**values))

    def retry(self, watch_id: int, at: str | None = None) -> int:
        """Make a watch's given-up deliveries pending again, due now; returns how many."""
        ids = select(alerts.c.id).where(alerts.c.watch_id == watch_id)
        with self.store._writing() as conn:
            done = conn.execute(deliveries.update()
                                .where((deliveries.c.status == "failed") & deliveries.c.alert_id.in_(ids))
                                .values(status="pending", next_at=at or now(), failing_since=None))
        return done.rowcount

    def pending_count(self) -> int:
        """Deliveries not yet sent nor given up."""
        with self.store._reading() as conn:
            return conn.execute(select(func.count()).select_from(deliveries)
                                .where(deliveries.c.status.in_(("pending", "sending")))).scalar()
