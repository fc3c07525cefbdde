"""A webhook receiver for trying veille's alerts: prints each alert it receives.

    python3 watchdemo/receiver.py --port 9000 --secret s3cret

It listens on 127.0.0.1 only, answers 204 to each POST and checks the body's HMAC-SHA256
(header ``X-Veille-Signature: sha256=<hex>``) with the secret given, printing ``signature ok``
or ``BAD SIGNATURE``. Standard library only, so it runs without veille installed.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def handler(secret: str | None):
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()
            given = self.headers.get("X-Veille-Signature", "")
            if secret is None:
                check = "no secret given, signature not checked"
            else:
                want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                check = "signature ok" if hmac.compare_digest(want, given) else "BAD SIGNATURE"
            try:
                alert = json.loads(body)
            except ValueError:
                print(f"webhook: not JSON ({len(body)} bytes), {check}", flush=True)
                return
            print(f"webhook: {check}, delivery {self.headers.get('X-Veille-Delivery', '?')}", flush=True)
            print(json.dumps(alert, ensure_ascii=False, indent=2), flush=True)

        def log_message(self, *args):  # the alerts are the log
            pass

    return Receiver


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=9000)
    ap.add_argument("--secret", help="the secret given to veille alerts add --secret")
    a = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", a.port), handler(a.secret))
    print(f"listening on http://127.0.0.1:{a.port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
