"""A real Redis database for the SMS tests (db 14, apart from the suite's db 15), flushed around each use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

SMS_TEST_REDIS_DB = 14


def sms_redis_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return f"{base.rsplit('/', 1)[0]}/{SMS_TEST_REDIS_DB}"


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
