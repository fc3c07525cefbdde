"""The Python API. The CLI mirrors it command for command.

    >>> from veille import Veille
    >>> v = Veille(db="veille.db")
    >>> report = v.ingest(["examples"])
    >>> doc = v.show(report.stored[0].id)
    >>> strikes = v.events(type="ASSAULT", country="UA", since="2024-03")
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Iterator

from veille.errors import (AlreadyStoredError, InputError, NoArticleError, QueryError, StoreError,
                           StoreUnavailableError, VeilleError)
from veille.model import Document
from veille.pool import Failed, Ready
from veille.query import EventHit, EventQuery, checked_limit
from veille.readers import RawInput, expand, read
from veille.settings import Options


@dataclass
class Outcome:
    source: str
    status: str  # stored, unchanged, failed
    id: str | None = None
    revision: int | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    stopped: str | None = None  # why the batch stopped early: no later document could be stored either
    peak_worker_rss_mb: float = 0.0  # the most resident memory one worker process reached

    def _with(self, status):
        return [o for o in self.outcomes if o.status == status]

    @property
    def stored(self) -> list[Outcome]:
        return self._with("stored")

    @property
    def unchanged(self) -> list[Outcome]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")


SLOW_CLUSTERS = 1.0  # seconds: a desk no longer waits for a cluster index that takes longer


class Veille:
    """One options object in; every command of the CLI is a method here."""

    def __init__(self, options: Options | None = None, stages: list | None = None, **overrides):
        """``stages`` replaces the default pipeline (``pipeline.default_stages()``), to add a
        stage of your own or leave one out."""
        self.options = options or Options.load(**overrides)
        self.stages = stages
        self._store = None
        self._pipeline = None
        self._clusters = None  # views.ClusterIndex, rebuilt when the store's signature changes
        import threading

        self._clusters_lock = threading.Lock()
        self._clusters_building = False
        self.serving = False  # set by the desk: slow cluster builds go to a thread (see ``cluster_index``)

    @property
    def store(self):
        if self._store is None:
            from veille.store import Store

            self._store = Store(self.options.db)
        return self._store

    @property
    def sources(self):
        """The followed feeds and sitemaps and the article URLs they listed (``SourceStore``)."""
        from veille.sourcestore import SourceStore

        return SourceStore(self.store)

    @property
    def watchstore(self):
        """Saved watches, their alerts and deliveries (``AlertStore``)."""
        from veille.alertstore import AlertStore

        return AlertStore(self.store)

    @property
    def pipeline(self):
        if self._pipeline is None:
            from veille.pipeline import Pipeline

            self._pipeline = Pipeline(self.options, self.stages)
        return self._pipeline

    def process(self, raw: RawInput) -> Document:
        """Run the pipeline on one input without storing it."""
        doc = Document(id=raw.content_id, source=raw.source, kind=raw.kind, raw=raw.content, url=raw.url,
                       hints=dict(raw.hints))
        doc = self.pipeline.run(doc)
        if not doc.text.strip():
            raise NoArticleError(raw.source, "no article text found on the page")
        return doc

    def ingest(self, targets: Iterable[str], on_item: Callable[[Outcome], None] | None = None,
               engine: str = "local", ray_address: str | None = None) -> IngestReport:
        """Read, process and store every input; one bad input never stops the batch.

        Documents are processed by ``options.workers`` worker processes (0: one per core),
        each under the ``doc_timeout`` and ``max_memory_mb`` limits; this process reads the
        inputs and stores the results one by one, in the order of the inputs, so the
        outcome does not depend on the number of workers. A database that cannot be written
        raises StoreUnavailableError before any input is read; one that fails later (a full
        disk) ends the batch there, with ``report.stopped`` saying why.

        ``engine="ray"`` processes them on a Ray cluster instead (``ray_engine.py``): the one at
        ``ray_address``, or a local one of ``options.workers`` CPUs; this process still stores them."""
        self.store.check_writable()
        return self.ingest_inputs(self._tasks(targets), on_item, engine, ray_address)

    def ingest_inputs(self, items: Iterable[RawInput | Ready], on_item: Callable[[Outcome], None] | None = None,
                      engine: str = "local", ray_address: str | None = None) -> IngestReport:
        """``ingest`` for inputs already read (``RawInput``, or ``Ready`` with an outcome known without
        processing), consumed lazily: the polling loop (``veille.watch``) fetches the next article
        while workers parse the ones before, and stops giving new ones when asked to stop."""
        report = IngestReport()
        self.store.check_writable()

        def done(o: Outcome):
            report.outcomes.append(o)
            if o.status == "failed":
                try:
                    self.store.record_failure(o.source, o.reason or "")
                except StoreError:
                    pass
            if on_item:
                on_item(o)

        with self._engine(engine, ray_address) as engine:
            for item, result in engine.map(items):
                if isinstance(item, Ready):
                    done(result)
                    continue
                if isinstance(result, Failed):
                    done(Outcome(item.source, "failed", reason=result.reason))
                    continue
                known = self.store.has(result.id)
                if known:  # the same text earlier in this batch, or stored meanwhile by another process
                    done(Outcome(item.source, "unchanged", result.id,
                                 reason=None if known == item.source else f"same content as {known}",
                                 warnings=list(item.warnings)))
                    continue
                try:
                    revision = self.store.save(result)
                except AlreadyStoredError as e:  # another process stored it since `has` said no
                    done(Outcome(item.source, "unchanged", result.id,
                                 reason=None if e.stored_as == item.source else f"same content as {e.stored_as}",
                                 warnings=list(item.warnings)))
                    continue
                except StoreUnavailableError as e:
                    report.stopped = str(e)
                    break
                except StoreError as e:  # its message already names the document
                    done(Outcome(item.source, "failed", reason=str(e).removeprefix(f"{item.source}: ")))
                    continue
                self._stored(result.id)
                done(Outcome(item.source, "stored", result.id, revision, warnings=item.warnings + list(result.errors)))
        report.peak_worker_rss_mb = getattr(engine, "peak_rss_mb", 0.0)
        if report.stored:
            self._stored(None)
        return report

    def _stored(self, doc_id: str | None) -> None:
        """A document was just stored: link it to the stored ones (``linkstore.link``); None: a batch
        that stored documents ends, make its links ready to read (``linkstore.refresh``). A failure
        here loses nothing: the links are brought up to date at their next read (``linkstore.sync``)."""
        from veille import linkstore

        try:
            linkstore.link(self.store, doc_id) if doc_id else linkstore.refresh(self.store)
        except StoreError:
            pass

    def _tasks(self, targets: Iterable[str]) -> Iterator[RawInput | Ready]:
        """Inputs in order: a RawInput to process, or an outcome known without processing."""
        for target in expand(list(targets)):
            for item in read(target, self.options):
                if isinstance(item, InputError):
                    yield Ready(Outcome(item.source, "failed", reason=item.reason))
                    continue
                item.source = _canonical_source(item.source)
                known = self.store.has(item.content_id)
                if known:
                    yield Ready(Outcome(item.source, "unchanged", item.content_id,
                                        reason=None if known == item.source else f"same content as {known}",
                                        warnings=list(item.warnings)))
                    continue
                yield item

    def _engine(self, name: str = "local", ray_address: str | None = None):
        from veille.pool import LocalPool, SerialPool, can_fork, default_workers

        if name == "ray":
            from dataclasses import replace
            from functools import partial

            from veille.ray_engine import RayEngine

            # the workers parse and store nothing: the database's URL and the mail password stay here
            shipped = replace(self.options, db="", smtp_password="")
            return RayEngine(partial(_worker, shipped, self.stages), self.options.workers,
                             self.options.doc_timeout, ray_address)
        if name != "local":
            raise VeilleError(f"--engine {name}: unknown engine (local or ray)")
        if not can_fork():
            return SerialPool(self._work)
        self.pipeline.warm()  # models load here once; forked workers share them
        return LocalPool(self._work, self.options.workers or default_workers(), self.options.doc_timeout,
                         self.options.max_memory_mb)

    def _work(self, raw: RawInput) -> Document | Failed:
        """What a worker does with one input: the pipeline, and nothing the writer does not need."""
        try:
            doc = self.process(raw)
        except InputError as e:
            return Failed(e.reason)
        doc.raw = ""
        return doc

    def show(self, ref: str) -> Document:
        return self.store.get(ref)

    def documents(self) -> list[Document]:
        return self.store.latest()

    def search(self, query: str, limit: int = 20) -> list[dict]:
        return self.store.search(query, checked_limit(limit))

    def events(self, per_event: bool = False, **filters) -> list[EventHit]:
        """Events of the newest revision of each document, newest first; filters as ``EventQuery``:
        type (one or several), mode, actor (and role), country, near=(lat, lon, km), since, until,
        doc, modality, limit. Raises QueryError on a filter it cannot read. With ``per_event``,
        reports of one event by several documents count once (the first, with their number)."""
        query = EventQuery(**filters)
        if query.min_sources and query.min_sources > 1:
            keys = self.cluster_index().keys_with(query.min_sources)
            hits = [h for h in self.store.events(EventQuery(**{**filters, "min_sources": None, "limit": None,
                                                               "offset": 0}))
                    if f"{h.doc_id}:{h.n}" in keys][query.offset:]
            hits = hits[:query.limit] if query.limit else hits
        else:
            hits = self.store.events(query)
        if not per_event:
            return hits
        owner = {}
        for i, c in enumerate(self.clusters()):
            for key in c["keys"]:
                owner[key] = (i, len(c["reports"]), c["independent_sources"])
        kept, seen = [], set()
        for h in hits:
            cluster = owner.get((h.doc_id, h.event.start, h.event.type))
            if cluster is None:
                kept.append(h)
            elif cluster[0] not in seen:
                seen.add(cluster[0])
                h.reports, h.sources = cluster[1], cluster[2]
                kept.append(h)
        return kept

    def export(self, out: IO[str], format: str = "jsonl", per_event: bool = False) -> int:
        """Write every document (jsonl) or every event (acled: CSV, geojson: located events only)."""
        from veille import export

        if format == "jsonl":
            return export.write_jsonl(self.documents(), out)
        if format == "acled":
            return export.write_acled(self.documents(), out, self.options.kb_dir, per_event,
                                      self.clusters() if per_event else None)
        if format == "geojson":
            return export.write_geojson(self.documents(), out)
        raise QueryError(f"{format}: not an export format (one of {', '.join(export.FORMATS)})")

    def links(self, kind: str | None = None) -> list[dict]:
        """Links between documents: the same event told by several, and claims that contradict; only
        those of ``kind`` (same_event, contradiction) when given. Read from the stored links
        (``linkstore``); computed from every document (``links``) only when they are behind and
        cannot be written (a read-only database)."""
        from veille import linkstore

        if kind not in (None, "same_event", "contradiction"):
            raise QueryError(f"{kind}: not a kind of link (same_event or contradiction)")
        found = linkstore.contradictions(self.store) if kind == "contradiction" else linkstore.links(self.store)
        if found is None:
            from veille.links import contradictions, event_claim_matches, same_events

            docs = self.store.link_documents()
            found = same_events(docs) + event_claim_matches(docs) + contradictions(docs)
        return [link for link in found if kind is None or link["kind"] == kind]

    def clusters(self) -> list[dict]:
        """Events that several documents tell as one, with their reports and source count (from the
        stored links, as ``links``)."""
        from veille import linkstore

        stored = linkstore.clusters(self.store)
        if stored is not None:
            return stored
        from veille.links import clusters

        return clusters(self.store.link_documents())

    # ------------------------------------------------------------------ sources and polling (veille.watch.poll)
    def source_list(self, health: str | None = None) -> list[dict]:
        """The sources followed, with their health: ``health`` (ok, failing, never polled), the last
        poll, HTTP status and error, ``pending`` items (listed, not fetched yet), ``backoff_until``
        (the next poll when errors put it off) and counts; only those of ``health`` when given."""
        from veille.sourcestore import HEALTH, health_of

        if health and health not in HEALTH:
            raise QueryError(f"health={health[:40]}: not a health (one of {', '.join(HEALTH)})")
        pending = self.sources.pending_counts()
        rows = self.sources.all()
        for s in rows:
            s["health"] = health_of(s)
            s["pending"] = pending.get(s["id"], 0)
            s["backoff_until"] = s["next_at"] if s["errors_in_row"] else None
        return [s for s in rows if not health or s["health"] == health]

    def source(self, ref: str | int, items: int = 100) -> dict:
        """One source (by id, name or URL) as ``source_list`` gives it, with its ``items`` latest
        article URLs and what became of each. Raises NotFoundError."""
        found = self.sources.get(ref)
        row = next(s for s in self.source_list() if s["id"] == found["id"])
        row["items"] = self.sources.items(found["id"], limit=items)
        return row

    def add_source(self, url: str, every: str | int = "15m", name: str | None = None,
                   kind: str | None = None) -> dict:
        """Follow a feed or sitemap. ``url`` is fetched once: a feed or a sitemap is kept as it is;
        a home page is read for the feeds it links to, and the first that reads is followed
        (``found_on`` says which page). ``kind`` (feed or sitemap) refuses anything else. The name
        defaults to the host. Raises InputError (unreachable, not a feed) or QueryError."""
        from veille.fetch import url_problem
        from veille.watch.fetcher import Fetcher
        from veille.watch.probe import probe
        from veille.watch.urls import host_of, normalise, parse_every

        every_s = parse_every(every)
        if kind not in (None, "feed", "sitemap"):
            raise QueryError(f"{kind}: not a kind of source (feed or sitemap)")
        if name is not None and not name.strip():
            raise QueryError("the name of a source cannot be empty")
        url = url.strip()
        problem = url_problem(url)
        if problem:
            raise InputError(url, problem)
        with Fetcher(self.options) as fetcher:
            found = probe(url, fetcher, kind)
        feed_url = normalise(found.url)
        if name is None:
            base = host_of(feed_url).removeprefix("www.")
            taken = {s["name"] for s in self.sources.all()}
            name = next(n for n in (base if i == 0 else f"{base}-{i + 1}" for i in range(len(taken) + 1))
                        if n not in taken)
        row = self.sources.add(feed_url, name.strip(), found.kind, every_s)
        row.update(title=found.title, items=found.items, found_on=found.found_on)
        return row

    def remove_source(self, ref: str | int) -> dict:
        """Stop following a source. The URLs it listed stay remembered (following it again fetches
        none twice); those not fetched yet are marked skipped (``skipped`` says how many)."""
        row = self.sources.remove(ref)
        row["skipped"] = self.sources.skip_new(row["id"], f"source {row['name']} removed")
        return row

    def poll(self, once: bool = True, stop=None, on_item=None, on_source=None, on_stored=None,
             on_round=None, on_wait=None, max_wait: float = 60.0):
        """Poll the due sources and ingest what they list that is new: one round (``once``), or
        rounds until ``stop`` (a ``threading.Event``) is set, sleeping until the next source is due.
        Returns the ``RoundReport`` of the last round (see ``veille.watch.poll`` for what a round
        does). Hooks: ``on_source(dict)`` per source polled, ``on_item(Outcome)`` per item,
        ``on_stored(doc_id)`` per document stored, ``on_round(RoundReport)`` per round, and
        ``on_wait()`` at least every ``max_wait`` seconds between rounds (to retry deliveries on
        time); their exceptions go to ``report.hook_errors``. Raises BusyError when another poller holds
        the database, StoreUnavailableError when it cannot be written."""
        import threading

        from veille.watch.poll import Hooks, Poller, wait_seconds

        stop = stop or threading.Event()
        self.store.check_writable()
        with Poller(self, stop) as poller:
            while True:
                report = poller.round(on_item, on_source, on_stored)
                Hooks(report, on_round=on_round)("on_round", report)
                if once or stop.is_set() or report.store_stopped:
                    return report
                while not stop.is_set():
                    poller.alive()
                    wait = wait_seconds(self.sources.next_due(), max_wait)
                    if wait <= 0:
                        break
                    stop.wait(wait)
                    if on_wait is not None and not stop.is_set():
                        Hooks(report, on_wait=on_wait)("on_wait")
                if stop.is_set():
                    return report

    # ------------------------------------------------------------------ watches and alerts (veille.watch.alerts)
    def watch_list(self, latest: int = 3) -> list[dict]:
        """The saved watches, each with its number of alerts, its deliveries by status
        (``deliveries``: pending, sending, sent, failed) and its ``latest`` alerts; secrets hidden."""
        from veille.watch.deliver import shown_channels

        counts = self.watchstore.alert_counts()
        by_status = self.watchstore.delivery_counts()
        rows = self.watchstore.watches()
        for w in rows:
            w["channels"] = shown_channels(w["channels"])
            w["alert_count"] = counts.get(w["id"], 0)
            w["deliveries"] = by_status.get(w["id"], {})
            w["latest"] = self.watchstore.alerts(w["id"], limit=latest) if latest and w["alert_count"] else []
        return rows

    def watch_alerts(self, ref: str | int, limit: int = 50, offset: int = 0) -> dict:
        """One watch and a page of its alerts, newest first, with each delivery's status and error
        (``total``: all it raised); secrets hidden."""
        from veille.watch.deliver import shown_channels

        w = self.watchstore.watch(ref)
        w["channels"] = shown_channels(w["channels"])
        total = self.watchstore.alert_counts().get(w["id"], 0)
        return {"watch": w, "total": total, "offset": offset,
                "alerts": self.watchstore.alerts(w["id"], limit=limit, offset=offset)}

    def add_watch(self, name: str, filters: dict | None = None, condition: str = "event", channels=(),
                  threshold: int | None = None, warning: str | None = None, backfill: bool = False) -> dict:
        """Save a watch: ``filters`` as ``events`` takes them (type, mode, actor, role, country, near,
        since, until, modality, text, source, min_sources), a ``condition`` (event, sources with
        ``threshold`` independent sources, contradiction, warning with ``warning`` as KIND or
        KIND=VALUE) and ``channels`` (``watch.deliver.make_channels``). Without ``backfill``, what
        already matches is marked seen: only new matches raise alerts. Raises QueryError."""
        from veille.watch.alerts import checked_condition, checked_filters, checked_name, mark_matching_seen, position

        name = checked_name(name)
        filters = checked_filters(filters or {})
        threshold, warning = checked_condition(condition, threshold, warning)
        channels = [dict(c) for c in channels]
        at, row = (None, None) if backfill else position(self.store)
        w = self.watchstore.add_watch(name, filters, condition, channels, threshold, warning, at, row)
        if not backfill:
            try:
                mark_matching_seen(self, w)
            except BaseException:
                self.watchstore.remove_watch(w["id"])  # a watch that would alert on the past is no watch
                raise
        return w

    def remove_watch(self, ref: str | int) -> dict:
        """Remove a watch with its alerts and deliveries."""
        return self.watchstore.remove_watch(ref)

    def check_watches(self, doc_ids: list[str] | None = None,
                      on_error: Callable[[dict, Exception], None] | None = None) -> list[int]:
        """Check every watch on the documents stored since its last check (or on ``doc_ids``) and
        raise its alerts, each once; returns the new alerts' ids. One watch's error never stops the
        others: it goes to ``on_error(watch, exc)`` (raised when no ``on_error`` is given, after
        the other watches are checked)."""
        from veille.watch.alerts import check_watch

        raised, first_error = [], None
        for w in self.watchstore.watches():
            try:
                raised += check_watch(self, w, doc_ids)
            except Exception as e:  # noqa: BLE001 - reported to on_error, or raised after the others
                if on_error is not None:
                    on_error(w, e)
                elif first_error is None:
                    first_error = e
        if first_error is not None:
            raise first_error
        return raised

    def deliver_alerts(self, echo: Callable[[str], None] | None = None, at=None) -> dict:
        """Try every due delivery once: ``{"sent", "failed", "given_up", "pending"}``. ``echo``
        prints terminal alerts (without it they wait); ``at`` (a datetime) stands for now."""
        from veille.watch.deliver import deliver_due

        return deliver_due(self, echo, at)

    def alert_round(self, echo: Callable[[str], None] | None = None,
                    on_error: Callable[[dict, Exception], None] | None = None, doc_ids: list[str] | None = None,
                    at=None) -> dict:
        """``check_watches`` then ``deliver_alerts``, what a polling round or a cron run does:
        ``{"alerts": [new alert ids], "sent", "failed", "given_up", "pending"}``."""
        raised = self.check_watches(doc_ids, on_error)
        return {"alerts": raised, **self.deliver_alerts(echo, at)}

    def retry_alerts(self, ref: str | int) -> int:
        """Make a watch's given-up deliveries pending again, due now; returns how many."""
        return self.watchstore.retry(self.watchstore.watch(ref)["id"])

    def test_watch(self, ref: str | int, echo: Callable[[str], None] | None = None) -> list[dict]:
        """Send a test alert on each channel of a watch, now, without storing it: one
        ``{"channel", "target", "ok", "error"}`` per channel."""
        from veille.watch.deliver import send, test_alert

        w = self.watchstore.watch(ref)
        alert = test_alert(w)
        out = []
        for i, ch in enumerate(c for c in w["channels"] if c.get("kind") != "atom"):
            target = ch.get("url") or ch.get("to") or "-"
            fake = {"id": f"test-{i + 1}", "alert_id": 0, "title": alert["title"], "data": alert,
                    "channel": ch["kind"], "target": target}
            try:
                send(self, w, fake, echo)
            except Exception as e:  # noqa: BLE001 - the test's answer is the error
                out.append({"channel": ch["kind"], "target": target, "ok": False, "error": str(e)})
            else:
                out.append({"channel": ch["kind"], "target": target, "ok": True, "error": None})
        return out

    # ------------------------------------------------------------------ the desk's queries (veille.views)
    def cluster_index(self):
        """Which events several documents tell as one: ``views.ClusterIndex`` ((doc_id, n) → cluster id,
        reports, independent sources), computed from ``links.clusters`` once and kept until the store
        changes (``Store.signature``).

        Built here, in this thread, unless ``serving`` is set and a build takes long (more than
        ``SLOW_CLUSTERS`` seconds last time, or a first build is already under way): the desk then
        answers at once with the index it has (or an empty one), marked ``pending``, while a thread
        builds the new one."""
        import dataclasses

        from veille.views import ClusterIndex

        signature = self.store.signature()
        held = self._clusters
        if held is not None and held.signature == signature and (not held.pending or self._clusters_building):
            return held
        slow = held is not None and held.seconds > SLOW_CLUSTERS
        if self.serving and (slow or (held is None and self._clusters_building)):
            self._build_clusters_in_background()
            base = held or ClusterIndex()
            self._clusters = dataclasses.replace(base, signature=signature, totals={}, pending=True)
            return self._clusters
        with self._clusters_lock:
            if self._clusters is None or self._clusters.signature != signature or self._clusters.pending:
                self._clusters = self._build_clusters(signature)
            return self._clusters

    def _build_clusters(self, signature):
        import time

        from veille.views import build_cluster_index

        self._clusters_building = True
        try:
            started = time.perf_counter()
            index = build_cluster_index(self.store, signature)
            index.seconds = time.perf_counter() - started
            return index
        finally:
            self._clusters_building = False

    def _build_clusters_in_background(self) -> None:
        import threading

        def build():
            try:
                with self._clusters_lock:
                    signature = self.store.signature()
                    held = self._clusters
                    if held is None or held.signature != signature or held.pending:
                        self._clusters = self._build_clusters(signature)
            except Exception:  # noqa: BLE001 - a failed build leaves the older index; the next request tries again
                pass
            finally:
                self._clusters_building = False

        if not self._clusters_building and not self._clusters_lock.locked():
            self._clusters_building = True  # until the thread has the lock, no second thread starts
            threading.Thread(target=build, name="cluster-index", daemon=True).start()

    def event_query(self, **filters) -> EventQuery:
        """The filters of every list (``EventQuery``), checked: raises QueryError with the message the
        CLI and the API show."""
        return EventQuery(**filters)

    def event_rows(self, limit=None, offset=None, **filters) -> dict:
        """A page of events, newest first: ``{"items": [Event], "total", "limit", "offset"}``."""
        from veille import views

        limit, offset = views.page(limit, offset)
        return views.event_rows(self.store, self.cluster_index(), EventQuery(**filters), limit, offset)

    def event(self, event_id: str) -> dict:
        """One event (``<doc_id>:<n>``) with every report of its cluster (``reports_list``)."""
        from veille import views

        return views.one_event(self.store, self.cluster_index(), event_id)

    def iter_events(self, **filters):
        """Every event of a filtered view, newest first, without pagination (downloads)."""
        from veille import views

        query = EventQuery(**filters)
        return views.iter_events(self.store, self.cluster_index(), query)

    def event_map(self, limit=None, offset=None, **filters) -> dict:
        """Located events as a GeoJSON FeatureCollection, with ``total``."""
        from veille import views

        limit, offset = views.page(limit, offset, views.MAP_LIMIT, views.MAP_MAX)
        return views.event_map(self.store, self.cluster_index(), EventQuery(**filters), limit, offset)

    def timeline(self, **filters) -> dict:
        """Events per day and type (``days``), per coarser period (``coarse``), ``undated``."""
        from veille import views

        return views.timeline(self.store, self.cluster_index(), EventQuery(**filters))

    def network(self, **filters) -> dict:
        """Who acts on whom: actor nodes and source → target edges by type."""
        from veille import views

        return views.network(self.store, self.cluster_index(), EventQuery(**filters))

    def relationship(self, a: str, b: str, limit=None, **filters) -> dict:
        """Events between actors ``a`` and ``b`` per month by PLOVER quad class, and the events."""
        from veille import views

        limit, _ = views.page(limit, 0, views.MAP_LIMIT, views.MAP_MAX)
        return views.relationship(self.store, self.cluster_index(), a, b, EventQuery(**filters), limit)

    def document_rows(self, text: str | None = None, limit=None, offset=None) -> dict:
        """A page of documents, newest first, with their counts of events and warnings."""
        from veille import views

        limit, offset = views.page(limit, offset)
        return views.document_rows(self.store, text, limit, offset)

    def reader(self, ref: str) -> dict:
        """A document's text with its highlights (entities, places, dates, events), warnings, dropped lines."""
        from veille import views

        return views.reader(self.store, self.cluster_index(), ref)

    def cluster_list(self, limit=None, offset=None, **filters) -> dict:
        """Events told by several reports, with a report matching the filters, most sources first."""
        from veille import views

        limit, offset = views.page(limit, offset)
        return views.cluster_list(self.store, self.cluster_index(), EventQuery(**filters), limit, offset)

    def compare(self, cluster_id: str) -> dict:
        """A cluster's reports side by side, figures, contradictions (``e-<doc_id>:<n>``: one event)."""
        from veille import views

        return views.compare(self.store, self.cluster_index(), cluster_id)


def _canonical_source(source: str) -> str:
    if source.startswith(("http://", "https://")) or "#" in source:
        return source
    from pathlib import Path

    from veille.safetext import storable

    return storable(str(Path(source).resolve()))  # a folder above may have a name that is not UTF-8


def _worker(options: Options, stages: list | None) -> Callable[[RawInput], Document | Failed]:
    """What a Ray actor builds once when it starts: a pipeline of its own, its models loaded."""
    v = Veille(options, stages)
    v.pipeline.warm()
    return v._work
