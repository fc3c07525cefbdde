"""URLs made comparable, and polling intervals read from what a user types.

``normalise`` is what makes "seen once" work: two links to one article (a tracking
parameter, a fragment, an upper-case host, parameters in another order) become one
string, the key of ``watch_items``."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

from veille.errors import QueryError

# courlan removes the common trackers (utm_*, fbclid, gclid, ...); these slip through it
TRACKERS = re.compile(r"^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|"
                      r"_hsenc|_hsmi|mkt_tok|ocid|cmpid|xtor|at_medium|at_campaign|ns_source|ns_mchannel)$", re.I)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
EVERY_MIN, EVERY_MAX = 10, 7 * 86400


class EveryError(QueryError):
    """A polling interval that cannot be read ("15m", "2h", "1d", "90s")."""


def normalise(url: str) -> str:
    """``url`` with a lower-case scheme and host, no default port, no fragment, no tracking
    parameters, and its query parameters sorted."""
    try:
        url = normalize_url(url.strip(), strict=False)
    except ValueError:  # courlan refuses some odd URLs; keep ours, cleaned below
        pass
    parts = urlsplit(url)
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not TRACKERS.match(k)))
    netloc = parts.netloc.lower()
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def host_of(url: str) -> str:
    """The host and port a request to ``url`` goes to (the unit of politeness)."""
    return urlsplit(url).netloc.lower()


def parse_every(text: str | int | float) -> int:
    """Seconds in a polling interval: "90s", "15m", "2h", "1d" (a bare number is minutes)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = int(text)
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(text).lower())
        if not m:
            raise EveryError(f"{text!r}: not an interval (write 90s, 15m, 2h or 1d)")
        seconds = int(float(m.group(1)) * UNITS[m.group(2) or "m"])
    if not EVERY_MIN <= seconds <= EVERY_MAX:
        raise EveryError(f"{text!r}: an interval must be between {EVERY_MIN} s and 7 days")
    return seconds
