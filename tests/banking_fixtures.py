"""Database fixtures for the ledger tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL comes from `TEST_DATABASE_URL` (default: the local server). Each test gets a schema of its
own, dropped afterwards. An unreachable server skips the PostgreSQL half, except under `CI=true`,
where it fails: CI must test what production runs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from gateway.banking.demo import seed
from gateway.banking.ledger import SqlBank
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2025, 12, 5, 3, 0, tzinfo=UTC)
"""10:00 in Jakarta, 11:00 in Makassar."""
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def pg_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)


def _reachable(admin: Engine) -> str | None:
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
    return None


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    admin = make_engine(pg_url())
    problem = _reachable(admin)
    if problem is not None:
        admin.dispose()
        why = f"PostgreSQL at {admin.url.render_as_string(hide_password=True)} is unreachable ({problem})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why}; CI must provide it (set TEST_DATABASE_URL)")
        pytest.skip(f"{why}; set TEST_DATABASE_URL or start the server to run the PostgreSQL tests")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(pg_url(), search_path=schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_engine(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{'pg' if request.param == 'postgresql' else 'sqlite'}_engine")
    return engine


@pytest.fixture
def bank(db_engine: Engine) -> SqlBank:
    upgrade(db_engine)
    return SqlBank(db_engine, hasher=FAST_HASHER)


@pytest.fixture
def demo_bank(bank: SqlBank) -> SqlBank:
    return seed(bank, NOW)
