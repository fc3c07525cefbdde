"""Benchmark: links at 100,000 events. Stored links (``linkstore``) against ingesting without them.

The store: the real corpora (../shared/corpus: the VOA stories and the French Wikinews pages) are
processed once by the pipeline; their documents are then stored again and again as distinct
documents (new ids, another outlet each time) with their events' dates shifted back by whole
months (two per copy), until the store holds 100,000 events. The copies keep the events dated to
the day or to the month; undated events, events dated to the year only and claims stay in the
first copy alone: the same sentence stored 150 times would pair with each of its copies (undated:
with every one; a year: with the copies of two years; a claim has no date at all), a square number
of links that no corpus of distinct articles has. The store is built once and cached in a temp
folder (``--cache``), not in the repository.

Then, in this process, on two fresh copies of that store, the same 1,000 distinct real pages
(excerpts of the same corpora, as bench_watch.py cuts them) are ingested with the same workers:
  without   ``Veille.ingest`` with the links hook switched off (how ingest ran before 008)
  with      ``Veille.ingest`` as shipped: each document linked as it is stored
The ratio with/without must stay under 2. On the store that results, it times ``Veille.links()``
and ``Veille.clusters()`` in this process, and ``veille links`` (the real command, its own
process) with its output thrown away: under a second each is the target. ``veille events --limit 1``
is timed too: what any command that opens the store takes (imports, opening the database).

    python bench/bench_links.py [--events 100000] [--pages 1000] [--workers 2] [--cache DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
WARM_UP = 10  # pages ingested first into a throwaway store, so that neither timed run pays for loading the models
MONTHS_PER_COPY = 2  # a day's window is 3 days, a month's 45: copies two months apart never meet


def shift_months(value: str | None, months: int) -> str | None:
    """A date (YYYY-MM-DD or YYYY-MM) moved by whole months, the day kept (the 31st becomes the 28th)."""
    if not value or len(value) not in (7, 10):
        return value
    y, m = int(value[:4]), int(value[5:7]) - 1 + months
    y, m = y + m // 12, m % 12 + 1
    if len(value) == 7:
        return f"{y:04d}-{m:02d}"
    return date(y, m, min(int(value[8:10]), 28)).isoformat()


def copy_of(doc, k: int):
    """Copy k of a document: a new id and outlet, its dated events moved k x 2 months back."""
    from veille.model import from_dict

    d = from_dict(doc.to_dict())
    if k == 0:
        return d
    d.id = hashlib.sha256(f"{doc.id}/{k}".encode()).hexdigest()[:16]
    d.source = f"https://outlet{k % 53}.example/{k}/{Path(doc.source).name}"
    d.url, d.site = d.source, f"outlet{k % 53}.example"
    months = -MONTHS_PER_COPY * k
    d.published = shift_months(d.published[:10], months) if d.published and len(d.published) >= 10 else d.published
    d.events = [e for e in d.events if e.date and e.date_precision in ("day", "month")]
    for e in d.events:
        e.date = shift_months(e.date, months)
    d.claims = []
    return d


def base_store(cache: Path, n_events: int, workers: int) -> tuple[Path, dict]:
    """The store of ``n_events`` events (built once, then read from the cache)."""
    from bench_pipeline import inputs

    from veille import linkstore
    from veille.api import Veille
    from veille.store import Store

    out = cache / f"store-{n_events}.db"
    info = cache / f"store-{n_events}.txt"
    if out.exists() and info.exists():
        return out, eval(info.read_text())  # noqa: S307 - our own dict, written below
    first = cache / "corpus.db"
    if not first.exists():
        print(f"bench_links: processing the corpora once into {first}", file=sys.stderr)
        Veille(db=str(first), progress=False, workers=workers).ingest(inputs())
    docs = [d for d in Veille(db=str(first), progress=False).documents()]
    tmp = out.with_suffix(".building")
    for p in cache.glob(tmp.name + "*"):
        p.unlink()
    store = Store(str(tmp))
    started, stored, events, k = time.perf_counter(), 0, 0, 0
    while events < n_events:
        with store._writing() as conn:  # Store.save's rows, a copy at a time in one transaction
            for doc in docs:
                c = copy_of(doc, k)
                if events >= n_events or (k and not c.events):
                    continue
                c.events = c.events[:n_events - events]
                record = c.to_dict()
                store._insert(conn, c, record, json.dumps(record, ensure_ascii=False))
                stored, events = stored + 1, events + len(c.events)
        k += 1
    saved = time.perf_counter() - started
    started = time.perf_counter()
    linkstore.sync(store)  # links every document, one after another, as a database from before 008
    linked = time.perf_counter() - started
    store.engine.dispose()
    with sqlite3.connect(tmp) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tmp.rename(out)
    for p in cache.glob(tmp.name + "-*"):
        p.unlink()
    meta = {"documents": stored, "events": events, "copies": k, "base_documents": len(docs),
            "save_s": round(saved, 1), "link_s": round(linked, 1)}
    info.write_text(repr(meta))
    return out, meta


def fresh_copy(src: Path, dst: Path) -> str:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return str(dst)


def pages(folder: Path, n: int) -> list[str]:
    from bench_watch import excerpts

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (_, html) in enumerate(excerpts(n)):
        p = folder / f"page{i:04d}.html"
        p.write_text(html, encoding="utf-8")
        paths.append(str(p))
    return paths


def counts(db: str) -> dict:
    with sqlite3.connect(db) as conn:
        return {name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for name, table in (("documents", "documents"), ("events", "events"), ("links", "link_pairs"))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "veille-bench-links"))
    a = ap.parse_args(argv)

    from veille import linkstore
    from veille.api import Veille

    class WithoutLinks(Veille):
        def _stored(self, doc_id: str) -> None:  # ingest as it ran before stored links
            pass

    cache = Path(a.cache)
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    base, meta = base_store(cache, a.events, a.workers)
    print(f"store: {meta['events']} events in {meta['documents']} documents: {meta['base_documents']} real documents "
          f"of ../shared/corpus processed once, stored as {meta['copies']} copies with new ids and outlets, dates "
          f"shifted back {MONTHS_PER_COPY} whole months per copy (copies keep the events dated to the day or month; "
          f"undated and year-dated events and claims stay in the first copy); built in {meta['save_s']} s, linked "
          f"in {meta['link_s']} s ({'cached' if time.perf_counter() - started < 5 else 'now'}: {base})")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = pages(work / "pages", a.pages)
        print(f"pages: {len(paths)} distinct real excerpts (VOA 3-sentence windows, Wikinews-fr paragraph pairs)")
        # the models load once, in a throwaway store, so that neither timed run pays for them
        Veille(db=str(work / "warm.db"), progress=False, workers=a.workers).ingest(paths[:WARM_UP])
        times = {}
        for name, cls in (("without", WithoutLinks), ("with", Veille)):
            db = fresh_copy(base, work / f"{name}.db")
            v = cls(db=db, progress=False, workers=a.workers)
            v.store.signature()
            t = time.perf_counter()
            report = v.ingest(paths)
            times[name] = time.perf_counter() - t
            print(f"ingest {name:7s} links: {times[name]:7.1f} s  ({len(report.stored)} stored, "
                  f"{len(report.unchanged)} unchanged, {len(report.failed)} failed)")
            v.store.engine.dispose()
        print(f"ratio with/without: {times['with'] / times['without']:.2f}x  (target < 2x)")
        db = str(work / "with.db")
        print(f"store after: {counts(db)}")
        v = Veille(db=db, progress=False)
        t = time.perf_counter()
        fresh = linkstore.sync(v.store)
        print(f"sync check (links up to date: {fresh}): {time.perf_counter() - t:.3f} s")
        for label, call in (("Veille.links()", v.links), ("Veille.clusters()", v.clusters),
                            ("Veille.links(kind='contradiction')", lambda: v.links(kind="contradiction"))):
            t = time.perf_counter()
            got = call()
            print(f"{label:36s} {time.perf_counter() - t:6.3f} s  ({len(got)} items)")
        exe = Path(sys.executable).with_name("veille")
        for args in (["links"], ["links", "--json"], ["events", "--limit", "1"]):
            t = time.perf_counter()
            done = subprocess.run([str(exe), "--db", db, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
            print(f"veille {' '.join(args):29s} {time.perf_counter() - t:6.3f} s "
                  f"(the whole command, rc {done.returncode})")
        t = time.perf_counter()
        subprocess.run([str(exe), "--version"], stdout=subprocess.DEVNULL)
        print(f"veille --version {'':22s} {time.perf_counter() - t:6.3f} s (the command's start-up alone; "
              "`events --limit 1`: any command that opens the store)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
