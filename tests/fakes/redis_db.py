"""The run's own Redis database for the SMS tests, flushed around each use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.conftest import redis_test_url


def sms_redis_url() -> str:
    return redis_test_url()


@contextmanager
def flushed_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(sms_redis_url())
    try:
        client.ping()
    except redis.ConnectionError as exc:  # the suite talks to a real Redis, never a mock
        pytest.fail(f"no Redis at {sms_redis_url()}: {exc}")
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
