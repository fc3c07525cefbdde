"""Benchmark: veille against bare spaCy on distinct real news, in the same run.

The texts are ../shared/corpus/wikinews-fr (French Wikinews pages) and
../shared/corpus/voa-en (Voice of America stories): every article once, none repeated.

  veille    ``Veille.ingest`` with N worker processes: read, clean, meta, language, nlp,
            link, places, dates, events, claims, genre, signals, and the write to SQLite
  baseline  bare spaCy (``nlp.pipe`` with ``n_process=N``, the French and English models
            veille loads) on the clean texts veille produced from the same pages
  stages    each stage's share of the time, from one serial pass in this process

Targets (issue 10): veille ≥ 10 articles/s with 2 workers, ≥ 0.7× the baseline with the
same number of processes, peak RSS ≤ 1.5 GB per worker.

    python bench/bench_pipeline.py [--workers 2]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def inputs() -> list[str]:
    fr = sorted(str(p) for p in (CORPUS / "wikinews-fr").glob("*.html"))
    en = CORPUS / "voa-en" / "voa_stories.jsonl"
    if not fr or not en.exists():
        sys.exit(f"bench: the corpora are missing under {CORPUS}")
    return fr + [str(en)]


def bare_spacy(texts_by_lang: dict[str, list[str]], workers: int) -> float:
    """Seconds for bare spaCy to parse the texts, each language with its model, in
    ``workers`` processes (spaCy's own multiprocessing)."""
    import spacy

    from veille.stages.nlp import MODELS

    models = {lang: spacy.load(MODELS[lang]) if lang in MODELS else spacy.blank(lang) for lang in texts_by_lang}
    started = time.perf_counter()
    for lang, texts in texts_by_lang.items():
        for _ in models[lang].pipe(texts, n_process=workers, batch_size=8):
            pass
    return time.perf_counter() - started


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)

    from veille import Veille
    from veille.readers import read
    from veille.settings import Options

    paths = inputs()
    with tempfile.TemporaryDirectory() as tmp:
        v = Veille(db=str(Path(tmp) / "bench.db"), progress=False, workers=a.workers)
        v.pipeline.warm()  # models and the place index load here, untimed, before the workers fork
        rss_loaded = rss_mb()
        started = time.perf_counter()
        report = v.ingest(paths)
        veille_s = time.perf_counter() - started
        docs = v.documents()

        # each stage's share, from one serial pass over the same inputs in this process
        v.pipeline.timings.clear()
        raws = [x for p in paths for x in read(p, Options()) if not isinstance(x, Exception)]
        started = time.perf_counter()
        for raw in raws:
            v.process(raw)
        serial_s = time.perf_counter() - started
        shares = dict(v.pipeline.timings)

    by_lang: dict[str, list[str]] = {}
    for d in docs:
        by_lang.setdefault(d.language if d.language in ("fr", "en") else "fr", []).append(d.text)
    base_s = bare_spacy(by_lang, a.workers)
    rss_base = rss_mb(resource.RUSAGE_CHILDREN)

    n = len(docs)
    words = sum(len(d.text.split()) for d in docs)
    langs = ", ".join(f"{len(t)} {lang}" for lang, t in sorted(by_lang.items()))
    print(f"articles: {n} distinct ({langs}), {words} words of clean text; {len(report.failed)} failed; "
          f"workers: {a.workers}")
    print(f"veille, whole pipeline:  {n / veille_s:7.2f} articles/s  {words / veille_s:8.0f} words/s   "
          f"(target >= 10 articles/s)")
    print(f"bare spaCy, same texts:  {n / base_s:7.2f} articles/s  {words / base_s:8.0f} words/s   "
          f"(nlp.pipe, n_process={a.workers})")
    print(f"ratio veille/spaCy:      {base_s / veille_s:7.2f}x  (target >= 0.70)")
    print(f"peak RSS per process:    veille worker {report.peak_worker_rss_mb:5.0f} MB (target <= 1500), "
          f"veille parent {rss_mb():5.0f} MB ({rss_loaded:.0f} MB with models loaded), "
          f"spaCy worker {rss_base:5.0f} MB")
    print(f"serial pass, 1 process:  {len(raws) / serial_s:7.2f} articles/s; share of the time by stage:")
    total = sum(shares.values()) or 1.0
    for name, secs in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"    {name:9} {100 * secs / total:5.1f} %  {1000 * secs / len(raws):6.1f} ms/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
