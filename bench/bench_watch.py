"""Benchmark: keeping watch, on loopback, with distinct real texts.

The articles are 1,000 distinct excerpts of real stories: windows of three sentences of the Voice
of America stories (../shared/corpus/voa-en) and pairs of paragraphs of the French Wikinews pages
(../shared/corpus/wikinews-fr), each served as an HTML page with its story's title.

  round     one polling round over 50 RSS feeds with 20 new items each, every feed on a host of
            its own (127.0.0.2 ... 127.0.0.51), served by ``tests/feedserver.py`` in another
            process: feeds read, URLs normalised and remembered, robots.txt asked once per host,
            each page fetched politely and ingested through the pipeline into SQLite
  baseline  bare ``Veille.ingest`` of the same 1,000 pages from files, in the same process, with
            the same number of workers: the ratio is the polling's overhead
  delay     ``veille watch`` (the real command, in a process of its own) following one feed
            polled ``--every 1m`` with a watch that posts to a webhook receiver here: items are
            published at random moments, and the delay is from an item's appearance in the feed
            to its alert's arrival at the webhook

The round runs with ``watch_delay`` 0 (the overhead of polling itself) and, with ``--polite``,
also with the default delay between two requests to one host (2 s: 20 items per host take at
least 38 s whatever the machine).

    python bench/bench_watch.py [--workers 2] [--polite] [--delays 3]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "tests"))  # the feed server and the webhook receiver of the tests

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def excerpts(n: int) -> list[tuple[str, str]]:
    """``n`` distinct (title, html) pages cut from the real corpora, French and English in turn."""
    import trafilatura

    english, french = [], []
    for line in (CORPUS / "voa-en" / "voa_stories.jsonl").read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        sentences = [s for s in SENTENCE_END.split(" ".join(story["text"].split())) if s]
        for i in range(0, len(sentences) - 2, 3):
            english.append((story["title"], sentences[i:i + 3], story.get("published")))
    for path in sorted((CORPUS / "wikinews-fr").glob("*.html")):
        html = path.read_text(encoding="utf-8")
        meta = trafilatura.extract_metadata(html)
        text = trafilatura.extract(html) or ""
        paragraphs = [p for p in text.split("\n") if len(p) > 60]
        for i in range(0, len(paragraphs), 2):
            french.append((meta.title if meta and meta.title else path.stem, paragraphs[i:i + 2],
                           meta.date if meta else None))
    if len(english) + len(french) < n:
        sys.exit(f"bench: only {len(english) + len(french)} excerpts in {CORPUS}, {n} needed")
    pages, seen = [], set()
    for k in range(max(len(english), len(french))):
        for pool in (french, english):
            if k < len(pool) and len(pages) < n:
                title, paragraphs, published = pool[k]
                if tuple(paragraphs) in seen:
                    continue
                seen.add(tuple(paragraphs))
                title = f"{title} ({k + 1})"
                body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
                date = f'<meta property="article:published_time" content="{escape(published)}">' if published else ""
                pages.append((title, f"<!doctype html>\n<html><head><meta charset='utf-8'><title>{escape(title)}"
                                     f"</title>{date}</head>\n<body><article><h1>{escape(title)}</h1>\n{body}"
                                     f"</article></body></html>\n"))
    return pages


# ---------------------------------------------------------------------------- the feed server's process
def serve(conn, texts) -> None:
    """Run a FeedServer in this process and obey ``conn``: ("site", feeds, items) → feed URLs,
    ("feed",) → a new empty feed's URL on 127.0.0.60, ("publish", n) → (URLs, time),
    ("hits",) → requests served, ("stop",)."""
    from feedserver import Feed, FeedServer

    with FeedServer(items=0, texts=texts) as fs:
        while True:
            cmd = conn.recv()
            if cmd[0] == "site":
                conn.send(fs.site(feeds=cmd[1], items=cmd[2]))
            elif cmd[0] == "feed":
                host = "127.0.0.60"
                fs._listen(host, fs.port)
                fs.feeds[(host, "/rss.xml")] = Feed("rss", "/rss.xml", host)
                conn.send(fs.url("/rss.xml", host))
            elif cmd[0] == "publish":
                urls = fs.publish(cmd[1], "/rss.xml", "127.0.0.60")
                conn.send((urls, time.time()))
            elif cmd[0] == "hits":
                conn.send(sum(fs.hits.values()))
            else:
                conn.send("bye")
                return


class Server:
    def __init__(self, texts):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child, texts), daemon=True)
        self.proc.start()

    def ask(self, *cmd):
        self.conn.send(cmd)
        return self.conn.recv()

    def close(self):
        self.ask("stop")
        self.proc.join(10)


# ---------------------------------------------------------------------------- the round against bare ingest
def one_round(pages, workers: int, delay: float, tmp: Path, bare_s: float | None) -> float:
    from veille import Veille

    server = Server(pages)
    try:
        urls = server.ask("site", 50, 20)
        v = Veille(db=str(tmp / f"poll-{delay}.db"), progress=False, workers=workers, watch_delay=delay,
                   url_timeout=30)
        v.pipeline.warm()
        for i, url in enumerate(urls):
            v.add_source(url, every="15m", name=f"feed{i}")  # probes each feed once, as a user's command would
        started = time.perf_counter()
        report = v.poll(once=True)
        seconds = time.perf_counter() - started
        hits = server.ask("hits") - 50  # the probes of `sources add`, before the round
    finally:
        server.close()
    n = report.stored + report.unchanged
    line = (f"round, watch_delay {delay:g} s: {report.sources} feeds, {report.new_items} new items, {report.stored} stored, "
            f"{report.unchanged} unchanged, {report.failed} failed, {hits} requests in {seconds:.1f} s = "
            f"{n / seconds:6.1f} items/s")
    if bare_s:
        line += f"   ratio round/bare ingest: {bare_s / seconds:.2f}x the bare rate"
    print(line, flush=True)
    return seconds


def bare_ingest(pages, workers: int, tmp: Path) -> tuple[float, list[int]]:
    """Seconds to ingest the pages from files, and which pages tell an event (for the delay)."""
    from veille import Veille

    folder = tmp / "pages"
    folder.mkdir()
    for i, (_, html) in enumerate(pages):
        (folder / f"{i:04d}.html").write_text(html, encoding="utf-8")
    v = Veille(db=str(tmp / "bare.db"), progress=False, workers=workers)
    v.pipeline.warm()  # models and the place index load here, untimed, as before the round
    started = time.perf_counter()
    report = v.ingest([str(folder)])
    seconds = time.perf_counter() - started
    print(f"bare ingest of the same pages:  {len(report.stored)} stored, {len(report.failed)} failed in "
          f"{seconds:.1f} s = {len(report.stored) / seconds:6.1f} items/s (workers {workers})", flush=True)
    with_events = sorted({int(Path(h.doc).stem) for h in v.events() if h.event.type == "ASSAULT"})
    return seconds, with_events


# ---------------------------------------------------------------------------- appearance → alert
def delays(pages, tmp: Path, count: int) -> None:
    """``veille watch`` on one feed polled every minute; ``count`` items published at random
    moments (after one untimed item that warms the watcher up); each one's delay to its alert."""
    from webhookserver import WebhookServer

    veille = str(Path(sys.executable).parent / "veille")
    db = str(tmp / "watch.db")
    server = Server(pages)
    env = {**os.environ, "VEILLE_PROGRESS": "0"}
    try:
        feed = server.ask("feed")
        with WebhookServer() as hook:
            def run(*args):
                r = subprocess.run([veille, "--db", db, *args], capture_output=True, text=True, env=env)
                if r.returncode:
                    sys.exit(f"bench: veille {' '.join(args)}: {r.stderr.strip()}")
            run("sources", "add", feed, "--every", "1m", "--name", "wire")
            run("alerts", "add", "everything", "--webhook", hook.url, "--secret", "bench")
            log = open(tmp / "watch.log", "w")
            watcher = subprocess.Popen([veille, "--db", db, "watch"], stdout=log, stderr=subprocess.STDOUT, env=env)
            try:
                measured = []
                for k in range(count + 1):
                    time.sleep(random.uniform(0, 60))
                    urls, at = server.ask("publish", 1)
                    arrived = wait_for_alert(hook, urls[0], at + 180)
                    if arrived is None:
                        print(f"  item {k}: no alert within 180 s (see {tmp / 'watch.log'})", flush=True)
                        continue
                    if k == 0:
                        print(f"  warm-up item: alert after {arrived - at:5.1f} s (models loaded on the first page)",
                              flush=True)
                    else:
                        measured.append(arrived - at)
                        print(f"  item {k}: alert after {arrived - at:5.1f} s", flush=True)
            finally:
                watcher.terminate()
                watcher.wait(60)
                log.close()
        if measured:
            print(f"appearance → alert, every 1m: mean {sum(measured) / len(measured):.1f} s, "
                  f"max {max(measured):.1f} s over {len(measured)} items (at most 60 s of waiting for the poll, "
                  f"then fetch, pipeline, check and delivery)", flush=True)
    finally:
        server.close()


def wait_for_alert(hook, url: str, deadline: float) -> float | None:
    """When the first webhook POST about ``url`` arrived."""
    while time.time() < deadline:
        for r in hook.received:
            body = json.loads(r["body"])
            if url in json.dumps(body):
                return r["at"]
        time.sleep(0.2)
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--polite", action="store_true", help="also a round with the default watch_delay (2 s)")
    ap.add_argument("--delays", type=int, default=3, help="items published for the delay (0: skip it)")
    a = ap.parse_args(argv)
    from veille.settings import Options

    pages = excerpts(1000)
    words = sum(len(re.sub(r"<[^>]+>", " ", html).split()) for _, html in pages)
    print(f"pages: {len(pages)} distinct excerpts of real stories ({words} words), 50 feeds x 20 items", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bare_s, with_events = bare_ingest(pages, a.workers, tmp)
        one_round(pages, a.workers, 0.0, tmp, bare_s)
        if a.polite:
            one_round(pages, a.workers, Options().watch_delay, tmp, bare_s)
        if a.delays:
            delays([pages[i] for i in random.sample(with_events, a.delays + 1)], tmp, a.delays)
    return 0


if __name__ == "__main__":
    sys.exit(main())
