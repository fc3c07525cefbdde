"""Downloading a URL: one page, within a size limit and a deadline for the whole download."""
from __future__ import annotations

import math
import socket
import threading
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from veille.errors import InputError
from veille.settings import Options

URL_SCHEMES = ("http://", "https://")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None. It is parsed as httpx will parse it, so that a
    bad URL is refused with its reason before any connection."""
    if not url.startswith(URL_SCHEMES):
        return "not an http(s) URL"
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, ValueError) as e:
        return f"not a valid URL ({e})"
    if not parsed.host:
        return "not a valid URL (no host)"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return f"not a valid URL (port {parsed.port} is out of range)"
    return None


def download(url: str, opts: Options) -> tuple[bytes, str]:
    """The body and content type of ``url``, within ``opts.max_bytes`` and ``opts.url_timeout``
    seconds in all (connecting, redirects and every read)."""
    import httpx

    problem = url_problem(url)
    if problem:
        raise InputError(url, problem)
    seconds = opts.url_timeout
    if not (isinstance(seconds, (int, float)) and 0 < seconds < math.inf):
        raise InputError(url, f"url_timeout is {seconds!r}: give a positive number of seconds",
                         "set VEILLE_URL_TIMEOUT")
    deadline = Deadline(seconds)
    timed_out = InputError(url, f"timed out after {seconds:g} s")
    try:
        with deadline, httpx.Client(timeout=seconds, follow_redirects=True,
                                    headers={"User-Agent": opts.user_agent}) as client:
            with client.stream("GET", url, extensions={"trace": deadline.trace}) as resp:
                if resp.status_code >= 400:
                    raise InputError(url, f"HTTP {resp.status_code}")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > opts.max_bytes:
                        raise InputError(url, f"too large (over {opts.max_bytes / 1e6:.1f} MB)")
                    chunks.append(chunk)
                ctype = resp.headers.get("content-type", "")
    except httpx.TimeoutException:
        raise timed_out from None
    except httpx.ConnectError as e:
        raise (timed_out if deadline.expired else
               InputError(url, f"network unreachable or host unknown ({e})")) from None
    except (httpx.HTTPError, httpx.InvalidURL) as e:  # InvalidURL: a redirect to a broken URL
        raise (timed_out if deadline.expired else
               InputError(url, f"download failed ({e.__class__.__name__}: {e})")) from None
    if deadline.expired:  # the shut socket may look like the end of a body that had no length
        raise timed_out
    return b"".join(chunks), ctype


def _shut(stream) -> None:
    try:
        stream.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
    except (OSError, AttributeError):
        pass  # already closed


class Deadline:
    """A time limit for a whole download. httpx's timeouts hold for each read, so a server
    that sends a byte every few seconds would hold a batch for as long as it likes; at the
    deadline this shuts the connection's socket down, which ends the read in progress. The
    sockets come from httpcore's documented ``trace`` extension."""

    def __init__(self, seconds: float):
        self.expired = False
        self._streams: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict) -> None:
        if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            with self._lock:
                self._streams.append(info.get("return_value"))
                if self.expired:
                    _shut(info.get("return_value"))

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for stream in self._streams:
                _shut(stream)


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None
