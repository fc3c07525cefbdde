"""What a URL a user adds is: a feed, a sitemap, or a home page whose feed we find and follow.

Run once, by ``veille sources add``: the URL is fetched (politely, robots.txt obeyed) and
read; a home page's ``<link rel="alternate">`` feeds come first, then links whose address
looks like a feed (courlan and trafilatura's own test), each tried until one reads."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from trafilatura.feeds import BLACKLIST, FEED_TYPES, LINK_VALIDATION_RE

from veille.errors import InputError
from veille.watch import feeds
from veille.watch.fetcher import Fetcher

MAX_CANDIDATES = 5  # feeds tried from one home page


@dataclass
class Probed:
    url: str  # the feed or sitemap to poll (a home page's feed, not the page)
    kind: str  # feed or sitemap
    title: str | None
    items: int  # how many items it lists now
    found_on: str | None = None  # the home page it was found on


def probe(url: str, fetcher: Fetcher, kind: str | None = None) -> Probed:
    """Raises InputError (naming ``url``) when it is unreachable or neither a feed, a sitemap nor
    a page that links to one. With ``kind``, the URL itself must be a feed or a sitemap."""
    answer = fetcher.get(url)
    if not answer.ok:
        raise InputError(url, answer.error)
    found = feeds.sniff(answer.body)
    if found:
        listing = feeds.parse(answer.body, url)
        if kind and listing.kind != kind:
            raise InputError(url, f"a {listing.kind}, not a {kind}")
        return Probed(url, listing.kind, listing.title, len(listing.items) + len(listing.sitemaps))
    if kind:
        raise InputError(url, f"not a {kind} (no RSS, Atom, JSON Feed or sitemap found)")
    candidates = discover(answer.body, answer.final_url or url)
    if not candidates:
        raise InputError(url, "not a feed or sitemap, and no feed linked from the page",
                         "give the address of its RSS or Atom feed, or of its sitemap")
    errors = []
    for candidate in candidates[:MAX_CANDIDATES]:
        sub = fetcher.get(candidate)
        if not sub.ok:
            errors.append(f"{candidate}: {sub.error}")
            continue
        try:
            listing = feeds.parse(sub.body, candidate)
        except feeds.FeedError as e:
            errors.append(str(e))
            continue
        return Probed(candidate, listing.kind, listing.title, len(listing.items) + len(listing.sitemaps), url)
    raise InputError(url, "the page links to feeds, none readable (" + "; ".join(errors) + ")")


def discover(body: bytes, base: str) -> list[str]:
    """Feed addresses a page names: ``<link rel="alternate" type="…rss…|…atom…">`` first, then links
    that look like feeds (trafilatura's heuristics), each once, in page order."""
    import lxml.html

    try:
        root = lxml.html.fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and kind != "text/plain" and href and not BLACKLIST.search(href):
            found.append(urljoin(base, href))
    if not found:
        for a in root.iter("a"):
            href = (a.get("href") or "").strip()
            if href and LINK_VALIDATION_RE.search(href) and not BLACKLIST.search(href):
                found.append(urljoin(base, href))
    return list(dict.fromkeys(found))
