"""Each thread keeps its own Redis connection for the hop's scripts, and a failed read never leaves it out of step."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from gateway.per_thread_redis import PerThreadRedis
from gateway.runtime import connect_redis
from tests.conftest import redis_test_url


def test_a_thread_reuses_its_connection_and_another_thread_gets_its_own(redis_client: redis.Redis) -> None:
    lanes = PerThreadRedis(redis_client)
    ids = [lanes.execute("CLIENT", "ID") for _ in range(3)]
    assert len(set(ids)) == 1
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(lanes.execute("CLIENT", "ID")))
    worker.start()
    worker.join()
    assert seen and seen[0] != ids[0]


def test_after_a_timeout_the_late_reply_is_never_read_as_the_next_commands(redis_client: redis.Redis) -> None:
    client = redis.Redis.from_url(redis_test_url(), socket_timeout=0.1)
    lanes = PerThreadRedis(client)
    with pytest.raises(redis.TimeoutError):
        lanes.execute("BLPOP", "jmb:test:never-pushed", "0.3")
    time.sleep(0.5)  # BLPOP's nil has been sent by now, to a connection that must be gone
    assert lanes.execute("ECHO", "next") == b"next"
    client.close()


def test_a_connection_killed_by_the_server_is_reconnected_once(redis_client: redis.Redis) -> None:
    lanes = PerThreadRedis(connect_redis(redis_test_url()))
    first = lanes.execute("CLIENT", "ID")
    redis_client.execute_command("CLIENT", "KILL", "ID", first)
    assert lanes.execute("ECHO", "again") == b"again"
    assert lanes.execute("CLIENT", "ID") != first


def test_a_script_error_keeps_the_connection(redis_client: redis.Redis) -> None:
    lanes = PerThreadRedis(redis_client)
    first = lanes.execute("CLIENT", "ID")
    with pytest.raises(redis.exceptions.NoScriptError):
        lanes.execute("EVALSHA", "0" * 40, 0)
    assert lanes.execute("CLIENT", "ID") == first
