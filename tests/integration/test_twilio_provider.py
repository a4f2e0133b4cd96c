"""TwilioProvider (our thin client, gateway.sms.twilio_api) against the local fake Messages API, pinned to
the requests the real twilio library makes."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from twilio.rest import Client

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


def test_requests_are_the_twilio_librarys(fake: FakeTwilio, provider: TwilioProvider) -> None:
    """The thin client sends what `twilio.rest.Client.messages.create` sends: path, auth, form."""
    library = Client(fake.account_sid, fake.auth_token)
    library.api.base_url = fake.base_url
    library.messages.create(
        to=TO,
        body="Kode 482913 untuk SALDO",
        from_=FROM,
        validity_period=300,
        status_callback="https://jembatan.example.id/sms/twilio/status?outbox=1",
    )
    send(provider)
    theirs, ours = fake.requests
    assert (ours.path, ours.authorized, ours.form) == (theirs.path, theirs.authorized, theirs.form)
    assert ours.headers["Content-Type"] == theirs.headers["Content-Type"]


def test_the_sweepers_lookup_finds_a_sent_message_and_only_that(fake: FakeTwilio, provider: TwilioProvider) -> None:
    sent = send(provider)
    since = datetime.now(UTC) - timedelta(minutes=2)
    found = provider.find_sent(TO, "Kode 482913 untuk SALDO", idempotency_key="outbox-1", since=since)
    assert found is not None and found.provider_id == sent.provider_id
    assert provider.find_sent(TO, "another body", idempotency_key="outbox-2", since=since) is None
    assert provider.find_sent("+6281200000000", "Kode 482913 untuk SALDO", idempotency_key="k", since=since) is None


def test_one_provider_serves_many_threads(fake: FakeTwilio) -> None:
    with (
        TwilioProvider(
            fake.account_sid, fake.auth_token, from_=FROM, api_base_url=fake.base_url, pool_size=4
        ) as shared,
        ThreadPoolExecutor(8) as threads,
    ):
        results = list(threads.map(lambda n: shared.send(TO, f"pesan {n}", idempotency_key=f"k{n}"), range(40)))
    assert len({result.provider_id for result in results}) == 40
    assert sorted(request.form["Body"] for request in fake.requests) == sorted(f"pesan {n}" for n in range(40))
