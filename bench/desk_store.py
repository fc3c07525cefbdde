"""A store of N events for the desk's benchmark, made by varying real extracted events.

The base is what veille extracts from the real corpora (../shared/corpus: French Wikinews
and VOA), ingested once into bench/out/desk_base.db. Each copy k of a base document is
stored as a new document of another outlet: its events' dates (and the page's) moved by a
number of days that depends on k, their places moved by a few kilometres, so that the
copies spread over about three years and a region instead of piling on one day and point.
The text, the sentences and the actors stay as extracted.

    python bench/desk_store.py OUT.db [--events 100000]
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "bench" / "out" / "desk_base.db"
sys.path.insert(0, str(ROOT / "bench"))


def base_documents():
    from bench_pipeline import inputs

    from veille.api import Veille

    BASE.parent.mkdir(parents=True, exist_ok=True)
    v = Veille(db=str(BASE), progress=False)
    if v.store.count() == 0:
        print(f"desk_store: extracting the base events from the corpora into {BASE} (once)", file=sys.stderr)
        v.ingest(inputs())
    return [d for d in v.documents() if d.events]


def _shift(value: str | None, precision: str | None, days: int) -> str | None:
    if not value:
        return value
    try:
        if len(value) == 10:
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        if len(value) == 7:
            y, m = int(value[:4]), int(value[5:7]) - 1 + days // 30
            return f"{y + m // 12:04d}-{m % 12 + 1:02d}"
        if len(value) == 4:
            return f"{int(value) + days // 365:04d}"
    except ValueError:
        pass
    return value


def variant(doc, k: int):
    """Copy k of a document: another outlet, other days, places nearby."""
    from veille.model import from_dict

    d = from_dict(doc.to_dict())
    d.id = hashlib.sha256(f"{doc.id}/{k}".encode()).hexdigest()[:16]
    d.source = f"https://outlet{k % 53}.example/{k}/{Path(doc.source).name}"
    d.url, d.site = d.source, f"outlet{k % 53}.example"
    days = -((k * 97) % 1100)
    d.published = _shift(d.published[:10], "day", days) if d.published else None
    dx = ((k % 11) - 5) * 0.03
    for e in d.events:
        e.date = _shift(e.date, e.date_precision, days)
        if e.place and e.place.get("lat") is not None:
            e.place = {**e.place, "lat": max(-89.9, min(89.9, e.place["lat"] + dx)),
                       "lon": max(-179.9, min(179.9, e.place["lon"] - dx))}
    return d


def build(out: str, n_events: int) -> dict:
    from veille.store import Store

    docs = base_documents()
    per_copy = sum(len(d.events) for d in docs)
    store = Store(out)
    started, stored, events, k = time.perf_counter(), 0, 0, 0
    while events < n_events:
        for doc in docs:
            if events >= n_events:
                break
            v = variant(doc, k)
            v.events = v.events[:n_events - events]
            store.save(v)
            stored += 1
            events += len(v.events)
        k += 1
    return {"documents": stored, "events": events, "base_documents": len(docs), "base_events": per_copy,
            "seconds": time.perf_counter() - started}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=100_000)
    a = ap.parse_args(argv)
    if Path(a.out).exists():
        sys.exit(f"desk_store: {a.out}: exists already")
    r = build(a.out, a.events)
    print(f"{r['events']} events in {r['documents']} documents (from {r['base_events']} events of "
          f"{r['base_documents']} real documents) in {r['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
