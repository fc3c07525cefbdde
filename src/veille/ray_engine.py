"""The Ray engine: the same work as the local engine (``pool.py``), on a Ray cluster.

Each worker is a Ray actor that builds one pipeline when it starts (the models load once per
worker) and then takes documents one at a time, dealt from a queue by this process (the
driver). Results come back here and are yielded in the order of the tasks, so the driver
stores them in that order and the outcome is the local engine's: same documents, same ids.

One document costs one document only:

- an exception in a stage is recorded on the document by the pipeline, as in the local engine;
  one raised outside the stages comes back as that document's ``Failed(reason)``;
- a document that takes longer than the time limit is given up, its actor killed and replaced;
- an actor that dies (a segfault in a parser, a node lost, Ray's memory monitor) fails the
  document it held, and a new actor takes its place.

Memory is Ray's to watch here (its memory monitor kills a worker when a node runs short), not
``max_memory_mb``'s: the workers live in processes of Ray's, maybe on other machines.

``ray`` is imported only here, and only when this engine is asked for.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from veille.errors import VeilleError
from veille.pool import Failed, default_workers, in_order

START_TIMEOUT = 600.0  # seconds an actor may take to start and load its models
POLL = 0.25  # seconds between two looks at the running documents


class EngineError(VeilleError):
    """The engine cannot run at all: Ray missing, a cluster that cannot be reached, workers
    that cannot start. Says so in one line."""


def import_ray(local: bool = False):
    """``ray``, set to send no usage statistics; for a ``local`` cluster, with Ray's default
    authentication (a token in ~/.ray) said aloud so it does not warn. Both are read at import."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if local:
        os.environ.setdefault("RAY_AUTH_MODE", "token")
    try:
        import ray
    except ImportError:
        raise EngineError("--engine ray: ray is not installed (pip install 'veille[ray]')") from None
    return ray


class _Actor:
    """One worker: ``make()`` builds its function once (pipeline and models), ``run`` calls it."""

    def __init__(self, make: Callable[[], Callable[[Any], Any]]):
        self.func = make()

    def ready(self) -> bool:
        return True

    def run(self, task: Any) -> Any:
        try:
            return self.func(task)
        except MemoryError:
            return Failed("ran out of memory")
        except Exception as e:
            return Failed(f"{e.__class__.__name__}: {e}")


class _Slot:
    """An actor and what it is doing: starting (``ref`` of ``ready``), idle, or busy with ``seq``."""

    def __init__(self, handle, ref):
        self.handle = handle
        self.ref = ref
        self.seq: int | None = None
        self.started = time.monotonic()
        self.starting = True


