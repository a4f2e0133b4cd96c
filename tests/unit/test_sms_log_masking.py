"""gateway.logs masks phone numbers of every country and credentials in every log line."""

from __future__ import annotations

import logging
import sys

import pytest

from gateway.logs import FORMAT, MaskingFilter, MaskingFormatter, hide_values, mask


@pytest.mark.parametrize(
    "number, shown",
    [
        ("+6281220150101", "+62812****0101"),
        ("081220150101", "0812****0101"),
        ("6281220150101", "62812****0101"),
        ("+14155550123", "+141****0123"),
        ("+447911123456", "+447****3456"),
        ("+2348031234567", "+234****4567"),
        ("+62 812-2015-0101", "+62812****0101"),
        ("0812 2015 0101", "0812****0101"),
    ],
)
def test_numbers_of_every_country_are_masked(number: str, shown: str) -> None:
    assert mask(f"sms from {number}: ok") == f"sms from {shown}: ok"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30 09:42:36,123 INFO gateway: outbox 12345 sent",
        "sid=SM0123456789abcdef0123456789abcd status=queued",
        "Saldo Rp1.500.000",
    ],
)
def test_ordinary_log_text_is_kept(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "GET /sms/aggregator?original=cmp-x&credential=s3cr3t-value HTTP/1.1",
        "GET /send?userid=bank&password=s3cr3t-value&sendto=x",
        "X-Aggregator-Credential: s3cr3t-value",
        "credential%3Ds3cr3t-value",
    ],
)
def test_credentials_in_query_strings_and_headers_are_masked(text: str) -> None:
    assert "s3cr3t-value" not in mask(text) and "****" in mask(text)


def test_configured_secrets_are_masked_wherever_they_appear() -> None:
    hide_values(["configured-secret-4711", "", "abc"])
    assert mask("error: token configured-secret-4711 refused; abc") == "error: token **** refused; abc"


def test_the_filter_masks_records_for_handlers_that_are_not_ours() -> None:
    try:
        raise ValueError("bad number +14155550123")
    except ValueError:
        record = logging.LogRecord(
            "gunicorn.error",
            logging.WARNING,
            __file__,
            1,
            "Invalid request line: %r",
            ("GET /?original=6281220150101&credential=zz",),
            exc_info=sys.exc_info(),
        )
    assert MaskingFilter().filter(record)
    text = logging.Formatter(FORMAT).format(record)
    assert "6281220150101" not in text and "14155550123" not in text and "credential=zz" not in text
    assert "62812****0101" in MaskingFormatter(FORMAT).format(record)
