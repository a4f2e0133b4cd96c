"""TwilioProvider with the real twilio library against the local fake Messages API."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from gateway.sms.providers import (
    FailureReason,
    MessageStatus,
    PermanentFailure,
    SendResult,
    SmsProvider,
    TemporaryFailure,
)
from gateway.sms.twilio_provider import TwilioProvider
from tests.fakes.twilio_server import FakeTwilio

TO = "+6281234567890"
FROM = "+15005550006"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def provider(fake: FakeTwilio) -> Iterator[TwilioProvider]:
    with TwilioProvider(
        fake.account_sid, fake.auth_token, from_=FROM, api_base_url=fake.base_url, timeout_s=0.5
    ) as twilio:
        yield twilio


def send(provider: SmsProvider, key: str = "outbox-1") -> SendResult:
    return provider.send(
        TO,
        "Kode 482913 untuk SALDO",
        idempotency_key=key,
        validity_period_s=300,
        status_callback_url="https://jembatan.example.id/sms/twilio/status?outbox=1",
    )


def test_a_message_is_queued(fake: FakeTwilio, provider: TwilioProvider) -> None:
    result = send(provider)
    assert result.status is MessageStatus.QUEUED
    assert result.provider_id.startswith("SM")
    (request,) = fake.requests
    assert request.authorized
    assert request.form == {
        "To": TO,
        "From": FROM,
        "Body": "Kode 482913 untuk SALDO",
        "ValidityPeriod": "300",
        "StatusCallback": "https://jembatan.example.id/sms/twilio/status?outbox=1",
    }


def test_a_messaging_service_sends_instead_of_a_number(fake: FakeTwilio) -> None:
    with TwilioProvider(
        fake.account_sid, fake.auth_token, messaging_service_sid="MG" + "1" * 32, api_base_url=fake.base_url
    ) as twilio:
        result = twilio.send(TO, "halo", idempotency_key="k")
    assert result.status is MessageStatus.ACCEPTED
    assert fake.requests[0].form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in fake.requests[0].form


def test_exactly_one_sender_is_required() -> None:
    with pytest.raises(ValueError):
        TwilioProvider("AC1", "t")
    with pytest.raises(ValueError):
        TwilioProvider("AC1", "t", from_=FROM, messaging_service_sid="MG1")


def test_429_is_temporary_with_the_retry_hint_then_ok(fake: FakeTwilio, provider: TwilioProvider) -> None:
    fake.fail_next(1, status=429, retry_after="30")
    with pytest.raises(TemporaryFailure) as caught:
        send(provider)
    assert (caught.value.status, caught.value.code, caught.value.retry_after_s) == (429, 20429, 30.0)
    assert not caught.value.maybe_sent
    assert send(provider).status is MessageStatus.QUEUED
    assert len(fake.requests) == 2  # no hidden retries inside the library: retrying is the job queue's


def test_500_is_temporary(fake: FakeTwilio, provider: TwilioProvider) -> None:
    fake.fail_next(1, status=500)
    with pytest.raises(TemporaryFailure) as caught:
        send(provider)
    assert caught.value.status == 500 and caught.value.retry_after_s is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (21211, FailureReason.INVALID_NUMBER),
        (21610, FailureReason.OPTED_OUT),
        (21614, FailureReason.NOT_MOBILE),
        (21408, FailureReason.REGION_DISABLED),
        (21602, FailureReason.REJECTED),
    ],
)
def test_4xx_is_permanent(fake: FakeTwilio, provider: TwilioProvider, code: int, reason: FailureReason) -> None:
    fake.fail_next(1, status=400, code=code)
    with pytest.raises(PermanentFailure) as caught:
        send(provider)
    assert (caught.value.code, caught.value.reason, caught.value.status) == (code, reason, 400)


def test_wrong_credentials_are_permanent(fake: FakeTwilio) -> None:
    twilio = TwilioProvider(fake.account_sid, "wrong", from_=FROM, api_base_url=fake.base_url)
    with twilio, pytest.raises(PermanentFailure) as caught:
        send(twilio)
    assert (caught.value.code, caught.value.reason) == (20003, FailureReason.CREDENTIALS)


def test_a_timeout_is_temporary_and_may_have_sent(fake: FakeTwilio, provider: TwilioProvider) -> None:
    fake.delay_next(1, 3.0)
    started = time.monotonic()
    with pytest.raises(TemporaryFailure) as caught:
        send(provider)
    assert time.monotonic() - started < 2.0  # the timeout is bounded
    assert caught.value.maybe_sent


def test_an_unreachable_api_is_temporary() -> None:
    with FakeTwilio() as gone:
        base_url = gone.base_url
    twilio = TwilioProvider("AC1", "t", from_=FROM, api_base_url=base_url, timeout_s=0.5)
    with twilio, pytest.raises(TemporaryFailure) as caught:
        send(twilio)
    assert not caught.value.maybe_sent


def test_logs_mask_the_number_and_never_hold_the_body(
    provider: TwilioProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.sms")
    send(provider)
    assert "+62812****7890" in caplog.text
    assert TO not in caplog.text and "482913" not in caplog.text
