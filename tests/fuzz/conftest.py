"""Fuzz fixtures: the demo app on SQLite and PostgreSQL with real Redis (the per-endpoint request count at the end
of the run is printed by tests/conftest.py, which also gathers it from xdist workers)."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import Engine

from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine
from tests.fuzz.support import Fuzzer, fuzz_app


@pytest.fixture
def fuzzer(db_engine: Engine, redis_client: redis.Redis) -> Fuzzer:
    app = fuzz_app(db_engine)
    return Fuzzer(app, app.test_client(), redis_client, db_engine)
