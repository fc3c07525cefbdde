"""The local engine: documents are processed in worker processes, results come back in order.

Each worker is forked from a parent that has already loaded the models, so a worker
starts in milliseconds and shares the models' memory with its siblings until it writes
to it. A worker handles one document at a time under three limits:

- a time limit: a document that takes longer is given up, the worker killed and replaced;
- a memory limit: the parent watches each busy worker's resident memory and gives the
  document up past the limit (an address-space limit in the worker is the backstop);
- a crash (a segfault in a parser, an abort) ends only that document.

Whatever happens to one document, the others go on; results are yielded in the order of
the tasks, so one writer can store them in order and ``workers=N`` gives exactly what
``workers=1`` gives.
"""
from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

POLL = 0.25  # seconds between two looks at the busy workers' memory
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Ready:
    """A result known without work (an input that could not be read, a document already stored)."""

    value: Any


@dataclass
class Failed:
    """What happened to a task that gave no result."""

    reason: str


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def in_order(items: Iterable[Any], window: int, dispatch: Callable[[deque, dict], None],
             collect: Callable[[dict], None]) -> Iterator[tuple[Any, Any]]:
    """An engine's loop: ``(item, result)`` in the order of ``items``, reading at most ``window``
    items ahead of the result to be written. ``dispatch(queue, done)`` gives queued ``(seq, item)``
    to free workers; ``collect(done)`` waits for some to finish and puts their results in
    ``done[seq]``. A ``Ready`` item is its own result."""
    source = enumerate(items)
    exhausted = False
    queue: deque[tuple[int, Any]] = deque()  # read, not yet given to a worker
    given: dict[int, Any] = {}
    done: dict[int, Any] = {}
    next_out, last_seq = 0, -1
    while True:
        while not exhausted and last_seq - next_out < window:
            try:
                seq, item = next(source)
            except StopIteration:
                exhausted = True
                break
            last_seq = seq
            given[seq] = item
            if isinstance(item, Ready):
                done[seq] = item.value
            else:
                queue.append((seq, item))
        while next_out in done:
            yield given.pop(next_out), done.pop(next_out)
            next_out += 1
        if exhausted and next_out > last_seq:
            return
        dispatch(queue, done)
        collect(done)


class _Worker:
    def __init__(self, ctx, func: Callable, memory_mb: int, siblings: list["_Worker"]):
        self.conn, child = ctx.Pipe()
        # the forked child must close the parent's ends of every pipe, its own included:
        # otherwise it never sees end-of-file when the parent dies, and lives on
        parent_ends = [self.conn] + [w.conn for w in siblings]
        self.process = ctx.Process(target=_serve, args=(child, func, memory_mb, parent_ends), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, float] | None = None  # (sequence number, start time)
        self.base_rss = 0
        self.settled_rss = 0.0  # its resident memory after its first document

    def rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/statm") as f:
                return int(f.read().split()[1]) * PAGE / 2**20
        except (OSError, ValueError, IndexError):
            return 0.0

    def peak_rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                hwm = next(line for line in f if line.startswith("VmHWM:"))
            return int(hwm.split()[1]) / 1024
        except (OSError, ValueError, StopIteration):
            return 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def _serve(conn, func: Callable, memory_mb: int, parent_ends: list) -> None:
    """A worker's loop: take a task, send back ("ok", result) or ("error", reason); end
    when the parent says so or goes away."""
    for end in parent_ends:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a crash is reported once, by the parent, as one line
    _limit_address_space(memory_mb)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        seq, task = msg
        try:
            reply = (seq, "ok", func(task))
        except MemoryError:
            reply = (seq, "error", "ran out of memory")
        except Exception as e:
            reply = (seq, "error", f"{e.__class__.__name__}: {e}")
        try:
            conn.send(reply)
        except (OSError, ValueError) as e:  # a result that cannot be sent back
            conn.send((seq, "error", f"result could not be returned ({e.__class__.__name__})"))


