"""The sandbox provider against the real Redis (db 14)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import redis

from gateway.sms.providers import MessageStatus, SmsProvider
from gateway.sms.sandbox import SandboxProvider, list_sandbox
from tests.fakes.redis_db import flushed_redis

NUMBER = "+6281234567890"


@pytest.fixture
def sms_redis() -> Iterator[redis.Redis]:
    with flushed_redis() as client:
        yield client


def test_messages_are_stored_newest_first_and_capped(sms_redis: redis.Redis) -> None:
    provider: SmsProvider = SandboxProvider(sms_redis, keep=3)
    for n in range(5):
        result = provider.send(NUMBER, f"pesan {n}", idempotency_key=f"k{n}")
        assert result.status is MessageStatus.SENT and result.provider_id.startswith("SB")
    listed = list_sandbox(sms_redis, limit=10)
    assert [m.body for m in listed] == ["pesan 4", "pesan 3", "pesan 2"]
    assert listed[0].to == NUMBER and listed[0].segments == 1
    assert [m.body for m in list_sandbox(sms_redis, limit=1)] == ["pesan 4"]
    assert list_sandbox(sms_redis, limit=0) == []


def test_the_same_idempotency_key_sends_once(sms_redis: redis.Redis) -> None:
    provider = SandboxProvider(sms_redis)
    first = provider.send(NUMBER, "halo", idempotency_key="outbox-1")
    again = provider.send(NUMBER, "halo", idempotency_key="outbox-1")
    assert again.provider_id == first.provider_id
    assert len(list_sandbox(sms_redis)) == 1


def test_the_log_line_masks_the_number(sms_redis: redis.Redis, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="gateway.sms.sandbox")
    SandboxProvider(sms_redis).send(NUMBER, "Kode 482913", idempotency_key="k")
    assert "+62812****7890" in caplog.text
    assert NUMBER not in caplog.text and "482913" not in caplog.text
