"""Fuzz fixtures: the demo app on SQLite and PostgreSQL with real Redis; a per-endpoint request count at the end."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import Engine

from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine
from tests.fuzz.support import REQUESTS, Fuzzer, fuzz_app


@pytest.fixture
def fuzzer(db_engine: Engine, redis_client: redis.Redis) -> Fuzzer:
    app = fuzz_app(db_engine)
    return Fuzzer(app, app.test_client(), redis_client, db_engine)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not REQUESTS:
        return
    total = sum(sum(statuses.values()) for statuses in REQUESTS.values())
    errors = sum(count for statuses in REQUESTS.values() for status, count in statuses.items() if status >= 500)
    terminalreporter.write_line(f"fuzz: {total} requests, {errors} answered >= 500")
    for endpoint, statuses in sorted(REQUESTS.items()):
        by_status = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        terminalreporter.write_line(f"fuzz {endpoint}: {sum(statuses.values())} requests ({by_status})")
