"""A local stand-in for Twilio's Messages API, for tests and benchmarks.

    with FakeTwilio() as fake:                # port 0: the OS picks a free port
        provider = TwilioProvider(fake.account_sid, fake.auth_token, from_="+15005550006",
                                  api_base_url=fake.base_url)
        fake.fail_next(1, status=429)          # the next request gets a 429, then all is well
    python -m tests.fakes.twilio_server --port 8099
    with FakeTwilioProcess(lean=True) as fake: ...   # in a process of its own (benchmarks: no shared GIL)

It answers `POST /2010-04-01/Accounts/{sid}/Messages.json` (basic auth) with 201 and a JSON body
shaped like Twilio's, records every request, and can be scripted to fail or stall. A message counts as
accepted as soon as its request arrives (before a scripted delay: a client that times out has still
"sent" it). `GET` on the same path lists accepted messages, filtered by `To` and `DateSent>`.
`lean=True` (benchmarks) only counts: no request or message is kept, so `GET` lists nothing.
`GET /fake/stats` answers `{"requests": n, "accepted": n}`.
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "fake-auth-token"
API_VERSION = "2010-04-01"
STATS_PATH = "/fake/stats"
START_TIMEOUT_S = 10.0
ERROR_MESSAGES = {
    20003: "Authenticate",
    20429: "Too Many Requests",
    21211: "The 'To' number is not a valid phone number.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}


@dataclass
class Scripted:
    """One scripted answer: an error status (with a Twilio code) or a delay before answering."""

    status: int = 201
    code: int | None = None
    delay_s: float = 0.0
    retry_after: str | None = None


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    account_sid: str
    authorized: bool
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class _State:
    account_sid: str
    auth_token: str
    requests: list[RecordedRequest] = field(default_factory=list)
    script: deque[Scripted] = field(default_factory=deque)
    messages: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    lean: bool = False
    counts: dict[str, int] = field(default_factory=lambda: {"requests": 0, "accepted": 0})


class FakeTwilio:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        lean: bool = False,
    ) -> None:
        self._state = _State(account_sid, auth_token, lean=lean)
        self._server = ThreadingHTTPServer((host, port), _handler_for(self._state))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    account_sid = property(lambda self: self._state.account_sid)
    auth_token = property(lambda self: self._state.auth_token)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message accepted so far, oldest first, as the API would list it."""
        with self._state.lock:
            return list(self._state.messages)

    def fail_next(self, count: int, *, status: int, code: int | None = None, retry_after: str | None = None) -> None:
        """The next `count` requests get `status` with Twilio error `code` (default: the status)."""
        self._push(count, Scripted(status, code, retry_after=retry_after))

    def delay_next(self, count: int, seconds: float) -> None:
        """The next `count` requests wait `seconds` before a normal 201 (to trip client timeouts)."""
        self._push(count, Scripted(delay_s=seconds))

    def _push(self, count: int, answer: Scripted) -> None:
        with self._state.lock:
            self._state.script.extend([answer] * count)

    def start(self) -> FakeTwilio:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-twilio", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (for `python -m tests.fakes.twilio_server`)."""
        try:
            self._server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _handler_for(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(_MessagesHandler):
        pass

    Handler.state = state
    return Handler


class _MessagesHandler(BaseHTTPRequestHandler):
    state: _State
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: without this, 40 ms per request

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `requests` instead
        pass

    def _account(self) -> str | None:
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) != 4 or parts[0] != API_VERSION or parts[1] != "Accounts" or parts[3] != "Messages.json":
            self._send(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
            return None
        return parts[2]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        account = self._account()
        if account is None:
            return
        authorized = self._authorized(account)
        message = _message(account, form)
        with self.state.lock:
            self.state.counts["requests"] += 1
            if not self.state.lean:
                self.state.requests.append(RecordedRequest(self.path, account, authorized, form, dict(self.headers)))
            answer = self.state.script.popleft() if self.state.script else Scripted()
            if authorized and answer.status < 400:
                self.state.counts["accepted"] += 1
                if not self.state.lean:
                    self.state.messages.append({**message, "status": "sent", "date_sent": message["date_created"]})
        if answer.delay_s and self.state.stopping.wait(answer.delay_s):
            return
        if not authorized:
            self._error(401, 20003)
        elif answer.status >= 400:
            self._error(answer.status, answer.code, answer.retry_after)
        else:
            self._send(201, _public(message))

    def do_GET(self) -> None:
        if self.path == STATS_PATH:
            with self.state.lock:
                self._send(200, dict(self.state.counts))
            return
        account = self._account()
        if account is None:
            return
        if not self._authorized(account):
            self._error(401, 20003)
            return
        query = {k: v[-1] for k, v in parse_qs(self.path.partition("?")[2]).items()}
        since = _parse_moment(query.get("DateSent>", ""))
        with self.state.lock:
            found = [
                m
                for m in reversed(self.state.messages)
                if m["to"] == query.get("To", m["to"]) and (since is None or m["_sent_at"] >= since)
            ]
        size = int(query.get("PageSize", "50"))
        uri = f"/{API_VERSION}/Accounts/{account}/Messages.json"
        self._send(
            200,
            {
                "messages": [_public(m) for m in found[:size]],
                "page": 0,
                "page_size": size,
                "start": 0,
                "end": max(0, min(size, len(found)) - 1),
                "uri": uri,
                "first_page_uri": uri,
                "next_page_uri": None,
                "previous_page_uri": None,
            },
        )

    def _authorized(self, sid: str) -> bool:
        expected = base64.b64encode(f"{self.state.account_sid}:{self.state.auth_token}".encode()).decode()
        return sid == self.state.account_sid and self.headers.get("Authorization") == f"Basic {expected}"

    def _error(self, status: int, code: int | None, retry_after: str | None = None) -> None:
        code = code or (20429 if status == 429 else status)
        body = {
            "code": code,
            "message": ERROR_MESSAGES.get(code, "Error"),
            "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
        }
        self._send(status, body, {"Retry-After": retry_after} if retry_after else {})

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer


def _parse_moment(raw: str) -> datetime | None:
    """`2025-12-05T03:00:00Z` or `2025-12-05`, as the twilio library serialises `date_sent_after`."""
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not k.startswith("_")}


