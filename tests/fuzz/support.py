"""Fuzzing the HTTP endpoints: one app on the seeded demo bank, hostile requests, and what every answer must hold.

Each test draws whole requests (method, query string, headers, body bytes) from hypothesis strategies,
sends them through the Flask test client and checks: no status >= 500, no traceback text in the body,
and nothing stored for a refused request (no Redis key and no SMS row added or removed). Runs are deterministic
(`derandomize=True`); `FUZZ_EXAMPLES` sets the examples per test (default FUZZ_DEFAULT_EXAMPLES), and
`FUZZ_SHRINK=1` shrinks a failing request to its smallest form (off by default: shrinking a failure can take
minutes, and a failure is reproduced as it is by the same derandomized run).
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import redis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from gateway.app import MAX_REQUEST_BYTES, create_app
from gateway.banking.demo import seed
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.runtime import build_runtime
from gateway.storage.migrate import upgrade
from gateway.storage.sms_tables import InboundMessageRow, OutboxRow
from tests.conftest import redis_test_url
from tests.transcript_support import CLOCK, FAST_HASHER

FUZZ_DEFAULT_EXAMPLES = 60
PUBLIC_URL = "https://jembatan.example.id"
AUTH_TOKEN = "fuzz-auth-token"
AGGREGATOR_SECRET = "fuzz-aggregator-secret"
FORM_TYPE = "application/x-www-form-urlencoded"
TRACEBACK_MARKERS = (b"Traceback", b'File "')

REQUESTS: defaultdict[str, Counter[int]] = defaultdict(Counter)
"""Answers per endpoint and status in this pytest run, for the summary (tests/fuzz/conftest.py)."""


def fuzz_settings(share: float = 1.0) -> settings:
    """`share` of the test's examples (a test splits them over its request shapes)."""
    examples = max(1, round(int(os.environ.get("FUZZ_EXAMPLES", FUZZ_DEFAULT_EXAMPLES)) * share))
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if os.environ.get("FUZZ_SHRINK") == "1" else [])
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=True,
        phases=phases,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def fuzz_app(engine: Engine) -> Flask:
    """The real menus, the SMS channel (signed Twilio, the aggregator, the sandbox) on the seeded demo bank."""
    upgrade(engine)
    bank = SqlBank(engine, hasher=FAST_HASHER)
    seed(bank, CLOCK)
    config = Settings(
        redis_url=redis_test_url(),
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret",
        retry_wait_s=0.2,
        public_url=PUBLIC_URL,
        twilio_auth_token=AUTH_TOKEN,
        aggregator_credential=AGGREGATOR_SECRET,
    )
    return create_app(runtime=build_runtime(config, clock=lambda: CLOCK, bank=bank, db_engine=engine))


# --- what a hostile client sends --------------------------------------------------------------------------

NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\ud83d",
    "\x1b[2J",
    "\r\n",
    "\x7f",
    "\x85",
    "\ufffd",
    "\u202e",
    "\ufeff",
    "²",
    "٣",
    "%",
    "%zz",
    "&",
    "=",
    "+",
    "*",
    "#",
    "'",
    '"',
    "\\",
    "<script>",
    "\U0001f600",
    " ",
    "",
]
LONG_SIZES = [31, 32, 33, 64, 127, 128, 129, 200, 201, 999, 1000, 1001, 1600, 1601, 5000, MAX_REQUEST_BYTES + 1]


