"""Delivering alerts to a real webhook receiver and a real SMTP server on 127.0.0.1: signed once,
retried with back-off after failures (recorded), given up after 24 h, claimed so that two
deliverers never send one alert twice; and the terminal. Pages are stored as documents we
build (no pipeline: these tests are about delivery)."""
from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
from datetime import datetime, timedelta, timezone

import pytest
from webhookserver import WebhookServer

from veille.api import Veille
from veille.model import Document, Event
from veille.watch.deliver import make_channels

SECRET = "s3cret"


def _doc(n: int, evidence: str = "Russian drones struck the grain terminal of Odesa harbour overnight") -> Document:
    doc_id = f"{n:016x}"
    ev = Event(type="ASSAULT", mode="drone", source=["RUS"], target=["UKR"], date=f"2024-03-{n % 28 + 1:02d}",
               date_precision="day", date_from="sentence",
               place={"name": "Odesa", "lat": 46.48, "lon": 30.72, "country": "UA", "kind": "city"},
               quantities={}, attributed_to=None, modality="asserted", evidence=f"{evidence} ({n}).", start=0,
               end=len(evidence), trigger="struck", trigger_start=15, trigger_end=21, confidence=1.0)
    return Document(id=doc_id, source=f"https://news{n}.example/odesa", kind="url", raw="",
                    url=f"https://news{n}.example/odesa", site=f"news{n}.example", language="en",
                    title=f"Odesa strike {n}", text=ev.evidence, events=[ev])


def _veille(db: str, channels, docs: int = 1, **options) -> Veille:
    """A store with a watch on these channels and ``docs`` new pages that match it: one alert each."""
    v = Veille(db=db, progress=False, **options)
    v.add_watch("odesa", {"type": ["ASSAULT"], "country": "UA"}, channels=channels)
    for n in range(1, docs + 1):
        v.store.save(_doc(n))
    assert len(v.check_watches()) == docs
    return v


def _deliveries(v: Veille) -> list[dict]:
    return [d for a in v.watchstore.alerts() for d in a["deliveries"]]


def _soon() -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=1)


def test_a_webhook_gets_the_alert_once_signed(db_url):
    with WebhookServer() as hook:
        v = _veille(db_url(), make_channels(webhooks=[hook.url], secret=SECRET))
        assert v.deliver_alerts() == {"sent": 1, "failed": 0, "given_up": 0, "pending": 0}
        assert v.deliver_alerts() == {"sent": 0, "failed": 0, "given_up": 0, "pending": 0}  # sent once
        assert v.check_watches() == [] and v.deliver_alerts()["sent"] == 0
    [req] = hook.requests
    body = req["body"]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert req["headers"]["x-veille-signature"] == expected
    wrong = "sha256=" + hmac.new(b"another", body, hashlib.sha256).hexdigest()
    assert req["headers"]["x-veille-signature"] != wrong
    [d] = _deliveries(v)
    assert req["headers"]["x-veille-delivery"] == str(d["id"]) and d["status"] == "sent" and d["tries"] == 1
    alert = json.loads(body)
    assert alert["watch"] == "odesa" and alert["condition"] == "event" and alert["delivery"] == d["id"]
    assert alert["sentence"].startswith("Russian drones struck the grain terminal")
    assert alert["event"]["type"] == "ASSAULT" and alert["event"]["place"] == "Odesa"
    assert alert["page"]["url"] == "https://news1.example/odesa" and alert["page"]["doc_id"] == f"{1:016x}"
    assert alert["link"] == f"http://127.0.0.1:8000/compare/e-{1:016x}:0"
    assert req["headers"]["user-agent"].startswith("veille/")


