"""Benchmark: the Ray engine from 1 to 2 local workers, against the local engine, on distinct real texts.

The pages are N distinct excerpts of real stories, cut as ``bench_watch.py`` cuts them (windows of
three sentences of the Voice of America stories, pairs of paragraphs of the French Wikinews pages),
written to files and ingested into a fresh SQLite database each time:

  local 1   the local engine with one worker process (forked from this process, models loaded):
            the baseline, in this process
  local 2   the same with two: the control, what this machine's free cores allow any engine
  ray 1     ``ingest(engine="ray")`` on a local Ray cluster of 1 CPU (one actor)
  ray 2     the same with 2 CPUs (two actors)
  writes    the driver's part alone: the same documents saved and linked one by one into a fresh store, the
            ceiling of any number of workers feeding one driver

Each ingest gives its rate in steady work (items/s over its last four fifths of results, so a Ray
run's start-up, the cluster and each actor loading its models, is left out) and its wall time with
the start-up. The ratios are ray 2 / ray 1 (the scaling) and ray 1 / local 1 (Ray's cost per
document). On a machine whose cores are busy with other work, the 2-worker figure is a floor.

    python bench/bench_ray.py [--pages 400]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_watch import excerpts  # noqa: E402  (the same distinct excerpts)


class Clock:
    """The moment of each result of an ingest; the rate in steady work leaves out the first fifth,
    while the last of several Ray actors may still be loading its models."""

    def __init__(self):
        self.times: list[float] = []

    def __call__(self, outcome) -> None:
        self.times.append(time.perf_counter())

    def rate(self) -> float:
        k = len(self.times) // 5
        span = self.times[-1] - self.times[k] if len(self.times) > k + 1 else 0.0
        return (len(self.times) - 1 - k) / span if span > 0 else 0.0


def run(folder: Path, db: Path, label: str, workers: int, engine: str) -> tuple[float, list]:
    from veille import Veille

    v = Veille(db=str(db), progress=False, workers=workers)
    if engine == "local":
        v.pipeline.warm()  # the local engine's workers are forked from a process whose models are loaded
    clock = Clock()
    started = time.perf_counter()
    report = v.ingest([str(folder)], on_item=clock, engine=engine)
    wall = time.perf_counter() - started
    rate = clock.rate()
    print(f"{label:8s}  {len(report.stored)} stored, {len(report.failed)} failed   {rate:6.2f} items/s in steady "
          f"work   {wall:6.1f} s wall with start-up ({len(report.stored) / wall:5.2f} items/s)", flush=True)
    return rate, v.documents()


def writes(docs: list, db: Path) -> float:
    """Documents per second that one driver saves into a fresh SQLite store (``has``, ``save``, then
    ``linkstore.link``, as ``ingest`` does for each result)."""
    from veille import linkstore
    from veille.store import Store

    store = Store(str(db))
    started = time.perf_counter()
    for d in docs:
        if not store.has(d.id):
            store.save(d)
            linkstore.link(store, d.id)
    seconds = time.perf_counter() - started
    rate = len(docs) / seconds
    print(f"writes    {len(docs)} documents saved and linked by the driver alone in {seconds:.1f} s = {rate:6.1f} items/s "
          f"(SQLite)", flush=True)
    return rate


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=400)
    a = ap.parse_args(argv)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    pages = excerpts(a.pages)
    words = sum(len(re.sub(r"<[^>]+>", " ", html).split()) for _, html in pages) / len(pages)
    print(f"pages: {len(pages)} distinct excerpts of real stories ({words:.0f} words each on average); "
          f"{os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "pages"
        folder.mkdir()
        for i, (_, html) in enumerate(pages):
            (folder / f"{i:04d}.html").write_text(html, encoding="utf-8")
        local1, docs = run(folder, tmp / "local1.db", "local 1", 1, "local")
        local2, _ = run(folder, tmp / "local2.db", "local 2", 2, "local")
        ray1, _ = run(folder, tmp / "ray1.db", "ray 1", 1, "ray")
        ray2, _ = run(folder, tmp / "ray2.db", "ray 2", 2, "ray")
        write_rate = writes(docs, tmp / "writes.db")
    print(f"ratio ray 2 / ray 1 workers: {ray2 / ray1:.2f}x   ray 1 / local 1: {ray1 / local1:.2f}x   "
          f"(control: local 2 / local 1: {local2 / local1:.2f}x)   "
          f"per-worker rate {ray1:.2f} items/s = {ray1 * words:.0f} words/s = {ray1 * 86400:,.0f} items/day; "
          f"the driver's writes cap "
          f"one store at {write_rate * 86400:,.0f} items/day   (load average {os.getloadavg()[0]:.1f} at end)",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
