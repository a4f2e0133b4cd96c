"""The app's own error handling: unreadable query strings, and an unexpected failure outside USSD."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from gateway.app import create_app
from gateway.runtime import Runtime


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/sms/aggregator"),
        ("GET", "/sms/sandbox"),
        ("POST", "/sms/twilio"),
        ("POST", "/sms/twilio/status"),
    ],
)
def test_a_query_string_that_is_not_utf8_gets_400_everywhere(basic_app: Flask, method: str, path: str) -> None:
    response = basic_app.test_client().open(path, method=method, environ_overrides={"QUERY_STRING": "\x83*:"})
    assert response.status_code == 400


def test_a_query_string_that_is_not_utf8_gets_the_adapters_end_on_ussd(basic_app: Flask) -> None:
    response = basic_app.test_client().post(
        "/ussd/africastalking", data={"sessionId": "s1"}, environ_overrides={"QUERY_STRING": "a=\xff"}
    )
    assert (response.status_code, response.mimetype) == (400, "text/plain")
    assert response.get_data(as_text=True) == "END Maaf, permintaan tidak dapat dibaca. Silakan coba lagi."


def test_an_unexpected_failure_outside_ussd_is_a_bare_500_logged_once(
    basic_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(runtime=basic_runtime)

    @app.get("/broken")
    def broken() -> str:
        raise RuntimeError("secret detail for +6281234567890")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/broken")
    assert (response.status_code, response.get_data(as_text=True)) == (500, "500 Internal Server Error")
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
