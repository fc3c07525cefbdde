"""Sending alerts: to a webhook (a signed JSON POST), by email (SMTP), to the terminal.

Each alert has one delivery row per channel of its watch (``alertstore.deliveries``). A due
row is claimed before it is tried, so that two deliverers (a ``veille watch`` loop and a cron
``veille alerts check``) never both send it. A failed try is recorded on the row with its error
and tried again later, 30 s after the first failure, then twice as long each time up to an
hour (later if the receiver's Retry-After asks so), until it is sent or, after 24 hours of
failures, given up (``failed``: still listed; ``veille alerts retry`` tries again). An alert is
sent once; a failure is never lost.

A webhook receives the alert's data as JSON with ``X-Veille-Delivery: <delivery id>`` and
``X-Veille-Signature: sha256=<hex>``, the HMAC-SHA256 of the body's bytes with the watch's
secret: a receiver computes it again and compares, to know the POST comes from this veille.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Callable

from veille.alertstore import stamp
from veille.fetch import retry_after
from veille.errors import QueryError

BACKOFF_FIRST = 30  # seconds after the first failure
BACKOFF_MOST = 3600  # the longest wait between two tries (unless Retry-After asks for more)
GIVE_UP_AFTER = 24 * 3600  # seconds of failures after which a delivery is given up
WEBHOOK_TIMEOUT = 5.0
SMTP_TIMEOUT = 10.0
SMTP_TLS = ("starttls", "ssl", "none")
ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


class DeliveryError(Exception):
    """One try failed: why (one line), and how long the receiver asked to wait, if it did."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


# ---------------------------------------------------------------------------- channels


def make_channels(terminal: bool = False, webhooks=(), emails=(), secret: str | None = None) -> list[dict]:
    """A watch's channels, checked; a webhook without a secret gets a new random one."""
    from veille.fetch import url_problem

    channels: list[dict] = [{"kind": "terminal"}] if terminal else []
    if webhooks:
        secret = secret or secrets.token_hex(16)
    for url in dict.fromkeys(webhooks):
        problem = url_problem(url)
        if problem:
            raise QueryError(f"{url}: --webhook needs an http(s) URL: {problem}")
        channels.append({"kind": "webhook", "url": url, "secret": secret})
    for address in dict.fromkeys(emails):
        if not ADDRESS.match(address):
            raise QueryError(f"{address}: --email needs an address, e.g. analyst@example.org")
        channels.append({"kind": "email", "to": address})
    return channels


def shown_channels(channels: list[dict]) -> list[dict]:
    """The channels without their secrets (lists, the desk)."""
    return [{k: ("(set)" if k == "secret" and v else v) for k, v in ch.items()} for ch in channels]


# ---------------------------------------------------------------------------- delivering


def deliver_due(v, echo: Callable[[str], None] | None = None, at: datetime | str | None = None) -> dict:
    """Try every due delivery once; ``{"sent", "failed", "given_up", "pending"}`` (``pending``: left
    to send after this run). Terminal deliveries wait for a run with ``echo``. ``at`` (a datetime,
    or ISO text; UTC when it names no zone) stands for now."""
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            raise QueryError(f"{at}: not a time (give ISO 8601, e.g. 2024-03-01T12:00:00+00:00)") from None
    at = at or datetime.now(timezone.utc)
    at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    when = stamp(at)
    store = v.watchstore
    counts = {"sent": 0, "failed": 0, "given_up": 0, "pending": 0}
    watches = {w["id"]: w for w in store.watches()}
    for d in store.due_deliveries(when):
        if d["channel"] == "terminal" and echo is None:
            continue
        if not store.claim(d["id"], when):
            continue  # another deliverer has it
        try:
            send(v, watches.get(d["watch_id"]), d, echo)
        except Exception as e:  # noqa: BLE001 - any failure is recorded on the row and tried again
            error = str(e) if isinstance(e, DeliveryError) else f"{type(e).__name__}: {e}"
            since = datetime.fromisoformat(d["failing_since"]) if d.get("failing_since") else at
            if (at - since).total_seconds() >= GIVE_UP_AFTER:
                store.delivered(d["id"], ok=False, error=f"{error} (given up after 24 h of failures)", give_up=True,
                                at=when)
                counts["given_up"] += 1
                continue
            wait = backoff(d["tries"] + 1, getattr(e, "retry_after", None))
            store.delivered(d["id"], ok=False, error=error, next_at=stamp(at + timedelta(seconds=wait)), at=when)
            counts["failed"] += 1
        else:
            store.delivered(d["id"], ok=True, at=when)
            counts["sent"] += 1
    counts["pending"] = store.pending_count()
    return counts


def backoff(tries: int, retry_after: float | None = None) -> float:
    """Seconds before the next try after ``tries`` failed ones: 30, 60, 120 … up to an hour, or
    what Retry-After asked if longer."""
    wait = min(BACKOFF_FIRST * 2 ** max(tries - 1, 0), BACKOFF_MOST)
    return max(wait, retry_after or 0)


