from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import Headers, MultiDict

from gateway.sms.inbound import (
    MAX_BODY_CHARS,
    InboundSms,
    Rejected,
    RejectReason,
    StatusUpdate,
    parse_aggregator,
    parse_twilio,
    parse_twilio_status,
)
from gateway.sms.providers import MessageStatus

TOKEN = "twilio-auth-token"
URL = "https://jembatan.example.id/sms/twilio?bank=bpr1"
STATUS_URL = "https://jembatan.example.id/sms/twilio/status?outbox=42"


def signed(url: str, form: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)}


def twilio_form(**overrides: str) -> dict[str, str]:
    form = {
        "MessageSid": "SM" + "a" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": "+6281234567890",
        "To": "+15005550006",
        "Body": "saldo",
        "NumMedia": "0",
    }
    form.update(overrides)
    return form


def test_a_validly_signed_message() -> None:
    form = twilio_form()
    result = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert result == InboundSms("+6281234567890", "+15005550006", "saldo", "twilio", "SM" + "a" * 32)


def test_flask_shaped_form_and_headers() -> None:
    form = twilio_form()
    headers = Headers(signed(URL, form))
    result = parse_twilio(MultiDict(form), headers, URL, TOKEN)
    assert isinstance(result, InboundSms)


def test_a_bad_signature_is_rejected() -> None:
    form = twilio_form()
    assert parse_twilio(form, signed(URL, form, "another-token"), URL, TOKEN) == Rejected(RejectReason.BAD_SIGNATURE)
    tampered = twilio_form(Body="BAYAR 5000000")
    assert parse_twilio(tampered, signed(URL, form), URL, TOKEN) == Rejected(RejectReason.BAD_SIGNATURE)
    other_url = URL.replace("bpr1", "bpr2")
    assert parse_twilio(form, signed(URL, form), other_url, TOKEN) == Rejected(RejectReason.BAD_SIGNATURE)


def test_a_missing_signature_or_token_is_rejected() -> None:
    form = twilio_form()
    assert parse_twilio(form, {}, URL, TOKEN) == Rejected(RejectReason.MISSING_SIGNATURE)
    assert parse_twilio(form, signed(URL, form), URL, "") == Rejected(RejectReason.BAD_SIGNATURE)


def test_the_sender_is_normalised_or_refused() -> None:
    form = twilio_form(From="081234567890")
    result = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert isinstance(result, InboundSms) and result.sender == "+6281234567890"
    form = twilio_form(From="not-a-number")
    result = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert isinstance(result, Rejected) and result.reason is RejectReason.UNUSABLE_NUMBER


def test_bodies_empty_long_and_unicode() -> None:
    form = twilio_form(Body="")
    empty = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert isinstance(empty, InboundSms) and empty.empty and not empty.truncated
    form = twilio_form(Body="x" * (MAX_BODY_CHARS + 5))
    long = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert isinstance(long, InboundSms) and long.truncated and len(long.body) == MAX_BODY_CHARS
    form = twilio_form(Body="Saldo 😊 terima kasih")
    emoji = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert isinstance(emoji, InboundSms) and emoji.body == "Saldo 😊 terima kasih"


def test_twilio_advanced_opt_out_is_passed_on() -> None:
    form = twilio_form(Body="STOP", OptOutType="STOP")
    result = parse_twilio(form, signed(URL, form), URL, TOKEN)
    assert isinstance(result, InboundSms) and result.opt_out_type == "STOP"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [("delivered", "", None), ("undelivered", "30003", 30003), ("failed", "30007", 30007), ("sent", "", None)],
)
def test_status_callbacks(status: str, code: str, expected: int | None) -> None:
    form = {"MessageSid": "SM1", "MessageStatus": status, "SmsStatus": status, "AccountSid": "AC1"}
    if code:
        form["ErrorCode"] = code
    result = parse_twilio_status(form, signed(STATUS_URL, form), STATUS_URL, TOKEN)
    assert result == StatusUpdate("SM1", MessageStatus(status), expected)


def test_status_callbacks_are_signed_and_complete() -> None:
    form = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    assert parse_twilio_status(form, {}, STATUS_URL, TOKEN) == Rejected(RejectReason.MISSING_SIGNATURE)
    form = {"MessageSid": "SM1", "MessageStatus": "teleported"}
    result = parse_twilio_status(form, signed(STATUS_URL, form), STATUS_URL, TOKEN)
    assert result == Rejected(RejectReason.UNKNOWN_STATUS, "teleported")
    form = {"MessageSid": "SM1"}
    result = parse_twilio_status(form, signed(STATUS_URL, form), STATUS_URL, TOKEN)
    assert isinstance(result, Rejected) and result.reason is RejectReason.MISSING_FIELD


AGGREGATOR = {
    "userid": "bpr",
    "password": "s3cret",
    "original": "6285218761111",
    "sendto": "93456",
    "messagetype": "0",
    "messageid": "170503131327@170504131327@93456SMS9755064",
    "message": "SALDO",
    "date": "20170503131559",
    "dcs": "0",
    "udhl": "0",
    "charset": "utf-8",
}


def test_an_aggregator_message() -> None:
    result = parse_aggregator(AGGREGATOR, "s3cret", "s3cret")
    assert result == InboundSms(
        "+6285218761111", "93456", "SALDO", "aggregator", "170503131327@170504131327@93456SMS9755064"
    )


@pytest.mark.parametrize(("given", "expected"), [("wrong", "s3cret"), ("", "s3cret"), ("", ""), ("x", "")])
def test_an_aggregator_credential_must_match(given: str, expected: str) -> None:
    assert parse_aggregator(AGGREGATOR, given, expected) == Rejected(RejectReason.BAD_CREDENTIAL)


def test_an_aggregator_message_needs_sender_and_short_code() -> None:
    for missing in ("original", "sendto"):
        params = {k: v for k, v in AGGREGATOR.items() if k != missing}
        result = parse_aggregator(params, "s3cret", "s3cret")
        assert isinstance(result, Rejected) and result.reason is RejectReason.MISSING_FIELD
    result = parse_aggregator({**AGGREGATOR, "original": "123"}, "s3cret", "s3cret")
    assert isinstance(result, Rejected) and result.reason is RejectReason.UNUSABLE_NUMBER


def test_an_aggregator_message_may_be_empty() -> None:
    result = parse_aggregator({**AGGREGATOR, "message": ""}, "s3cret", "s3cret")
    assert isinstance(result, InboundSms) and result.empty
