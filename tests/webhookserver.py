"""A webhook receiver for the tests: a real HTTP server on 127.0.0.1 in a thread, recording each
request's body and headers, able to answer an error (500, or 503 with Retry-After) to the first
N requests."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookServer:
    """``with WebhookServer(fail_first=2, status=503, retry_after="120") as hook: ... hook.url``.

    ``requests``: every request, ``{"path", "headers", "body", "answered", "at"}`` (``at``: time.time()), in arrival order;
    ``received``: those answered 200."""

    def __init__(self, fail_first: int = 0, status: int = 500, retry_after: str | None = None):
        self.fail_first = fail_first
        self.status = status
        self.retry_after = retry_after
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server.lock:
                    failing = len(server.requests) < server.fail_first
                    answered = server.status if failing else 200
                    server.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in
                                                                          self.headers.items()},
                                            "body": body, "answered": answered, "at": time.time()})
                self.send_response(answered)
                if failing and server.retry_after is not None:
                    self.send_header("Retry-After", server.retry_after)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok" if answered == 200 else b"no")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="webhook", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    @property
    def received(self) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["answered"] == 200]

    def __enter__(self) -> "WebhookServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
