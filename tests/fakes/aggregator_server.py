"""A local stand-in for a DartMedia / Hub9-style SMS aggregator's send URL, for tests.

    with FakeAggregator() as fake:              # port 0: the OS picks a free port
        provider = AggregatorProvider(AggregatorAccount(fake.send_url, "user", "pass", "BANKDESA"))
        fake.answer_next(1, body="001")         # the next GET gets `001` (authentication failed)
        fake.answer_next(1, status=429)         # then a 429
        fake.delay_next(1, seconds=2)           # then a slow answer (to trip the client's timeout)

It answers `GET /api/send` with `000` (accepted) and records every request's query parameters. A part
counts as received as soon as its request arrives (before a scripted delay).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SEND_PATH = "/api/send"


@dataclass
class Answer:
    status: int = 200
    body: str = "000"
    delay_s: float = 0.0


@dataclass
class _State:
    requests: list[dict[str, str]] = field(default_factory=list)
    script: deque[Answer] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeAggregator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._state = _State()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self._state))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def send_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}{SEND_PATH}"

    @property
    def requests(self) -> list[dict[str, str]]:
        """Every GET's query parameters, oldest first."""
        with self._state.lock:
            return list(self._state.requests)

    def answer_next(self, count: int, *, status: int = 200, body: str = "000") -> None:
        self._push(count, Answer(status, body))

    def delay_next(self, count: int, seconds: float) -> None:
        self._push(count, Answer(delay_s=seconds))

    def _push(self, count: int, answer: Answer) -> None:
        with self._state.lock:
            self._state.script.extend([answer] * count)

    def __enter__(self) -> FakeAggregator:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-aggregator", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


def _handler_for(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != SEND_PATH:
                self._answer(404, "not found")
                return
            params = {name: values[-1] for name, values in parse_qs(url.query, keep_blank_values=True).items()}
            with state.lock:
                state.requests.append(params)
                answer = state.script.popleft() if state.script else Answer()
            if answer.delay_s:
                time.sleep(answer.delay_s)
            self._answer(answer.status, answer.body)

        def _answer(self, status: int, body: str) -> None:
            data = body.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
