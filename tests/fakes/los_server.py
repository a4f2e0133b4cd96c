"""A local stand-in for a loan origination system's webhook, for tests.

    with FakeLos(secret) as los:          # port 0: the OS picks a free port; or FakeLos(secret, port=p)
        url = los.url                      # POST here
        los.received                       # the JSON bodies whose signature held, oldest first
        los.unsigned                       # how many requests had a bad or missing signature

It answers 200 to a correctly signed request and 401 otherwise, like a careful LOS would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/los/applications"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (for an LOS that is down, then started on it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class FakeLos:
    def __init__(self, secret: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.unsigned = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}{PATH}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stamp = self.headers.get("X-Jembatan-Timestamp", "")
                given = self.headers.get("X-Jembatan-Signature", "")
                digest = hmac.new(fake.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(f"sha256={digest}", given)
                with fake._lock:
                    if ok:
                        fake.received.append(json.loads(body))
                        fake.keys.append(self.headers.get("Idempotency-Key", ""))
                    else:
                        fake.unsigned += 1
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> FakeLos:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
