"""A feed server for the polling tests (and the benchmark), on loopback addresses.

One ``FeedServer`` serves, on 127.0.0.1 (and, after ``site()``, on 127.0.0.2, 127.0.0.3, ...:
every loopback address is local on Linux, so each feed can have a host of its own):

- feeds of each kind, listing article pages: ``/rss.xml``, ``/atom.xml``, ``/feed.json``,
  ``/sitemap.xml``, ``/news-sitemap.xml``, ``/sitemap-index.xml`` (pointing to both sitemaps);
  each answers 304 to a conditional request when it has not changed (ETag and Last-Modified);
- ``/articles/<slug>.html``: short English and French conflict-news pages, a distinct text per
  item (or the texts given as ``FeedServer(texts=[(title, html), ...])``);
- ``/robots.txt`` disallowing ``/private/`` (the RSS feed lists one article there);
- ``/home.html`` (a home page that links its RSS feed), ``/plain.html`` (a page with no feed),
  ``/error.xml`` (500), ``/busy.xml`` (503 with Retry-After: 7200), ``/slow.xml`` (answers after ``slow_seconds``), ``/loop/a`` (a redirect loop);
- ``publish(n, feed)`` adds items between rounds.

It counts requests per path (``hits``) and keeps each request's time, host and headers
(``log``), so tests can check what was fetched, when and how.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

PLACES = [("Goma", "the army"), ("Bunia", "police"), ("Kidal", "the Malian army"), ("Mopti", "a militia"),
          ("Kharkiv", "Ukrainian forces"), ("Marib", "government troops"), ("El Fasher", "the RSF"),
          ("Gao", "soldiers"), ("Beni", "peacekeepers"), ("Tillaberi", "gendarmes")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FR_PLACES = ["Goma", "Bamako", "Ouagadougou", "Niamey", "Bangui", "Tombouctou", "Mopti", "Diffa"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def article(n: int) -> tuple[str, str]:
    """The n-th built-in article: (title, html), English for even n, French for odd n; no two alike."""
    if n % 2 == 0:
        place, target = PLACES[(n // 2) % len(PLACES)]
        day, killed = DAYS[n % 7], 2 + n % 11
        title = f"Rebels attack {target} near {place} (report {n})"
        text = (f"Rebels attacked {target} near {place} on {day}, killing {killed} people, officials said. "
                f"Residents of {place} reported heavy gunfire for {n % 5 + 1} hours before the attackers withdrew. "
                f"The governor of the region called for reinforcements after attack number {n}.")
    else:
        place, day, killed = FR_PLACES[(n // 2) % len(FR_PLACES)], FR_DAYS[n % 7], 3 + n % 9
        title = f"Attaque près de {place} (dépêche {n})"
        text = (f"Des hommes armés ont attaqué un poste militaire près de {place} {day}, tuant {killed} soldats, "
                f"selon des sources sécuritaires. L'armée a lancé une opération de ratissage dans la zone. "
                f"Il s'agit de la {n}e attaque signalée dans la région cette année.")
    return title, page(title, f"<p>{escape(text)}</p>")


def page(title: str, body_html: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head>"
            f"<body><article><h1>{escape(title)}</h1>{body_html}</article></body></html>")


class Feed:
    """One feed: its kind, its path, and the items it lists (slug, title, published)."""

    def __init__(self, kind: str, path: str, host: str):
        self.kind, self.path, self.host = kind, path, host
        self.items: list[tuple[str, str, str]] = []
        self.changed = time.time()

    def body(self, base: str) -> bytes:
        items = list(reversed(self.items))  # newest first, as feeds list them
        if self.kind == "rss":
            entries = "".join(f"<item><title>{escape(t)}</title><link>{base}{s}?utm_source=rss&amp;utm_medium=feed</link>"
                              f"<pubDate>{formatdate(p, usegmt=True)}</pubDate></item>" for s, t, p in items)
            return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Test RSS</title>"
                    f"<link>{base}/</link>{entries}</channel></rss>").encode()
        if self.kind == "atom":
            entries = "".join(f"<entry><title>{escape(t)}</title><link rel=\"alternate\" href=\"{base}{s}#top\"/>"
                              f"<id>{base}{s}</id><updated>{_iso(p)}</updated></entry>" for s, t, p in items)
            return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
                    f"<title>Test Atom</title><id>{base}/atom.xml</id><updated>{_iso(self.changed)}</updated>"
                    f"{entries}</feed>").encode()
        if self.kind == "json":
            return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Test JSON Feed",
                               "items": [{"id": s, "url": base + s, "title": t, "date_published": _iso(p)}
                                         for s, t, p in items]}).encode()
        if self.kind == "sitemap":
            urls = "".join(f"<url><loc>{base}{s}</loc><lastmod>{_iso(p)}</lastmod></url>" for s, t, p in items)
            return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/"
                    f"sitemap/0.9\">{urls}</urlset>").encode()
        if self.kind == "news":
            urls = "".join(f"<url><loc>{base}{s}</loc><news:news><news:publication><news:name>Test</news:name>"
                           f"<news:language>en</news:language></news:publication><news:publication_date>{_iso(p)}"
                           f"</news:publication_date><news:title>{escape(t)}</news:title></news:news></url>"
                           for s, t, p in items)
            return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/"
                    f"sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">{urls}</urlset>"
                    ).encode()
        raise ValueError(self.kind)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(repr(self.items).encode()).hexdigest()[:16] + '"'


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


CONTENT_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json",
                 "sitemap": "application/xml", "news": "application/xml"}


class FeedServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, texts: list[tuple[str, str]] | None = None,
                 slow_seconds: float = 3.0, items: int = 2):
        self.texts = texts  # (title, html) pairs served instead of the built-in articles, in turn
        self.slow_seconds = slow_seconds
        self.robots = b"User-agent: *\nDisallow: /private/\n"  # what /robots.txt says (a test may change it)
        self.lock = threading.Lock()
        self.hits: Counter = Counter()  # path -> requests
        self.log: list[dict] = []  # each request: path, host, time (monotonic), headers
        self.pages: dict[tuple[str, str], tuple[str, str]] = {}  # (host, path) -> (title, html)
        self.feeds: dict[tuple[str, str], Feed] = {}  # (host, path) -> Feed
        self.count = 0
        self.servers: list[ThreadingHTTPServer] = []
        self.stopping = threading.Event()
        self.host = host
        self.port = self._listen(host, port)
        for kind, path in (("rss", "/rss.xml"), ("atom", "/atom.xml"), ("json", "/feed.json"),
                           ("sitemap", "/sitemap.xml"), ("news", "/news-sitemap.xml")):
            self.feeds[(host, path)] = Feed(kind, path, host)
            self.publish(items, path)
        self.publish(1, "/rss.xml", private=True)

    # ------------------------------------------------------------------ set-up
    def _listen(self, host: str, port: int) -> int:
        server = ThreadingHTTPServer((host, port), _handler(self))
        server.daemon_threads = True
        self.servers.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return server.server_address[1]

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def next_article(self) -> tuple[str, str]:
        n = self.count
        self.count += 1
        if self.texts:
            return self.texts[n % len(self.texts)]
        return article(n)

    def publish(self, n: int = 1, feed: str = "/rss.xml", host: str | None = None, private: bool = False) -> list[str]:
        """Add ``n`` items to a feed (its path, on ``host``); returns their URLs (as the feed lists them)."""
        host = host or self.host
        added = []
        with self.lock:
            f = self.feeds[(host, feed)]
            for _ in range(n):
                title, html = self.next_article()
                slug = f"/{'private' if private else 'articles'}/{f.kind}-{self.count}.html"
                self.pages[(host, slug)] = (title, html)
                f.items.append((slug, title, time.time() - 3600 + self.count))
                added.append(self.url(slug, host))
            f.changed = time.time()
        return added

    def site(self, feeds: int = 50, items: int = 20) -> list[str]:
        """``feeds`` RSS feeds, each on its own host 127.0.0.2, 127.0.0.3, ..., with ``items`` items;
        returns the feeds' URLs."""
        urls = []
        for i in range(feeds):
            host = f"127.0.0.{i + 2}"
            if host not in {s.server_address[0] for s in self.servers}:
                self._listen(host, self.port)
            self.feeds[(host, "/rss.xml")] = Feed("rss", "/rss.xml", host)
            self.publish(items, "/rss.xml", host)
            urls.append(self.url("/rss.xml", host))
        return urls

    def unpublish_page(self, url: str) -> None:
        """The page at ``url`` (a listed item) now answers 404."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        with self.lock:
            self.pages.pop((parts.hostname, parts.path), None)

    def requests(self, path: str) -> list[dict]:
        with self.lock:
            return [r for r in self.log if r["path"] == path]

    def close(self) -> None:
        self.stopping.set()
        for s in self.servers:
            s.shutdown()
            s.server_close()

    def __enter__(self) -> "FeedServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _handler(fs: FeedServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", **headers):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?")[0]
            host = self.server.server_address[0]
            with fs.lock:
                fs.hits[path] += 1
                fs.log.append({"path": path, "host": host, "time": time.monotonic(),
                               "headers": {k.lower(): v for k, v in self.headers.items()}})
            base = f"http://{host}:{fs.port}"
            if path == "/robots.txt":
                return self.send(200, fs.robots, "text/plain")
            if path == "/error.xml":
                return self.send(500, b"oops")
            if path == "/busy.xml":
                return self.send(503, b"come back later", Retry_After="7200")
            if path == "/slow.xml":
                fs.stopping.wait(fs.slow_seconds)
                return self.send(200, fs.feeds[(fs.host, "/rss.xml")].body(base), "application/rss+xml")
            if path.startswith("/loop/"):
                return self.send(302, b"", Location="/loop/b" if path == "/loop/a" else "/loop/a")
            if path == "/home.html":
                return self.send(200, page("Home", "<p>News.</p>").replace(
                    "<head>", '<head><link rel="alternate" type="application/rss+xml" href="/rss.xml">').encode())
            if path == "/plain.html":
                return self.send(200, page("Plain", "<p>No feed here.</p>").encode())
            if path == "/sitemap-index.xml":
                body = (f"<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                        f"<sitemap><loc>{base}/sitemap.xml</loc></sitemap>"
                        f"<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap></sitemapindex>").encode()
                return self.send(200, body, "application/xml")
            with fs.lock:
                feed = fs.feeds.get((host, path))
                found = fs.pages.get((host, path))
                if feed is not None:
                    etag, changed, body = feed.etag, feed.changed, feed.body(base)
            if feed is not None:
                modified = formatdate(changed, usegmt=True)
                if self.headers.get("If-None-Match") == etag or (
                        not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == modified):
                    return self.send(304, b"", ETag=etag, Last_Modified=modified)
                return self.send(200, body, CONTENT_TYPES[feed.kind], ETag=etag, Last_Modified=modified)
            if found is not None:
                return self.send(200, found[1].encode())
            return self.send(404, b"not found")

    return Handler