def nasty_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Any text, lone surrogates, control characters and separators included."""
    piece = st.one_of(st.characters(), st.sampled_from(NASTY))
    return st.lists(piece, max_size=max_size).map("".join)


def long_text() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["9", "1*", "x", "é", "\x00", "\ud800"]), st.sampled_from(LONG_SIZES)).map(
        lambda pair: (pair[0] * pair[1])[: pair[1]]
    )


def value(plausible: list[str]) -> st.SearchStrategy[str]:
    """Mostly what the field should hold, often something hostile, sometimes far too long."""
    return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), nasty_text(), long_text())


def fields(spec: Mapping[str, list[str]], clean: bool = False) -> st.SearchStrategy[dict[str, str]]:
    """Each known field present or missing, plus stray ones. `clean`: no lone surrogates (they cannot be signed)."""
    text = st.text(max_size=30) if clean else nasty_text()

    def one(plausible: list[str]) -> st.SearchStrategy[str | None]:
        drawn = st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), text) if clean else value(plausible)
        return st.one_of(drawn, drawn, drawn, st.none())

    known = st.fixed_dictionaries({name: one(plausible) for name, plausible in spec.items()})
    extras = st.dictionaries(
        st.sampled_from(["x", "Body", "text", "messageid", "credential", "\x00", "a b"]), text, max_size=2
    )
    return st.tuples(known, extras).map(lambda pair: {**pair[1], **{k: v for k, v in pair[0].items() if v is not None}})


def plausible_fields(spec: Mapping[str, list[str]]) -> st.SearchStrategy[dict[str, str]]:
    """Every field present with a value it could well hold: requests that get past the parsers."""
    return st.fixed_dictionaries({name: st.sampled_from(plausible) for name, plausible in spec.items()})


def encode_form(form: Mapping[str, str]) -> bytes:
    """URL-encoded as a careless client would: lone surrogates become their invalid UTF-8 bytes."""
    return "&".join(
        f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}" for k, v in form.items()
    ).encode()


RAW_PIECES = [
    b"%",
    b"%z",
    b"%zz",
    b"%E0%A4",
    b"%ED%A0%80",
    b"%C0%AF",
    b"%00",
    b"\x00",
    b"\xff\xfe",
    b"=",
    b"&",
    b"+",
    b"sessionId=",
    b"text=1*1",
    b"message=SALDO",
    b"{",
    b"[",
    b'"',
    b"\r\n",
    b"--x",
    b"a" * 100,
]


def raw_bytes() -> st.SearchStrategy[bytes]:
    """Bytes that are rarely a valid form or JSON: bad percent-encoding, invalid UTF-8, stray delimiters."""
    return st.one_of(st.binary(max_size=200), st.lists(st.sampled_from(RAW_PIECES), max_size=12).map(b"".join))


CONTENT_TYPES = [
    FORM_TYPE,
    "application/json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    f"{FORM_TYPE}; charset=bogus",
    "application/json; charset=utf-16",
    "application/xml",
    "",
]


def other_content_type(usual: str) -> st.SearchStrategy[str]:
    return st.sampled_from([kind for kind in CONTENT_TYPES if kind != usual])


def deep_json() -> st.SearchStrategy[bytes]:
    return st.tuples(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"sessionId":', "}")]), st.integers(1, 6000)).map(
        lambda p: (p[0][0] * p[1] + "1" + p[0][1] * p[1]).encode()
    )


def padded(body: bytes) -> st.SearchStrategy[bytes]:
    """The body grown to around the 16 KiB limit, over it too."""
    return st.integers(MAX_REQUEST_BYTES - 64, MAX_REQUEST_BYTES + 4096).map(
        lambda size: body + b"&pad=" + b"9" * max(0, size - len(body) - 5)
    )


def other_method(usual: str) -> st.SearchStrategy[str]:
    return st.sampled_from([m for m in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS") if m != usual])


# --- sending and checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wire:
    """One request as bytes on the wire (the path is fixed by the test)."""

    method: str
    query: bytes = b""
    body: bytes = b""
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def __repr__(self) -> str:  # bodies near 16 KiB would make an unreadable (and warned about) report
        def cut(data: bytes) -> str:
            return repr(data) if len(data) <= 300 else f"{data[:300]!r}... ({len(data)} bytes)"

        return (
            f"Wire(method={self.method!r}, query={cut(self.query)}, body={cut(self.body)}, "
            f"content_type={self.content_type!r}, headers={self.headers!r})"
        )


def wires(
    method: str | st.SearchStrategy[str],
    body: bytes | st.SearchStrategy[bytes],
    content_type: str | st.SearchStrategy[str] = FORM_TYPE,
    query: bytes | st.SearchStrategy[bytes] = b"",
    headers: st.SearchStrategy[tuple[tuple[str, str], ...]] | None = None,
) -> st.SearchStrategy[Wire]:
    def strategy(part: Any) -> st.SearchStrategy[Any]:
        return part if isinstance(part, st.SearchStrategy) else st.just(part)

    return st.builds(
        Wire,
        strategy(method),
        strategy(query),
        strategy(body),
        strategy(content_type),
        headers if headers is not None else st.just(()),
    )


@dataclass
class Fuzzer:
    """Sends wires to one app and checks each answer; `stored` snapshots what a refused request must not change."""

    app: Flask
    client: FlaskClient
    redis: redis.Redis
    engine: Engine

    def send(self, endpoint: str, path: str, wire: Wire) -> TestResponse:
        before = self.stored()
        environ: dict[str, Any] = {"QUERY_STRING": wire.query.decode("latin-1")}
        response = self.client.open(
            path,
            method=wire.method,
            data=wire.body,
            content_type=wire.content_type or None,
            headers=list(wire.headers),
            environ_overrides=environ,
        )
        REQUESTS[endpoint][response.status_code] += 1
        body = response.get_data()
        assert response.status_code < 500, (response.status_code, body[:300])
        assert not any(marker in body for marker in TRACEBACK_MARKERS), body[:300]
        if response.status_code >= 400:
            assert self.stored() == before, f"refused with {response.status_code} but something was stored"
        return response

    def stored(self) -> tuple[int, int, frozenset[bytes]]:
        with Session(self.engine) as db:
            inbound = db.scalar(select(func.count()).select_from(InboundMessageRow)) or 0
            outbox = db.scalar(select(func.count()).select_from(OutboxRow)) or 0
        return int(inbound), int(outbox), frozenset(self.redis.keys("*"))


def twilio_signature(path: str, query: bytes, form: Mapping[str, str]) -> str:
    """What Twilio sends in X-Twilio-Signature for this URL and form."""
    url = PUBLIC_URL + path + (f"?{query.decode('utf-8', 'replace')}" if query else "")
    return str(RequestValidator(AUTH_TOKEN).compute_signature(url, dict(form)))


def json_bytes(document: Any, ascii_only: bool) -> bytes:
    """Escaped (`\\ud800`) or written raw (a lone surrogate as invalid UTF-8)."""
    return json.dumps(document, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def fuzz(
    fuzzer: Fuzzer,
    endpoint: str,
    path: str,
    wires: st.SearchStrategy[Wire],
    share: float = 1.0,
    check: Callable[[Wire, TestResponse], None] | None = None,
) -> None:
    """Send `share` of the examples drawn from `wires` to `path`; every answer is checked by `Fuzzer.send`."""

    @fuzz_settings(share)
    @given(wire=wires)
    def run(wire: Wire) -> None:
        response = fuzzer.send(endpoint, path, wire)
        if check is not None:
            check(wire, response)

    run()