def test_a_failing_webhook_is_retried_after_back_off_then_sent_once(db_url):
    with WebhookServer(fail_first=2, status=503, retry_after="120") as hook:
        v = _veille(db_url(), make_channels(webhooks=[hook.url], secret=SECRET))
        t0 = _soon()
        assert v.deliver_alerts(at=t0) == {"sent": 0, "failed": 1, "given_up": 0, "pending": 1}
        [d] = _deliveries(v)
        assert d["status"] == "pending" and d["tries"] == 1 and "HTTP 503" in d["error"]
        assert datetime.fromisoformat(d["next_at"]) >= t0.replace(microsecond=0) + timedelta(seconds=120)  # Retry-After
        assert v.deliver_alerts(at=t0 + timedelta(seconds=60))["failed"] == 0 and len(hook.requests) == 1  # not yet
        assert v.deliver_alerts(at=t0 + timedelta(seconds=121))["failed"] == 1  # 503 again
        [d] = _deliveries(v)
        assert d["tries"] == 2 and d["error"].endswith("HTTP 503")
        assert v.deliver_alerts(at=t0 + timedelta(seconds=400))["sent"] == 1
        assert v.deliver_alerts(at=t0 + timedelta(seconds=4000)) == {"sent": 0, "failed": 0, "given_up": 0,
                                                                     "pending": 0}
    assert [r["answered"] for r in hook.requests] == [503, 503, 200]
    assert len({r["body"] for r in hook.requests}) == 1  # the same alert each time
    [d] = _deliveries(v)
    assert d["status"] == "sent" and d["tries"] == 3 and d["error"] is None


