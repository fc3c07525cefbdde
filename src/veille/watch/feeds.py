"""Reading what a source lists: RSS and Atom (feedparser), JSON Feed, XML sitemaps, news
sitemaps and sitemap indexes, each to a list of items ``{"url", "title", "published"}``.

The kind is read from the content, never from the URL or the content type a server
claims: many servers send feeds as text/html and sitemaps as application/octet-stream."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from veille.errors import InputError

MAX_ITEMS = 5000  # items kept from one document (a sitemap may list 50,000 URLs)
MAX_XML = 50_000_000  # the sitemap protocol's own limit on an uncompressed file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_XML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>\s*)*<([\w:.-]+)", re.S)


class FeedError(InputError):
    """A document that is not a feed or sitemap we can read, with the reason."""


@dataclass
class Listing:
    kind: str  # feed or sitemap
    items: list[dict] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # a sitemap index's children, to read in turn
    title: str | None = None


def root_tag(body: bytes) -> str | None:
    """The name of an XML document's first element (without namespace prefix), or None."""
    m = _XML_START.match(body[:4096].lstrip(b"\xef\xbb\xbf"))
    return m.group(4).decode("ascii", "replace").split(":")[-1].lower() if m else None


def sniff(body: bytes) -> str | None:
    """``feed``, ``sitemap``, ``jsonfeed``, or None for anything else (an HTML page)."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") and b"jsonfeed.org" in head:
        return "jsonfeed"
    tag = root_tag(body)
    if tag in ("rss", "feed", "rdf"):
        return "feed"
    if tag in ("urlset", "sitemapindex"):
        return "sitemap"
    return None


def parse(body: bytes, url: str) -> Listing:
    """The items ``body`` (fetched from ``url``) lists; FeedError when it is not a feed or sitemap."""
    kind = sniff(body)
    if kind == "jsonfeed":
        return parse_json_feed(body, url)
    if kind == "feed":
        return parse_feed(body, url)
    if kind == "sitemap":
        return parse_sitemap(body, url)
    if not body.strip():
        raise FeedError(url, "empty answer, not a feed or sitemap")
    raise FeedError(url, "not a feed or sitemap (no RSS, Atom, JSON Feed or sitemap found)")


def parse_feed(body: bytes, url: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedError(url, f"broken feed ({parsed.get('bozo_exception')})")
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = entry.get("link") or _alternate(entry)
        if not link:
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append({"url": urljoin(url, link.strip()), "title": _text(entry.get("title")),
                      "published": _iso(published) if published else None})
    return Listing("feed", items, title=_text(parsed.feed.get("title")))


def _alternate(entry) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _iso(t) -> str:
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}+00:00"


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:500] or None


def parse_json_feed(body: bytes, url: str) -> Listing:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise FeedError(url, f"broken JSON Feed ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError(url, "broken JSON Feed (no list of items)")
    items = []
    for entry in data["items"][:MAX_ITEMS]:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        published = entry.get("date_published") or entry.get("date_modified")
        items.append({"url": urljoin(url, link.strip()), "title": _text(entry.get("title")),
                      "published": published if isinstance(published, str) else None})
    return Listing("feed", items, title=_text(data.get("title")))


def parse_sitemap(body: bytes, url: str) -> Listing:
    from lxml import etree

    if len(body) > MAX_XML:
        raise FeedError(url, f"sitemap too large (over {MAX_XML // 1_000_000} MB)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise FeedError(url, f"broken sitemap ({e})") from None
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        children = [urljoin(url, loc.strip()) for loc in _locs(root, "sitemap")][:MAX_ITEMS]
        return Listing("sitemap", sitemaps=children)
    items = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != "url":
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        title = _child_text(node, "title", NEWS_NS)
        # not <lastmod>: a page's last change, which would pass for its publication date
        published = _child_text(node, "publication_date", NEWS_NS)
        items.append({"url": urljoin(url, loc), "title": _text(title), "published": published})
        if len(items) >= MAX_ITEMS:
            break
    return Listing("sitemap", items)


def _locs(root, parent: str) -> list[str]:
    out = []
    for node in root:
        if isinstance(node.tag, str) and node.tag.rsplit("}", 1)[-1] == parent:
            loc = _child_text(node, "loc")
            if loc:
                out.append(loc)
    return out


def _child_text(node, name: str, namespace: str | None = None) -> str | None:
    """The text of the first element called ``name`` below ``node`` (in ``namespace`` when given,
    in any namespace or none otherwise: sitemaps without the namespace are common)."""
    for el in node.iter():
        if not isinstance(el.tag, str) or el is node:
            continue
        ns, _, local = el.tag[1:].partition("}") if el.tag.startswith("{") else ("", "", el.tag)
        if local == name and (namespace is None or ns == namespace):
            return (el.text or "").strip() or None
    return None
