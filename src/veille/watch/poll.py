"""One polling round, and the loop of rounds behind ``veille watch``.

A round, in order:

1. take the poller's lock (one poller per database; a lock not refreshed goes stale);
2. fetch every due source, several hosts at once, each host politely (``fetcher``), with a
   conditional GET; a 304 is not parsed again; a sitemap index's children are read too;
3. record each source's health: HTTP status, error, errors in a row, and when to poll it next
   (``every`` after a good poll; after errors ``every × 2^errors``, at most a day, or later if
   the server's Retry-After asks), and remember the item URLs it lists (normalised: a URL seen
   once is never fetched again);
4. fetch the items still to fetch (new ones, those a stopped round left, failed ones with tries
   left), hosts in turn, a page given to a thread only when its host is idle and rested, so that
   several hosts are asked at once and no thread sleeps out a delay; give each page to the normal
   pipeline through ``Veille.ingest_inputs``; a page robots.txt disallows is skipped;
5. record each item's fate (stored, unchanged, failed, skipped) and call the hooks.

A stop flag is checked between documents: no page is fetched or handed to the pipeline once it
is set; the documents already handed to it (the one each worker is on, and the few the pool
reads ahead, at most 4 per worker) are finished and stored; the rest stay ``new`` and the next
round resumes them. A failing source or
page is a line in the report, never the end of the round; an exception in a hook is recorded in
``hook_errors`` and the round goes on."""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from typing import Callable

from veille.errors import VeilleError
from veille.pool import Ready
from veille.readers import RawInput, decode
from veille.sourcestore import later, now
from veille.watch import feeds
from veille.watch.fetcher import Answer, Fetcher
from veille.watch.urls import host_of, normalise

THREADS = 8  # hosts fetched at once
LOOKAHEAD = 16  # pages fetched ahead of the pipeline
MAX_BACKOFF = 86400  # seconds: a failing source is still polled once a day
MAX_CHILD_SITEMAPS = 20  # children of a sitemap index read per poll
LOCK_STALE = 600  # seconds after which a poller that has not shown it is alive loses its lock
PAGE_TYPES = ("html", "text", "xml")


class BusyError(VeilleError):
    """Another poller is at work on this database."""


@dataclass
class RoundReport:
    sources: int = 0  # sources polled
    new_items: int = 0  # item URLs seen for the first time
    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    left: int = 0  # items not done because the round was stopped (the next round resumes them)
    seconds: float = 0.0
    source_errors: list[dict] = field(default_factory=list)  # {"source", "url", "error"}
    hook_errors: list[str] = field(default_factory=list)
    stopped: bool = False
    store_stopped: str | None = None  # the database could not be written: why


@dataclass
class SourcePoll:
    """What polling one source gave."""

    source: dict
    answer: Answer
    listing: feeds.Listing | None = None
    error: str | None = None


class Hooks:
    def __init__(self, report: RoundReport, **hooks: Callable | None):
        self.report = report
        self.hooks = hooks

    def __call__(self, name: str, *args) -> None:
        hook = self.hooks.get(name)
        if hook is None:
            return
        try:
            hook(*args)
        except Exception as e:  # noqa: BLE001 - a hook (the alerts, a printer) never stops a round
            self.report.hook_errors.append(f"{name}: {e.__class__.__name__}: {e}")