def test_back_off_doubles_up_to_an_hour():
    from veille.fetch import retry_after
    from veille.watch.deliver import backoff

    assert [backoff(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    assert backoff(1, retry_after("300")) == 300 and backoff(5, retry_after("10")) == 480
    assert retry_after("soon") is None and retry_after(None) is None


def test_a_delivery_failing_for_24_hours_is_given_up_kept_and_can_be_retried(db_url):
    with WebhookServer(fail_first=10**6, status=500) as hook:
        v = _veille(db_url(), make_channels(webhooks=[hook.url], secret=SECRET))
        t0 = _soon()
        assert v.deliver_alerts(at=t0)["failed"] == 1
        assert v.deliver_alerts(at=t0 + timedelta(hours=23))["failed"] == 1  # still trying
        assert v.deliver_alerts(at=t0 + timedelta(hours=24, minutes=1)) == {"sent": 0, "failed": 0, "given_up": 1,
                                                                            "pending": 0}
        [d] = _deliveries(v)
        assert d["status"] == "failed" and d["tries"] == 3 and "HTTP 500" in d["error"] and "given up" in d["error"]
        assert v.deliver_alerts(at=t0 + timedelta(hours=30))["given_up"] == 0  # not tried again by itself
        assert len(hook.requests) == 3
        hook.fail_first = 0
        assert v.retry_alerts("odesa") == 1
        assert v.deliver_alerts()["sent"] == 1
    assert len(hook.received) == 1 and _deliveries(v)[0]["status"] == "sent"


def test_two_deliverers_never_send_an_alert_twice(db_url):
    with WebhookServer() as hook:
        v = _veille(db_url(), make_channels(webhooks=[hook.url], secret=SECRET), docs=8)
        other = Veille(db=v.options.db, progress=False)
        [d, *_] = _deliveries(v)
        assert v.watchstore.claim(d["id"]) and not other.watchstore.claim(d["id"])  # one claim wins
        v.watchstore.delivered(d["id"], ok=False, error="test", next_at="2000-01-01T00:00:00+00:00")
        results = []
        threads = [threading.Thread(target=lambda w=w: results.append(w.deliver_alerts())) for w in (v, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sum(r["sent"] for r in results) == 8 and sum(r["failed"] for r in results) == 0
    ids = [r["headers"]["x-veille-delivery"] for r in hook.requests]
    assert len(ids) == 8 and len(set(ids)) == 8


def test_an_unreachable_webhook_records_why(db_url):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the test tries it: nothing listens
    v = _veille(db_url(), make_channels(webhooks=[f"http://127.0.0.1:{port}/hook"], secret=SECRET))
    assert v.deliver_alerts()["failed"] == 1
    [d] = _deliveries(v)
    assert d["status"] == "pending" and f"127.0.0.1:{port}" in d["error"] and "\n" not in d["error"]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def test_an_email_arrives_with_the_sentence_the_page_and_the_link(db_url, smtp):
    v = _veille(db_url(), make_channels(emails=["analyst@example.org"]), smtp_host="127.0.0.1",
                smtp_port=smtp.port, smtp_tls="none", smtp_from="veille@example.org")
    assert v.deliver_alerts()["sent"] == 1
    assert v.deliver_alerts()["sent"] == 0
    [env] = smtp.messages
    assert env.rcpt_tos == ["analyst@example.org"] and env.mail_from == "veille@example.org"
    msg = email.message_from_bytes(env.content, policy=email.policy.default)
    body = msg.get_content()
    assert msg["Subject"].startswith("[odesa] ASSAULT/drone RUS→UKR in Odesa")
    assert "Russian drones struck the grain terminal of Odesa harbour overnight" in body
    assert "https://news1.example/odesa" in body and f"http://127.0.0.1:8000/compare/e-{1:016x}:0" in body


def test_an_email_without_a_server_stays_pending_with_its_error(db_url):
    v = _veille(db_url(), make_channels(emails=["analyst@example.org"]), smtp_host="127.0.0.1",
                smtp_port=_free_port(), smtp_tls="none")
    assert v.deliver_alerts()["failed"] == 1
    [d] = _deliveries(v)
    assert d["status"] == "pending" and "127.0.0.1" in d["error"]
    unset = _veille(db_url("b.db"), make_channels(emails=["a@b.org"]), smtp_host="")
    assert unset.deliver_alerts()["failed"] == 1 and "smtp_host" in _deliveries(unset)[0]["error"]


def test_the_terminal_prints_one_readable_block(db_url):
    v = _veille(db_url(), make_channels(terminal=True))
    assert v.deliver_alerts() == {"sent": 0, "failed": 0, "given_up": 0, "pending": 1}  # no terminal: it waits
    lines = []
    assert v.deliver_alerts(echo=lines.append)["sent"] == 1
    [block] = lines
    assert block.splitlines()[0] == "[odesa] ASSAULT/drone RUS→UKR in Odesa on 2024-03-02"
    assert '"Russian drones struck the grain terminal of Odesa harbour overnight (1)."' in block
    assert "https://news1.example/odesa" in block and "compare/e-" in block
    assert v.deliver_alerts(echo=lines.append)["sent"] == 0 and len(lines) == 1


def test_page_text_cannot_forge_terminal_lines(db_url):
    v = Veille(db=db_url(), progress=False)
    v.add_watch("odesa", {"type": ["ASSAULT"]}, channels=make_channels(terminal=True))
    v.store.save(_doc(1, "Drones struck Odesa\n[odesa] FAKE ALERT\x1b[2J"))
    v.check_watches()
    lines = []
    v.deliver_alerts(echo=lines.append)
    assert "\x1b" not in lines[0] and not any(line.startswith("[odesa] FAKE") for line in lines[0].splitlines())


def test_a_test_alert_goes_to_every_channel(db_url):
    with WebhookServer() as hook:
        v = Veille(db=db_url(), progress=False)
        v.add_watch("t", {}, channels=make_channels(terminal=True, webhooks=[hook.url], secret=SECRET))
        lines = []
        results = v.test_watch("t", echo=lines.append)
    assert [(r["channel"], r["ok"]) for r in results] == [("terminal", True), ("webhook", True)]
    assert "test alert" in lines[0] and json.loads(hook.requests[0]["body"])["test"] is True
    assert v.watchstore.alerts() == []  # nothing stored
