"""Polite HTTP for polling: what a well-behaved crawler does, for one round.

- one request at a time per host, and ``watch_delay`` seconds between the end of one request
  to a host and the start of the next (longer when robots.txt asks, through Crawl-delay);
- robots.txt read once per host per round (a 4xx answer: no rules; a 5xx answer or no answer:
  the whole host is off limits this round, as RFC 9309 asks, with the reason);
- conditional GET (If-None-Match, If-Modified-Since), redirects followed by hand (at most
  ``MAX_REDIRECTS``, each hop polite, a loop reported as such), a deadline for each whole
  download, a body size limit, and the User-Agent of the settings.

A ``Fetcher`` is used by several threads (one per host at a time) and shares one HTTP client,
so one TLS context, for the round. It never raises for a failed request: an ``Answer`` carries
the status or the error, so one bad source is one line in a report."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from veille.fetch import Deadline, retry_after, url_problem
from veille.settings import Options
from veille.watch.urls import host_of

MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 60.0  # seconds: a robots.txt asking for more is read as asking for this
ROBOTS_MAX = 500_000


@dataclass
class Answer:
    url: str  # the URL asked for
    final_url: str | None = None  # after redirects
    status: int | None = None  # None: no HTTP answer
    body: bytes = b""
    headers: dict = field(default_factory=dict)  # lower-case names
    error: str | None = None  # why there is no usable body (None with a 2xx or a 304)
    retry_after: float | None = None  # seconds the server asked us to wait (429, 503)
    robots: bool = False  # refused by robots.txt: no request was sent

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Host:
    def __init__(self):
        self.lock = threading.Lock()
        self.last = 0.0  # monotonic time the last request to the host ended
        self.robots: RobotFileParser | None = None
        self.robots_error: str | None = None  # the host is off limits this round, and why
        self.crawl_delay = 0.0


class Fetcher:
    def __init__(self, options: Options, delay: float | None = None):
        import httpx

        self.options = options
        self.delay = options.watch_delay if delay is None else delay
        self.timeout = float(options.url_timeout)
        self.max_bytes = options.max_bytes
        self.agent = options.user_agent
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self.client = httpx.Client(verify=httpx.create_ssl_context(), timeout=self.timeout, follow_redirects=False,
                                   headers={"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate"},
                                   limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _host(self, url: str) -> _Host:
        key = host_of(url)
        with self._hosts_lock:
            return self._hosts.setdefault(key, _Host())

    def ready_in(self, url: str) -> float:
        """Seconds before ``url``'s host may be asked again (0 or less: now)."""
        host = self._host(url)
        return host.last + max(self.delay, host.crawl_delay) - time.monotonic()

    # ------------------------------------------------------------------ robots.txt
    def allowed(self, url: str) -> str | None:
        """None when robots.txt lets us fetch ``url``, else the reason it does not."""
        host = self._host(url)
        with host.lock:
            if host.robots is None and host.robots_error is None:
                self._read_robots(url, host)
        if host.robots_error:
            return host.robots_error
        if not host.robots.can_fetch(self.agent, url):
            return "robots.txt disallows it"
        return None

    def _read_robots(self, url: str, host: _Host) -> None:
        """Called with the host's lock held: the robots request is polite too."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        answer = self._request(robots_url, host, {}, limit=ROBOTS_MAX)
        host.robots = RobotFileParser(robots_url)
        if answer.status is not None and 400 <= answer.status < 500:
            host.robots.parse([])  # no rules: everything allowed
        elif answer.status is not None and 200 <= answer.status < 300:
            host.robots.parse(answer.body.decode("utf-8", "replace").splitlines())
            delay = host.robots.crawl_delay(self.agent)
            if delay:
                host.crawl_delay = min(float(delay), MAX_CRAWL_DELAY)
        elif answer.status is not None and 300 <= answer.status < 400:
            host.robots.parse([])  # robots.txt redirected: read as no rules rather than chase it
        elif answer.status is None:  # no answer at all: say why, as the page's own request would
            host.robots_error = answer.error
        else:
            host.robots_error = f"robots.txt answered HTTP {answer.status}: host off limits this round"

    # ------------------------------------------------------------------ requests
    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            robots: bool = True) -> Answer:
        """GET ``url`` politely, following up to MAX_REDIRECTS redirects; conditional when an
        ETag or a Last-Modified date is given."""
        problem = url_problem(url)
        if problem:
            return Answer(url, error=problem)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen, current = [url], url
        for _ in range(MAX_REDIRECTS + 1):
            if robots:
                refusal = self.allowed(current)
                if refusal:
                    return Answer(url, current, error=refusal, robots=refusal.startswith("robots.txt disallows"))
            host = self._host(current)
            with host.lock:
                answer = self._request(current, host, headers, limit=self.max_bytes)
            answer.url = url
            if answer.status is None or answer.status not in (301, 302, 303, 307, 308):
                return answer
            target = answer.headers.get("location")
            if not target:
                answer.error = f"HTTP {answer.status} without a Location"
                return answer
            target = urljoin(current, target)
            problem = url_problem(target)
            if problem:
                return Answer(url, target, answer.status, error=f"redirected to a bad URL ({problem})")
            if target in seen:
                return Answer(url, target, answer.status, error=f"redirect loop ({' -> '.join(seen + [target])})")
            seen.append(target)
            current = target
        return Answer(url, current, answer.status, error=f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, host: _Host, headers: dict, limit: int) -> Answer:
        """One request, the host's lock held by the caller."""
        import httpx

        wait = host.last + max(self.delay, host.crawl_delay) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        deadline = Deadline(self.timeout)
        answer = Answer(url, url)
        try:
            with deadline, self.client.stream("GET", url, headers=headers,
                                              extensions={"trace": deadline.trace}) as resp:
                answer.status = resp.status_code
                answer.headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code in (429, 503):
                    answer.retry_after = retry_after(answer.headers.get("retry-after"))
                if 200 <= resp.status_code < 300:
                    chunks, size = [], 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > limit:
                            raise _TooLarge
                        chunks.append(chunk)
                    answer.body = b"".join(chunks)
                elif resp.status_code >= 400:
                    answer.error = f"HTTP {resp.status_code}"
            if deadline.expired:
                answer.error, answer.body = f"timed out after {self.timeout:g} s", b""
        except _TooLarge:
            answer.error = f"too large (over {limit / 1e6:.1f} MB)" if limit >= 100_000 else f"too large (over {limit} bytes)"
        except httpx.TimeoutException:
            answer.error = f"timed out after {self.timeout:g} s"
        except httpx.ConnectError as e:
            answer.error = (f"timed out after {self.timeout:g} s" if deadline.expired
                            else f"network unreachable or host unknown ({e})")
        except (httpx.HTTPError, httpx.InvalidURL) as e:
            answer.error = (f"timed out after {self.timeout:g} s" if deadline.expired
                            else f"download failed ({e.__class__.__name__}: {e})")
        finally:
            host.last = time.monotonic()
        return answer


class _TooLarge(Exception):
    pass


