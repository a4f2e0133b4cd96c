"""Shared fixtures: a real Redis (a database claimed by this run, flushed around each test) and the apps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from gateway.app import create_app
from gateway.config import Settings
from gateway.runtime import Runtime, build_runtime
from tests import redis_claim

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def redis_test_url() -> str:
    """The run's own Redis database (see tests/redis_claim.py)."""
    return f"{redis_claim.server_url()}/{redis_claim.claimed_db()}"


def pytest_unconfigure(config: pytest.Config) -> None:
    redis_claim.release()


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_test_url())
    try:
        client.ping()
    except redis.ConnectionError as exc:  # the suite talks to a real Redis, never a mock
        pytest.fail(f"no Redis at {redis_test_url()}: {exc}; run the tests through 'make test'")
    redis_claim.refresh()
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def basic_settings(**overrides: object) -> Settings:
    base = Settings(
        redis_url=redis_test_url(),
        database_url="sqlite://",
        menus_dir=FIXTURES / "basic" / "menus",
        locales_dir=FIXTURES / "basic" / "locales",
        handlers_module="tests.fixtures.basic.handlers",
        secret_key="test-secret",
        retry_wait_s=1.0,
    )
    return base.with_overrides(overrides)


@pytest.fixture
def basic_runtime(redis_client: redis.Redis) -> Runtime:
    """The engine's test menu with deterministic handlers and no bank."""
    engine = create_engine("sqlite://")
    return build_runtime(basic_settings(), bank=object(), db_engine=engine)


@pytest.fixture
def basic_app(basic_runtime: Runtime) -> Flask:
    return create_app(runtime=basic_runtime)


@pytest.fixture
def basic_client(basic_app: Flask) -> FlaskClient:
    return basic_app.test_client()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker: hand its fuzz request counts to the controller, which prints them."""
    from tests.fuzz.support import REQUESTS

    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_requests"] = [[endpoint, list(statuses.items())] for endpoint, statuses in REQUESTS.items()]


def pytest_testnodedown(node: Any, error: object) -> None:
    from tests.fuzz.support import REQUESTS

    for endpoint, statuses in getattr(node, "workeroutput", {}).get("fuzz_requests", []):
        for status, count in statuses:
            REQUESTS[endpoint][status] += count


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.fuzz.support import REQUESTS

    if not REQUESTS or hasattr(terminalreporter.config, "workeroutput"):
        return
    total = sum(sum(statuses.values()) for statuses in REQUESTS.values())
    errors = sum(count for statuses in REQUESTS.values() for status, count in statuses.items() if status >= 500)
    terminalreporter.write_line(f"fuzz: {total} requests, {errors} answered >= 500")
    for endpoint, statuses in sorted(REQUESTS.items()):
        by_status = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        terminalreporter.write_line(f"fuzz {endpoint}: {sum(statuses.values())} requests ({by_status})")