def _limit_address_space(memory_mb: int) -> None:
    """A backstop against a runaway allocation between two looks of the parent: the
    address space may grow by twice the memory limit, no more."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * PAGE
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + 2 * memory_mb * 2**20
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"the worker crashed ({signal.Signals(-exitcode).name})"
        except ValueError:
            return f"the worker crashed (signal {-exitcode})"
    return f"the worker stopped (exit status {exitcode})"


class LocalPool:
    """``map`` runs ``func`` on each task in forked workers and yields results in task order.

    A task's result is the function's return value, or ``Failed(reason)``; items given as
    ``Ready(value)`` need no worker and come out as ``value`` in their place.
    """

    def __init__(self, func: Callable, workers: int, timeout: float, memory_mb: int):
        self.func = func
        self.size = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.ctx = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self.replaced = 0
        self.recycled = 0  # workers replaced between documents, their memory grown
        self.peak_rss_mb = 0.0  # the highest resident memory a worker of this pool reached

    def _spawn(self) -> _Worker:
        w = _Worker(self.ctx, self.func, self.memory_mb, self.workers)
        self.workers.append(w)
        return w

    def _retire(self, w: _Worker) -> None:
        self.peak_rss_mb = max(self.peak_rss_mb, w.peak_rss_mb())
        w.kill()
        self.workers.remove(w)

    def close(self) -> None:
        for w in list(self.workers):
            self.peak_rss_mb = max(self.peak_rss_mb, w.peak_rss_mb())
            try:
                if w.process.is_alive() and w.task is None:
                    w.conn.send(None)
            except OSError:
                pass
            w.process.join(1)
            self._retire(w)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def map(self, items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Yields ``(item, result)`` in the order of ``items``."""
        return in_order(items, 4 * self.size, self._dispatch, self._collect)

    def _dispatch(self, queue: deque, done: dict) -> None:
        while queue:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None:
                if len(self.workers) >= self.size:
                    return
                idle = self._spawn()
                idle.base_rss = idle.rss_mb()
            seq, item = queue.popleft()
            try:
                idle.conn.send((seq, item))
            except OSError:  # the worker died while idle: replace it, the task waits
                queue.appendleft((seq, item))
                self._retire(idle)
                self.replaced += 1
                continue
            except Exception as e:  # a task that cannot be pickled never reaches a worker
                done[seq] = Failed(f"cannot be handed to a worker ({e.__class__.__name__})")
                continue
            idle.task = (seq, time.monotonic())

    def _collect(self, done: dict) -> None:
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return
        now = time.monotonic()
        deadline = min(w.task[1] for w in busy) + self.timeout
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                     timeout=max(0.0, min(POLL, deadline - now)))
        for w in busy:
            seq = w.task[0]
            if w.conn in ready:
                try:
                    _, status, value = w.conn.recv()
                except (EOFError, OSError):
                    w.process.join(1)
                    self._fail(w, done, _death(w.process.exitcode))
                    continue
                done[seq] = value if status == "ok" else Failed(value)
                w.task = None
                if status != "ok" and value == "ran out of memory":
                    self._retire(w)  # its heap may be in any state
                    self.replaced += 1
                elif not w.settled_rss:
                    w.settled_rss = w.rss_mb()  # its models are loaded now
                elif w.rss_mb() > w.settled_rss + (self.memory_mb - w.settled_rss) / 2:
                    # what a worker keeps from document to document (the parser's strings and
                    # words grow with every new one) must not pile up until a small document
                    # is blamed for it: a worker that has grown by half the room it had left
                    # after its first document is replaced between two documents
                    self._retire(w)
                    self.recycled += 1
            elif w.process.sentinel in ready:
                w.process.join(1)
                self._fail(w, done, _death(w.process.exitcode))
            elif time.monotonic() - w.task[1] > self.timeout:
                self._fail(w, done, f"gave up after {self.timeout:g} s")
            else:
                limit = max(self.memory_mb, w.base_rss + 200)
                if w.rss_mb() > limit:
                    self._fail(w, done, f"gave up: more than {limit:.0f} MB of memory")

    def _fail(self, w: _Worker, done: dict, reason: str) -> None:
        done[w.task[0]] = Failed(reason)
        w.task = None
        self._retire(w)
        self.replaced += 1


class SerialPool:
    """The same ``map`` in this process, where processes cannot be forked: no limits, and a
    crash of a parser ends the batch."""

    def __init__(self, func: Callable):
        self.func = func

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def map(self, items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        for item in items:
            if isinstance(item, Ready):
                yield item, item.value
                continue
            try:
                yield item, self.func(item)
            except Exception as e:
                yield item, Failed(f"{e.__class__.__name__}: {e}")