def send(v, watch: dict | None, delivery: dict, echo: Callable[[str], None] | None) -> None:
    """One try of one delivery; raises DeliveryError (or anything else) when it fails."""
    if watch is None:
        raise DeliveryError("its watch was removed")
    alert = {"id": delivery["alert_id"], "title": delivery["title"], **delivery["data"]}
    kind, target = delivery["channel"], delivery["target"]
    channel = next((c for c in watch["channels"] if c.get("kind") == kind
                    and (c.get("url") or c.get("to") or "-") == target), {"kind": kind})
    if kind == "webhook":
        post_webhook(target, channel.get("secret") or "", alert, delivery["id"], v.options.user_agent)
    elif kind == "email":
        send_email(v.options, target, alert)
    elif kind == "terminal":
        if echo is None:
            raise DeliveryError("no terminal to print to")
        echo(text_block(alert))
    else:
        raise DeliveryError(f"{kind}: not a channel veille delivers to")


def post_webhook(url: str, secret: str, alert: dict, delivery_id, user_agent: str) -> None:
    import httpx

    body = json.dumps({"delivery": delivery_id, **alert}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": user_agent,
               "X-Veille-Delivery": str(delivery_id), "X-Veille-Signature": "sha256=" + sign(secret, body)}
    try:
        with httpx.Client(timeout=WEBHOOK_TIMEOUT, follow_redirects=False) as client:
            resp = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        raise DeliveryError(f"{url}: timed out after {WEBHOOK_TIMEOUT:g} s") from None
    except httpx.HTTPError as e:
        raise DeliveryError(f"{url}: {type(e).__name__}: {e}") from None
    if not 200 <= resp.status_code < 300:
        moved = " (redirects are not followed)" if 300 <= resp.status_code < 400 else ""
        raise DeliveryError(f"{url}: HTTP {resp.status_code}{moved}", retry_after(resp.headers.get("retry-after")))


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send_email(opts, to: str, alert: dict) -> None:
    import smtplib
    from email.message import EmailMessage

    if not opts.smtp_host:
        raise DeliveryError("no mail server: set smtp_host (VEILLE_SMTP_HOST)")
    if opts.smtp_tls not in SMTP_TLS:
        raise DeliveryError(f"smtp_tls is {opts.smtp_tls!r}: give one of {', '.join(SMTP_TLS)}")
    msg = EmailMessage()
    msg["Subject"] = " ".join(str(alert.get("title") or "veille alert").split())[:200]
    msg["From"] = opts.smtp_from
    msg["To"] = to
    msg.set_content(text_block(alert) + "\n")
    where = f"{opts.smtp_host}:{opts.smtp_port}"
    try:
        client = smtplib.SMTP_SSL if opts.smtp_tls == "ssl" else smtplib.SMTP
        with client(opts.smtp_host, opts.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
            if opts.smtp_tls == "starttls":
                smtp.starttls()
            if opts.smtp_user:
                smtp.login(opts.smtp_user, opts.smtp_password)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(f"{where}: {type(e).__name__}: {e}") from None


def text_block(alert: dict) -> str:
    """The alert as a few readable lines: what matched, the sentence, the page, the link."""
    from veille.safetext import printable

    page = alert.get("page") or {}
    lines = [str(alert.get("title") or "veille alert"), f'  "{alert.get("sentence") or ""}"']
    shown = page.get("title") or page.get("name") or "?"
    lines.append(f"  page: {shown}" + (f" <{page['url']}>" if page.get("url") else "")
                 + (f" ({page['published']})" if page.get("published") else "") + f" [{page.get('doc_id', '?')}]")
    lines.append(f"  sources: {alert.get('sources', 1)} independent, {alert.get('reports', 1)} reports")
    if alert.get("why"):
        lines.append(f"  why: {alert['why']}")
    if alert.get("contradiction"):
        c = alert["contradiction"]
        lines.append(f"  disagreement: {c['note']}")
        for side in (c["a"], c["b"]):
            lines.append(f"    {side['doc']}: {side['evidence']}")
    if alert.get("warning"):
        w = alert["warning"]
        lines.append(f"  warning: {w['kind']}{'=' + str(w['value']) if w.get('value') else ''}"
                     + (f" ({'; '.join(w['evidence'][:2])})" if w.get("evidence") else ""))
    lines.append(f"  desk: {alert.get('link') or ''}")
    return "\n".join(printable(line) for line in lines)


def test_alert(watch: dict) -> dict:
    """What ``Veille.test_watch`` sends: an alert that says it is a test."""
    return {"id": 0, "title": f"[{watch['name']}] test alert from veille", "watch": watch["name"],
            "condition": watch["condition"], "test": True, "event": None,
            "sentence": "This is a test: the watch's channels work.", "page": {}, "sources": 0, "why": "a test",
            "reports": 0, "link": ""}
