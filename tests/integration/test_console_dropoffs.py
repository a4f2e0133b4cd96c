"""The drop-off page: who may read it, its filters, and what it shows before the counters exist."""

from __future__ import annotations

import importlib.util

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine

from gateway.banking.ledger import SqlBank
from gateway.staff import Role
from tests.banking_fixtures import NOW, bank, demo_bank, sqlite_engine
from tests.console_support import Browser, add_member, console_app


@pytest.fixture
def db_engine(sqlite_engine: Engine) -> Engine:
    return sqlite_engine


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Flask:
    return console_app(demo_bank, db_engine, NOW)


def _as(app: Flask, engine: Engine, role: Role) -> Browser:
    add_member(engine, role.value, role, NOW)
    browser = Browser(app.test_client())
    assert browser.login(role.value).status_code == 302
    return browser


def test_operators_read_the_drop_offs_and_officers_do_not(app: Flask, db_engine: Engine) -> None:
    operator = _as(app, db_engine, Role.OPERATOR)
    status, page = operator.page("/console/funnels?since=2025-12-01&until=2025-12-05")
    assert status == 200 and "Titik berhenti penelepon" in page
    if importlib.util.find_spec("gateway.funnels") is None:
        assert "belum tersedia" in page
    else:
        assert 'id="screen-stats"' in page and "Corong pengajuan pinjaman" in page
    assert _as(app, db_engine, Role.OFFICER).page("/console/funnels")[0] == 403


@pytest.mark.parametrize(
    "query",
    ["since=kemarin", "since=2025-12-05&until=2025-12-01", "since=2025-01-01&until=2025-12-01", "release=%3Cx%3E"],
)
def test_nonsense_filters_are_a_400(app: Flask, db_engine: Engine, query: str) -> None:
    assert _as(app, db_engine, Role.SUPERVISOR).page(f"/console/funnels?{query}")[0] == 400