def _message(account_sid: str, form: dict[str, str]) -> dict[str, Any]:
    sid = "SM" + secrets.token_hex(16)
    moment = datetime.now(UTC).replace(microsecond=0)
    now = format_datetime(moment, usegmt=True)
    body = form.get("Body", "")
    return {
        "sid": sid,
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "to": form.get("To"),
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "body": body,
        "status": "accepted" if form.get("MessagingServiceSid") else "queued",
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "date_created": now,
        "date_updated": now,
        "date_sent": None,
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "uri": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json",
        "subresource_uris": {"media": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        "_sent_at": moment,
    }


class FakeTwilioProcess:
    """The fake in a child process on a free loopback port (the first line it prints names it)."""

    def __init__(self, *, lean: bool = True) -> None:
        self.account_sid, self.auth_token = DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN
        self._argv = [sys.executable, "-m", "tests.fakes.twilio_server", "--port", "0"] + (["--lean"] if lean else [])
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> FakeTwilioProcess:
        self._process = subprocess.Popen(self._argv, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        ready = threading.Timer(START_TIMEOUT_S, self._process.kill)  # a fake that never starts ends the wait
        ready.start()
        line = self._process.stdout.readline()
        ready.cancel()
        if " at " not in line:
            self.__exit__()
            raise RuntimeError("the fake Twilio process did not start")
        self.base_url = line.split(" at ", 1)[1].split()[0]
        return self

    def stats(self) -> dict[str, int]:
        from urllib.request import urlopen

        with urlopen(self.base_url + STATS_PATH, timeout=5) as answer:
            return {str(k): int(v) for k, v in json.loads(answer.read()).items()}

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Twilio Messages API for local runs and benchmarks")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    parser.add_argument("--lean", action="store_true", help="count only: keep no request or message")
    args = parser.parse_args(argv)
    fake = FakeTwilio(args.host, args.port, account_sid=args.account_sid, auth_token=args.auth_token, lean=args.lean)
    print(f"fake Twilio at {fake.base_url} (account {fake.account_sid})", flush=True)
    fake.serve_forever()


if __name__ == "__main__":
    main()
