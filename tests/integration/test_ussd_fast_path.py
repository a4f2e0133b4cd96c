"""`HopFastPath` answers the Africa's Talking endpoint exactly as the Flask view behind it does."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

import pytest
from flask import Flask

from gateway.app import MAX_REQUEST_BYTES
from gateway.web.ussd import HopFastPath, plain_form

FORM_TYPE = "application/x-www-form-urlencoded"
Answer = tuple[str, dict[str, str], bytes]


def environ(body: bytes, content_type: str = FORM_TYPE, query: str = "", length: str | None = None) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/ussd/africastalking",
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)) if length is None else length,
        "wsgi.input": BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": BytesIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def call(app: Any, env: dict[str, Any]) -> Answer:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        started["status"], started["headers"] = status, dict(headers)

    chunks: Iterable[bytes] = app(env, start_response)
    body = b"".join(chunks)
    return started["status"], started["headers"], body


def both(app: Flask, body: bytes, session: str, **options: str) -> tuple[Answer, Answer]:
    """The same request through the fast path and through Flask, each in a session of its own."""
    fast = app.wsgi_app
    assert isinstance(fast, HopFastPath)
    fast_answer = call(fast, environ(body.replace(b"SID", f"{session}-fast".encode()), **options))
    flask_answer = call(fast.flask_app, environ(body.replace(b"SID", f"{session}-flask".encode()), **options))
    return fast_answer, flask_answer


BODIES = {
    "dial": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B6281234567890&networkCode=51010&text=",
    "plus_for_space": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B62+812+3456+7890&text=",
    "repeated_field": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B6281234567890&text=&text=1*2",
    "missing_fields": b"serviceCode=*123%23&text=",
    "bad_number": b"sessionId=SID&serviceCode=*123%23&phoneNumber=12&text=",
    "unknown_code": b"sessionId=SID&serviceCode=*999%23&phoneNumber=%2B6281234567890&text=",
    "escaped_non_utf8": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B6281234567890&text=%FF%FE",
    "raw_non_utf8": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B6281234567890&text=\xff\xfe",
    "control_character": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B6281234567890&text=%00",
    "long_text": b"sessionId=SID&serviceCode=*123%23&phoneNumber=%2B6281234567890&text=" + b"1*" * 600,
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_the_fast_path_answers_as_flask_does(basic_app: Flask, name: str) -> None:
    fast, flask = both(basic_app, BODIES[name], f"fp-{name}")
    assert fast[0] == flask[0]
    assert fast[2] == flask[2]
    assert fast[1]["Content-Type"] == flask[1]["Content-Type"] == "text/plain; charset=utf-8"
    assert fast[1]["Content-Length"] == flask[1]["Content-Length"]


@pytest.mark.parametrize(
    "options",
    [
        {"content_type": "text/plain"},
        {"content_type": "multipart/form-data; boundary=x"},
        {"query": "x=1"},
        {"length": ""},
        {"length": str(MAX_REQUEST_BYTES + 1)},
    ],
    ids=["other-type", "multipart", "query-string", "no-length", "too-large"],
)
def test_requests_it_does_not_cover_go_to_flask(basic_app: Flask, options: dict[str, str]) -> None:
    body = BODIES["dial"]
    assert plain_form(environ(body, **options), MAX_REQUEST_BYTES) is None
    fast, flask = both(basic_app, body, f"fp-fallback-{len(options)}", **options)
    assert (fast[0], fast[2]) == (flask[0], flask[2])


def test_a_whole_walk_goes_the_fast_path(basic_app: Flask) -> None:
    fast = basic_app.wsgi_app
    assert isinstance(fast, HopFastPath)
    replies = []
    for text in (b"", b"1"):
        body = b"sessionId=walk&serviceCode=*123%23&phoneNumber=%2B6281234567890&text=" + text
        status, _headers, reply = call(fast, environ(body))
        assert status == "200 OK"
        replies.append(reply)
    assert replies[0].startswith(b"CON ") and replies[0] != replies[1]
