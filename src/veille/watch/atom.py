"""The Atom feed (RFC 4287) of one watch's alerts, as ``veille serve`` publishes it.

Built with lxml element by element: titles, sentences and URLs from the pages are only ever
element text or attribute values, so lxml escapes them and no page text can become markup.

An entry's id is a ``urn:uuid:`` derived from the watch (its name and creation time) and the
alert's key, so a feed reader sees the same alert as the same entry on every fetch, and a watch
removed and made again under the same name starts a new feed.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # entries in the feed, newest first: readers poll often and keep what they saw
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/veille/alerts")
CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))  # not allowed in XML 1.0


def desk_path(data: dict) -> str | None:
    """The desk's page for what an alert matched: the cluster or the event side by side with its
    other reports, else the page in the reader; None when the alert names none of them."""
    cluster, event, doc = (data.get(k) for k in ("cluster_id", "event_id", "doc_id"))
    if cluster:
        return "/compare/" + quote(str(cluster), safe=":")
    if event:
        return "/compare/" + quote("e-" + str(event), safe=":")
    if doc:
        return "/reader/" + quote(str(doc), safe="")
    return None


def alert_link(data: dict, base_url: str) -> str | None:
    """An absolute link to the desk's view: the alert's own ``link`` when it is http(s), else the
    desk path under ``base_url`` (the address the feed was asked from)."""
    link = data.get("link")
    if isinstance(link, str) and link.lower().startswith(("http://", "https://")):
        return link
    path = desk_path(data)
    return base_url.rstrip("/") + path if path else None


def page_url(data: dict) -> str | None:
    url = data.get("url")
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


def feed_id(watch: dict) -> str:
    return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, f"watch\0{watch['name']}\0{watch.get('created_at') or ''}"))


def entry_id(watch: dict, alert: dict) -> str:
    seed = f"alert\0{watch['name']}\0{watch.get('created_at') or ''}\0{alert['key']}"
    return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, seed))


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def alert_text(alert: dict) -> str:
    """The entry's content, plain text: the sentence, then where it was read and the desk's link."""
    data = alert.get("data") if isinstance(alert.get("data"), dict) else {}
    lines = []
    if data.get("sentence"):
        lines.append(f"“{_text(data['sentence'])}”")
    page = data.get("doc_title") or data.get("page_title") or data.get("title")
    if page and page != alert.get("title"):
        lines.append("Page: " + _text(page))
    if page_url(data):
        lines.append("Read at: " + page_url(data))
    sources = data.get("sources")
    if isinstance(sources, (int, float)) and not isinstance(sources, bool):
        lines.append(f"Independent sources: {sources:g}")
    elif isinstance(sources, list) and sources:
        lines.append("Sources: " + ", ".join(_text(s) for s in sources[:20]))
    if data.get("why") or data.get("reason"):
        lines.append("Why: " + _text(data.get("why") or data.get("reason")))
    return "\n".join(lines) or _text(alert.get("title") or "")


def build_feed(watch: dict, alerts: list[dict], base_url: str, self_url: str) -> bytes:
    """The feed as UTF-8 bytes: ``alerts`` newest first (as ``AlertStore.alerts`` gives them)."""
    E = _maker()
    feed = E("feed")
    _add(feed, "id", feed_id(watch))
    _add(feed, "title", f"veille · {watch['name']}")
    _add(feed, "subtitle", describe(watch))
    _add(feed, "updated", _date(alerts[0]["created_at"] if alerts else watch.get("created_at")))
    _add(feed, "generator", "veille")
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, base_url.rstrip("/") + "/watches/" + quote(watch["name"], safe=""), "alternate", "text/html")
    author = _add(feed, "author")
    _add(author, "name", "veille")
    for alert in alerts[:FEED_SIZE]:
        data = alert.get("data") if isinstance(alert.get("data"), dict) else {}
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(watch, alert))
        _add(entry, "title", _text(alert.get("title") or data.get("title") or "alert"))
        _add(entry, "updated", _date(alert.get("created_at")))
        _add(entry, "published", _date(alert.get("created_at")))
        link = alert_link(data, base_url)
        if link:
            _link(entry, link, "alternate", "text/html")
        if page_url(data):
            _link(entry, page_url(data), "related", None)
        _add(entry, "content", alert_text(alert)).set("type", "text")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def describe(watch: dict) -> str:
    """The watch in one line: its condition and its filters."""
    condition = watch.get("condition") or "event"
    said = {"event": "a new event matches", "contradiction": "sources disagree on a matching cluster",
            "sources": f"a matching cluster reaches {watch.get('threshold')} independent sources",
            "warning": f"a matching page carries the warning {watch.get('warning')}"}.get(condition, condition)
    filters = watch.get("filters") if isinstance(watch.get("filters"), dict) else {}
    shown = ", ".join(f"{k}={_value(v)}" for k, v in filters.items() if v not in (None, "", [], ()))
    return _text(f"Alerts when {said}" + (f" ({shown})" if shown else ""))


def _maker():
    return lambda tag: etree.Element(f"{{{ATOM}}}{tag}", nsmap={None: ATOM})


def _add(parent, tag: str, text: str | None = None):
    node = etree.SubElement(parent, f"{{{ATOM}}}{tag}")
    if text is not None:
        node.text = _text(text)
    return node


def _link(parent, href: str, rel: str, kind: str | None) -> None:
    node = etree.SubElement(parent, f"{{{ATOM}}}link")
    node.set("rel", rel)
    node.set("href", _text(href))
    if kind:
        node.set("type", kind)


def _text(value) -> str:
    """Text lxml accepts: XML 1.0 has no place for most control characters (a page may carry them)."""
    return str(value).translate(CONTROL)


def _value(v) -> str:
    return ",".join(str(x) for x in v) if isinstance(v, (list, tuple)) else str(v)


def _date(value: str | None) -> str:
    """An RFC 3339 date-time, in UTC when the stored value has no offset."""
    if value:
        try:
            at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is not None:
            if at.tzinfo is None:
                at = at.replace(tzinfo=timezone.utc)
            return at.isoformat(timespec="seconds")
    return "1970-01-01T00:00:00+00:00"
