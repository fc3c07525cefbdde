"""Benchmark: the part-1 pipeline against bare fr_core_news_md, in the same process.

Ingests a few hundred articles (the bundled examples and, when present, ../shared/seeds,
repeated) and prints articles per second and peak memory for:

  baseline  spaCy fr_core_news_md parsing the same raw texts (nlp.pipe), and, for
            reference, the clean texts veille produced
  veille    the whole pipeline: clean, meta, language, nlp, link, places, dates, events,
            and the write to a SQLite store
  part 1    the same stages less events, with the same store write: the cost of events

The figure that matters is the ratio veille / baseline (target ≥ 0.7) and the peak RSS
(target ≤ 1.5 GB). Both runs share one loaded model, so memory is not counted twice.

    python bench/bench_pipeline.py [--articles 300]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus(n: int):
    from veille.readers import expand, read
    from veille.settings import Options

    sources = [str(ROOT / "examples")]
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        sources.append(str(seeds))
    items = [x for t in expand(sources) for x in read(t, Options()) if not isinstance(x, Exception)]
    return [items[i % len(items)] for i in range(n)], len(items)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    a = ap.parse_args(argv)

    from veille import Veille
    from veille.stages.nlp import model

    items, distinct = corpus(a.articles)
    with tempfile.TemporaryDirectory() as tmp:
        v = Veille(db=str(Path(tmp) / "bench.db"), progress=False)
        v.process(items[0])  # loads models, builds the place index if needed: not timed
        nlp = model("fr")
        rss_start = peak_rss_mb()

        clean_texts = []
        t = time.perf_counter()
        for i, raw in enumerate(items):
            doc = v.process(raw)
            clean_texts.append(doc.text)
            doc = replace(doc, id=f"{doc.id}-{i}", source=f"{doc.source}#copy{i}")
            v.store.save(doc)
        veille_s = time.perf_counter() - t
        rss_veille = peak_rss_mb()

        from veille.pipeline import Pipeline, default_stages

        part1 = Veille(db=str(Path(tmp) / "part1.db"), progress=False)
        part1._pipeline = Pipeline(part1.options, [s for s in default_stages() if s.name != "events"])
        t = time.perf_counter()
        for i, raw in enumerate(items):
            doc = part1.process(raw)
            part1.store.save(replace(doc, id=f"{doc.id}-{i}", source=f"{doc.source}#copy{i}"))
        part1_s = time.perf_counter() - t

        t = time.perf_counter()
        for _ in nlp.pipe(x.content for x in items):
            pass
        base_s = time.perf_counter() - t
        rss_base = peak_rss_mb()

        t = time.perf_counter()
        for _ in nlp.pipe(clean_texts):
            pass
        clean_s = time.perf_counter() - t


    n = len(items)
    print(f"articles: {n} ({distinct} distinct texts, repeated)")
    print(f"baseline fr_core_news_md: {n / base_s:7.2f} articles/s   peak RSS {rss_base:7.0f} MB")
    print(f"veille, whole pipeline:   {n / veille_s:7.2f} articles/s   peak RSS {rss_veille:7.0f} MB")
    print(f"part 1 only (no events):  {n / part1_s:7.2f} articles/s   (same stages less events, same store write)")
    print(f"events add:               {100 * (veille_s - part1_s) / part1_s:7.1f} %  of the per-article time "
          "(target <= 25 %)")
    print(f"bare spaCy on clean text: {n / clean_s:7.2f} articles/s   (the texts veille cleaned, for reference)")
    print(f"ratio veille/baseline:    {base_s / veille_s:7.2f}x   (target >= 0.70)")
    print(f"ratio veille/clean-text:  {clean_s / veille_s:7.2f}x")
    print(f"peak RSS:                 {rss_veille / 1024:7.2f} GB  (target <= 1.50; {rss_start:.0f} MB after loading)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