class Poller:
    """Rounds of polling for one ``Veille``; holds the poller's lock from ``__enter__`` to ``__exit__``."""

    def __init__(self, veille, stop: threading.Event | None = None):
        self.veille = veille
        self.store = veille.sources
        self.stop = stop or threading.Event()
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> "Poller":
        held = self.store.take_lock(self.holder, LOCK_STALE)
        if held is not None:
            raise BusyError(f"{self.veille.options.db}: another poller is at work on this database "
                            f"({held['holder']}, alive at {held['alive_at']}); wait for it or stop it")
        return self

    def __exit__(self, *exc) -> None:
        self.store.release_lock(self.holder)

    def alive(self) -> None:
        self.store.touch_lock(self.holder)

    # ------------------------------------------------------------------ a round
    def round(self, on_item=None, on_source=None, on_stored=None) -> RoundReport:
        started = time.monotonic()
        report = RoundReport()
        hooks = Hooks(report, on_item=on_item, on_source=on_source, on_stored=on_stored)
        self.alive()
        with Fetcher(self.veille.options) as fetcher:
            self._poll_sources(fetcher, report, hooks)
            if not self.stop.is_set():
                self._fetch_items(fetcher, report, hooks)
        report.stopped = self.stop.is_set()
        report.left = len(self.store.pending())
        report.seconds = time.monotonic() - started
        return report

    def _poll_sources(self, fetcher: Fetcher, report: RoundReport, hooks: Hooks) -> None:
        due = self.store.due()
        if not due:
            return
        with ThreadPoolExecutor(min(THREADS, len(due)), thread_name_prefix="poll-source") as pool:
            futures = [pool.submit(self._poll_one, fetcher, s) for s in due]
            for future in as_completed(futures):
                polled = future.result()
                if polled is None:  # stopped before it was polled: still due next round
                    continue
                report.sources += 1
                fresh = self._record_source(polled)
                report.new_items += fresh
                if polled.error:
                    report.source_errors.append({"source": polled.source["name"], "url": polled.source["url"],
                                                 "error": polled.error})
                hooks("on_source", {"id": polled.source["id"], "name": polled.source["name"],
                                    "url": polled.source["url"], "status": polled.answer.status,
                                    "error": polled.error, "new": fresh})

    def _poll_one(self, fetcher: Fetcher, source: dict) -> SourcePoll | None:
        """Runs in a thread: fetch and read one source; touches no database."""
        if self.stop.is_set():
            return None
        try:
            return self._read_source(fetcher, source)
        except Exception as e:  # noqa: BLE001 - a parser's own bug is this source's error, not the round's end
            return SourcePoll(source, Answer(source["url"]), error=f"{e.__class__.__name__}: {e}")

    def _read_source(self, fetcher: Fetcher, source: dict) -> SourcePoll:
        answer = fetcher.get(source["url"], source["etag"], source["last_modified"])
        polled = SourcePoll(source, answer)
        if not answer.ok:
            polled.error = answer.error
            return polled
        if answer.not_modified:
            return polled
        try:
            polled.listing = feeds.parse(answer.body, source["url"])
        except feeds.FeedError as e:
            polled.error = e.reason
            return polled
        for child in polled.listing.sitemaps[:MAX_CHILD_SITEMAPS]:
            sub = fetcher.get(child)
            try:
                if not sub.ok:
                    raise feeds.FeedError(child, sub.error)
                polled.listing.items += feeds.parse(sub.body, child).items
            except feeds.FeedError as e:
                polled.error = f"sitemap {child}: {e.reason}"  # the other children's items are kept
        return polled

    def _record_source(self, polled: SourcePoll) -> int:
        """Store one source's poll: its health, its next poll, its new item URLs; returns how many."""
        source, answer = polled.source, polled.answer
        values = {"polled_at": now(), "status": answer.status, "error": polled.error,
                  "polls": source["polls"] + 1}
        every = source["every_s"]
        if polled.error and polled.listing is None:
            errors = source["errors_in_row"] + 1
            wait = min(every * 2 ** errors, MAX_BACKOFF)
            if answer.retry_after:
                wait = max(wait, min(answer.retry_after, MAX_BACKOFF))
            values.update(errors_in_row=errors, next_at=later(wait))
        else:
            values.update(errors_in_row=0, next_at=later(every))
            if not answer.not_modified:  # the validators of what we read now, or none if it sent none
                values.update(etag=answer.headers.get("etag"), last_modified=answer.headers.get("last-modified"))
        fresh = []
        if polled.listing is not None:
            items = [{**item, "url": normalise(item["url"])} for item in polled.listing.items
                     if item["url"].startswith(("http://", "https://"))]
            fresh = self.store.remember(source["id"], items)
        self.store.update(source["id"], **values)
        return len(fresh)

    # ------------------------------------------------------------------ the pages
    def _fetch_items(self, fetcher: Fetcher, report: RoundReport, hooks: Hooks) -> None:
        from veille.api import Outcome

        todo = self.store.pending(retry=True)
        if not todo:
            return
        statuses = {"stored", "unchanged", "failed"}

        def on_outcome(o: Outcome) -> None:
            status = o.status if o.status in statuses else "failed"
            self.store.finish(o.source, status, o.id, o.reason)
            setattr(report, status, getattr(report, status) + 1)
            hooks("on_item", o)
            if status == "stored":
                hooks("on_stored", o.id)
            self.alive()

        def skipped(item: dict, reason: str) -> None:
            self.store.finish(item["url"], "skipped", reason=reason)
            report.skipped += 1
            hooks("on_item", Outcome(item["url"], "skipped", reason=reason))

        result = self.veille.ingest_inputs(self._pages(fetcher, todo, skipped), on_outcome)
        report.store_stopped = result.stopped

    def _pages(self, fetcher: Fetcher, todo: list[dict], skipped: Callable):
        """The pipeline's inputs, fetched ahead in threads; stops giving new ones as soon as the stop
        flag is set. A page is handed to a thread only when its host is idle and its delay is over,
        so no thread sleeps out one host's delay while another host could be asked."""
        queues: dict[str, deque] = {}
        for item in todo:
            queues.setdefault(host_of(item["url"]), deque()).append(item)
        pending: deque = deque()  # (item, future), in the order the pipeline gets them
        busy: dict[str, Future] = {}
        pool = ThreadPoolExecutor(THREADS, thread_name_prefix="poll-page")
        try:
            while not self.stop.is_set():
                soonest = self._submit_ready(fetcher, pool, queues, busy, pending)
                if not pending:
                    if not queues:
                        return
                    self.stop.wait(max(0.005, soonest))  # every host left is waiting out its delay
                    continue
                item, future = pending[0]
                if not future.done():
                    if queues and len(pending) < LOOKAHEAD:  # until a page is in or a host is free
                        wait([future, *(f for f in busy.values() if not f.done())], timeout=max(0.005, soonest),
                             return_when=FIRST_COMPLETED)
                    else:
                        wait([future])
                    continue
                pending.popleft()
                page = future.result()
                if self.stop.is_set():  # fetched, not processed: the next round fetches it again
                    return
                if isinstance(page, str):
                    if page.startswith("robots.txt disallows"):
                        skipped(item, page)
                        continue
                    from veille.api import Outcome

                    yield Ready(Outcome(item["url"], "failed", reason=page))
                    continue
                yield page
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _submit_ready(self, fetcher, pool, queues: dict, busy: dict, pending: deque) -> float:
        """Hand the next page of each idle, rested host to a thread (hosts in turn); returns the
        seconds until the next host is ready (0 if one is)."""
        soonest = 1.0
        for host in list(queues):
            if len(pending) >= LOOKAHEAD:
                return 0.0
            if host in busy and not busy[host].done():
                continue
            rest = fetcher.ready_in(queues[host][0]["url"])
            if rest > 0:
                soonest = min(soonest, rest)
                continue
            queue = queues.pop(host)
            item = queue.popleft()
            busy[host] = pool.submit(self._fetch_page, fetcher, item)
            pending.append((item, busy[host]))
            if queue:
                queues[host] = queue  # to the end of the turn
        return soonest
    def _fetch_page(self, fetcher: Fetcher, item: dict) -> RawInput | str:
        """Runs in a thread: the page as the pipeline's input, or why there is none."""
        if self.stop.is_set():
            return "stopped"
        try:
            return self._read_page(fetcher, item)
        except Exception as e:  # noqa: BLE001 - one page's surprise is that page's failure
            return f"{e.__class__.__name__}: {e}"

    def _read_page(self, fetcher: Fetcher, item: dict) -> RawInput | str:
        answer = fetcher.get(item["url"])
        if not answer.ok:
            return answer.error
        ctype = answer.headers.get("content-type", "")
        if ctype and not any(t in ctype for t in PAGE_TYPES):
            return f"not a web page (content-type {ctype.split(';')[0]})"
        warnings: list[str] = []
        text = decode(answer.body, item["url"], warnings)
        if not text.strip():
            return "empty page"
        hints = {k: item[k] for k in ("title", "published") if item.get(k)}
        return RawInput(source=item["url"], kind="html", content=text, url=answer.final_url or item["url"],
                        hints=hints, warnings=warnings)


def wait_seconds(next_due: str | None, most: float = 60.0) -> float:
    """Seconds until ``next_due`` (a stored time), at most ``most``, at least 0."""
    if next_due is None:
        return most
    from datetime import datetime, timezone

    seconds = (datetime.fromisoformat(next_due) - datetime.now(timezone.utc)).total_seconds()
    return max(0.0, min(most, seconds))