class RayEngine:
    """``map`` runs the function that ``make()`` builds, once per actor, on each task and yields
    ``(item, result)`` in task order; ``Ready(value)`` items need no worker.

    ``address`` is an existing cluster's (``host:port`` from a node of the cluster, or
    ``ray://host:10001`` through Ray's client); without one, a local cluster of ``workers`` CPUs
    is started for this run and stopped after it. ``workers`` 0: one per CPU of the cluster.
    """

    def __init__(self, make: Callable[[], Callable[[Any], Any]], workers: int, timeout: float,
                 address: str | None = None):
        self.address = address or None
        self.ray = import_ray(local=not self.address)
        self.make = make
        self.timeout = timeout
        self.replaced = 0
        self.peak_rss_mb = 0.0  # not measured: the workers live in other processes, maybe other machines
        self._owns = False
        self.slots: list[_Slot] = []
        self._connect(workers)
        try:
            cpus = int(self.ray.cluster_resources().get("CPU", 0)) or 1
            self.size = min(workers or cpus, cpus)  # an actor takes one CPU: more would wait for ever
            self._actor_class = self.ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_Actor)
            self._make_ref = self.ray.put(make)
        except Exception as e:
            self.close()
            raise EngineError(f"--engine ray: the cluster does not answer ({e.__class__.__name__})") from None

    def _connect(self, workers: int) -> None:
        ray = self.ray
        if ray.is_initialized():  # a caller's own session (a notebook, a test): used as it is
            return
        if self.address:
            _check_reachable(self.address)
        # the workers' own output stays in Ray's logs: a failure comes back here as one line
        quiet = dict(log_to_driver=False, logging_level=logging.WARNING, configure_logging=True)
        try:
            if self.address:
                ray.init(address=self.address, **({} if self.address.startswith("ray://") else quiet))
            else:
                ray.init(num_cpus=workers or default_workers(), include_dashboard=False,
                         _node_ip_address="127.0.0.1", **quiet)
        except Exception as e:
            where = self.address or "a local cluster"
            first = str(e).strip().splitlines()[0] if str(e).strip() else e.__class__.__name__
            hint = " (does RAY_AUTH_TOKEN hold the cluster's token?)" if self.address else ""
            raise EngineError(f"--engine ray: cannot connect to {where}: {first}{hint}") from None
        self._owns = True

    # ------------------------------------------------------------------ actors
    def _spawn(self) -> _Slot:
        handle = self._actor_class.remote(self._make_ref)
        slot = _Slot(handle, handle.ready.remote())
        self.slots.append(slot)
        return slot

    def _retire(self, slot: _Slot) -> None:
        try:
            self.ray.kill(slot.handle, no_restart=True)
        except Exception:
            pass
        self.slots.remove(slot)

    def close(self) -> None:
        for slot in list(self.slots):
            self._retire(slot)
        if self._owns and self.ray.is_initialized():
            self.ray.shutdown()
            self._owns = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ the work
    def map(self, items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """Yields ``(item, result)`` in the order of ``items``; reads at most a few tasks ahead
        of the one to be written, as the local engine does (``pool.in_order``)."""
        return in_order(items, 4 * self.size, self._dispatch, self._collect)

    def _dispatch(self, queue: deque, done: dict) -> None:
        while queue:
            idle = next((s for s in self.slots if not s.starting and s.seq is None), None)
            if idle is None:
                if len(self.slots) < self.size:
                    self._spawn()
                    continue
                return
            seq, task = queue.popleft()
            try:
                idle.ref = idle.handle.run.remote(task)
            except Exception as e:  # a task that cannot be serialised never reaches a worker
                done[seq] = Failed(f"cannot be handed to a worker ({e.__class__.__name__})")
                continue
            idle.seq = seq
            idle.started = time.monotonic()

    def _collect(self, done: dict) -> None:
        waiting = [s for s in self.slots if s.ref is not None and (s.starting or s.seq is not None)]
        if not waiting:
            return
        refs = [s.ref for s in waiting]
        # back as soon as one is ready (waiting for all would hold every actor to the slowest), then
        # whatever else is ready too
        ready, rest = self.ray.wait(refs, num_returns=1, timeout=POLL)
        if ready and rest:
            ready += self.ray.wait(rest, num_returns=len(rest), timeout=0)[0]
        ready = set(ready)
        now = time.monotonic()
        for slot in waiting:
            if slot.ref in ready:
                try:
                    value = self.ray.get(slot.ref)
                except self.ray.exceptions.RayActorError as e:
                    self._lost(slot, done, e)
                    continue
                except Exception as e:  # the result could not come back
                    value = Failed(f"result could not be returned ({e.__class__.__name__})")
                if slot.starting:
                    slot.starting = False
                else:
                    done[slot.seq] = value
                    slot.seq = None
                slot.ref = None
            elif slot.starting and now - slot.started > START_TIMEOUT:
                raise EngineError(f"--engine ray: a worker did not start in {START_TIMEOUT:g} s")
            elif not slot.starting and now - slot.started > self.timeout:
                done[slot.seq] = Failed(f"gave up after {self.timeout:g} s")
                self._retire(slot)
                self.replaced += 1

    def _lost(self, slot: _Slot, done: dict, e: Exception) -> None:
        if slot.starting:  # no worker can start: the batch cannot run at all
            raise EngineError(f"--engine ray: a worker could not start: {_cause(e)}")
        done[slot.seq] = Failed(_death(e))
        self._retire(slot)
        self.replaced += 1


def _check_reachable(address: str) -> None:
    """One line at once for an address where nothing answers (Ray itself retries for minutes)."""
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise EngineError(f"--ray-address {address}: not an address (host:port, or ray://host:port)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as e:
        raise EngineError(f"--ray-address {address}: nothing answers there ({e.strerror or e})") from None


def _death(e: Exception) -> str:
    """One line for an actor that died while it held a document."""
    text = str(e)
    for signal_name in ("SIGSEGV", "SIGABRT", "SIGBUS", "SIGKILL"):
        if signal_name in text:
            return f"the worker crashed ({signal_name})"
    if "out of memory" in text.lower() or "OutOfMemory" in e.__class__.__name__:
        return "the worker ran out of memory"
    return "the worker died"


def _cause(e: Exception) -> str:
    """The last ``SomeError: message`` line of the traceback Ray gives for an actor that failed
    to start (a module missing on a node, a model not installed), else its first line."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", line)]
    return (errors[-1] if errors else lines[0] if lines else e.__class__.__name__)[:300]
