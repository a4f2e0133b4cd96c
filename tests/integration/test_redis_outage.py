"""Redis dies under the gateway: every USSD hop still answers 200 with the localized END, /healthz names Redis,
the log has one line per cause (no traceback per request), and the hop works again once Redis is back.

Each test runs a Redis server of its own (tests/redis_server.py) so it can kill it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from gateway import redis_keys
from gateway.app import create_app
from gateway.runtime import Runtime, build_runtime
from tests.conftest import basic_settings
from tests.redis_server import RedisServer, redis_server
from tests.ussd_support import AfricasTalkingPhone

PHONE = "+6281234567890"
MAIN = "CON Menu uji\n"
HOPS_PER_ENDPOINT = 5


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as running:
        yield running


@pytest.fixture
def app(server: RedisServer) -> Flask:
    runtime = build_runtime(basic_settings(redis_url=server.url), bank=object(), db_engine=create_engine("sqlite://"))
    return create_app(runtime=runtime)


def unavailable(app: Flask) -> str:
    runtime: Runtime = app.extensions["jembatan"]
    return runtime.menus.current.catalog.render("id", "engine.unavailable")


def json_hop(client: FlaskClient, session_id: str, sequence: int, entry: str) -> tuple[int, dict]:
    response = client.post(
        "/ussd/json",
        json={"sessionId": session_id, "msisdn": PHONE, "serviceCode": "*123#", "sequence": sequence, "input": entry},
    )
    return response.status_code, response.get_json()


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "redis unavailable" in r.getMessage()]


def test_while_redis_is_down_every_ussd_endpoint_answers_200_with_the_unavailable_end(
    app: Flask, server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    phone = AfricasTalkingPhone(client, PHONE, "outage-1")
    assert phone.dial().startswith(MAIN)
    notice = unavailable(app)
    assert notice != app.extensions["jembatan"].menus.current.catalog.render("id", "engine.error")

    server.kill()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for attempt in range(HOPS_PER_ENDPOINT):
            assert phone.post("1") == (200, f"END {notice}")
            assert AfricasTalkingPhone(client, PHONE, f"outage-new-{attempt}").post("") == (200, f"END {notice}")
            assert json_hop(client, "outage-json", attempt + 1, "1") == (
                200,
                {"sessionId": "outage-json", "message": notice, "continue": False},
            )

    lines = outage_lines(caplog)
    assert [line.getMessage().split(":")[1].strip() for line in lines] == ["ConnectionError"]
    assert not [r for r in caplog.records if r.exc_info], "no traceback per request"


def test_healthz_names_redis_while_it_is_down_and_recovers_with_it(app: Flask, server: RedisServer) -> None:
    client = app.test_client()
    assert client.get("/healthz").get_json()["redis"] == "ok"
    server.kill()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"].startswith("down: ")
    assert response.get_json()["database"] == "ok"
    server.start()
    assert client.get("/healthz").status_code == 200


def test_the_hop_works_again_once_redis_is_back_without_a_restart(
    app: Flask, server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    assert AfricasTalkingPhone(client, PHONE, "before").dial().startswith(MAIN)
    server.kill()
    assert AfricasTalkingPhone(client, PHONE, "during").dial() == f"END {unavailable(app)}"
    server.start()  # a fresh server on the same port: no data, no loaded Lua scripts, every pooled socket dead
    with caplog.at_level(logging.INFO):
        phone = AfricasTalkingPhone(client, PHONE, "after")
        assert phone.dial().startswith(MAIN)
        assert phone.send("2").startswith("CON Jumlah pinjaman:")
        status, body = json_hop(client, "after-json", 1, "*123#")
        assert (status, body["continue"]) == (200, True)
    assert [r.getMessage() for r in caplog.records if "answers again" in r.getMessage()]


def test_a_hung_redis_gets_the_same_polite_end_not_a_hanging_request(app: Flask, server: RedisServer) -> None:
    client = app.test_client()
    assert AfricasTalkingPhone(client, PHONE, "hung-1").dial().startswith(MAIN)
    with server.frozen():  # the socket read times out (gateway.runtime.REDIS_READ_TIMEOUT_S)
        assert AfricasTalkingPhone(client, PHONE, "hung-2").post("") == (200, f"END {unavailable(app)}")
    assert AfricasTalkingPhone(client, PHONE, "hung-3").dial().startswith(MAIN)


def test_a_stored_session_that_cannot_be_read_gets_the_error_end_not_a_500(app: Flask, server: RedisServer) -> None:
    client = app.test_client()
    phone = AfricasTalkingPhone(client, PHONE, "corrupt")
    assert phone.dial().startswith(MAIN)
    redis.Redis.from_url(server.url).set(redis_keys.session(PHONE, "corrupt"), b"{not json", ex=60)
    error = app.extensions["jembatan"].menus.current.catalog.render("id", "engine.error")
    assert phone.post("1") == (200, f"END {error}")
